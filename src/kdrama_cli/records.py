"""Reading the files ``kdrama import`` takes into checked :class:`SceneRecord` values.

Each format read here is the exact inverse of what ``kdrama list`` writes: a JSON array
(``--json``), JSON Lines (``--format jsonl``) or CSV (``--format csv``, lists joined
with "; " and characters written "Name=Actor"). Everything is checked here, once, so
that the importer only ever sees values of the right type and range; the first problem
stops the read with a :class:`RecordError` naming the line or item and the field.

>>> records = read_records('{"title": "A scene", "drama": "Goblin", "year": 2016}\\n',
...                        ImportFormat.jsonl)
>>> records[0].where, sorted(records[0].given), records[0].year
('line 1', ['drama', 'title', 'year'], 2016)
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from enum import Enum
from functools import lru_cache
from pathlib import PurePath
from typing import Any, NoReturn, TypeVar

from .errors import KdramaError
from .models import CSV_COLUMNS, Role, SceneRecord
from .text import CONTROL


class RecordError(KdramaError):
    """An import file is malformed or holds a bad value; the message names where."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class ControlCharacterError(RecordError):
    """Imported text holds a control character (see ``ControlStripper``)."""


class ImportFormat(str, Enum):
    """Formats ``kdrama import`` reads: the machine formats ``kdrama list`` writes."""

    json = "json"
    jsonl = "jsonl"
    csv = "csv"


_EXTENSIONS = {
    ".json": ImportFormat.json,
    ".jsonl": ImportFormat.jsonl,
    ".ndjson": ImportFormat.jsonl,
    ".csv": ImportFormat.csv,
}


def guess_format(name: str | None, head: str) -> ImportFormat:
    """The format of a file named ``name`` (None for stdin) whose text starts ``head``.

    The extension decides when it is a known one, since it is what the user chose;
    otherwise the first character does: "[" opens a JSON array, "{" a JSON line,
    anything else is taken for a CSV header.
    """
    if name is not None:
        known = _EXTENSIONS.get(PurePath(name).suffix.lower())
        if known is not None:
            return known
    start = head.lstrip().lstrip("\ufeff").lstrip()[:1]
    if start == "[":
        return ImportFormat.json
    if start == "{":
        return ImportFormat.jsonl
    return ImportFormat.csv


def read_input(file: str) -> str:
    """The whole of ``file`` ("-" for stdin) as text: UTF-8, with or without a byte
    order mark, and at most MAX_INPUT_BYTES, so that one import cannot exhaust memory."""
    try:
        if file == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(file, "rb") as stream:
                if os.fstat(stream.fileno()).st_size > MAX_INPUT_BYTES:
                    _too_large(file)
                data = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise RecordError("", f"cannot read {file}: {error.strerror}") from None
    if len(data) > MAX_INPUT_BYTES:
        _too_large(file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordError("", f"{file} is not UTF-8 text (byte {error.start})") from None


def _too_large(file: str) -> NoReturn:
    raise RecordError(
        "", f"{file} is over {MAX_INPUT_BYTES >> 20:,} MB; import it in smaller parts"
    )


def read_records(
    text: str, fmt: ImportFormat, strip: ControlStripper | None = None
) -> list[SceneRecord]:
    """Every record in ``text``, checked; raise RecordError at the first problem.

    Text holding a control character is refused, unless ``strip`` is given: it then
    removes them, and escape sequences whole, before the checks (and counts them).
    """
    text = text.removeprefix("\ufeff")
    readers = {
        ImportFormat.json: _read_json,
        ImportFormat.jsonl: _read_jsonl,
        ImportFormat.csv: _read_csv,
    }
    return readers[fmt](text, strip)


class ControlStripper:
    """Removes terminal escape sequences and other control characters from imported
    text, for a file that holds them (one exported from an older catalog, say), and
    counts what it removed. Tab, line feed and carriage return stay."""

    _UNWANTED = re.compile(
        "\x1b\\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clearing the screen
        "|\x1b\\][^\x07\x1b]*(?:\x07|\x1b\\\\)"  # OSC: window title, clipboard, links
        "|\x9b[0-?]*[ -/]*[@-~]"  # CSI in one byte
        "|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\\\)"  # OSC in one byte
        "|\x1b[@-_]?"  # any other escape
        "|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
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
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_TRUE_WORDS = {"true", "1", "yes"}
_FALSE_WORDS = {"false", "0", "no"}


# Bounds on one scene: far above any real one, low enough that a bad file cannot fill
# a catalog, a screen or the memory with one value. Text is counted in characters.
MAX_TEXT = 1_000  # a title, a name, a network, a source
MAX_DESCRIPTION = 20_000
MAX_CAST = 500  # actors, or characters, in one scene
MAX_INPUT_BYTES = 1 << 30  # one import; larger ones are split
# Ids and ranks: every JSON reader holds these exactly, and new ids stay far below
# SQLite's limit of 2**63 - 1.
MAX_NUMBER = 2**53 - 1

_CARRIAGE_RETURN = re.compile("\r\n?")


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
    text = _normal(text)
    if len(text) > limit:
        raise _Problem(f"is {len(text):,} characters long; the most is {limit:,}")
    if "\r" in text:
        text = _CARRIAGE_RETURN.sub("\n", text)
    control = CONTROL.search(text)  # what render.visible writes out for people
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
        return _clean(value, MAX_DESCRIPTION if field == "description" else MAX_TEXT)
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


def _json_actors(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Problem("must be a list of names")
    _cast_size(len(value), "names")
    try:
        return _checked_names(tuple(value))
    except TypeError:  # a list or an object among the names: unhashable
        raise _Problem("must be a list of names") from None


# Checked names and characters are cached: the scenes of a drama mostly share their
# cast, so a large import meets each a few dozen times. A failure raises (and is not
# cached); the caller then checks again in full, to name what is wrong where.
_CACHE_SIZE = 1 << 16


@lru_cache(maxsize=_CACHE_SIZE)
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


def _json_characters(value: object) -> tuple[Role, ...]:
    if not isinstance(value, list):
        raise _Problem("must be a list of characters")
    _cast_size(len(value), "characters")
    return tuple(_json_role(item, number) for number, item in enumerate(value, start=1))


def _json_role(item: object, number: int) -> Role:
    """One character object: a name and an actor, and optionally their Korean names."""
    if not isinstance(item, dict):
        raise _Problem(f"character {number} must be an object")
    fields = (
        item.get("name"),
        item.get("actor"),
        item.get("name_korean"),
        item.get("actor_korean"),
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
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _checked_role(name: object, actor: object, name_korean: object, actor_korean: object) -> Role:
    """A character's fields, checked and cleaned (the character's number is left to
    the caller's message)."""
    return Role(
        _role_name(name, "name", 0),
        _role_name(actor, "actor", 0),
        _role_korean(name_korean, "name_korean", 0),
        _role_korean(actor_korean, "actor_korean", 0),
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


def _json_favorite(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"must be true or false, not {_show_json(value)}")
    return value


def _split_list(cell: str) -> list[str]:
    """A CSV list cell's parts: split on ";", trimmed, blanks dropped."""
    return [part for part in (_clean(piece) for piece in cell.split(";")) if part]


def _csv_actors(cell: str) -> tuple[str, ...]:
    names = _split_list(cell)
    _cast_size(len(names), "names")
    return tuple(names)


def _csv_characters(cell: str) -> tuple[Role, ...]:
    roles = []
    parts = _split_list(cell)
    _cast_size(len(parts), "characters")
    for part in parts:
        name, equals, actor = part.partition("=")
        name, actor = _clean(name), _clean(actor)
        if not equals or "=" in actor or not name or not actor:
            raise _Problem(f"{_show_cell(part)} is not Name=Actor")
        roles.append(Role(name, actor))
    return tuple(roles)


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

_JSON_CHECKS: dict[str, Callable[[object], object]] = {
    "id": _or_null(_json_int(1)),
    "title": _required_text,
    "drama": _required_text,
    "year": _json_int(1, 9999),
    "actors": _json_actors,
    "characters": _json_characters,
    "rank": _or_null(_json_int(1)),
    "favorite": _json_favorite,
    "rating": _or_null(_json_int(1, 5)),
    "description": _description,
    **dict.fromkeys(_TEXT_FIELDS, _optional_text),
}

_CSV_CHECKS: dict[str, Callable[[str], object]] = {
    "id": _csv_id,
    "title": _required_text,
    "drama": _required_text,
    "year": _csv_int(1, 9999),
    "actors": _csv_actors,
    "characters": _csv_characters,
    "rank": _or_blank(_csv_int(1)),
    "favorite": _csv_favorite,
    "rating": _or_blank(_csv_int(1, 5)),
    "description": _description,
    **dict.fromkeys(_TEXT_FIELDS, _optional_text),
}


# --- Building records ---------------------------------------------------------------


def _record(
    where: str, fields: Iterable[tuple[str, _T]], checks: Mapping[str, Callable[[_T], object]]
) -> SceneRecord:
    """A record from (field, raw value) pairs; fields with no check are ignored."""
    values: dict[str, Any] = {}
    for name, raw in fields:
        check = checks.get(name)
        if check is None:
            continue
        try:
            value = check(raw)
        except _Problem as problem:
            error = ControlCharacterError if isinstance(problem, _ControlProblem) else RecordError
            raise error(where, f"field {name!r}: {problem}") from None
        if value is not _NOT_GIVEN:
            values[name] = value
    given = frozenset(values)
    values["actors"] = _with_cast(values.get("actors", ()), values.get("characters", ()))
    return SceneRecord(where=where, given=given, **values)


def _with_cast(actors: tuple[str, ...], characters: tuple[Role, ...]) -> tuple[str, ...]:
    """The actors, then anyone playing a character who is not among them, so that a
    record never has a character whose actor is missing from its cast."""
    cast = list(actors)
    for role in characters:
        if role.actor not in cast:
            cast.append(role.actor)
    return tuple(cast)


def _json_record(item: object, where: str, strip: ControlStripper | None = None) -> SceneRecord:
    if strip is not None:
        item = strip.value(item)
    if not isinstance(item, dict):
        raise RecordError(where, "must be an object")
    return _record(where, item.items(), _JSON_CHECKS)


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


def _read_json(text: str, strip: ControlStripper | None) -> list[SceneRecord]:
    document = _parse_json(text)
    if not isinstance(document, list):
        raise RecordError("", "the JSON file must be an array of scene objects")
    return [_json_record(item, f"item {n}", strip) for n, item in enumerate(document, start=1)]


def _read_jsonl(text: str, strip: ControlStripper | None) -> list[SceneRecord]:
    """One object a line. Only "\\n" ends a line: JSON text may hold U+2028 and other
    characters that str.splitlines() would also split on."""
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        records.append(_json_record(_parse_json_line(line, where), where, strip))
    return records


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


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV row with the line it starts on; rows whose cells are all blank are
    skipped, as spreadsheets leave them."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
            raise RecordError(f"line {start}", f"not valid CSV ({error})") from None
        if any(cell.strip() for cell in row):
            yield start, row


def _csv_header(line: int, row: list[str]) -> list[str]:
    """The column names; a first row naming no known column is data, not a header."""
    columns = [_normal(cell).lower() for cell in row]
    if not set(columns) & set(CSV_COLUMNS):
        raise RecordError(f"line {line}", "the CSV header is missing")
    for column in columns:
        if column and columns.count(column) > 1:
            raise RecordError(f"line {line}", f"the CSV header has column {column!r} twice")
    return columns


def _read_csv(text: str, strip: ControlStripper | None) -> list[SceneRecord]:
    rows = _csv_rows(text)
    if strip is not None:
        rows = ((line, [strip.text(cell) for cell in row]) for line, row in rows)
    first = next(rows, None)
    if first is None:
        raise RecordError("line 1", "the CSV header is missing")
    columns = _csv_header(*first)
    records = []
    for line, row in rows:
        where = f"line {line}"
        if len(row) != len(columns):
            raise RecordError(where, f"has {len(row)} cells, but the header has {len(columns)}")
        records.append(_record(where, zip(columns, row, strict=True), _CSV_CHECKS))
    return records
