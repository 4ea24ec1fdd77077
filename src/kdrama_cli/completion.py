"""Shell completion of actor, character and drama names and of tags, from the catalog in
use.

The completion scripts that ``kdrama --install-completion`` writes (Typer's, for bash,
zsh and fish) run ``kdrama`` on every TAB with ``_KDRAMA_COMPLETE`` set. When the word
being completed is the value of ``--actor``, ``--character``, ``--drama`` or ``--tag``,
it is answered here, before Typer and Rich are imported, so that TAB stays instant; any other
completion (commands, options) falls through to Typer.

Names complete in any spelling the name matcher knows (``kdrama_cli.names``): "So" and
"손" offer Son Ye Jin, "Hyeon" offers Hyun Bin. Typer's own completion would drop such
candidates, as it keeps only those that begin with the typed text. Tags complete from
those the catalog has, in any case ("KI" offers kiss).
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import COMPLETE_VAR
from .catalog import Catalog
from .errors import KdramaError
from .models import NameKind
from .names import is_hangul
from .storage import Location, locate
from .text import CONTROL

NAME_OPTIONS = {
    "--actor": NameKind.ACTOR,
    "-a": NameKind.ACTOR,
    "--character": NameKind.CHARACTER,
    "-c": NameKind.CHARACTER,
    "--drama": NameKind.DRAMA,
    "-d": NameKind.DRAMA,
}
TAG_OPTIONS = {"--tag"}
_BASH_SPECIAL = re.compile(r"([^\w\-.,:/@+=%])")


@dataclass(frozen=True)
class Answer:
    """What the completion process prints, and its exit code; ``error``, one line for
    stderr, says why a request could not be answered."""

    output: str
    exit_code: int = 0
    error: str = ""


class _BrokenRequest(Exception):
    """The shell's completion variables cannot be read (a hand-made or broken script)."""


def split_words(line: str) -> list[str]:
    """Split a command line as the shell would, keeping a last, unclosed quoted word."""
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:
        words.append(lexer.token)
    return words


def _typed(env: Mapping[str, str], shell: str) -> tuple[list[str], str]:
    """The words before the cursor and the word being typed, as each shell passes them."""
    if shell == "bash":
        if "COMP_WORDS" not in env or "COMP_CWORD" not in env:
            raise _BrokenRequest("bash completion needs COMP_WORDS and COMP_CWORD")
        words = split_words(env["COMP_WORDS"])
        cword = env["COMP_CWORD"].strip()
        if not (cword.isascii() and cword.isdigit()):
            raise _BrokenRequest(f"COMP_CWORD must be a word's number, not {cword!r}")
        at = int(cword)
        return words[1:at], words[at] if at < len(words) else ""
    line = env.get("_TYPER_COMPLETE_ARGS", "")
    words = split_words(line)[1:]
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _value_being_typed(
    before: list[str], incomplete: str, options: Collection[str]
) -> tuple[str, str] | None:
    """The option and the text typed so far, when completing the value of one of
    ``options``."""
    if before and before[-1] in options:
        return before[-1], incomplete
    if before[-2:-1] and before[-1] == "=" and before[-2].startswith("--"):
        # Bash splits "--actor=So" into "--actor", "=", "So".
        return (before[-2], incomplete) if before[-2] in options else None
    option, equals, value = incomplete.partition("=")
    if equals and option in options and option.startswith("--"):
        return option, value
    return None


def _name_being_typed(before: list[str], incomplete: str) -> tuple[NameKind, str] | None:
    """The kind of name and the text typed so far, when completing a name option."""
    typed = _value_being_typed(before, incomplete, NAME_OPTIONS)
    return (NAME_OPTIONS[typed[0]], typed[1]) if typed else None


def _catalog(before: list[str], env: Mapping[str, str]) -> Location:
    """The catalog the command line would use (see ``storage.locate``)."""
    db: str | None = None
    for i, word in enumerate(before):
        if word == "--db" and i + 1 < len(before):
            db = before[i + 1]
        elif word.startswith("--db="):
            db = word.removeprefix("--db=")
    return locate(Path(db) if db else None, env)


# A name holding a control character (see ``text.CONTROL``: escapes, bidirectional
# overrides, zero-width characters, line separators) cannot be typed, would break the
# one-per-line answer, and could steer or reorder the terminal when the shell lists it:
# it is not offered. Nor is a name whose line breaks would split the answer.
_UNTYPABLE = re.compile(f"{CONTROL.pattern}|[\n\t]")


def candidates(kind: NameKind, text: str, location: Location) -> list[tuple[str, str]]:
    """The names of this kind ``text`` begins, in any spelling, each with its Korean
    form or "", that can be typed: for a shell, and for ``add``'s questions."""
    try:
        with Catalog.open(location) as catalog:
            found = catalog.complete_names(kind, text)
    except (KdramaError, sqlite3.Error):
        return []
    return [
        (name, korean or "")
        for name, korean in found
        if not _UNTYPABLE.search(name + (korean or ""))
    ]


def roles(drama_id: int, text: str, location: Location) -> list[tuple[str, str]]:
    """The characters of one drama ``text`` begins, each with who plays them."""
    try:
        with Catalog.open(location) as catalog:
            found = catalog.complete_roles(drama_id, text)
    except (KdramaError, sqlite3.Error):
        return []
    return [pair for pair in found if not _UNTYPABLE.search("".join(pair))]


def tags(text: str, location: Location) -> list[tuple[str, str]]:
    """The catalog's tags ``text`` begins, whatever its case (with "" beside each)."""
    try:
        with Catalog.open(location) as catalog:
            found = catalog.complete_tags(text)
    except (KdramaError, sqlite3.Error):
        return []
    return [(tag, "") for tag in found if not _UNTYPABLE.search(tag)]


def _zsh_word(text: str) -> str:
    """Single-quote a word for the zsh code that Typer's zsh script evaluates."""
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh(candidates: list[tuple[str, str]], typed: str) -> str:
    """zsh code adding the candidates. zsh keeps only candidates that begin with the
    typed text unless told otherwise (-U), which other spellings need; several of those
    are offered as a menu, since they share no prefix to insert."""
    if not candidates:
        return "_files"
    literal = all(name.startswith(typed) for name, _ in candidates)
    shown = [f"{name}  -- {help}" if help else name for name, help in candidates]
    code = (
        f"local -a kdrama_shown=({' '.join(map(_zsh_word, shown))}); "
        f"compadd {'' if literal else '-U '}-l -d kdrama_shown -- "
        + " ".join(_zsh_word(name) for name, _ in candidates)
    )
    if not literal and len(candidates) > 1:
        code += "; compstate[insert]=menu"
    return code


def _format(
    shell: str,
    candidates: list[tuple[str, str]],
    typed: str,
    env: Mapping[str, str],
    *,
    names: bool = True,
) -> Answer:
    if shell == "bash":
        # Bash inserts a completion as it is: spaces and quotes must come escaped.
        return Answer("\n".join(_BASH_SPECIAL.sub(r"\\\1", name) for name, _ in candidates))
    if shell == "zsh":
        return Answer(_zsh(candidates, typed))
    # fish keeps only candidates that look like the typed text, so Hangul typed is
    # offered the Hangul names, which match it (tags are offered as they are).
    if names and any(is_hangul(char) for char in typed):
        candidates = [(korean, name) for name, korean in candidates if korean]
    if env.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        return Answer("", 0 if candidates else 1)
    return Answer("\n".join(f"{name}\t{help}" if help else name for name, help in candidates))


def complete(env: Mapping[str, str] = os.environ) -> Answer | None:
    """Answer a shell's request to complete a name, or None to leave it to Typer."""
    shell = env.get(COMPLETE_VAR, "").removeprefix("complete_")
    if shell not in ("bash", "zsh", "fish"):
        return None
    try:
        before, incomplete = _typed(env, shell)
    except _BrokenRequest as broken:
        return Answer("", 2, f"Error: cannot complete: {broken}")
    tag = _value_being_typed(before, incomplete, TAG_OPTIONS)
    if tag is not None:
        return _format(shell, tags(tag[1], _catalog(before, env)), tag[1], env, names=False)
    wanted = _name_being_typed(before, incomplete)
    if wanted is None:
        return None
    kind, text = wanted
    return _format(shell, candidates(kind, text, _catalog(before, env)), text, env)
