"""What the commands that change a catalog share: the catalog a change goes to, and
option text checked as it will be stored. Used by ``cli_edit`` and ``cli_names``."""

import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import typer

from .catalog import Catalog
from .importfile import RecordError
from .records import clean_text
from .storage import Location, Origin, locate_for_writing, made_on_commit, signals_held


@contextmanager
def writable(db: Path | None, *, create: bool = False) -> Iterator[Catalog]:
    """The catalog a change goes to (never the bundled one), ready for writing. One
    that does not exist yet (``create``, or the user catalog) is made aside and put in
    place when the change commits: a command that fails, is interrupted or is killed
    before then leaves no catalog behind.

    Ctrl-C or SIGTERM before the change commits stops it, and nothing is written
    (SIGTERM is taken as Ctrl-C). Once it commits they wait until the block is done:
    a command says what it changed inside the block, then that it was interrupted too
    late to stop the change, and ends with 0, since the change is saved."""
    location = locate_for_writing(db)
    with (
        _terminate_as_interrupt(),
        signals_held() as held,
        _made_on_commit(location, create=create) as target,
        Catalog.open(target, write=True, create=create) as catalog,
    ):
        # The user catalog may have taken in bundled scenes as it opened: not this
        # command's change, so an interruption held since then takes effect now.
        held.release()
        yield catalog
    if held.signals:
        typer.echo("Interrupted too late to stop the change: it was saved whole.", err=True)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, as Ctrl-C does, so that a change it stops is
    rolled back and a catalog made for it removed, rather than the process ending
    wherever it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def _made_on_commit(location: Location, *, create: bool) -> AbstractContextManager[Location]:
    """Where a missing catalog is made: ``storage.made_on_commit``, for a command that
    may create it and for the user catalog (made from the bundled one by any change)."""
    if create or location.origin is Origin.USER:
        return made_on_commit(location)
    return nullcontext(location)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stored(value: str, option: str, *, required: bool = False) -> str:
    """An option's text as it will be stored, checked as an import checks it (length,
    control characters; not blank when ``required``); a bad one is a usage error
    naming the option."""
    try:
        text = clean_text(value, option.removeprefix("--"))
    except RecordError as error:
        raise typer.BadParameter(str(error), param_hint=f"'{option}'") from None
    if not text and required:
        raise typer.BadParameter("must not be empty", param_hint=f"'{option}'")
    return text
