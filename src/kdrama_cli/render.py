"""The one place that turns scenes into output, for every format.

Machine formats (JSON, JSON Lines, CSV, TSV) are written here with the standard
library straight to the stream, one scene at a time, so they stay exact whatever the
terminal, colour settings or catalog text. Tables, panels and charts for people are
drawn by ``render_rich.py``, imported only when one is asked for; what both use
(``visible``, ``Row``, ``Column``) is in ``text.py``, below both.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .errors import CatalogError
from .models import (
    ALIAS_SEPARATOR,
    CSV_COLUMNS,
    LIST_SEPARATOR,
    OutputFormat,
    Scene,
)
from .text import CONTROL, HEART, Column, Row, visible, written_out

if TYPE_CHECKING:
    import csv

    from .facets import Stats


def render_scenes(
    scenes: Iterable[Scene],
    fmt: OutputFormat,
    out: TextIO,
    *,
    highlight: re.Pattern[str] | None = None,
    pretty: bool | None = None,
    fields: Sequence[str] | None = None,
) -> int:
    """Write scenes to ``out`` in ``fmt``; return how many were written. In a table,
    the text that ``highlight`` matches is highlighted (search results). JSON is
    pretty or compact as ``pretty`` says, by default as ``json_is_pretty`` decides.
    ``fields`` (keys of ``models.SCENE_FIELDS``) chooses the table's columns, the
    objects' keys and the CSV/TSV columns, in its order; None is every one."""
    if fmt is OutputFormat.table:
        from .render_rich import write_table

        return write_table(scenes, out, highlight, fields)
    if fmt is OutputFormat.lines:
        return write_lines((_scene_cells(scene, fields) for scene in scenes), out)
    if fmt in (OutputFormat.csv, OutputFormat.tsv):
        columns = CSV_COLUMNS if fields is None else list(fields)
        return _write_objects((_flat(scene) for scene in scenes), columns, fmt, out)
    objects = (scene_object(scene, fields) for scene in scenes)
    return _write_objects(objects, CSV_COLUMNS, fmt, out, pretty=pretty)


def scene_object(scene: Scene, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """A scene's JSON object: every key, or only ``fields``, in their order."""
    whole = scene.to_dict()
    return whole if fields is None else {key: whole[key] for key in fields}


def render_scene_detail(
    scene: Scene, fmt: OutputFormat, out: TextIO, fields: Sequence[str] | None = None
) -> None:
    """Write one scene in full: a Rich panel for people, one JSON object, or the one
    line (JSON Lines) or row under a header (CSV, TSV) that ``list`` writes for it.
    With ``fields``, only those: the object's keys, the columns, or for people the
    table ``list`` draws, with those columns, for this one scene."""
    if fmt is OutputFormat.json:
        write_json(scene_object(scene, fields), out)
        return
    if fmt is not OutputFormat.table or fields is not None:
        render_scenes([scene], fmt, out, fields=fields)
        return
    from .render_rich import console, scene_panel

    screen = console(out)
    screen.print(scene_panel(scene, screen.encoding))


def _dumps(value: Any, indent: int | None = None) -> str:
    """JSON as kdrama writes it: UTF-8 text as typed; one line (JSON Lines) is compact."""
    if indent is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=indent)


# JSON as gh writes it: pretty on a terminal, for people; compact, one line, anywhere
# else, for programs, and at the speed SQLite builds it (see ``write_json_array``).


def is_terminal(out: TextIO) -> bool:
    """Whether ``out`` is a terminal (a closed or odd stream is not)."""
    try:
        return out.isatty()
    except (ValueError, OSError):
        return False


def json_is_pretty(out: TextIO, pretty: bool | None = None) -> bool:
    """Whether JSON written to ``out`` is indented: as ``pretty`` says, else only on a
    terminal."""
    return is_terminal(out) if pretty is None else pretty


def write_json(value: Any, out: TextIO, *, pretty: bool | None = None) -> None:
    """Write one JSON value (a scene, the statistics, the catalog's facts) and a line
    feed: indented on a terminal, one compact line elsewhere (see ``json_is_pretty``)."""
    text = _dumps(value, 2 if json_is_pretty(out, pretty) else None)
    if is_terminal(out):
        from .render_rich import json_writer

        json_writer(out)(_for_terminal(text) + "\n")
        return
    out.write(text + "\n")


def write_text(text: str, out: TextIO) -> None:
    """Write one piece of free text (a scene's note, a link) and a line feed: exact for
    programs; on a terminal, its control characters written out (``text.visible``), as
    in tables."""
    out.write((visible(text) if is_terminal(out) else text) + "\n")


def _for_terminal(text: str) -> str:
    """JSON text that is safe on a terminal and still parses to the same value: what
    JSON leaves raw among ``text.CONTROL`` (DEL, C1 such as 0x9b, bidirectional and
    zero-width marks, line separators, lone surrogates) is written as a \\u escape.
    JSON itself escapes the C0 controls, and outside strings holds only ASCII."""
    return CONTROL.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def write_json_array(objects: Iterable[str], out: TextIO) -> int:
    """One compact JSON array, on one line, from objects already encoded as compact
    JSON (by SQLite, see ``Catalog.list_scenes_json``); return how many were written."""
    count = 0
    for text in objects:
        # "[" waits for the first object: a catalog that fails to read writes nothing.
        out.write("," if count else "[")
        out.write(text)
        count += 1
    out.write("]\n" if count else "[]\n")
    return count


def write_json_lines(lines: Iterable[str], out: TextIO) -> int:
    """JSON Lines from objects already encoded as compact JSON (by SQLite, see
    ``Catalog.list_scenes_json``); return how many were written."""
    count = 0
    for line in lines:
        out.write(line)
        out.write("\n")
        count += 1
    return count


def _flat(scene: Scene) -> dict[str, Any]:
    """A scene as one CSV row: lists joined with "; ", characters as "Name=Actor", a
    person's aliases joined with " | ", and those characters escaped with a backslash
    inside a name (``records`` reads them back). The Hangul names and aliases of the
    actors and characters stand in columns of their own, in the order of the actors
    and characters; a cell of them all blank is left empty."""
    row = scene.to_dict()
    roles = scene.characters
    row["actors"] = _joined(scene.actors)
    row["characters"] = LIST_SEPARATOR.join(
        f"{_escaped(r.name, _IN_ROLE)}={_escaped(r.actor, _IN_ROLE)}" for r in roles
    )
    row["drama_aliases"] = _joined(scene.drama_aliases)
    row["actors_korean"] = _parallel(_escaped(k) if k else "" for k in row["actors_korean"])
    row["actor_aliases"] = _parallel(_aliases(a) for a in row["actor_aliases"])
    row["characters_korean"] = _parallel(
        _escaped(r.name_korean) if r.name_korean else "" for r in roles
    )
    row["character_aliases"] = _parallel(_aliases(r.aliases) for r in roles)
    row["urls"] = _joined(scene.urls)
    row["tags"] = _joined(scene.tags)
    return row


# What must be escaped in a name in a list cell, in a character, and in an alias.
_IN_LIST = re.compile(r"[\\;]")
_IN_ROLE = re.compile(r"[\\;=]")
_IN_ALIASES = re.compile(r"[\\;|]")


def _escaped(name: str, special: re.Pattern[str] = _IN_LIST) -> str:
    return special.sub(r"\\\g<0>", name) if special.search(name) else name


def _joined(names: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(_escaped(name) for name in names)


def _aliases(aliases: Iterable[str]) -> str:
    return ALIAS_SEPARATOR.join(_escaped(alias, _IN_ALIASES) for alias in aliases)


def _parallel(items: Iterable[str]) -> str:
    """Items that go with those of another cell, in order, blank where one has none; a
    cell whose items are all blank is left empty."""
    cells = list(items)
    return LIST_SEPARATOR.join(cells).rstrip() if any(cells) else ""


# Lines: what a table becomes when it is piped, as gh writes it. One record a line, its
# fields (the table's columns) separated by tabs, no header, nothing cut, so that grep
# finds whole records and ``cut -f1`` gives the ids. Each field is the text its TSV cell
# holds (lists joined as ``_flat`` joins them); the favourite is "♥" or empty, the rating
# a digit or empty. So that no value can break a line or a field, a backslash is written
# as two, a tab as "\t", a line feed "\n", a carriage return "\r", and any other
# character of ``text.CONTROL`` as "\xNN" or "\uNNNN" (as ``text.visible`` shows it).
# Search highlighting is for tables only.

# The fields of a scene's line without --fields: the table's columns, its Cast as the
# table shows it ("Actor as Character"), the marks under its id in columns of their own.
LINE_FIELDS = ("id", "drama", "year", "title", "cast", "favorite", "rating")


def _scene_cells(scene: Scene, fields: Sequence[str] | None) -> list[object]:
    """The fields of a scene's line, before escaping."""
    flat: dict[str, Any] | None = None
    cells: list[object] = []
    for key in fields or LINE_FIELDS:
        if key == "cast":
            cells.append(_joined(scene.cast_lines()))
        elif key == "favorite":
            cells.append(HEART if scene.favorite else "")
        elif key in ("id", "drama", "year", "title", "rating"):
            cells.append(getattr(scene, key))
        else:
            flat = flat or _flat(scene)
            cells.append(flat[key])
    return cells


_IN_LINE = re.compile(f"[\\\\\t\n\r]|{CONTROL.pattern}")
_LINE_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _line_escape(match: re.Match[str]) -> str:
    return _LINE_ESCAPES.get(match[0]) or written_out(match)


def _line_field(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return _IN_LINE.sub(_line_escape, text) if _IN_LINE.search(text) else text


def write_lines(records: Iterable[Sequence[object]], out: TextIO) -> int:
    """Write each record as one line of tab-separated fields (see above); return how
    many were written."""
    count = 0
    for record in records:
        out.write("\t".join(map(_line_field, record)) + "\n")
        count += 1
    return count


# Rows other than scenes (counted actors, dramas, years): every format, written once.


def render_rows(
    rows: Iterable[Row],
    fields: Sequence[str],
    fmt: OutputFormat,
    out: TextIO,
    *,
    table: Sequence[Column],
    pretty: bool | None = None,
) -> int:
    """Write rows to ``out`` in ``fmt``; return how many were written.

    JSON and JSON Lines carry ``row.to_dict()``; CSV and TSV have the columns
    ``fields`` (its keys, in order) under a header row; a table shows the ``table``
    columns, which may include attributes the machine formats leave out.
    """
    rows = _text_only(rows)
    if fmt is OutputFormat.table:
        from .render_rich import write_rows_table

        return write_rows_table(rows, table, out)
    if fmt is OutputFormat.lines:
        cells = ([getattr(row, column.attribute) for column in table] for row in rows)
        return write_lines(cells, out)
    return _write_objects((row.to_dict() for row in rows), fields, fmt, out, pretty=pretty)


def _text_only(rows: Iterable[Row]) -> Iterator[Row]:
    """The rows, refusing one that holds binary data (see ``_refuse_binary``)."""
    for row in rows:
        _refuse_binary(row)
        yield row


_WHAT = {"korean": "Korean name"}


def _refuse_binary(value: object, key: str = "value") -> None:
    """CatalogError naming the first binary value (a BLOB, which another program may
    have written) in ``value``, a row or anything it holds: kdrama never stores one,
    and no format can show it as it is."""
    if isinstance(value, bytes):
        raise CatalogError(
            f"the catalog is damaged: the {_WHAT.get(key, key)} {value!r} is binary data (a BLOB),"
            " which kdrama never stores"
        )
    if isinstance(value, (str, int, float)) or value is None:
        return
    if hasattr(value, "__dataclass_fields__"):
        value = vars(value)
    if isinstance(value, dict):
        for name, item in value.items():
            _refuse_binary(item, name)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_binary(item, key)


def _write_objects(
    objects: Iterable[dict[str, Any]],
    fields: Sequence[str],
    fmt: OutputFormat,
    out: TextIO,
    *,
    pretty: bool | None = None,
) -> int:
    """The machine formats, for any rows: JSON objects, or ``fields`` as CSV/TSV."""
    if fmt is OutputFormat.json:
        if not json_is_pretty(out, pretty):
            return write_json_array((_dumps(value) for value in objects), out)
        return _write_json_objects(objects, out)
    if fmt is OutputFormat.jsonl:
        return _write_jsonl_objects(objects, out)
    import csv

    dialect = csv.excel if fmt is OutputFormat.csv else csv.excel_tab
    return _write_delimited_objects(objects, fields, out, dialect)


def _write_json_objects(objects: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A pretty JSON array, one indented object after another."""
    terminal = is_terminal(out)
    write: Callable[[str], object] = out.write
    if terminal:
        from .render_rich import json_writer

        write = json_writer(out)
    count = 0
    for count, value in enumerate(objects, start=1):
        # "[" waits for the first object: a catalog that fails to read writes nothing.
        # split("\n"), not splitlines(): JSON strings may hold U+2028 and kin.
        text = "\n".join("  " + line for line in _dumps(value, 2).split("\n"))
        text = (",\n" if count > 1 else "[\n") + text
        write(_for_terminal(text) if terminal else text)
    write("\n]\n" if count else "[]\n")
    return count


def _write_jsonl_objects(objects: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for value in objects:
        out.write(_dumps(value) + "\n")
        count += 1
    return count


def _write_delimited_objects(
    objects: Iterable[dict[str, Any]],
    fields: Sequence[str],
    out: TextIO,
    dialect: type[csv.Dialect],
) -> int:
    import csv

    plain = csv.writer(out, dialect=dialect, lineterminator="\n")
    quoted = csv.writer(out, dialect=dialect, lineterminator="\n", quoting=csv.QUOTE_ALL)
    rows = iter(objects)
    first = next(rows, None)  # read before the header: a catalog that fails writes nothing
    plain.writerow(fields)
    count = 0
    for value in itertools.chain([first] if first is not None else [], rows):
        row = ["" if value[key] is None else value[key] for key in fields]
        # With lines ending in "\n", the csv module leaves a lone "\r" unquoted, which
        # readers take for a line break: rows holding one are written fully quoted.
        (quoted if any("\r" in str(cell) for cell in row) else plain).writerow(row)
        count += 1
    return count


def render_stats(stats: Stats, out: TextIO, *, as_json: bool = False) -> None:
    """Write ``stats`` as one JSON object, or draw it for people (see render_rich)."""
    _refuse_binary(stats)
    if as_json:
        write_json(stats.to_dict(), out)
        return
    from .render_rich import write_stats

    write_stats(stats, out)
