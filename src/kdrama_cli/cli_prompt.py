"""Questions asked at a terminal, one line each: the answer is checked by the check of
the option it stands for, and asked again after a bad one, saying why; TAB completes
from the catalog where the standard library's ``readline`` is there (without it the
questions work the same, without completion)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TypeVar

import typer

from .cli_core import note

_T = TypeVar("_T")

# The candidates for the word being typed: given the text before it on the line (up
# to the last delimiter) and the word itself.
Candidates = Callable[[str, str], Sequence[str]]


def ask(prompt: str) -> str:
    """One answer typed at the terminal. Ctrl-C ends the command as everywhere (exit
    130); the end of input (Ctrl-D) aborts it (exit 1). Neither has written anything.
    Unlike ``typer.prompt``, which makes both an abort, and asks again silently after
    an empty answer instead of saying why it is refused."""
    typer.echo(f"{prompt}:", nl=False)
    try:
        return input(" ")  # the space is the prompt's: line editing never erases it
    except EOFError:
        typer.echo()
        raise typer.Abort() from None
    except KeyboardInterrupt:
        typer.echo()
        raise


def ask_until(
    prompt: str, check: Callable[[str], _T], candidates: Candidates | None = None, delims: str = ""
) -> _T:
    """Ask until the answer passes ``check`` (which raises typer.BadParameter saying
    why not), TAB offering ``candidates`` for the word after the last of ``delims``
    (the whole line when there are none)."""
    with completing(candidates, delims):
        while True:
            try:
                return check(ask(prompt))
            except typer.BadParameter as error:
                note(f"Error: {error.message}", style="red")


def _readline() -> ModuleType | None:
    try:
        import readline
    except ImportError:  # a Python built without it: questions work, without completion
        return None
    return readline


@contextmanager
def completing(candidates: Candidates | None, delims: str = "") -> Iterator[None]:
    """TAB completes with ``candidates`` while the block runs; readline's completer
    and delimiters are put back afterwards. Without candidates readline is not
    loaded for the question (its keys would take Ctrl-G and such as commands); once
    an earlier question has loaded it, TAB offers nothing (not file names, readline's
    own choice)."""
    readline = _readline() if candidates is not None else sys.modules.get("readline")
    if readline is None:
        yield
        return
    offer = candidates or _nothing
    found: list[str] = []

    def complete(word: str, state: int) -> str | None:
        if state == 0:
            before = readline.get_line_buffer()[: readline.get_begidx()]
            found[:] = _offered(word, offer(before, word))
        return found[state] if state < len(found) else None

    previous, previous_delims = readline.get_completer(), readline.get_completer_delims()
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
        readline.parse_and_bind("set completion-ignore-case on")
    readline.set_completer(complete)
    readline.set_completer_delims(delims)
    try:
        yield
    finally:
        readline.set_completer(previous)
        readline.set_completer_delims(previous_delims)


def _offered(word: str, names: Sequence[str]) -> list[str]:
    """The candidates to offer: those spelled as typed (in any case) when there are
    some, since readline would otherwise cut the typed word back to what all of them
    share; else the names in other spellings ("Hyeon" for Hyun Bin), which replace it."""
    same = [name for name in names if name.casefold().startswith(word.casefold())]
    return same or list(names)


def _nothing(before: str, word: str) -> list[str]:
    return []
