"""One dialect: every command's options, arguments and help follow the same rules.

A short option stands for one long option in every command, arguments that take
several values say so, the completion options are the root command's alone, and a
group of commands given alone shows its help as `kdrama` alone does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from kdrama_cli.cli import app
from kdrama_cli.errors import ExitCode

from .conftest import BUNDLED, Invoke, run_process, snapshot

# Typer builds its commands with the Click it carries (typer._click): they are told
# apart here by what they have, not by Click's classes.


def every_command() -> Iterator[tuple[str, Any]]:
    """Each command of the app, by its path ("kdrama db info"), the groups included."""

    def walk(command: Any, path: str) -> Iterator[tuple[str, Any]]:
        yield path, command
        if hasattr(command, "list_commands"):
            ctx = typer.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                yield from walk(sub, f"{path} {name}")

    yield from walk(typer.main.get_command(app), "kdrama")


def params_of(command: Any, kind: str) -> Iterator[Any]:
    """A command's options (``kind`` "option") or arguments ("argument")."""
    for param in command.get_params(typer.Context(command)):
        if param.param_type_name == kind:
            yield param


# --- Short options ---------------------------------------------------------------------


def test_each_short_option_stands_for_the_same_long_option_in_every_command() -> None:
    uses: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for path, command in every_command():
        for option in params_of(command, "option"):
            names = [*option.opts, *option.secondary_opts]
            longs = frozenset(name for name in names if name.startswith("--"))
            for short in (name for name in names if not name.startswith("--")):
                uses[short].append((path, longs))
    # The walk sees the commands: -y alone is in list, search, random, add, edit, ...
    assert len(uses["-y"]) >= 8 and len(uses["-n"]) >= 6 and len(uses["-f"]) >= 10
    for short, found in uses.items():
        shared = frozenset.intersection(*(longs for _, longs in found))
        meanings = sorted({f"{', '.join(sorted(longs))} in {path}" for path, longs in found})
        assert shared, f"{short} means several things: {'; '.join(meanings)}"


def test_rm_takes_yes_only_in_full_and_minus_y_removes_nothing(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "mine.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    run = kdrama("rm", "3", "-y", "--db", str(db))
    assert run.exit_code == ExitCode.USAGE_ERROR
    assert run.stderr.splitlines()[-1] == "Error: No such option: -y"
    assert snapshot(db) == before
    run = kdrama("rm", "3", "--yes", "--db", str(db))
    assert (run.exit_code, run.stderr) == (0, "Removed 1 scene(s).\n")


def test_random_takes_limit_as_list_does_for_how_many(kdrama: Invoke) -> None:
    by_limit = kdrama("random", "--limit", "3", "--seed", "7", "--json")
    by_n = kdrama("random", "-n", "3", "--seed", "7", "--json")
    by_count = kdrama("random", "--count", "3", "--seed", "7", "--json")
    assert by_limit.exit_code == 0 and len(by_limit.json()) == 3
    assert by_limit.stdout == by_n.stdout == by_count.stdout


# --- Arguments and help ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("rm", "Usage: kdrama rm [OPTIONS] {IDS...}"),
        ("fav", "Usage: kdrama fav [OPTIONS] {IDS...}"),
        ("unfav", "Usage: kdrama unfav [OPTIONS] {IDS...}"),
        ("search", "Usage: kdrama search [OPTIONS] {QUERY...}"),
        ("show", "Usage: kdrama show [OPTIONS] {ID}"),
    ],
)
def test_usage_says_when_an_argument_takes_several_values(
    kdrama: Invoke, command: str, usage: str
) -> None:
    run = kdrama(command, "--help")
    assert run.exit_code == 0
    assert usage in [line.strip() for line in run.stdout.splitlines()]


def test_every_argument_taking_several_values_has_a_metavar_saying_so() -> None:
    several = [
        (path, param.make_metavar(typer.Context(command)))
        for path, command in every_command()
        for param in params_of(command, "argument")
        if param.nargs != 1
    ]
    assert {path for path, _ in several} >= {"kdrama rm", "kdrama fav", "kdrama search"}
    assert all(metavar.endswith("...") for _, metavar in several), several


def test_only_the_root_command_offers_the_completion_options(kdrama: Invoke) -> None:
    offering = [
        path
        for path, command in every_command()
        for option in params_of(command, "option")
        if "--install-completion" in option.opts
    ]
    assert offering == ["kdrama"]
    assert "--install-completion" in kdrama("--help").stdout
    for command in ("search", "browse", "list", "db"):
        run = kdrama(command, "--help")
        assert run.exit_code == 0 and "Usage: kdrama" in run.stdout
        assert "completion" not in run.stdout, command


@pytest.mark.parametrize("group", ["db", "drama", "person", "character"])
def test_a_group_alone_shows_its_help_as_kdrama_alone_does(group: str) -> None:
    bare = run_process()
    alone = run_process(group)
    assert (bare.exit_code, bare.stderr) == (0, "")
    assert (alone.exit_code, alone.stderr) == (bare.exit_code, bare.stderr)
    # help drawn for `kdrama` alone ends with one more line feed than --help's
    assert alone.stdout.rstrip("\n") == run_process(group, "--help").stdout.rstrip("\n")
    assert f"Usage: kdrama {group} [OPTIONS] COMMAND [ARGS]..." in alone.stdout
