"""Reading the files ``kdrama import`` takes into checked :class:`SceneRecord` values.

Each format read here is the exact inverse of what ``kdrama list`` writes: a JSON array
(``--json``), JSON Lines (``--format jsonl``), CSV (``--format csv``) or TSV
(``--format tsv``, the same columns separated by tabs); in CSV and TSV, lists are
joined with "; ", characters written "Name=Actor", a person's aliases joined with
" | ", and those characters escaped with a backslash inside a name. Everything is checked here,
once, so that the importer only ever sees values of the right type and range; the
first problem stops the read with a :class:`RecordError` naming the line or item and
the field. A key or column kdrama does not know is a problem too: a misspelt field
would otherwise be dropped without a word.

Files are read as a stream (``importfile``): a record at a time, so that an import's
memory does not grow with its file.

>>> records = read_records('{"title": "A scene", "drama": "Goblin", "year": 2016}\\n',
...                        ImportFormat.jsonl)
>>> records[0].where, sorted(records[0].given), records[0].year
('line 1', ['drama', 'title', 'year'], 2016)
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from . import moments
from .caches import Bounded, exact_key
from .importfile import ImportFormat, ImportInput, JsonArray, RecordError, split_lines
from .models import CSV_COLUMNS, EARLIEST_YEAR, Role, SceneRecord, latest_year
from .text import CONTROL, UNICODE_CONTROL


class ControlCharacterError(RecordError):
    """Imported text holds a control character (see ``ControlStripper``)."""


# Bounds on one scene: far above any real one, low enough that a bad file cannot fill
# a catalog, a screen or the memory with one value. Text is counted in characters.
MAX_TEXT = 1_000  # a title, a name, a network, a source
MAX_DESCRIPTION = 20_000
MAX_CAST = 500  # actors, characters or aliases in one scene
MAX_LINKS = 100  # clip links or tags of one scene
# Ids and ranks: every JSON reader holds these exactly, and new ids stay far below
# SQLite's limit of 2**63 - 1.
MAX_NUMBER = 2**53 - 1


def iter_records(
    source: ImportInput, fmt: ImportFormat, strip: ControlStripper | None = None
) -> Iterator[SceneRecord]:
    """Each record of ``source``, checked, as it is read; RecordError at the first
    problem, a record without an id that is not a whole new scene among them (see
    ``_as_imported``). Text holding a control character is refused, unless ``strip``
    is given: it then removes them, and escape sequences whole, before the checks (and
    counts them)."""
    _JSON_CASTS.start()
    if fmt is ImportFormat.json:
        records = _read_json(source.chunks(), strip)
    elif fmt is ImportFormat.jsonl:
        records = _read_jsonl(source.lines(), strip)
    else:
        records = _read_csv(source.lines(), strip, fmt)
    return _as_imported(records, source)


def read_records(
    text: str, fmt: ImportFormat, strip: ControlStripper | None = None
) -> list[SceneRecord]:
    """Every record in ``text``, checked: ``iter_records`` for text in memory, but
    partial records are taken as they are, even without an id (the importer refuses
    those when it meets them)."""
    text = text.removeprefix("\ufeff")
    _JSON_CASTS.start()
    if fmt is ImportFormat.json:
        return list(_read_json([text], strip))
    if fmt is ImportFormat.jsonl:
        return list(_read_jsonl(split_lines(text), strip))
    return list(_read_csv(io.StringIO(text, newline=""), strip, fmt))


class ControlStripper:
    """Removes terminal escape sequences and other control characters from imported
    text, for a file that holds them (one exported from an older catalog, say), and
    counts what it removed. Tab, line feed and carriage return stay."""

    _UNWANTED = re.compile(
        "\x1b\\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing the screen
        "|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)"  # OSC: window title, clipboard, links
        "|\x9b[0-?]*[ -/]*[@-~]"  # CSI in one byte
        # OSC in one byte; its text stops at the next one, so that a run of them
        # unterminated is read once, not once for each (which took minutes)
        "|\x9d[^\x07\x1b\x9c\x9d]*(?:\x07|\x9c|\x1b\\\\)"
        "|\x1b[@-_]?"  # any other escape
        "|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
        f"|{UNICODE_CONTROL}"  # bidi controls, zero-width characters, separators
    )

    def __init__(self) -> None:
        self.removed = 0

    def text(self, text: str) -> str:
        if text.isprintable():
            return text
        cleaned, count = self._UNWANTED.subn("", text)
        self.removed += count
        return cleaned

    def value(self, value: object) -> object:
        """A parsed JSON value with every string in it stripped."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value


# --- Checking single values ---------------------------------------------------------
#
# A value checker returns the clean value or raises _Problem with the part of the
# message after "field 'name': "; _record adds where and which field.


class _Problem(Exception):
    """A bad value, described for the user without saying where it is."""


class _ControlProblem(_Problem):
    """A control character in text."""


class _NotGiven:
    """The type of _NOT_GIVEN."""


# What a CSV checker returns for a blank cell that means "keep the current value".
_NOT_GIVEN = _NotGiven()

_T = TypeVar("_T")
_V = TypeVar("_V")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_TRUE_WORDS = {"true", "1", "yes"}
_FALSE_WORDS = {"false", "0", "no"}
_CARRIAGE_RETURN = re.compile("\r\n?")
# Half of a UTF-16 pair on its own, as JSON's "\\ud800" escape gives: not a character,
# it cannot be written as UTF-8, so neither stored nor shown. (Not printable, so text
# holding one never takes _clean's quick path.)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _normal(text: str) -> str:
    """Text as stored: NFC, so that a name typed on any keyboard matches, and trimmed."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    """Text as stored, refused when it is too long or holds a control character.

    Windows line ends become line feeds; any other control character is refused
    rather than dropped, since the text around an escape sequence is rarely what was
    meant.
    """
    if text.isprintable():  # most text: no control character, no line end, no odd space
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
        text = text.strip()
        if len(text) > limit:
            raise _Problem(f"is {len(text):,} characters long; the most is {limit:,}")
        return text
    text = _normal(text)
    if len(text) > limit:
        raise _Problem(f"is {len(text):,} characters long; the most is {limit:,}")
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise _Problem(
            f"has a lone surrogate ({ascii(surrogate.group())[1:-1]}) at character "
            f"{surrogate.start() + 1}, which is not a character"
        )
    control = CONTROL.search(text)  # what text.visible writes out for people
    if control is not None:
        raise _ControlProblem(
            f"has a control character ({ascii(control.group())[1:-1]}) "
            f"at character {control.start() + 1}"
        )
    return text


def _cast_size(count: int, what: str) -> None:
    if count > MAX_CAST:
        raise _Problem(f"has {count:,} {what}; the most is {MAX_CAST:,}")


def clean_text(value: str, field: str) -> str:
    """``value`` as it is stored in ``field``, with the checks an import applies; for
    text that arrives another way (the options of ``add`` and ``edit``)."""
    try:
        return _clean(value, MAX_DESCRIPTION if field in ("description", "note") else MAX_TEXT)
    except _Problem as problem:
        raise RecordError("", str(problem)) from None


def _show_json(value: object) -> str:
    """A JSON value as the user wrote it, short enough for a one-line message."""
    return _shorten(json.dumps(value, ensure_ascii=False))


def _show_cell(cell: str) -> str:
    """A CSV cell quoted, with newlines escaped so that the message stays one line."""
    return _shorten(repr(cell))


def _shorten(shown: str, limit: int = 40) -> str:
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _in_range(number: int, low: int, high: int) -> int:
    """``number`` when it is from ``low`` to ``high``; a range that reaches MAX_NUMBER
    is described as open ("1 or more"), since its end is only a safety bound."""
    if low <= number <= high:
        return number
    if high < MAX_NUMBER:
        raise _Problem(f"must be between {low} and {high}, not {number}")
    if number < low:
        raise _Problem(f"must be {low} or more, not {number}")
    raise _Problem(f"must be at most {high}, not {number}")


def _json_int(low: int, high: int = MAX_NUMBER) -> Callable[[object], int]:
    """A checker for a JSON whole number in a range; true and 2018.0 are not ones."""

    def check(value: object) -> int:
        if value is None:
            raise _Problem("must not be null")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Problem(f"{_show_json(value)} is not a whole number")
        return _in_range(value, low, high)

    return check


def _csv_int(low: int, high: int = MAX_NUMBER) -> Callable[[str], int]:
    """A checker for a CSV cell holding a whole number ("2018", " 2018 ") in a range.

    Only ASCII digits count: int() would also take "2_018" and other scripts' digits.
    """

    def check(cell: str) -> int:
        text = cell.strip()
        if not text:
            raise _Problem("must not be empty")
        if not _WHOLE_NUMBER.fullmatch(text):
            raise _Problem(f"{_show_cell(text)} is not a whole number")
        try:
            number = int(text)
        except ValueError:  # more digits than Python converts
            raise _Problem(f"{_show_cell(text)} is too long a number") from None
        return _in_range(number, low, high)

    return check


def _or_null(check: Callable[[object], int]) -> Callable[[object], int | None]:
    """A JSON checker that also takes null for "no value"."""

    def or_null(value: object) -> int | None:
        return None if value is None else check(value)

    return or_null


def _or_blank(check: Callable[[str], int]) -> Callable[[str], int | None]:
    """A CSV checker that also takes a blank cell for "no value"."""

    def or_blank(cell: str) -> int | None:
        return None if not cell.strip() else check(cell)

    return or_blank


def _required_text(value: object) -> str:
    """A title or drama: text that is not blank, since a scene cannot be without one."""
    if value is None:
        raise _Problem("must not be null")
    if not isinstance(value, str):
        raise _Problem(f"must be text, not {_show_json(value)}")
    text = _clean(value)
    if not text:
        raise _Problem("must not be empty")
    return text


def _optional_text(value: object, limit: int = MAX_TEXT) -> str | None:
    """Text that may be missing: null, "" and blanks all mean "none", in every format."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Problem(f"must be text or null, not {_show_json(value)}")
    return _clean(value, limit) or None


def _description(value: object) -> str | None:
    return _optional_text(value, MAX_DESCRIPTION)


def _moment(check: Callable[[_T], _V], value: _T) -> _V:
    """A value checked by the rules of ``moments``, its refusal as a record problem."""
    try:
        return check(value)
    except ValueError as error:
        raise _Problem(str(error)) from None


def _json_time(value: object) -> int | None:
    """Seconds into the episode, or null; "42:13" is taken too, as fans write it."""
    if value is None:
        return None
    if isinstance(value, str):
        return _moment(moments.parse_time, value)
    return _moment(moments.check_time, _json_int(0)(value))


def _csv_time(cell: str) -> int | None:
    return _moment(moments.parse_time, cell) if cell.strip() else None


def _links(
    items: Sequence[object], check: Callable[[str], str], key: Callable[[str], str]
) -> tuple[str, ...]:
    """Checked clip links or tags, in order, each once (by ``key``)."""
    if len(items) > MAX_LINKS:
        raise _Problem(f"has {len(items):,} items; the most is {MAX_LINKS}")
    kept: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str):
            raise _Problem(f"must be a list of text, not hold {_show_json(item)}")
        text = _moment(check, item.strip())
        kept.setdefault(key(text), text)
    return tuple(kept.values())


def _same(text: str) -> str:
    return text


def _json_list(
    check: Callable[[str], str], key: Callable[[str], str]
) -> Callable[[object], tuple[str, ...]]:
    def read(value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise _Problem("must be a list of text")
        return _links(value, check, key)

    return read


def _csv_list(
    check: Callable[[str], str], key: Callable[[str], str]
) -> Callable[[str], tuple[str, ...]]:
    def read(cell: str) -> tuple[str, ...]:
        return _links(_split_list(cell), check, key)

    return read


def _json_actors(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Problem("must be a list of names")
    _cast_size(len(value), "names")
    try:
        return _checked_names(tuple(value))
    except TypeError:  # a list or an object among the names: unhashable
        raise _Problem("must be a list of names") from None


# A CSV row's cast is cached as it is put together (_cast): the scenes of a drama
# mostly share their cast, so a large import meets each a few dozen times. A failure
# raises (and is not cached); the caller then checks again in full, to name what is
# wrong where. The cache is emptied after every few megabytes of a file (see
# _as_imported). A JSON record's cast is remembered whole instead (_JSON_CASTS).
_CACHE_SIZE = 1 << 13
_CACHE_WINDOW = 4 << 20


def _checked_names(value: tuple[object, ...]) -> tuple[str, ...]:
    """A list of actors' names, checked and cleaned."""
    texts = [name for name in value if isinstance(name, str)]
    if len(texts) != len(value):
        raise _Problem("must be a list of names")
    names = tuple(_clean(name) for name in texts)
    for number, name in enumerate(names, start=1):
        if not name:
            raise _Problem(f"name {number} is empty")
    return names


_ROLE_KEYS = ("name", "actor", "name_korean", "actor_korean", "aliases")
_ROLE_KEY_SET = frozenset(_ROLE_KEYS)


def _json_characters(value: object) -> tuple[Role, ...]:
    if not isinstance(value, list):
        raise _Problem("must be a list of characters")
    _cast_size(len(value), "characters")
    return tuple(_json_role(item, number) for number, item in enumerate(value, start=1))


def _json_role(item: object, number: int) -> Role:
    """One character object: a name and an actor, and optionally their Korean names
    and the character's aliases."""
    if not isinstance(item, dict):
        raise _Problem(f"character {number} must be an object")
    if not item.keys() <= _ROLE_KEY_SET:
        unknown = next(key for key in item if key not in _ROLE_KEYS)
        raise _Problem(f"character {number}: {_unknown('key', unknown, _ROLE_KEYS)}")
    aliases = item.get("aliases", ())
    fields = (
        item.get("name"),
        item.get("actor"),
        item.get("name_korean"),
        item.get("actor_korean"),
        tuple(aliases) if isinstance(aliases, list) else aliases,
    )
    try:
        return _checked_role(*fields)
    except (_Problem, TypeError):  # TypeError: a list or an object, unhashable
        pass
    return Role(  # raises the problem, naming the character
        _role_name(fields[0], "name", number),
        _role_name(fields[1], "actor", number),
        _role_korean(fields[2], "name_korean", number),
        _role_korean(fields[3], "actor_korean", number),
        _role_aliases(fields[4], number),
    )


def _checked_role(
    name: object, actor: object, name_korean: object, actor_korean: object, aliases: object
) -> Role:
    """A character's fields, checked and cleaned (the character's number is left to
    the caller's message)."""
    return Role(
        _role_name(name, "name", 0),
        _role_name(actor, "actor", 0),
        _role_korean(name_korean, "name_korean", 0),
        _role_korean(actor_korean, "actor_korean", 0),
        _role_aliases(aliases, 0),
    )


def _role_name(value: object, key: str, number: int) -> str:
    text = _clean(value) if isinstance(value, str) else ""
    if not text:
        raise _Problem(f"character {number} needs a non-empty {key!r}")
    return text


def _role_korean(value: object, key: str, number: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Problem(f"character {number}: {key!r} must be text or null")
    return _clean(value) or None


def _role_aliases(value: object, number: int) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise _Problem(f"character {number}: 'aliases' must be a list of names")
    try:
        return _aliases(value)
    except _Problem as problem:
        raise _Problem(f"character {number}: 'aliases' {problem}") from None


def _aliases(values: Sequence[object]) -> tuple[str, ...]:
    """A set of aliases, sorted (as the catalog keeps and exports them); blanks mean
    nothing and are left out."""
    _cast_size(len(values), "aliases")
    aliases = set()
    for value in values:
        if not isinstance(value, str):
            raise _Problem(f"must be a list of names, not hold {_show_json(value)}")
        text = _clean(value)
        if text:
            aliases.add(text)
    return tuple(sorted(aliases))


def _json_aliases(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Problem("must be a list of names")
    return _aliases(value)


def _json_koreans(value: object) -> tuple[str | None, ...]:
    """Hangul names, one an actor (null for none)."""
    if not isinstance(value, list):
        raise _Problem("must be a list of names or nulls")
    _cast_size(len(value), "names")
    koreans = []
    for number, item in enumerate(value, start=1):
        if item is not None and not isinstance(item, str):
            raise _Problem(f"name {number} must be text or null, not {_show_json(item)}")
        koreans.append(None if item is None else _clean(item) or None)
    return tuple(koreans)


def _json_alias_lists(value: object) -> tuple[tuple[str, ...], ...]:
    """Aliases, a list of them an actor."""
    if not isinstance(value, list):
        raise _Problem("must be a list of lists of names")
    _cast_size(len(value), "lists")
    lists = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, list):
            raise _Problem(f"list {number} must be a list of names, not {_show_json(item)}")
        try:
            lists.append(_aliases(item))
        except _Problem as problem:
            raise _Problem(f"list {number} {problem}") from None
    return tuple(lists)


def _json_favorite(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"must be true or false, not {_show_json(value)}")
    return value


# CSV cells hold lists: items are separated by ";", a person's aliases by "|", and a
# character's name from its actor's by "="; a backslash escapes any of those (and
# itself) inside a name, so that every name comes back as it was written.
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _split_escaped(cell: str, separator: str) -> list[str]:
    """``cell`` split on each ``separator`` not escaped by a backslash; the parts keep
    their escapes, for a split on another separator."""
    if "\\" not in cell:
        return cell.split(separator)
    parts, current, escaped = [], [], False
    for char in cell:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescaped(part: str) -> str:
    return _ESCAPED.sub(r"\1", part) if "\\" in part else part


def _split_list(cell: str) -> list[str]:
    """A CSV list cell's items: split on ";", trimmed, blanks dropped."""
    items = (_clean(_unescaped(part)) for part in _split_escaped(cell, ";"))
    return [item for item in items if item]


def _split_parallel(cell: str) -> list[str]:
    """A CSV cell whose items go with those of another column, in order: split on
    ";" and trimmed, blanks kept (they hold their place). A blank cell has none."""
    if not cell.strip():
        return []
    return [part.strip() for part in _split_escaped(cell, ";")]


def _csv_actors(cell: str) -> tuple[str, ...]:
    names = _split_list(cell)
    _cast_size(len(names), "names")
    return tuple(names)


def _csv_characters(cell: str) -> tuple[Role, ...]:
    roles = []
    parts = [part for part in _split_escaped(cell, ";") if part.strip()]
    _cast_size(len(parts), "characters")
    for part in parts:
        pieces = _split_escaped(part, "=")
        name, actor = (_clean(_unescaped(piece)) for piece in (pieces + ["", ""])[:2])
        if len(pieces) != 2 or not name or not actor:
            raise _Problem(f"{_show_cell(_unescaped(part).strip())} is not Name=Actor")
        roles.append(Role(name, actor))
    return tuple(roles)


def _csv_aliases(cell: str) -> tuple[str, ...]:
    return _aliases(_split_list(cell))


def _csv_koreans(cell: str) -> tuple[str | None, ...]:
    parts = _split_parallel(cell)
    _cast_size(len(parts), "names")
    return tuple(_clean(_unescaped(part)) or None for part in parts)


def _csv_alias_lists(cell: str) -> tuple[tuple[str, ...], ...]:
    parts = _split_parallel(cell)
    _cast_size(len(parts), "lists")
    return tuple(
        _aliases([_unescaped(alias) for alias in _split_escaped(part, "|")]) for part in parts
    )


def _csv_favorite(cell: str) -> bool | _NotGiven:
    word = cell.strip().lower()
    if not word:
        return _NOT_GIVEN
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise _Problem(f"{_show_cell(cell.strip())} is not true or false")


def _csv_id(cell: str) -> int | _NotGiven:
    """A blank id cell means a new scene: the id is left to the catalog."""
    return _NOT_GIVEN if not cell.strip() else _csv_positive(cell)


_csv_positive = _csv_int(1)

_TEXT_FIELDS = (
    "drama_korean",
    "network",
    "source",
    "source_title",
    "source_credit",
)
_YEARS = (EARLIEST_YEAR, latest_year())

_JSON_CHECKS: dict[str, Callable[[object], object]] = {
    "id": _or_null(_json_int(1)),
    "title": _required_text,
    "drama": _required_text,
    "year": _json_int(*_YEARS),
    "actors": _json_actors,
    "characters": _json_characters,
    "rank": _or_null(_json_int(1)),
    "favorite": _json_favorite,
    "rating": _or_null(_json_int(1, 5)),
    "description": _description,
    **dict.fromkeys(_TEXT_FIELDS, _optional_text),
    "drama_aliases": _json_aliases,
    "actors_korean": _json_koreans,
    "actor_aliases": _json_alias_lists,
    "episode": _or_null(_json_int(1)),
    "time": _json_time,
    "urls": _json_list(moments.check_url, _same),
    "tags": _json_list(moments.clean_tag, moments.tag_key),
    "note": _description,
}

_CSV_CHECKS: dict[str, Callable[[str], object]] = {
    "id": _csv_id,
    "title": _required_text,
    "drama": _required_text,
    "year": _csv_int(*_YEARS),
    "actors": _csv_actors,
    "characters": _csv_characters,
    "rank": _or_blank(_csv_int(1)),
    "favorite": _csv_favorite,
    "rating": _or_blank(_csv_int(1, 5)),
    "description": _description,
    **dict.fromkeys(_TEXT_FIELDS, _optional_text),
    "drama_aliases": _csv_aliases,
    "actors_korean": _csv_koreans,
    "actor_aliases": _csv_alias_lists,
    "characters_korean": _csv_koreans,
    "character_aliases": _csv_alias_lists,
    "episode": _or_blank(_csv_int(1)),
    "time": _csv_time,
    "urls": _csv_list(moments.check_url, _same),
    "tags": _csv_list(moments.clean_tag, moments.tag_key),
    "note": _description,
}
assert set(_CSV_CHECKS) == set(CSV_COLUMNS), "every CSV column is read back"


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    """The message for a key or column kdrama does not know, with the closest one."""
    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
    return f"unknown {what} {_shorten(repr(name))}; {hint}"


# --- Building records ---------------------------------------------------------------


def _record(
    where: str,
    fields: Iterable[tuple[str, _T]],
    checks: Mapping[str, Callable[[_T], object]],
    cast: _CastValues | None = None,
) -> SceneRecord:
    """A record from (field, raw value) pairs, every field known to ``checks``; or,
    given ``cast``, the checked cast fields of a record with the same raw ones, from
    the other fields and ``cast``."""
    values: dict[str, Any] = {}
    skipped = _JSON_CAST_FIELDS if cast is not None else ()
    for name, raw in fields:
        if name in skipped:
            continue
        check = checks.get(name)
        if check is None:
            raise RecordError(where, _unknown("field", name, checks))
        try:
            value = check(raw)
        except _Problem as problem:
            error = ControlCharacterError if isinstance(problem, _ControlProblem) else RecordError
            raise error(where, f"field {name!r}: {problem}") from None
        if value is not _NOT_GIVEN:
            values[name] = value
    if cast is not None:
        given = cast[0].union(values)
        values["actors"], values["actors_korean"], values["actor_aliases"] = cast[1:4]
        values["characters"] = cast[4]
        return SceneRecord(where=where, given=given, cast_key=cast[5], **values)
    try:
        # A JSON record's cast is remembered whole by the caller (_JSON_CASTS).
        given = _with_cast(values, _cast.__wrapped__ if checks is _JSON_CHECKS else _cast)
    except _Problem as problem:
        raise RecordError(where, str(problem)) from None
    return SceneRecord(where=where, given=given, **values)


def _with_cast(values: dict[str, Any], put_together: Callable[..., _Cast]) -> frozenset[str]:
    """Put a record's cast together, in place, and return the fields it gives.

    The actors come first, then anyone playing a character who is not among them, so
    that a record never has a character whose actor is missing from its cast; each
    actor's Hangul name and aliases stand beside them (``actors_korean`` and
    ``actor_aliases``), and each character's ``actor_korean`` agrees with them. A CSV
    row's ``characters_korean`` and ``character_aliases`` go into its characters.
    ``put_together`` is ``_cast``, or ``_cast`` uncached.
    """
    if "characters_korean" in values or "character_aliases" in values:
        roles = _csv_roles(values.get("characters", ()), values)
        if "characters" in values:
            values["characters"] = roles
    for field in ("actors_korean", "actor_aliases"):
        if field in values and "actors" not in values:
            raise _Problem(f"field {field!r} needs the field 'actors' beside it")
    given = frozenset(values)
    cast = put_together(
        values.get("actors", ()),
        values.get("actors_korean", ()),
        values.get("actor_aliases", ()),
        values.get("characters", ()),
    )
    if cast[0]:
        values["actors"], values["actors_korean"], values["actor_aliases"] = cast[:3]
    if cast[3]:
        values["characters"] = cast[3]
    return given


_Cast = tuple[
    tuple[str, ...], tuple[str | None, ...], tuple[tuple[str, ...], ...], tuple[Role, ...]
]


@lru_cache(maxsize=_CACHE_SIZE)
def _cast(
    actors: tuple[str, ...],
    korean: tuple[str | None, ...],
    aliases: tuple[tuple[str, ...], ...],
    roles: tuple[Role, ...],
) -> _Cast:
    """The parts of a cast put together (see ``_with_cast``); cached, since the
    scenes of a drama mostly share one. A problem raises, and is not cached."""
    for field, given in (("actors_korean", korean), ("actor_aliases", aliases)):
        if given and len(given) != len(actors):
            raise _Problem(f"field {field!r}: has {len(given)} entries for {len(actors)} actors")
    people: dict[str, list[Any]] = {}
    for number, actor in enumerate(actors):
        person = [korean[number] if korean else None, aliases[number] if aliases else ()]
        _same_person(people, actor, person, "field 'actors_korean'")
    for number, role in enumerate(roles, start=1):
        person = [role.actor_korean, ()]
        _same_person(people, role.actor, person, f"field 'characters': character {number}")
    if roles and any(role.actor_korean != people[role.actor][0] for role in roles):
        roles = tuple(role._replace(actor_korean=people[role.actor][0]) for role in roles)
    return (
        tuple(people),
        tuple(person[0] for person in people.values()),
        tuple(person[1] for person in people.values()),
        roles,
    )


def _as_imported(records: Iterator[SceneRecord], source: ImportInput) -> Iterator[SceneRecord]:
    """``records`` as an import takes them from ``source``.

    A record without an id that lacks a title, a drama or a year is refused as it is
    read: a file of such records (``[{}, {}, ...]``) stops at its first one, before a
    catalog is opened for it. (A record with an id may be a change to a scene; the
    importer knows.)

    The caches are emptied after each _CACHE_WINDOW bytes of ``source``. A cache keeps a
    number of values, which a file of large casts (500 different names of 1,000
    characters each, a scene) would make the size of the file: a gigabyte of memory for
    a 1 GB file. Emptied as the file is read, they keep values from the last few
    megabytes only, where a real file meets the same casts again and again.
    """
    emptied_at = 0
    for record in records:
        if record.id is None and (missing := record.missing_for_new()):
            raise RecordError(record.where, f"field {missing!r}: needed for a new scene")
        if source.bytes_read - emptied_at > _CACHE_WINDOW:
            _cast.cache_clear()
            emptied_at = source.bytes_read
        yield record
    _JSON_CASTS.clear()


def _same_person(people: dict[str, list[Any]], actor: str, person: list[Any], where: str) -> None:
    """Record what a record says of ``actor``; two different Hangul names for the same
    actor in one scene are refused (the cast would be ambiguous)."""
    known = people.get(actor)
    if known is None:
        people[actor] = person
        return
    if person[0] is not None and known[0] is not None and person[0] != known[0]:
        raise _Problem(
            f"{where}: {actor!r} is given the Hangul names {known[0]!r} and {person[0]!r}"
        )
    known[0] = known[0] or person[0]
    known[1] = tuple(sorted({*known[1], *person[1]}))


def _csv_roles(roles: tuple[Role, ...], values: dict[str, Any]) -> tuple[Role, ...]:
    """A CSV row's characters with their Korean names and aliases, which stand in
    their own columns in the order of the characters."""
    korean = values.pop("characters_korean", ())
    aliases = values.pop("character_aliases", ())
    for field, given in (("characters_korean", korean), ("character_aliases", aliases)):
        if given and len(given) != len(roles):
            raise _Problem(f"field {field!r}: has {len(given)} entries for {len(roles)} characters")
    return tuple(
        role._replace(
            name_korean=korean[number] if korean else None,
            aliases=aliases[number] if aliases else (),
        )
        for number, role in enumerate(roles)
    )


def _json_record(item: object, where: str, strip: ControlStripper | None = None) -> SceneRecord:
    if strip is not None:
        try:
            item = strip.value(item)
        except RecursionError:  # nesting the parser took, one level too deep for this
            raise RecordError(where, "not valid JSON (nested too deeply)") from None
    if not isinstance(item, dict):
        raise RecordError(where, "must be an object")
    casts = _JSON_CASTS
    key = _json_cast_key(item) if casts.used else None
    cast = casts.get(key) if key is not None else None
    if cast is None:
        record = _record(where, item.items(), _JSON_CHECKS)
        if key is not None:
            cast = _cast_of(record)
            casts.keep(key, cast)
            record.cast_key = cast[5]
        else:  # every record of a file names its cast the same way
            record.cast_key = _cast_key(record)
        return record
    # The cast was checked before, in this very form: only the other fields are.
    casts.hits += 1
    return _record(where, item.items(), _JSON_CHECKS, cast=cast)


# The cast of a JSON record, as its fields come out of the checks (see _cast_of), by
# the raw values of those fields (see _json_cast_key): the scenes of a drama repeat
# one cast, and checking it was a third of reading a large file. Bounded by the
# memory it takes, roughly (_weigh_cast): a few tens of megabytes at most.
_JSON_CAST_FIELDS = frozenset({"actors", "characters", "actors_korean", "actor_aliases"})
_JSON_CAST_BYTES = 32 << 20
_CastValues = tuple[
    frozenset[str],
    tuple[str, ...],
    tuple[str | None, ...],
    tuple[tuple[str, ...], ...],
    tuple[Role, ...],
    str,
]
_OBJECT = _NotGiven()  # marks a JSON object's keys in _frozen: no JSON value is it


def _json_cast_key(item: dict[str, Any]) -> tuple[object, ...] | None:
    """The raw cast fields of a JSON object in a hashable form, or None when they
    are nested too deeply for one. Two raw casts have equal keys only when they are
    the same JSON values: only text, null, lists and objects make a valid cast, and
    none of them equals a value of another type."""
    get = item.get
    raw = (
        get("actors", _NOT_GIVEN),
        get("characters", _NOT_GIVEN),
        get("actors_korean", _NOT_GIVEN),
        get("actor_aliases", _NOT_GIVEN),
    )
    # Most casts are lists of texts and of objects holding texts: frozen a level deep,
    # they hash. Deeper ones (aliases) are frozen whole.
    key = tuple([_shallow(value) if type(value) is list else value for value in raw])
    try:
        hash(key)
    except TypeError:
        try:
            return tuple([_frozen(value) for value in raw])
        except RecursionError:
            return None
    return key


def _shallow(value: list[Any]) -> tuple[object, ...]:
    """A list frozen as _frozen does, but for what its objects hold."""
    return tuple(
        [(_OBJECT, _keys(part), *part.values()) if type(part) is dict else part for part in value]
    )


def _frozen(value: object) -> object:
    """A parsed JSON value, hashable: a list as a tuple, an object as a tuple of
    _OBJECT, the tuple of its keys, and its values."""
    if type(value) is list:
        return tuple([_frozen(v) if type(v) in _CONTAINERS else v for v in value])
    if type(value) is dict:
        values = [_frozen(v) if type(v) in _CONTAINERS else v for v in value.values()]
        return (_OBJECT, _keys(value), *values)
    return value


def _keys(value: dict[str, Any]) -> tuple[str, ...]:
    """An object's keys, held once however many objects have them (each line of a file
    parses its own)."""
    keys = tuple(value)
    known = _KEYS.get(keys)
    if known is None:
        if len(_KEYS) > _MANY_KEYS:
            _KEYS.clear()
        known = _KEYS[keys] = keys
    return known


_CONTAINERS = (list, dict)
_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}
_MANY_KEYS = 1000


def _cast_of(record: SceneRecord) -> _CastValues:
    """What the checks made of a record's cast fields: the fields given, and the
    values of the record's cast."""
    given = record.given & _JSON_CAST_FIELDS
    return (
        _GIVEN.setdefault(given, given),
        record.actors,
        record.actors_korean,
        record.actor_aliases,
        record.characters,
        _cast_key(record),
    )


def _cast_key(record: SceneRecord) -> str:
    """The cast of a record in one string that no other cast gives (each part of it
    counted, so that none can be taken for another): ``SceneRecord.cast_key``."""
    parts: list[str | None] = [str(len(record.actors)), *record.actors]
    parts += (str(len(record.actors_korean)), *record.actors_korean)
    parts.append(str(len(record.actor_aliases)))
    for aliases in record.actor_aliases:
        parts += (str(len(aliases)), *aliases)
    parts.append(str(len(record.characters)))
    for role in record.characters:
        parts += (role.name, role.actor, role.name_korean, role.actor_korean)
        parts += (str(len(role.aliases)), *role.aliases)
    return exact_key(parts)


_GIVEN: dict[frozenset[str], frozenset[str]] = {}  # at most one for each subset


def _weigh_cast(key: tuple[object, ...], cast: _CastValues) -> int:
    """About the bytes a cached cast takes, with its key: those of its texts (held
    twice at worst, raw and checked, in two bytes a character for Hangul), and of the
    objects that hold them."""
    _, actors, korean, actor_aliases, roles, key_text = cast
    texts: list[str | None] = [*actors, *korean]
    for aliases in actor_aliases:
        texts += aliases
    for role in roles:
        texts += (role.name, role.actor, role.name_korean, role.actor_korean, *role.aliases)
    return 350 + 2 * len(key_text) + sum(3 * len(text) + 100 if text else 16 for text in texts)


class _JsonCasts(Bounded[tuple[object, ...], _CastValues]):
    """The casts of JSON records met so far (see above), and whether they are worth
    it: a file of more distinct casts than fit here, in no order, forgets each before
    it comes again, and checking it was then the cheaper. Once the memory is full with
    fewer hits than casts kept, it is not used for the rest of the file."""

    def __init__(self) -> None:
        super().__init__(_JSON_CAST_BYTES, _weigh_cast)
        self.used = True
        self.hits = 0

    def start(self) -> None:
        """Begin a new file."""
        self.clear()
        self.used = True
        self.hits = 0

    def keep(self, key: tuple[object, ...], cast: _CastValues) -> None:
        if self.weight + _weigh_cast(key, cast) > self.size and self.hits < len(self):
            self.used = False
            self.clear()
            return
        self[key] = cast


_JSON_CASTS = _JsonCasts()


def _parse_json(text: str, where: str | None = None) -> object:
    """Parse JSON, naming the line of a syntax error (``where`` for a JSON Lines line)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(
            where or f"line {error.lineno}", f"not valid JSON ({error.msg})"
        ) from None
    except ValueError:  # an integer with more digits than Python converts
        raise RecordError(where or "", "not valid JSON (a number is too long)") from None
    except RecursionError:
        raise RecordError(where or "", "not valid JSON (nested too deeply)") from None


def _read_jsonl(lines: Iterable[str], strip: ControlStripper | None) -> Iterator[SceneRecord]:
    """One object a line; blank lines are skipped, but counted."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        yield _json_record(_parse_json_line(line, where), where, strip)


_DECODER = json.JSONDecoder()  # what json.loads uses


def _parse_json_line(line: str, where: str) -> object:
    """A line's JSON value, as ``_parse_json`` gives it but a fifth faster: the decoder
    is called directly, and ``json.loads`` only for what it does not take (white space
    before the value, or anything wrong, to describe it)."""
    try:
        value, end = _DECODER.raw_decode(line)
    except (ValueError, RecursionError):
        return _parse_json(line, where)
    if end != len(line) and line[end:].strip(" \t\n\r"):
        return _parse_json(line, where)  # extra data after the value
    return value


def _read_json(chunks: Iterable[str], strip: ControlStripper | None) -> Iterator[SceneRecord]:
    for number, item in JsonArray(chunks).items():
        yield _json_record(item, f"item {number}", strip)


def _csv_rows(lines: Iterable[str], fmt: ImportFormat) -> Iterator[tuple[int, list[str]]]:
    """Each CSV (or TSV) row with the line it starts on; rows whose cells are all blank
    are skipped, as spreadsheets leave them."""
    dialect = csv.excel_tab if fmt is ImportFormat.tsv else csv.excel
    reader = csv.reader(lines, dialect, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                limit = csv.field_size_limit()
                raise RecordError(
                    f"line {start}", f"a cell is longer than {limit:,} characters"
                ) from None
            raise RecordError(f"line {start}", f"not valid {_NAME[fmt]} ({error})") from None
        if any(cell.strip() for cell in row):
            yield start, row


_NAME = {ImportFormat.csv: "CSV", ImportFormat.tsv: "TSV"}


def _csv_header(line: int, row: list[str], fmt: ImportFormat) -> list[str]:
    """The column names; a first row naming no known column is data, not a header, and
    a name kdrama does not know is refused. A column with no name is allowed (some
    spreadsheets add one), but its cells must be blank."""
    columns = [_normal(cell).lower() for cell in row]
    if not set(columns) & set(CSV_COLUMNS):
        raise RecordError(f"line {line}", f"the {_NAME[fmt]} header is missing")
    seen: set[str] = set()  # a set, so that a header of any width is read in linear time
    for column in columns:
        if not column:
            continue
        if column not in _CSV_CHECKS:
            raise RecordError(f"line {line}", _unknown("column", column, CSV_COLUMNS))
        if column in seen:
            raise RecordError(
                f"line {line}", f"the {_NAME[fmt]} header has column {column!r} twice"
            )
        seen.add(column)
    return columns


def _read_csv(
    lines: Iterable[str], strip: ControlStripper | None, fmt: ImportFormat = ImportFormat.csv
) -> Iterator[SceneRecord]:
    """CSV rows, or TSV rows for ``ImportFormat.tsv``: the same columns, a header first."""
    rows = _csv_rows(lines, fmt)
    if strip is not None:
        rows = ((line, [strip.text(cell) for cell in row]) for line, row in rows)
    first = next(rows, None)
    if first is None:
        raise RecordError("line 1", f"the {_NAME[fmt]} header is missing")
    columns = _csv_header(*first, fmt)
    unnamed = [number for number, column in enumerate(columns) if not column]
    for line, row in rows:
        where = f"line {line}"
        if len(row) != len(columns):
            raise RecordError(where, f"has {len(row)} cells, but the header has {len(columns)}")
        for number in unnamed:
            if row[number].strip():
                raise RecordError(
                    where, f"cell {number + 1} holds {_show_cell(row[number])} under no column"
                )
        cells = zip(columns, row, strict=True)
        yield _record(where, ((c, v) for c, v in cells if c), _CSV_CHECKS)
