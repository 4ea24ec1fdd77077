"""The machinery under every command: the one place errors end, commands loaded
only when used, help drawn by ``cli_help``, notes for people on stderr, and stdout
made ready for what is written to it. ``cli`` builds the app on it; the command
modules take ``command_set``, ``note``, ``confirm`` and ``usage_error`` from here.
"""

import contextlib
import importlib
import io
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

from . import storage
from .errors import ExitCode, KdramaError
from .streams import OutputError, silence_stdout


def note(message: str, style: str = "dim") -> None:
    """Tell the person at the terminal something, on stderr, so pipes stay clean."""
    from rich.console import Console
    from rich.text import Text

    from .text import visible

    console = Console(stderr=True, highlight=False, emoji=False)
    with contextlib.suppress(OSError):  # stderr full or failing: nowhere left to say it
        console.print(Text(visible(message), style=style), soft_wrap=True)


def confirm(question: str, *, default: bool = False) -> bool:
    """Ask the person at the terminal a yes/no question. Catalog text in it (a title,
    a name) is written out as in tables (``text.visible``): a prompt must no more
    clear the screen or write to the clipboard than a table may."""
    from .text import visible

    return typer.confirm(visible(question), default=default)


def _say_upgrading(path: Path, scenes: int) -> None:
    note(f"Upgrading {path} ({scenes:,} scenes) for this kdrama: once, and it takes a while.")


def usage_error(message: str) -> NoReturn:
    """End with a usage error (exit 2) that is not about one option's value."""
    note(f"Error: {message}", style="red")
    raise typer.Exit(ExitCode.USAGE_ERROR)


class Listed(NamedTuple):
    """Where a command is defined, and the line help lists it with."""

    module: str
    summary: str


# The commands defined outside this module, in the order help lists them: the module
# that defines each, and the first paragraph of its help, so that `kdrama --help`
# lists them without importing every module (a third of its time). test_startup
# checks both against the modules.
COMMANDS = {
    "search": Listed(
        "cli_search", "Search scenes, dramas and names for words, best matches first."
    ),
    "actors": Listed("cli_facets", "Count scenes by actor, most first."),
    "dramas": Listed("cli_facets", "Count scenes by drama, most first."),
    "years": Listed("cli_facets", "Count scenes by the year of their drama, most first."),
    "tags": Listed("cli_facets", "Count scenes by tag, most first."),
    "stats": Listed(
        "cli_facets",
        "Show the catalog at a glance: totals, scenes per year, top actors, dramas and"
        " tags, ratings.",
    ),
    "add": Listed("cli_edit", "Add a scene to your catalog and print its id."),
    "edit": Listed("cli_edit", "Change a scene: only the options given change."),
    "rm": Listed("cli_edit", "Remove scenes from your catalog."),
    "import": Listed(
        "cli_edit",
        "Import scenes from JSON, JSON Lines, CSV or TSV, as `list` and `export` write them.",
    ),
    "fav": Listed("cli_edit", "Mark scenes as favourites."),
    "unfav": Listed("cli_edit", "Unmark scenes as favourites."),
    "rate": Listed("cli_edit", "Rate a scene from 1 to 5."),
    "unrate": Listed("cli_edit", "Clear a scene's rating."),
    "tag": Listed(
        "cli_edit",
        "Tag scenes: add (+word, or word) and remove (-word) tags, or list a scene's tags.",
    ),
    "note": Listed("cli_note", "Write your note on a scene, or read it."),
    "open": Listed("cli_note", "Open a scene's clip in your browser, at the scene's time."),
    "drama": Listed("cli_names", "Change the titles and network a drama is known by."),
    "person": Listed("cli_names", "Change the names a person is known by."),
    "character": Listed("cli_names", "Change the names a character is known by."),
    "browse": Listed(
        "cli_browse",
        "Browse the catalog in Datasette, read-only, in a web browser (needs kdrama\\[web]).",
    ),
    "tui": Listed(
        "cli_tui",
        "Browse, search and pick scenes full-screen in the terminal (needs kdrama\\[tui]).",
    ),
    "db": Listed("cli_db", "Which catalog kdrama uses, and what it holds."),
}
COMMAND_MODULES = {name: listed.module for name, listed in COMMANDS.items()}


class HelpCommand(TyperCommand):
    """A command whose --help is drawn by ``cli_help`` (see there for why), and whose
    text arguments are checked to be text."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .cli_help import print_help

        print_help(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest: list[str] = super().parse_args(ctx, args)
        for param in self.get_params(ctx):
            if param.type.name == "path" or "FILE" in (param.metavar or ""):
                continue  # file names are bytes, not text: any a system allows is taken
            value = ctx.params.get(param.name)
            for text in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(text, str) and not _is_text(text):
                    raise typer.BadParameter(
                        f"{_as_bytes(text)} is not valid UTF-8 text", ctx=ctx, param=param
                    )
        return rest


def _is_text(value: str) -> bool:
    """Whether ``value`` is Unicode text: an argument that is not valid UTF-8 arrives
    with its bytes as lone surrogates (Python's surrogateescape), which no file, JSON
    or terminal can take."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _as_bytes(value: str) -> str:
    """An argument that is not text, shown as the bytes it was typed as."""
    try:
        return repr(value.encode("utf-8", "surrogateescape"))[1:]
    except UnicodeEncodeError:
        return ascii(value)


class HelpGroup(TyperGroup):
    """A group whose --help is drawn by ``cli_help``."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .cli_help import print_help

        print_help(self, ctx, self.summaries(ctx))

    def summaries(self, ctx: Any) -> list[tuple[str, str]]:
        """Each visible command's name and help, as help lists them."""
        commands = (self.get_command(ctx, name) for name in self.list_commands(ctx))
        return [(c.name or "", c.help or "") for c in commands if c is not None and not c.hidden]


class Commands(typer.Typer):
    """A Typer whose commands draw their help with ``cli_help``."""

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or HelpCommand, **kwargs)


def command_set(**settings: Any) -> Commands:
    """The Typer a command module adds its commands to, set up like the app, but for
    the completion options, which only the root command offers: Typer would add them
    to a module's one command (search, browse) built on its own."""
    return Commands(
        cls=HelpGroup,
        rich_markup_mode="rich",
        pretty_exceptions_show_locals=False,
        add_completion=False,
        **settings,
    )


def _load_commands(module_name: str) -> dict[str, Any]:
    """Import a command module and build its commands as Click commands, by name."""
    module = importlib.import_module(f".{module_name}", __package__)
    built = typer.main.get_command(module.commands)
    if isinstance(built, TyperGroup):
        return dict(built.commands)
    return {built.name or module_name: built}


class _LazyCommands(MutableMapping[str, Any]):
    """The app's commands by name, where a command module is imported and built the
    first time one of its commands is looked up. Typer builds every command of an app
    up front, reading each signature; this keeps that to the commands a run uses."""

    def __init__(self, built: Mapping[str, Any]) -> None:
        self._built = dict(built)
        self._order = [*self._built, *(name for name in COMMAND_MODULES if name not in built)]

    def __getitem__(self, name: str) -> Any:
        if name not in self._built and name in COMMAND_MODULES:
            self._built.update(_load_commands(COMMAND_MODULES[name]))
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._order:
            self._order.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._order.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order

    def summaries(self) -> list[tuple[str, str]]:
        """Each visible command's name and help; for help, which lists them all, and
        would otherwise build every command only to print one line of each."""
        found = {name: cmd.help or "" for name, cmd in self._built.items() if not cmd.hidden}
        unbuilt = {name: COMMANDS[name].summary for name in COMMANDS if name not in self._built}
        found = {**unbuilt, **found}
        return [(name, found[name]) for name in self._order if name in found]


class KdramaGroup(HelpGroup):
    """The one place every run ends: a usage error is a plain note and exit 2, the
    library's errors, a stdout that cannot be written and a write the system refuses
    one line on stderr and exit 1, Ctrl-C "Interrupted." and exit 130, and a reader
    closing the pipe early ends the command quietly with 141."""

    def __init__(self, *args: Any, commands: Mapping[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.commands = self._lazy = _LazyCommands(commands or {})

    def summaries(self, ctx: Any) -> list[tuple[str, str]]:
        return self._lazy.summaries()

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run as Typer does, but show usage errors here, as plain notes: Typer's panel
        would load Markdown and Pygments support first (130 ms), and would send
        control characters typed in an argument straight to the terminal."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            done = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                sys.exit(0)  # `kdrama db` alone: its help, shown, as `kdrama` alone shows
            _show_usage_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            note("Aborted.", style="red")
            sys.exit(ExitCode.RUNTIME_ERROR)
        sys.exit(done if isinstance(done, int) else 0)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Parse, ending quietly when ``kdrama --help`` is piped into a reader that
        stops early (the options are parsed outside ``invoke``)."""
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except OutputError as error:  # --help or --version, to a full disk say
            _output_failed(error)

    def invoke(self, ctx: Any) -> Any:
        storage.upgrade_notice = _say_upgrading
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Typer's own ends: a usage error, --help, an exit code
        except OutputError as error:
            _output_failed(error)
        except KdramaError as error:
            note(f"Error: {_one_line(str(error))}", style="red")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except BrokenPipeError:
            silence_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            note("Interrupted.", style="red")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except OSError as error:  # the system refused: a full disk, a failing device
            if _debugging(ctx):
                raise
            note(f"Error: {_one_line(_system_error(error))}", style="red")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except sqlite3.DatabaseError as error:
            if _debugging(ctx):
                raise
            note(f"Error: {_one_line(_database_error(error))}", style="red")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except Exception as error:
            if _debugging(ctx):
                raise
            note(f"Error: unexpected {type(error).__name__}: {_one_line(str(error))}", "red")
            note("That is a bug in kdrama; run again with --debug to see where it happened.")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None


def _database_error(error: sqlite3.DatabaseError) -> str:
    """What SQLite's error means for the catalog: a writer holding it for longer than
    the wait, a full disk or a damaged page is said as storage says it on opening."""
    from .storage import caused_by_the_machine, sqlite_failure  # only on this path

    if caused_by_the_machine(error):
        return str(sqlite_failure(error, None))
    return f"cannot read the catalog: {error} (kdrama db check tells more)"


def _output_failed(error: OutputError) -> NoReturn:
    """Stdout failed (full, closed): what is left of the output is dropped, and the
    failure is said on stderr, in one line."""
    silence_stdout()
    note(f"Error: {error}", style="red")
    raise typer.Exit(ExitCode.RUNTIME_ERROR) from None


def _system_error(error: OSError) -> str:
    """What the system said, and about which file: "no space left on device: out.json"."""
    reason = error.strerror or str(error)
    reason = reason[:1].lower() + reason[1:]
    return f"{reason}: {error.filename}" if error.filename else reason


def _one_line(message: str) -> str:
    """An error message kept to its one line: a file name or a value may hold breaks."""
    return message.replace("\n", "\\n").replace("\r", "\\r")


def _show_usage_error(error: typer.TyperException) -> None:
    """A usage error as Click words it: the usage line, where to find help, and the
    error, with anything typed in an argument shown as text."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        note(ctx.get_usage(), style="")
        if ctx.command.get_help_option(ctx) is not None:
            note(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.")
    note(f"Error: {error.format_message()}", style="red")


# Only these show a traceback: for an unexpected error, everyone else gets one line.
DEBUG_VAR = "KDRAMA_DEBUG"
DEBUG_KEY = "kdrama.debug"


def _debugging(ctx: Any) -> bool:
    """Whether --debug or KDRAMA_DEBUG asks to see unexpected errors whole."""
    return bool(ctx.meta.get(DEBUG_KEY)) or os.environ.get(DEBUG_VAR, "0") not in ("", "0")


def never_fail_to_encode() -> None:
    """Where the locale cannot encode some text (PYTHONIOENCODING=ascii, LANG=C), show
    what it cannot as \\uXXXX escapes instead of failing mid-output."""
    for stream in (sys.stdout, sys.stderr):
        if not _writes_utf8(stream) and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def utf8_stdout() -> None:
    """Write stdout as UTF-8 whatever the locale says: JSON must be UTF-8, and programs
    reading CSV expect it, so PYTHONIOENCODING=ascii or LANG=C cannot break a pipe.
    (Tables for people keep the terminal's encoding; Rich draws within it.)"""
    if not _writes_utf8(sys.stdout) and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")


def _writes_utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "") == "utf8"
