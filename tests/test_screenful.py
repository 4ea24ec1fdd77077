"""A screenful on a terminal, everything for programs: a table on a terminal shows at
most 30 rows unless --limit or --all says otherwise, and says on stderr how many there
are; machine formats and piped output are never cut unless --limit is given."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import Invoke, on_terminal, run_process

SCENES = 100
SCENE = re.compile(r"Rain \d{3}")
ACTOR = re.compile(r"Actor [A-Z][a-z]+ [A-Z][a-z]+")
DRAMA = re.compile(r"Drama [A-Z][a-z]+ [A-Z][a-z]+")
# A hundred names, without digits: names that differ only in digits ("Actor 007",
# "Actor 077") are taken for one person by import's name matching.
FIRST = ["Amber", "Birch", "Cedar", "Delta", "Ember", "Flint", "Grove", "Haven", "Ivory", "Jasper"]
SECOND = [
    "Anchor",
    "Beacon",
    "Canyon",
    "Dune",
    "Echo",
    "Fjord",
    "Glacier",
    "Harbor",
    "Isle",
    "Jetty",
]
NAMES = [f"{first} {second}" for first in FIRST for second in SECOND]

# Each command that is cut to a screenful, the rows' pattern in its output, its noun.
COMMANDS = [
    (["list"], SCENE, "scenes"),
    (["search", "rain"], SCENE, "scenes"),
    (["actors"], ACTOR, "actors"),
]
IDS = ["list", "search", "actors"]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of 100 scenes, each with its own drama and actor, all found by "rain",
    60 from 2019 and 40 from 2018, made as a user makes one: ``kdrama import`` of a
    JSON Lines file."""
    folder = tmp_path_factory.mktemp("screenful")
    source = folder / "scenes.jsonl"
    lines = (
        json.dumps(
            {
                "title": f"Rain {n:03d}",
                "drama": f"Drama {name}",
                "year": 2019 if n <= 60 else 2018,
                "actors": [f"Actor {name}"],
            }
        )
        for n, name in enumerate(NAMES, start=1)
    )
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = folder / "catalog.db"
    run = run_process("import", str(source), "--db", str(db))
    assert run.exit_code == 0, run.stderr
    return db


def rows(output: str, pattern: re.Pattern[str]) -> list[str]:
    return pattern.findall(output)


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_a_table_on_a_terminal_shows_30_rows_and_says_how_many_there_are(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    run = on_terminal(*args, "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(rows(run.stdout, pattern)) == 30
    assert run.stderr == f"Showing 30 of 100 {noun}. Use --limit N or --all.\n"


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_all_on_a_terminal_shows_every_row_and_no_note(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    run = on_terminal(*args, "--all", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(set(rows(run.stdout, pattern))) == SCENES
    assert run.stderr == ""


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_a_limit_the_user_chose_is_shown_without_a_note(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    run = on_terminal(*args, "--limit", "5", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(rows(run.stdout, pattern)) == 5
    assert run.stderr == ""


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_a_limit_above_the_screenful_shows_that_many_on_a_terminal(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    run = on_terminal(*args, "--limit", "45", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(set(rows(run.stdout, pattern))) == 45


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_json_on_a_terminal_is_never_cut(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    run = on_terminal(*args, "--json", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(json.loads(run.stdout)) == SCENES
    assert run.stderr == ""


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv"])
def test_machine_formats_on_a_terminal_are_never_cut(catalog: Path, fmt: str) -> None:
    run = on_terminal("list", "--format", fmt, "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(set(rows(run.stdout, SCENE))) == SCENES
    assert run.stderr == ""


@pytest.mark.parametrize(("args", "pattern", "noun"), COMMANDS, ids=IDS)
def test_a_piped_table_is_never_cut(
    catalog: Path, args: list[str], pattern: re.Pattern[str], noun: str
) -> None:
    lines = run_process(*args, "--db", str(catalog))
    assert lines.exit_code == 0, lines.stderr
    assert len(set(rows(lines.stdout, pattern))) == len(lines.stdout.splitlines()) == SCENES
    assert lines.stderr == ""
    table = run_process(*args, "--format", "table", "--db", str(catalog))
    assert len(set(rows(table.stdout, pattern))) == SCENES
    assert table.stderr == ""


def test_a_piped_table_is_cut_by_a_limit(kdrama: Invoke, catalog: Path) -> None:
    run = kdrama("list", "--limit", "7", "--db", str(catalog))
    assert run.exit_code == 0, run.stderr
    assert len(rows(run.stdout, SCENE)) == 7


def test_a_screenful_with_no_more_to_show_has_no_note(catalog: Path) -> None:
    run = on_terminal("search", "rain", "--drama", "Drama Amber Dune", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert rows(run.stdout, SCENE) == ["Rain 004"]
    assert run.stderr == ""


def test_the_note_counts_only_what_the_filters_select(catalog: Path) -> None:
    run = on_terminal("dramas", "--year", "2019", "--db", str(catalog))
    assert run.code == 0, run.stderr
    assert len(rows(run.stdout, DRAMA)) == 30
    assert run.stderr == "Showing 30 of 60 dramas. Use --limit N or --all.\n"


@pytest.mark.parametrize("command", [["list"], ["search", "rain"], ["actors"], ["years"]])
def test_all_with_limit_is_a_usage_error(kdrama: Invoke, command: list[str]) -> None:
    run = kdrama(*command, "--all", "--limit", "3")
    assert run.exit_code == 2
    assert "--all clashes with --limit; use one of them" in run.stderr
    assert run.stdout == ""


def test_the_note_counts_the_scenes_a_change_left(catalog: Path, tmp_path: Path) -> None:
    db = tmp_path / "changed.db"
    shutil.copyfile(catalog, db)
    assert run_process("rm", "7", "8", "--yes", "--db", str(db)).exit_code == 0
    for command in (["list"], ["search", "rain"]):
        run = on_terminal(*command, "--db", str(db))
        assert run.code == 0, run.stderr
        assert run.stderr == "Showing 30 of 98 scenes. Use --limit N or --all.\n"
