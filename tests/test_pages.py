"""Tables drawn in pages: a long table is drawn a page of rows at a time, each page of
the same column widths and joined to the one before, so it reads as one table with one
header, and rows are read from the catalog as they are drawn."""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kdrama_cli.models import Scene
from kdrama_cli.render_rich import PAGE, write_table

from .conftest import on_terminal, run_process
from .test_screenful import NAMES

# Family names to go with test_screenful's hundred names: names that differ only in
# digits or doubled letters are taken for one person by import's name matching.
FAMILIES = ["Kim", "Lee", "Park"]

SCENES = 2 * PAGE + 37  # three pages, the last one short
ID_CELL = re.compile(r"^│ +(\d+) │", re.M)
BORDERS = "┏┡├└┌╇┼┴┬┳"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of SCENES scenes, each with a drama and actor of its own, imported as
    a user imports them."""
    folder = tmp_path_factory.mktemp("pages")
    source = folder / "scenes.jsonl"
    lines = []
    for n, (family, name) in enumerate(
        itertools.islice(itertools.product(FAMILIES, NAMES), SCENES), start=1
    ):
        lines.append(
            json.dumps(
                {
                    "title": f"Scene of the long table number {n}",
                    "drama": f"Drama {name} of {family}",
                    "year": 2000 + n % 20,
                    "actors": [f"{family} {name}"],
                }
            )
        )
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "catalog.db"
    run = run_process("import", str(source), "--db", str(db))
    assert run.exit_code == 0, run.stderr
    return db


def border_lines(table: str) -> list[str]:
    return [line for line in table.splitlines() if line[:1] in BORDERS]


@pytest.mark.parametrize("command", [["list"], ["search", "scene"]], ids=["list", "search"])
def test_a_long_table_reads_as_one_table_with_one_header(catalog: Path, command: list[str]) -> None:
    run = run_process(*command, "--all", "--format", "table", "--db", str(catalog))
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert sorted(int(found) for found in ID_CELL.findall(run.stdout)) == list(range(1, SCENES + 1))
    assert sum("┃ ID" in line or "┃      ID" in line for line in lines) == 1
    assert lines[0].startswith("┏") and lines[-1].startswith("└")
    # Between the header and the end, only the lines between rows: no page ends early.
    middle = border_lines(run.stdout)[2:-1]
    assert len(middle) == SCENES - 1 and len(set(middle)) == 1
    # Every page has the same column widths: every line is as wide as the first.
    assert {len(line) for line in lines} == {len(lines[0])}


def test_a_long_facet_table_reads_as_one_table(catalog: Path) -> None:
    run = run_process("actors", "--all", "--format", "table", "--db", str(catalog))
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert sum(line.startswith(("│ Kim ", "│ Lee ", "│ Park ")) for line in lines) == SCENES
    assert [line[0] for line in border_lines(run.stdout)] == ["┏", "┡", "└"]
    assert {len(line) for line in lines} == {len(lines[0])}


def test_a_long_table_on_a_terminal_is_whole_too(catalog: Path) -> None:
    run = on_terminal("list", "--all", "--db", str(catalog), env={"COLUMNS": "90"})
    assert run.code == 0, run.stderr
    assert len(ID_CELL.findall(run.stdout)) == SCENES
    assert max(len(line) for line in run.stdout.splitlines()) <= 90


def test_a_long_table_with_chosen_fields_lines_up(catalog: Path) -> None:
    run = run_process(
        "list", "--all", "-f", "table", "--fields", "id,rating,title", "--db", str(catalog)
    )
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(ID_CELL.findall(run.stdout)) == SCENES
    assert {len(line) for line in lines} == {len(lines[0])}


def test_a_narrow_long_facet_table_keeps_every_row(catalog: Path) -> None:
    run = run_process("dramas", "--all", "-f", "table", "--db", str(catalog), env={"COLUMNS": "40"})
    assert run.exit_code == 0, run.stderr
    assert len(re.findall(r"\b2\d{3}\b", run.stdout)) == SCENES
    assert max(len(line) for line in run.stdout.splitlines()) <= 40


def test_the_first_page_is_drawn_before_the_rows_after_the_next_are_read() -> None:
    """Rows are read as they are drawn: when the table first writes, only the first
    page has been read, and one row more, which says the table is longer."""
    read = 0

    def scenes() -> Iterator[Scene]:
        nonlocal read
        for n in range(1, 10 * PAGE + 1):
            read += 1
            yield Scene(n, f"Scene {n}", "A drama", 2020)

    first_write: list[int] = []

    class Watched(io.StringIO):
        def write(self, text: str) -> int:
            if not first_write:
                first_write.append(read)
            return super().write(text)

    out = Watched()
    assert write_table(scenes(), out) == 10 * PAGE
    assert first_write == [PAGE + 1]
    assert out.getvalue().count("│ A drama") == 10 * PAGE


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_a_long_table_is_exactly_one_rich_table_of_the_first_pages_widths(colour: bool) -> None:
    """The pages, joined, are what Rich draws for all the rows in one table of the
    widths the first page chose: the same borders, wrapping, marks and highlights."""
    from rich.console import Console

    from kdrama_cli import render_rich
    from kdrama_cli.models import Role

    scenes = [
        Scene(
            n,
            f"Scene {n} where a rather long title wraps over several lines of its cell",
            "Drama 도깨비 of the Seoul night" if n % 3 else "Short",
            1990 + n % 30,
            actors=("Kim Actor", "Lee Actress"),
            characters=(Role("Hero", "Kim Actor"),),
            favorite=n % 7 == 0,
            rating=n % 6 or None,
        )
        for n in range(1, 3 * PAGE + 12)
    ]
    pattern = re.compile("Seoul|Hero")

    def screen(out: io.StringIO) -> Console:
        colours = "standard" if colour else None
        return Console(file=out, width=100, force_terminal=colour, color_system=colours)

    paged = io.StringIO()
    render_rich._draw(
        screen(paged),
        render_rich._SCENE_COLUMNS,
        (render_rich._scene_cells(scene, "utf-8", pattern) for scene in scenes),
        show_lines=True,
    )
    whole = io.StringIO()
    rows = [render_rich._scene_cells(scene, "utf-8", pattern) for scene in scenes]
    widths = render_rich._page_widths(render_rich._SCENE_COLUMNS, rows[:PAGE], 100)
    assert widths is not None
    table = render_rich._table(render_rich._SCENE_COLUMNS, rows, widths, show_lines=True)
    screen(whole).print(table)
    assert paged.getvalue() == whole.getvalue()
    assert ("\x1b[" in paged.getvalue()) is colour
