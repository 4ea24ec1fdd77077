"""Commands about one scene's moment: ``note`` (a fan's note, given, or written in an
editor as ``git commit`` does) and ``open`` (the scene's clip, in the browser)."""

import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from . import notes, options
from .catalog import Catalog
from .cli_core import command_set, note, usage_error
from .cli_write import writable
from .errors import KdramaError
from .importfile import RecordError
from .render import is_terminal, write_json, write_text
from .storage import locate

commands = command_set()

NoteText = Annotated[
    str | None,
    typer.Argument(
        metavar="[TEXT]",
        help="The note. Without it, your editor opens on the note (on a terminal), or"
        " the note is printed (piped).",
    ),
]


@commands.command("note")
def note_command(
    scene_id: options.SceneId,
    text: NoteText = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the scene's note.")] = False,
    json_: Annotated[
        bool, typer.Option("--json", help='Print {"id": …, "note": …} (null for none).')
    ] = False,
    db: options.Db = None,
) -> None:
    """Write your note on a scene, or read it.

    With TEXT, TEXT becomes the note. Without it, on a terminal, your editor
    ($VISUAL, else $EDITOR, else vi) opens on the note, as for `git commit`:
    save to keep what you wrote, save an empty file to remove the note.
    Piped, the note is printed. `kdrama search` finds the words of notes.

    [bold]Examples[/bold]

      kdrama note 6 "Watch it for the music at 42:13."
      kdrama note 6
      kdrama note 6 --clear
      kdrama note 6 --json
    """
    if clear and text is not None:
        usage_error("give a note or --clear, not both")
    if clear or text is not None:
        _set(scene_id, None if clear else _given(text), db, as_json=json_)
    elif json_ or not _at_terminal():
        _print(scene_id, db, as_json=json_)
    else:
        _edit(scene_id, db)


def _at_terminal() -> bool:
    """Whether a person can use an editor here: stdin and stdout are a terminal."""
    return is_terminal(sys.stdin) and is_terminal(sys.stdout)


def _given(text: str | None) -> str:
    """The note typed as an argument, checked; a usage error when it cannot be one."""
    try:
        given = notes.clean_note(text)
    except RecordError as error:
        raise typer.BadParameter(str(error), param_hint="'TEXT'") from None
    if given is None:
        raise typer.BadParameter("the note is empty; --clear removes a note", param_hint="'TEXT'")
    return given


def _set(scene_id: int, text: str | None, db: Path | None, *, as_json: bool) -> None:
    with writable(db) as catalog:
        changed = notes.set_note(catalog, scene_id, text)
        _tell(scene_id, text, changed)
    if as_json:
        write_json({"id": scene_id, "note": text}, sys.stdout)


def _tell(scene_id: int, text: str | None, changed: bool) -> None:
    if not changed:
        kept = "has no note" if text is None else "keeps its note"
        note(f"No change: scene {scene_id} {kept}.")
    elif text is None:
        note(f"Removed the note of scene {scene_id}.")
    else:
        note(f"Saved the note of scene {scene_id}.")


def _print(scene_id: int, db: Path | None, *, as_json: bool) -> None:
    with Catalog.open(locate(db)) as catalog:
        text = notes.note_of(catalog, scene_id)
    if as_json:
        write_json({"id": scene_id, "note": text}, sys.stdout)
    elif text is not None:
        write_text(text, sys.stdout)


def _edit(scene_id: int, db: Path | None) -> None:
    """Edit the note in the person's editor, on a file of its own, as git does. The
    catalog is not held meanwhile; a note changed elsewhere in that time is not
    overwritten. When what was written cannot be saved, the file is kept, and said."""
    with Catalog.open(locate(db)) as catalog:
        before = notes.note_of(catalog, scene_id)
    path = _note_file(scene_id, before)
    _run_editor(path, scene_id)
    try:
        after = notes.clean_note(_read_back(path))
        if after == before:
            _tell(scene_id, before, False)
        else:
            with writable(db) as catalog:
                notes.set_note(catalog, scene_id, after, expected=before)
                _tell(scene_id, after, True)
    except KdramaError as error:
        raise KdramaError(f"{error}; what you wrote is kept in {path}") from None
    path.unlink()


def _note_file(scene_id: int, text: str | None) -> Path:
    """A new file, readable by its owner only, holding the note for the editor."""
    handle, name = tempfile.mkstemp(prefix=f"kdrama-note-{scene_id}-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
        file.write(f"{text}\n" if text else "")
    return Path(name)


def _read_back(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise KdramaError(f"the note is not UTF-8 text (byte {error.start + 1})") from None


def _run_editor(path: Path, scene_id: int) -> None:
    """Run the person's editor on ``path`` and wait for it to end, as git does."""
    command, named_by = _editor()
    with _interrupts_left_to_the_editor() as in_the_editor:
        try:
            editor = subprocess.Popen([*command, str(path)], preexec_fn=in_the_editor)
        except OSError as error:
            path.unlink()
            raise KdramaError(_cannot_start(command[0], named_by, error, scene_id)) from None
        status = editor.wait()
    if status != 0:
        ended = f"was stopped by signal {-status}" if status < 0 else f"ended with status {status}"
        raise KdramaError(
            f"the editor {command[0]!r} {ended}; nothing was saved, and what you wrote is"
            f" kept in {path}"
        )


def _cannot_start(program: str, named_by: str | None, error: OSError, scene_id: int) -> str:
    reason = (error.strerror or str(error)).lower()
    if named_by is None:
        return (
            f"no editor could be started: $VISUAL and $EDITOR are not set and vi cannot be"
            f' run ({reason}); set one of them, or give the note: kdrama note {scene_id} "TEXT"'
        )
    return (
        f"cannot start the editor {program!r} that {named_by} names ({reason}); set $VISUAL"
        f' or $EDITOR to an editor, or give the note: kdrama note {scene_id} "TEXT"'
    )


@contextmanager
def _interrupts_left_to_the_editor() -> Iterator[Callable[[], None] | None]:
    """Ctrl-C and Ctrl-\\ are the editor's while it runs, as git leaves them: kdrama
    ignores them, and waits for the editor to end, then goes by how it ended. They are
    ignored from before the editor starts; what this yields gives them back to the
    editor, in its process before it runs."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in _EDITOR_SIGNALS}
    try:
        yield _default_signals
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _default_signals() -> None:
    for number in _EDITOR_SIGNALS:
        signal.signal(number, signal.SIG_DFL)


_EDITOR_SIGNALS = (signal.SIGINT, signal.SIGQUIT)


def _editor() -> tuple[list[str], str | None]:
    """The editor command, split as a shell would (it may carry options, as in
    "code --wait"), and the variable that names it: $VISUAL, else $EDITOR, as git
    reads them; else vi, and None."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if not value:
            continue
        try:
            words = shlex.split(value)
        except ValueError as error:
            raise KdramaError(f"cannot read ${variable} ({value!r}): {error}") from None
        if words and words[0]:  # '' names no program: the next choice is taken, as for a blank one
            return words, f"${variable}"
    return ["vi"], None


@commands.command("open")
def open_command(
    scene_id: options.SceneId,
    print_: Annotated[
        bool, typer.Option("--print", help="Print the link instead of opening it.")
    ] = False,
    link: Annotated[
        int,
        typer.Option(
            "--link",
            metavar="N",
            parser=options.positive_int,
            help="Open the scene's Nth clip link (1 is the first).",
        ),
    ] = 1,
    db: options.Db = None,
) -> None:
    """Open a scene's clip in your browser, at the scene's time.

    The scene's first clip link opens, at the scene's time where the site
    takes one in the link (YouTube). With --print, when stdout is not a
    terminal, or when no browser can be started, the link is printed instead.

    [bold]Examples[/bold]

      kdrama open 6
      kdrama open 6 --print
      kdrama open 6 --link 2
    """
    with Catalog.open(locate(db)) as catalog:
        url = notes.clip_to_open(catalog, scene_id, link)
    if print_ or not is_terminal(sys.stdout):
        write_text(url, sys.stdout)
    elif notes.open_in_browser(url):
        note(f"Opened {url}")
    else:
        note("No browser could be started; here is the link:")
        write_text(url, sys.stdout)
