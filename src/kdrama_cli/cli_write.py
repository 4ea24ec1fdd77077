"""What the commands that change a catalog share: the catalog a change goes to, and
option text checked as it will be stored. Used by ``cli_edit`` and ``cli_names``."""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import typer

from .catalog import Catalog
from .importfile import RecordError
from .records import clean_text
from .storage import locate_for_writing, removed_if_left_empty


@contextmanager
def writable(db: Path | None, *, create: bool = False) -> Iterator[Catalog]:
    """The catalog a change goes to (never the bundled one), ready for writing. One
    that ``create`` makes is removed again if the command fails before writing to it."""
    location = locate_for_writing(db)
    cleanup = removed_if_left_empty(location.path) if create else nullcontext()
    with cleanup, Catalog.open(location, write=True, create=create) as catalog:
        yield catalog


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
