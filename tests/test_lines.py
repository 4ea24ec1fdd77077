"""Piped tables are lines, as gh writes them: without --format, output that is not a
terminal is one record a line, its fields separated by tabs, no header, nothing cut;
a terminal still gets the table, and --format table draws the table anywhere."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, on_terminal, one_scene, run_process

# The bundled catalog's scenes as lines: id, drama, year, scene, cast, favourite, rating.
BUNDLED_LINES = [
    "1\tEncounter\t2019\tJin Hyuk tells the world about Soo Hyun"
    "\tPark Bo Gum as Kim Jin Hyuk; Song Hye Kyo as Cha Soo Hyun\t\t",
    "2\tSomething in the Rain\t2018\tJin Ah and Joon Hee almost get caught"
    "\tSon Ye Jin as Yoon Jin Ah; Jung Hae In as Seo Joon Hee\t\t",
]


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """Run a shell pipeline in which ``kdrama`` is the installed entry point."""
    pipeline = command.replace("kdrama ", f"{KDRAMA_BIN} ")
    return subprocess.run(
        ["sh", "-c", pipeline], capture_output=True, text=True, check=False, timeout=60
    )


def test_a_terminal_gets_the_table_and_a_pipe_gets_lines() -> None:
    table = on_terminal("list")
    assert table.code == 0, table.stderr
    assert table.stdout.startswith("┏") and "┃ ID ┃ Drama" in table.stdout
    piped = run_process("list")
    assert piped.exit_code == 0, piped.stderr
    lines = piped.stdout.splitlines()
    assert lines[:2] == BUNDLED_LINES
    assert len(lines) == 6 and all(line.count("\t") == 6 for line in lines)
    assert not any(glyph in piped.stdout for glyph in "┏┃│└")


def test_grep_finds_whole_scenes_with_their_ids() -> None:
    done = shell('kdrama list | grep "Son Ye Jin"')
    assert done.returncode == 0, done.stderr
    found = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(fields[0], fields[1], fields[3]) for fields in found] == [
        ("2", "Something in the Rain", "Jin Ah and Joon Hee almost get caught"),
        ("6", "Crash Landing on You", "Jeong Hyeok kisses Se Ri's tears away"),
    ]


def test_cut_gives_the_ids_and_the_columns_of_the_table() -> None:
    ids = shell("kdrama list | cut -f1")
    assert ids.stdout.split() == ["1", "2", "3", "4", "5", "6"]
    dramas = shell("kdrama search kiss | cut -f2")
    assert dramas.stdout.splitlines() == ["Crash Landing on You", "Descendants of the Sun"]


def test_format_table_draws_the_table_through_a_pipe() -> None:
    run = run_process("list", "--format", "table", env={"COLUMNS": "100"})
    assert run.exit_code == 0, run.stderr
    header = run.stdout.splitlines()[1]
    assert [cell.strip() for cell in header.strip("┃").split("┃")] == [
        "ID",
        "Drama",
        "Year",
        "Scene",
        "Cast",
    ]
    assert "\x1b" not in run.stdout


def test_format_lines_writes_lines_on_a_terminal_too() -> None:
    run = on_terminal("list", "--format", "lines", "--limit", "2")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == BUNDLED_LINES


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["actors", "-n", "2"], ["Son Ye Jin\t손예진\t2", "Song Hye Kyo\t송혜교\t2"]),
        (["dramas", "-n", "1"], ["Crash Landing on You\t사랑의 불시착\t2020\t1"]),
        (["years", "-n", "2"], ["2018\t2", "2016\t1"]),
    ],
    ids=["actors", "dramas", "years"],
)
def test_piped_facets_are_lines_of_the_table_columns(args: list[str], expected: list[str]) -> None:
    run = run_process(*args)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == expected


def test_random_piped_is_a_line(kdrama: Invoke) -> None:
    assert kdrama("random", "--seed", "1").stdout == BUNDLED_LINES[1] + "\n"


@pytest.fixture
def marked(tmp_path: Path, kdrama: Invoke) -> Path:
    db = tmp_path / "marked.db"
    shutil.copyfile(BUNDLED, db)
    for args in (["fav", "2", "5"], ["rate", "2", "4"], ["rate", "3", "1"]):
        assert kdrama(*args, "--db", str(db)).exit_code == 0
    return db


def test_marks_are_a_heart_and_a_digit_in_fields_of_their_own(kdrama: Invoke, marked: Path) -> None:
    marks = [
        line.split("\t")[5:] for line in kdrama("list", "--db", str(marked)).stdout.splitlines()
    ]
    assert marks == [["", ""], ["♥", "4"], ["", "1"], ["", ""], ["♥", ""], ["", ""]]


def test_an_ascii_locale_still_writes_lines_in_utf8(marked: Path) -> None:
    run = run_process("list", "--db", str(marked), "-n", "2", env={"PYTHONIOENCODING": "ascii"})
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[1].endswith("\t♥\t4")


def test_fields_choose_the_fields_of_a_line_in_their_order(kdrama: Invoke) -> None:
    run = kdrama("list", "--fields", "year,id,actors,drama_korean", "-a", "Son Ye Jin")
    assert run.stdout.splitlines() == [
        "2018\t2\tSon Ye Jin; Jung Hae In\t밥 잘 사주는 예쁜 누나",
        "2020\t6\tHyun Bin; Son Ye Jin\t사랑의 불시착",
    ]


def test_search_lines_are_not_highlighted(kdrama: Invoke) -> None:
    run = kdrama("search", "kissing", env={"FORCE_COLOR": "1"})
    assert run.exit_code == 0
    assert "\x1b" not in run.stdout
    assert run.stdout.startswith("6\tCrash Landing on You\t2020\tJeong Hyeok kisses")


def test_a_tab_a_line_break_or_a_control_character_cannot_break_a_line(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    data = one_scene(
        title="Tab\there",
        description="First line\nsecond\r\nthird \\ slash \x1b[2J \u202e",
    )
    data["people"][0]["name"] = "Kim; Actor"
    data["dramas"][0]["characters"][0]["actor"] = "Kim; Actor"
    db = str(make_catalog(data))
    run = kdrama("list", "--db", db, "--fields", "id,title,description,actors")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == (
        "1\tTab\\there\tFirst line\\nsecond\\r\\nthird \\\\ slash \\x1b[2J \\u202e"
        "\tKim\\\\; Actor; Lee Actress\n"
    )
    default = kdrama("list", "--db", db).stdout
    assert default.count("\n") == 1 and default.count("\t") == 6
    assert default.startswith("1\tTest Drama\t2021\tTab\\there\tKim\\\\; Actor as Hero; ")


def test_an_empty_result_says_so_as_under_a_table(kdrama: Invoke) -> None:
    for fmt in ([], ["--format", "table"]):
        listed = kdrama("list", "--year", "1990", *fmt)
        assert (listed.exit_code, listed.stdout, listed.stderr) == (0, "", "No scenes match.\n")
        searched = kdrama("search", "zzzz", *fmt)
        assert (searched.exit_code, searched.stdout) == (0, "")
        assert searched.stderr == "No scene matches 'zzzz'.\n"
