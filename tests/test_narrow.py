"""Narrow terminals lose nothing: down to 40 columns every column's text is shown and
no word is broken inside a word; help shows whole option names."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.main import get_command

from kdrama_cli.cli import app

from .conftest import Invoke

WIDTHS = [40, 60, 80]
TITLE = "Young Woo explains the whales to Jun Ho inside the revolving door of Hanbada"
CAST = ["Park Eun Bin as Woo Young Woo", "Kang Tae Oh as Lee Jun Ho"]


@pytest.fixture
def catalog(make_catalog: Callable[[dict[str, Any]], Path], kdrama: Invoke) -> Path:
    """One scene whose drama has a 13-letter word and whose title is too long for a
    panel's border at 80 columns; a favourite rated 4."""
    db = make_catalog(
        {
            "people": [{"name": "Park Eun Bin"}, {"name": "Kang Tae Oh"}],
            "dramas": [
                {
                    "title": "Extraordinary Attorney Woo",
                    "year": 2022,
                    "characters": [
                        {"name": "Woo Young Woo", "actor": "Park Eun Bin"},
                        {"name": "Lee Jun Ho", "actor": "Kang Tae Oh"},
                    ],
                }
            ],
            "scenes": [
                {
                    "id": 1,
                    "drama": "Extraordinary Attorney Woo",
                    "title": TITLE,
                    "description": "Whales everywhere, unstoppable enthusiasm.",
                    "characters": ["Woo Young Woo", "Lee Jun Ho"],
                }
            ],
        }
    )
    for args in (["fav", "1"], ["rate", "1", "4"]):
        assert kdrama(*args, "--db", str(db)).exit_code == 0
    return db


def tokens(output: str) -> set[str]:
    """The words of an output: split at spaces and box lines, brackets stripped."""
    return {word.strip("()#,") for word in re.split(r"[\s│┃|─━╭╮╰╯]+", output)} - {""}


def fits(output: str, width: int) -> bool:
    return all(cell_len(line) <= width for line in output.splitlines())


def assert_whole(words_of: list[str], output: str) -> None:
    found = tokens(output)
    missing = {word for text in words_of for word in text.split() if word not in found}
    assert not missing, output


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "args", [["list"], ["search", "whales"], ["random"]], ids=["list", "search", "random"]
)
def test_scene_tables_show_every_column_with_whole_words_at_any_width(
    kdrama: Invoke, catalog: Path, args: list[str], width: int
) -> None:
    run = kdrama(*args, "--db", str(catalog), "-f", "table", env={"COLUMNS": str(width)})
    assert run.exit_code == 0, run.stderr
    assert fits(run.stdout, width), run.stdout
    assert_whole(["1", "Extraordinary Attorney Woo", "2022", TITLE, *CAST], run.stdout)
    assert {"♥", "★★★★☆"} <= tokens(run.stdout)


@pytest.mark.parametrize("width", [40, 60])
def test_below_80_columns_each_scene_is_a_card_with_its_cast_on_whole_lines(
    kdrama: Invoke, catalog: Path, width: int
) -> None:
    run = kdrama("list", "--db", str(catalog), "-f", "table", env={"COLUMNS": str(width)})
    lines = [line.strip() for line in run.stdout.splitlines()]
    assert lines[:2] == ["#1 ♥ ★★★★☆", "Extraordinary Attorney Woo (2022)"]
    assert all(role in lines for role in CAST)


@pytest.mark.parametrize("width", [40, 60])
def test_the_bundled_catalog_at_narrow_widths_keeps_every_scene_whole(
    kdrama: Invoke, width: int
) -> None:
    scenes = kdrama("list", "--json").json()
    run = kdrama("list", "-f", "table", env={"COLUMNS": str(width)})
    assert fits(run.stdout, width), run.stdout
    lines = {line.strip() for line in run.stdout.splitlines()}
    for scene in scenes:
        assert_whole([scene["drama"], scene["title"], str(scene["year"])], run.stdout)
        assert f"#{scene['id']}" in lines
        for role in scene["characters"]:
            assert f"{role['actor']} as {role['name']}" in lines


@pytest.mark.parametrize("width", WIDTHS)
def test_show_wraps_a_long_title_instead_of_cutting_it(
    kdrama: Invoke, catalog: Path, width: int
) -> None:
    run = kdrama("show", "1", "--db", str(catalog), env={"COLUMNS": str(width)})
    assert run.exit_code == 0, run.stderr
    assert fits(run.stdout, width), run.stdout
    assert "…" not in run.stdout
    assert run.stdout.startswith("╭─ #1 ─")
    assert_whole([TITLE, "Extraordinary Attorney Woo", *CAST], run.stdout)


def test_show_keeps_a_title_that_fits_in_the_border(kdrama: Invoke) -> None:
    run = kdrama("show", "6", env={"COLUMNS": "80"})
    assert run.stdout.startswith("╭─ #6 Jeong Hyeok kisses Se Ri's tears away ─")


def option_names(*path: str) -> list[str]:
    command: Any = get_command(app)
    for name in path:
        command = command.commands[name]
    options = [param for param in command.params if param.param_type_name == "option"]
    return [opt for param in options for opt in [*param.opts, *param.secondary_opts]]


@pytest.mark.parametrize("width", [40, 50, 60])
@pytest.mark.parametrize(
    "path", [[], ["list"], ["search"], ["export"], ["add"], ["import"], ["db", "info"]], ids=str
)
def test_help_shows_whole_option_names_at_narrow_widths(
    kdrama: Invoke, path: list[str], width: int
) -> None:
    run = kdrama(*path, "--help", env={"COLUMNS": str(width)})
    assert run.exit_code == 0, run.stderr
    assert "…" not in run.stdout
    assert fits(run.stdout, width), run.stdout
    names = option_names(*path)
    assert names and set(names) <= tokens(run.stdout)


@pytest.mark.parametrize("width", [40, 50, 60, 80])
@pytest.mark.parametrize("facet", ["actors", "dramas", "years"])
def test_facet_tables_break_no_word_at_any_width(kdrama: Invoke, facet: str, width: int) -> None:
    rows = kdrama(facet, "--format", "tsv").stdout.splitlines()[1:]
    run = kdrama(facet, "-f", "table", env={"COLUMNS": str(width)})
    assert run.exit_code == 0, run.stderr
    assert fits(run.stdout, width), run.stdout
    assert_whole([field for row in rows for field in row.split("\t")], run.stdout)
