"""The kdrama command line: parse options, call the catalog API, render the result.

Rich and the renderers are imported inside the functions that draw, not at the top,
and the other command modules only when one of their commands runs: every run of
kdrama, and every TAB of shell completion, pays for what it uses and no more.
"""

import importlib
import inspect
import io
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

from . import __version__, options
from .catalog import Catalog
from .errors import ExitCode, KdramaError, NothingToPick
from .models import (
    DetailFormat,
    ExportFormat,
    OutputFormat,
    SceneFilter,
    Sort,
    Unmatched,
    YearRange,
)
from .storage import locate

if TYPE_CHECKING:
    from .models import Scene


def note(message: str, style: str = "dim") -> None:
    """Tell the person at the terminal something, on stderr, so pipes stay clean."""
    from rich.console import Console
    from rich.text import Text

    from .render import visible

    console = Console(stderr=True, highlight=False, emoji=False)
    console.print(Text(visible(message), style=style), soft_wrap=True)


def _silence_stdout() -> None:
    """After the reader of a pipe has gone, drop further output instead of failing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def usage_error(message: str) -> NoReturn:
    """End with a usage error (exit 2) that is not about one option's value."""
    note(f"Error: {message}", style="red")
    raise typer.Exit(ExitCode.USAGE_ERROR)


# The commands defined outside this module, in the order help lists them, and the
# module that defines each. test_startup checks this against the modules.
COMMAND_MODULES = {
    "search": "cli_search",
    "actors": "cli_facets",
    "dramas": "cli_facets",
    "years": "cli_facets",
    "stats": "cli_facets",
    "add": "cli_edit",
    "edit": "cli_edit",
    "rm": "cli_edit",
    "import": "cli_edit",
    "fav": "cli_edit",
    "unfav": "cli_edit",
    "rate": "cli_edit",
    "unrate": "cli_edit",
    "browse": "cli_browse",
    "db": "cli_db",
}


class HelpCommand(TyperCommand):
    """A command whose --help is drawn by ``cli_help`` (see there for why)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from .cli_help import print_help

        print_help(self, ctx)


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
    """The Typer a command module adds its commands to, set up like the app."""
    return Commands(
        cls=HelpGroup, rich_markup_mode="rich", pretty_exceptions_show_locals=False, **settings
    )


def _load_commands(module_name: str) -> dict[str, Any]:
    """Import a command module and build its commands as Click commands, by name."""
    module = importlib.import_module(f".{module_name}", __package__)
    built = typer.main.get_command(module.commands)
    if isinstance(built, TyperGroup):
        return dict(built.commands)
    return {built.name or module_name: built}


def _module_summaries(module_name: str) -> dict[str, str]:
    """A command module's visible commands and their help, read without building them."""
    module = importlib.import_module(f".{module_name}", __package__)
    found: dict[str, str] = {}
    for info in module.commands.registered_commands:
        if not info.hidden and info.callback is not None:
            name = info.name or typer.main.get_command_name(info.callback.__name__)
            found[name] = info.help or inspect.getdoc(info.callback) or ""
    for group in module.commands.registered_groups:
        if group.typer_instance is not None:
            settings = group.typer_instance.info
            found[str(settings.name)] = str(settings.help or "")
    return found


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
        unbuilt = [name for name in self._order if name not in self._built]
        for module in dict.fromkeys(COMMAND_MODULES[name] for name in unbuilt):
            found = {**_module_summaries(module), **found}
        return [(name, found[name]) for name in self._order if name in found]


class _KdramaGroup(HelpGroup):
    """The one place expected failures end: the library's errors become one line on
    stderr and exit 1; a reader closing the pipe early ends the command quietly."""

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
            _silence_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Typer's own ends: a usage error, --help, an exit code
        except KdramaError as error:
            note(f"Error: {_one_line(str(error))}", style="red")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            note("Interrupted.", style="red")
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except sqlite3.DatabaseError as error:
            if _debugging(ctx):
                raise
            note(
                f"Error: cannot read the catalog: {_one_line(str(error))} "
                "(kdrama db check tells more)",
                style="red",
            )
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except Exception as error:
            if _debugging(ctx):
                raise
            note(f"Error: unexpected {type(error).__name__}: {_one_line(str(error))}", "red")
            note("That is a bug in kdrama; run again with --debug to see where it happened.")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None


def _one_line(message: str) -> str:
    """An error message kept to its one line: a file name or a value may hold breaks."""
    return message.replace("\n", "\\n").replace("\r", "\\r")


def _show_usage_error(error: typer.TyperException) -> None:
    """A usage error as Click words it: the usage line, where to find help, and the
    error, with anything typed in an argument shown as text."""
    if type(error).__name__ == "NoArgsIsHelpError":
        return  # the help it stands for has been shown
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        note(ctx.get_usage(), style="")
        if ctx.command.get_help_option(ctx) is not None:
            note(f"Try '{ctx.command_path} {ctx.help_option_names[0]}' for help.")
    note(f"Error: {error.format_message()}", style="red")


# Only these show a traceback: for an unexpected error, everyone else gets one line.
DEBUG_VAR = "KDRAMA_DEBUG"
_DEBUG = "kdrama.debug"


def _debugging(ctx: Any) -> bool:
    """Whether --debug or KDRAMA_DEBUG asks to see unexpected errors whole."""
    return bool(ctx.meta.get(_DEBUG)) or os.environ.get(DEBUG_VAR, "0") not in ("", "0")


app = Commands(
    cls=_KdramaGroup,
    name="kdrama",
    invoke_without_command=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kdrama {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the full traceback of an unexpected error (or KDRAMA_DEBUG=1)."
        ),
    ] = False,
) -> None:
    """A catalog of memorable K-drama scenes: find, filter, pick at random, pipe as JSON.

    Try: [bold]kdrama list --actor "Son Ye Jin"[/bold] or [bold]kdrama random[/bold].
    """
    ctx.meta[_DEBUG] = debug
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def scene_filter(
    actor: list[str] | None,
    character: list[str] | None,
    drama: str | None,
    year: YearRange | None,
    favorites: bool = False,
    min_rating: int | None = None,
) -> SceneFilter:
    """The filter that list's options describe."""
    return SceneFilter(
        actors=tuple(actor or ()),
        characters=tuple(character or ()),
        drama=drama,
        years=year or YearRange(),
        favorites=favorites,
        min_rating=min_rating,
    )


def output_format(ctx: typer.Context, fmt: OutputFormat, json_flag: bool) -> OutputFormat:
    """--json is a shortcut for --format json; asking for both json and another clashes.
    Stdout is made ready for the format chosen (see ``utf8_stdout``)."""
    if json_flag:
        source = ctx.get_parameter_source("fmt")
        if source is not None and source.name != "DEFAULT" and fmt is not OutputFormat.json:
            raise typer.BadParameter(
                f"--json clashes with --format {fmt.value}; use one of them", param_hint="'--json'"
            )
        fmt = OutputFormat.json
    if fmt is not OutputFormat.table:
        utf8_stdout()
    return fmt


def _never_fail_to_encode() -> None:
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


def _show_scenes(scenes: Iterable["Scene"], fmt: OutputFormat) -> int:
    from .render import render_scenes

    return render_scenes(scenes, fmt, sys.stdout)


def suggest_names(unmatched: list[Unmatched]) -> None:
    """Say which names matched nothing, and what the catalog has that is close."""
    for name in unmatched:
        message = f"No {name.kind.value} matches {name.text!r}."
        if name.suggestions:
            message += f" Did you mean: {', '.join(name.suggestions)}?"
        note(message, style="yellow")


def explain_empty(catalog: Catalog, filters: SceneFilter, fmt: OutputFormat) -> None:
    """After an empty result: name what matched nothing, or say plainly that no scene
    matched (under a table, where an empty stdout would look like a failure)."""
    unmatched = catalog.unmatched_names(filters)
    if unmatched:
        suggest_names(unmatched)
    elif fmt is OutputFormat.table:
        note("No scenes match.")


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    sort: options.SortBy = Sort.ID,
    desc: options.Descending = False,
    limit: options.Limit = None,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """List scenes, filtered and sorted.

    [bold]Examples[/bold]

      kdrama list --actor "Son Ye Jin"
      kdrama list --actor 손예진 --drama CLOY
      kdrama list --drama "Secretary Kim" --year 2016..2018 --sort year
      kdrama list --json | jq '.[].title'
    """
    fmt = output_format(ctx, fmt, json_)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating)
    from .export import write_scenes

    with Catalog.open(locate(db)) as catalog:
        if not write_scenes(catalog, filters, fmt, sys.stdout, sort, limit, descending=desc):
            explain_empty(catalog, filters, fmt)


@app.command()
def random(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    count: Annotated[
        int,
        typer.Option(
            "--count",
            "-n",
            metavar="N",
            parser=options.positive_int,
            help="How many scenes to pick.",
        ),
    ] = 1,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="S", parser=options.whole_number, help="Make the pick reproducible."
        ),
    ] = None,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """Pick scenes at random (different ones) for tonight.

    [bold]Examples[/bold]

      kdrama random
      kdrama random --actor "Song Hye Kyo" --count 2
      kdrama random --year 2018.. --seed 7 --json
    """
    fmt = output_format(ctx, fmt, json_)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating)
    with Catalog.open(locate(db)) as catalog:
        try:
            scenes = catalog.random_scenes(filters, count, seed)
        except NothingToPick:
            suggest_names(catalog.unmatched_names(filters))
            raise
    if len(scenes) < count:
        note(f"Only {len(scenes)} scene(s) match; showing all of them.")
    _show_scenes(scenes, fmt)


@app.command()
def show(
    scene_id: Annotated[
        int, typer.Argument(metavar="ID", parser=options.positive_int, help="The scene's id.")
    ],
    fmt: Annotated[
        DetailFormat,
        typer.Option("--format", "-f", case_sensitive=False, help="table or json."),
    ] = DetailFormat.table,
    db: options.Db = None,
) -> None:
    """Show one scene in full: drama, network, year, cast, description and source.

    [bold]Examples[/bold]

      kdrama show 6
      kdrama show 6 --format json
    """
    from .render import render_scene_detail

    with Catalog.open(locate(db)) as catalog:
        scene = catalog.get_scene(scene_id)
    if fmt is DetailFormat.json:
        utf8_stdout()
    render_scene_detail(scene, fmt, sys.stdout)


@app.command()
def export(
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="json, jsonl or csv [default: from the -o file's extension, else json]",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", dir_okay=False, help="Write to FILE, not stdout."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    db: options.Db = None,
) -> None:
    """Export scenes, all or filtered, in a format `kdrama import` reads back.

    [bold]Examples[/bold]

      kdrama export -o backup.json
      kdrama export --favorites --format csv > favourites.csv
      kdrama export --actor "Son Ye Jin" -o son-ye-jin.jsonl
    """
    from .export import export_scenes

    fmt = fmt or ExportFormat.from_path(output)
    utf8_stdout()
    filters = scene_filter(actor, character, drama, year, favorites, min_rating)
    with Catalog.open(locate(db)) as catalog:
        count = export_scenes(catalog, filters, OutputFormat(fmt.value), output, force=force)
    if output is not None:
        note(f"Exported {count} scene(s) to {output}.")


def main() -> NoReturn:
    """Console-script entry point: run the app; end quietly when a pipe closes early,
    and with 130 whenever Ctrl-C was pressed."""
    _never_fail_to_encode()
    signal.signal(signal.SIGINT, _interrupt)
    try:
        app()
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:  # outside a command: while parsing, say
        code = ExitCode.INTERRUPTED
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = ExitCode.BROKEN_PIPE
    if _interrupted and code != ExitCode.INTERRUPTED:
        # Python drops an interrupt that lands in a finaliser or a callback, with a
        # message on stderr; the run was still interrupted.
        code = ExitCode.INTERRUPTED
    sys.exit(code)


_interrupted = False


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: remembered, then raised as Python's default handler does."""
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt
