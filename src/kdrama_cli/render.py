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
from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .models import CSV_COLUMNS, LIST_SEPARATOR, DetailFormat, OutputFormat, Scene


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
