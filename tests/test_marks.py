"""Your marks are visible: a favourite (♥) and a rating (★★★★☆, or "fav" and "4/5"
where the output cannot encode the glyphs) appear under the id in the tables of
`list`, `search` and `random`, and in `show`; for people only, so machine formats
are unchanged."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import BUNDLED, Invoke, on_terminal, run_process

ASCII = {"PYTHONIOENCODING": "ascii"}


@pytest.fixture
def marked(tmp_path: Path, kdrama: Invoke) -> Path:
    """A copy of the bundled catalog: scene 2 a favourite rated 4, scene 3 rated 1,
    scene 5 a favourite without a rating; the others unmarked."""
    db = tmp_path / "marked.db"
    shutil.copyfile(BUNDLED, db)
    for args in (["fav", "2", "5"], ["rate", "2", "4"], ["rate", "3", "1"]):
        assert kdrama(*args, "--db", str(db)).exit_code == 0
    return db


def id_cells(table: str) -> dict[int, list[str]]:
    """The ID column of a drawn table: each scene's id and the lines under it."""
    cells: dict[int, list[str]] = {}
    current: list[str] = []
    for line in table.splitlines():
        if not line.startswith(("│", "|")) or not line.strip("|-+"):
            continue  # borders, and the lines between rows of an ASCII table
        cell = re.split(r"[│|]", line)[1].strip()
        if cell.isdigit():
            current = cells.setdefault(int(cell), [])
        elif cell:
            current.append(cell)
    return cells


@pytest.mark.parametrize(
    "args",
    [["list"], ["search", "the"], ["random", "-n", "6", "--seed", "3"]],
    ids=["list", "search", "random"],
)
def test_tables_show_marks_under_the_id_and_nothing_for_unmarked_scenes(
    kdrama: Invoke, marked: Path, args: list[str]
) -> None:
    run = kdrama(*args, "--db", str(marked), "--format", "table")
    assert run.exit_code == 0, run.stderr
    cells = id_cells(run.stdout)
    assert cells[2] == ["♥", "★★★★☆"]
    assert cells[3] == ["★☆☆☆☆"]
    assert cells[5] == ["♥"]
    assert cells[1] == [] and cells[6] == []


def test_marks_stack_under_the_id_and_the_table_still_fits_80_columns(
    kdrama: Invoke, marked: Path
) -> None:
    table = kdrama("list", "--db", str(marked), "-f", "table", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in table.splitlines()) <= 80
    for column in ("ID", "Drama", "Year", "Scene", "Cast"):
        assert column in table.splitlines()[1]
    assert "Hyun Bin as Ri" in table


def test_a_catalog_without_marks_draws_the_table_it_always_did(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "once.db"
    shutil.copyfile(BUNDLED, db)
    before = kdrama("list", "--db", str(db), "-f", "table").stdout
    for args in (["fav", "2"], ["rate", "2", "5"], ["unfav", "2"], ["unrate", "2"]):
        assert kdrama(*args, "--db", str(db)).exit_code == 0
    after = kdrama("list", "--db", str(db), "-f", "table").stdout
    assert after == before
    assert "♥" not in after and "★" not in after
    # The id column stays as narrow as its heading: nothing was added for marks.
    assert after.splitlines()[1].split("┃")[1] == " ID "


def test_show_puts_the_marks_under_the_drama_line(kdrama: Invoke, marked: Path) -> None:
    shown = kdrama("show", "2", "--db", str(marked)).stdout.splitlines()
    assert "Something in the Rain" in shown[1]
    assert shown[2].strip("│ ") == "♥ ★★★★☆"
    unmarked = kdrama("show", "1", "--db", str(marked)).stdout.splitlines()
    assert "Encounter" in unmarked[1] and unmarked[2].strip("│ ") == ""
    assert "★" not in "".join(unmarked) and "♥" not in "".join(unmarked)


@pytest.mark.parametrize(
    "args",
    [["list", "--json"], ["list", "-f", "jsonl"], ["list", "-f", "csv"], ["list", "-f", "tsv"]],
)
def test_machine_formats_carry_marks_as_data_not_glyphs(
    kdrama: Invoke, marked: Path, args: list[str]
) -> None:
    run = kdrama(*args, "--db", str(marked))
    assert run.exit_code == 0
    assert "★" not in run.stdout and "♥" not in run.stdout and "4/5" not in run.stdout
    if "--json" in args:
        scene = run.json()[1]
        assert (scene["id"], scene["favorite"], scene["rating"]) == (2, True, 4)


def test_show_json_is_unchanged_by_marks(kdrama: Invoke, marked: Path) -> None:
    scene = json.loads(kdrama("show", "2", "--format", "json", "--db", str(marked)).stdout)
    assert (scene["favorite"], scene["rating"]) == (True, 4)


def test_an_ascii_output_writes_fav_and_n_of_5_instead_of_escapes(marked: Path) -> None:
    table = run_process("list", "--db", str(marked), "-f", "table", env={**ASCII, "COLUMNS": "80"})
    assert table.exit_code == 0, table.stderr
    cells = id_cells(table.stdout)
    assert (cells[2], cells[3], cells[5], cells[1]) == (["fav", "4/5"], ["1/5"], ["fav"], [])
    shown = run_process("show", "2", "--db", str(marked), env=ASCII)
    assert shown.stdout.splitlines()[2].strip("| ") == "fav 4/5"
    for output in (table.stdout, shown.stdout):
        assert "\\u2605" not in output and "\\u2665" not in output


@pytest.mark.parametrize(
    ("encoding", "favourite_rated", "rated"),
    [("utf-8", ["♥", "★★★★☆"], "★☆☆☆☆"), ("ascii", ["fav", "4/5"], "1/5")],
)
def test_a_terminal_shows_the_marks_its_encoding_can_show(
    marked: Path, encoding: str, favourite_rated: list[str], rated: str
) -> None:
    env = {"COLUMNS": "80", "PYTHONIOENCODING": encoding}
    table = on_terminal("list", "--db", str(marked), env=env)
    assert table.code == 0, table.stderr
    cells = id_cells(table.stdout)
    assert (cells[2], cells[3], cells[4]) == (favourite_rated, [rated], [])
