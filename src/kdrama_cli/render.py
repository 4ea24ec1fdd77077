"""The one place that turns scenes into output, for every format.

Machine formats (JSON, JSON Lines, CSV, TSV) are written with the standard library
straight to the stream, one scene at a time, so they stay exact whatever the terminal,
colour settings or catalog text. Tables and panels are Rich renderables built from
``Text`` objects, so catalog text is never read as markup.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from rich.console import Console, Group, JustifyMethod
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .models import CSV_COLUMNS, LIST_SEPARATOR, DetailFormat, OutputFormat, Scene

if TYPE_CHECKING:
    from .facets import Stats


def render_scenes(
    scenes: Iterable[Scene],
    fmt: OutputFormat,
    out: TextIO,
    *,
    highlight: re.Pattern[str] | None = None,
) -> int:
    """Write scenes to ``out`` in ``fmt``; return how many were written. In a table,
    the text that ``highlight`` matches is highlighted (search results)."""
    if fmt is OutputFormat.table:
        return _write_table(scenes, out, highlight)
    writers = {
        OutputFormat.json: _write_json,
        OutputFormat.jsonl: _write_jsonl,
        OutputFormat.csv: _write_csv,
        OutputFormat.tsv: _write_tsv,
    }
    return writers[fmt](scenes, out)


def render_scene_detail(scene: Scene, fmt: DetailFormat, out: TextIO) -> None:
    """Write one scene in full: a Rich panel for people, or one JSON object."""
    if fmt is DetailFormat.json:
        out.write(_dumps(scene.to_dict(), indent=2) + "\n")
        return
    _console(out).print(_scene_panel(scene))


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _write_json(scenes: Iterable[Scene], out: TextIO) -> int:
    count = 0
    out.write("[")
    for count, scene in enumerate(scenes, start=1):
        out.write(",\n" if count > 1 else "\n")
        # split("\n"), not splitlines(): JSON strings may hold U+2028 and kin.
        out.write("\n".join("  " + line for line in _dumps(scene.to_dict(), 2).split("\n")))
    out.write("\n]\n" if count else "]\n")
    return count


def _write_jsonl(scenes: Iterable[Scene], out: TextIO) -> int:
    count = 0
    for scene in scenes:
        out.write(_dumps(scene.to_dict()) + "\n")
        count += 1
    return count


def _write_csv(scenes: Iterable[Scene], out: TextIO) -> int:
    return _write_delimited(scenes, out, csv.excel)


def _write_tsv(scenes: Iterable[Scene], out: TextIO) -> int:
    return _write_delimited(scenes, out, csv.excel_tab)


def _write_delimited(scenes: Iterable[Scene], out: TextIO, dialect: type[csv.Dialect]) -> int:
    plain = csv.writer(out, dialect=dialect, lineterminator="\n")
    # With lines ending in "\n", the csv module leaves a lone "\r" unquoted, which
    # readers take for a line break: rows holding one are written fully quoted.
    quoted = csv.writer(out, dialect=dialect, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(CSV_COLUMNS)
    count = 0
    for scene in scenes:
        row = _flat_row(scene)
        (quoted if any("\r" in str(cell) for cell in row) else plain).writerow(row)
        count += 1
    return count


def _flat_row(scene: Scene) -> list[object]:
    """A scene as one CSV row: lists joined with "; ", characters as "Name=Actor"."""
    row = scene.to_dict()
    row["actors"] = LIST_SEPARATOR.join(scene.actors)
    row["characters"] = LIST_SEPARATOR.join(f"{r.name}={r.actor}" for r in scene.characters)
    return ["" if row[column] is None else row[column] for column in CSV_COLUMNS]


def _console(out: TextIO) -> Console:
    # highlight=False: numbers and quotes in catalog text are not to be recoloured.
    return Console(file=out, highlight=False, emoji=False)


def _cast_lines(scene: Scene, *, korean: bool = False) -> list[str]:
    """Cast as "Actor as Character", then any actor who plays no named character."""

    def named(name: str, name_korean: str | None) -> str:
        return f"{name} ({name_korean})" if korean and name_korean else name

    lines = [
        f"{named(r.actor, r.actor_korean)} as {named(r.name, r.name_korean)}"
        for r in scene.characters
    ]
    playing = {role.actor for role in scene.characters}
    return lines + [actor for actor in scene.actors if actor not in playing]


def _write_table(
    scenes: Iterable[Scene], out: TextIO, highlight: re.Pattern[str] | None = None
) -> int:
    table = Table(show_lines=True)
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Drama", overflow="fold", min_width=10, ratio=2)
    table.add_column("Year", no_wrap=True)
    table.add_column("Scene", overflow="fold", min_width=12, ratio=3)
    table.add_column("Cast", overflow="fold", min_width=12, ratio=3)
    count = 0
    for scene in scenes:
        count += 1
        table.add_row(
            Text(str(scene.id)),
            _marked(scene.drama, highlight),
            Text(str(scene.year)),
            _scene_cell(scene, highlight),
            _marked("\n".join(_cast_lines(scene)), highlight),
        )
    if count:
        _console(out).print(table)
    return count


def _scene_cell(scene: Scene, highlight: re.Pattern[str] | None) -> Text:
    """A scene's title; for search results, with its description below, since that is
    where most words are found."""
    cell = _marked(scene.title, highlight)
    if highlight is not None and scene.description:
        cell.append("\n")
        cell.append_text(_marked(scene.description, highlight, style="dim"))
    return cell


def _marked(text: str, highlight: re.Pattern[str] | None, style: str = "") -> Text:
    """Catalog text as a Text (never markup), with what ``highlight`` matches marked.
    Compared in NFC, so text stored decomposed is marked too."""
    if highlight is None:
        return Text(text, style=style)
    marked = Text(unicodedata.normalize("NFC", text), style=style)
    marked.highlight_regex(highlight, style="bold reverse")
    return marked


def _scene_panel(scene: Scene) -> Panel:
    drama = " · ".join(
        part
        for part in (
            f"{scene.drama} ({scene.drama_korean})" if scene.drama_korean else scene.drama,
            scene.network,
            str(scene.year),
        )
        if part
    )
    body: list[Text] = [Text(drama, style="bold"), Text("")]
    body += [Text(line) for line in _cast_lines(scene, korean=True)]
    if scene.description:
        body += [Text(""), Text(scene.description)]
    source = _source_line(scene)
    if source:
        body += [Text(""), Text(source, style="dim")]
    return Panel(
        Group(*body),
        title=Text(f"#{scene.id} {scene.title}", style="bold"),
        title_align="left",
    )


def _source_line(scene: Scene) -> str:
    if not scene.source:
        return ""
    line = f"Source: {scene.source}"
    if scene.source_title:
        line += f', "{scene.source_title}"'
    if scene.rank is not None:
        line += f" (#{scene.rank})"
    if scene.source_credit:
        line += f"; credit: {scene.source_credit}"
    return line


# Rows other than scenes (counted actors, dramas, years): every format, written once.


class Row(Protocol):
    """Anything written as one JSON object a row, such as ``facets.ActorCount``."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Column:
    """A column of a table of rows: the row attribute it shows, and its heading."""

    attribute: str
    heading: str
    justify: JustifyMethod = "left"


def render_rows(
    rows: Iterable[Row],
    fields: Sequence[str],
    fmt: OutputFormat,
    out: TextIO,
    *,
    table: Sequence[Column],
) -> int:
    """Write rows to ``out`` in ``fmt``; return how many were written.

    JSON and JSON Lines carry ``row.to_dict()``; CSV and TSV have the columns
    ``fields`` (its keys, in order) under a header row; a table shows the ``table``
    columns, which may include attributes the machine formats leave out.
    """
    if fmt is OutputFormat.table:
        return _write_rows_table(rows, table, out)
    objects = (row.to_dict() for row in rows)
    if fmt is OutputFormat.json:
        return _write_json_objects(objects, out)
    if fmt is OutputFormat.jsonl:
        return _write_jsonl_objects(objects, out)
    dialect = csv.excel if fmt is OutputFormat.csv else csv.excel_tab
    return _write_delimited_objects(objects, fields, out, dialect)


def _write_json_objects(objects: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for count, value in enumerate(objects, start=1):
        out.write(",\n" if count > 1 else "\n")
        out.write("\n".join("  " + line for line in _dumps(value, 2).split("\n")))
    out.write("\n]\n" if count else "]\n")
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
    plain = csv.writer(out, dialect=dialect, lineterminator="\n")
    quoted = csv.writer(out, dialect=dialect, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(fields)
    count = 0
    for value in objects:
        row = ["" if value[key] is None else value[key] for key in fields]
        # A lone "\r" would read as a line break: see _write_delimited.
        (quoted if any("\r" in str(cell) for cell in row) else plain).writerow(row)
        count += 1
    return count


def _write_rows_table(rows: Iterable[Row], columns: Sequence[Column], out: TextIO) -> int:
    table = Table()
    for column in columns:
        table.add_column(column.heading, justify=column.justify, overflow="fold")
    count = 0
    for row in rows:
        count += 1
        values = (getattr(row, column.attribute) for column in columns)
        table.add_row(*(Text("" if value is None else str(value)) for value in values))
    if count:
        _console(out).print(table)
    return count


# `kdrama stats`: totals and bar charts.

_BAR = "█"
_BAR_ASCII = "#"
_BAR_STYLE = "cyan"
_BAR_WIDTH = 40
_LABEL_WIDTH = 32
_INDENT = "  "


def render_stats(stats: Stats, out: TextIO, *, as_json: bool = False) -> None:
    """Write ``stats`` as one JSON object, or draw it for people: the totals, then a
    bar chart for each count, with "█" bars ("#" where the output cannot encode it).

    Charts are lines of Text built here, not tables, so that no line ends in padding.
    """
    if as_json:
        out.write(_dumps(stats.to_dict(), indent=2) + "\n")
        return
    console = _console(out)
    glyph = _BAR if _can_encode(_BAR, console.encoding) else _BAR_ASCII
    average = "-" if stats.average_rating is None else f"{stats.average_rating:.2f}"
    lines = _totals(
        [
            [("Scenes", stats.scenes), ("Favourites", stats.favorites)],
            [("Dramas", stats.dramas), ("Rated", stats.rated)],
            [("Actors", stats.actors), ("Average rating", average)],
            [("Characters", stats.characters)],
        ]
    )
    charts = [
        ("Scenes per year", [(str(row.year), row.count) for row in stats.years]),
        ("Top actors", [(row.name, row.count) for row in stats.top_actors]),
        ("Top dramas", [(f"{row.name} ({row.year})", row.count) for row in stats.top_dramas]),
        (
            "Favourites and ratings",
            [("favourites", stats.favorites)]
            + [(f"rated {row.rating}", row.count) for row in reversed(stats.ratings)],
        ),
    ]
    for title, rows in charts:
        lines += [Text(""), Text(title, style="bold")]
        lines += _bar_chart(rows, glyph, console.width)
    console.print(Group(*lines), no_wrap=True, overflow="ellipsis")


def _can_encode(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _totals(rows: list[list[tuple[str, object]]]) -> list[Text]:
    """A line for each row of (label, value) pairs, the pairs lined up in columns:
    labels in bold and left-aligned, values right-aligned."""
    columns = range(max(len(row) for row in rows))
    label_widths = [max(len(row[i][0]) for row in rows if len(row) > i) for i in columns]
    value_widths = [max(len(str(row[i][1])) for row in rows if len(row) > i) for i in columns]
    lines = []
    for row in rows:
        line = Text()
        for i, (label, value) in enumerate(row):
            line.append("    " if i else "")
            line.append(label.ljust(label_widths[i] + 1), style="bold")
            line.append(str(value).rjust(value_widths[i]))
        lines.append(line)
    return lines


def _bar_chart(rows: Sequence[tuple[str, int]], glyph: str, width: int) -> list[Text]:
    """A line a row: label, count, and a bar scaled to the largest count. Labels are
    catalog text, so Text, never markup; long ones end in an ellipsis."""
    if not rows:
        return [Text(_INDENT + "none", style="dim")]
    largest = max(count for _, count in rows)
    count_width = len(str(largest))
    label_width = min(
        max(Text(label).cell_len for label, _ in rows),
        _LABEL_WIDTH,
        max(8, width - len(_INDENT) - count_width - 12),
    )
    bar_width = max(1, min(_BAR_WIDTH, width - len(_INDENT) - label_width - count_width - 2))
    lines = []
    for label, count in rows:
        line = Text(_INDENT)
        name = Text(label)
        name.truncate(label_width, overflow="ellipsis", pad=True)
        line.append_text(name)
        line.append(" " + str(count).rjust(count_width))
        length = max(1, round(count * bar_width / largest)) if count else 0
        if length:
            line.append(" ")
            line.append(glyph * length, style=_BAR_STYLE)
        lines.append(line)
    return lines
