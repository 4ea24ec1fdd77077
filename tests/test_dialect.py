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


# --- Formats: every command that prints data takes --format and --json ------------------

ROWS = ["table", "json", "jsonl", "csv", "tsv"]
FORMATS = {
    ("list",): ROWS,
    ("search", "kiss"): ROWS,
    ("random", "--seed", "3"): ROWS,
    ("show", "5"): ROWS,
    ("actors",): ROWS,
    ("dramas",): ROWS,
    ("years",): ROWS,
    ("stats",): ["table", "json"],
    ("db", "info"): ["table", "json"],
    ("export",): ["json", "jsonl", "csv", "tsv"],
}
EVERY_FORMAT = ROWS


@pytest.mark.parametrize("args", list(FORMATS), ids=" ".join)
def test_json_is_the_same_as_format_json_for_every_command(
    kdrama: Invoke, args: tuple[str]
) -> None:
    by_flag = kdrama(*args, "--json")
    by_format = kdrama(*args, "-f", "json")
    assert (by_flag.exit_code, by_flag.stderr) == (0, "")
    assert by_flag.stdout == by_format.stdout
    assert by_flag.json()


@pytest.mark.parametrize("args", list(FORMATS), ids=" ".join)
def test_json_with_another_format_is_a_usage_error(kdrama: Invoke, args: tuple[str]) -> None:
    other = next(fmt for fmt in FORMATS[args] if fmt != "json")
    run = kdrama(*args, "--json", "--format", other)
    assert (run.exit_code, run.stdout) == (ExitCode.USAGE_ERROR, "")
    assert run.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--json': --json clashes with --format {other}; use one of them"
    )


@pytest.mark.parametrize("args", list(FORMATS), ids=" ".join)
def test_each_command_takes_the_formats_its_help_names_and_refuses_the_others(
    kdrama: Invoke, args: tuple[str]
) -> None:
    taken = FORMATS[args]
    help_text = " ".join(
        kdrama(*args[:2] if args[0] == "db" else args[:1], "--help").stdout.split()
    )
    assert "--format -f" in help_text and "--json" in help_text
    for fmt in EVERY_FORMAT:
        run = kdrama(*args, "--format", fmt)
        if fmt in taken:
            assert (run.exit_code, run.stderr) == (0, ""), (fmt, run.stderr)
            assert run.stdout
            assert fmt in help_text
        else:
            assert run.exit_code == ExitCode.USAGE_ERROR, fmt
            assert f"'{fmt}' is not one of" in run.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv"])
def test_show_writes_one_scene_as_list_writes_it(kdrama: Invoke, fmt: str) -> None:
    listed = kdrama("list", "--format", fmt, "--drama", "Goblin").stdout
    assert kdrama("show", "4", "--format", fmt).stdout == listed
    assert kdrama("list", "--drama", "Goblin", "--json").json()[0]["id"] == 4
    fields = ["--fields", "id,drama,year"]
    assert kdrama("show", "4", "-f", fmt, *fields).stdout == (
        kdrama("list", "-f", fmt, "--drama", "Goblin", *fields).stdout
    )


def test_show_json_is_the_scene_object_list_gives(kdrama: Invoke) -> None:
    scene = kdrama("show", "6", "--json").json()
    assert scene == kdrama("list", "--json").json()[5]
    assert kdrama("show", "6", "--json", "--fields", "title,year").json() == {
        "title": scene["title"],
        "year": scene["year"],
    }


def test_stats_and_db_info_json_are_one_object(kdrama: Invoke) -> None:
    stats = kdrama("stats", "--format", "json").json()
    info = kdrama("db", "info", "--format", "json").json()
    assert stats["scenes"] == info["scenes"] == 6
    assert kdrama("stats", "--format", "table").stdout.startswith("Scenes")


# --- export by extension, import of every format export writes ---------------------------


def test_export_refuses_an_extension_of_no_format_and_writes_nothing(
    kdrama: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "scenes.txt"
    run = kdrama("export", "-o", str(out))
    assert (run.exit_code, run.stdout) == (ExitCode.USAGE_ERROR, "")
    assert run.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--output': .txt is not an extension kdrama writes"
        " (.json, .jsonl, .ndjson, .csv, .tsv); name the file with one of them, or give"
        " --format"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_format_given_writes_a_file_of_any_other_name(
    kdrama: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "scenes.txt"
    assert kdrama("export", "-o", str(out), "--format", "tsv").exit_code == 0
    assert out.read_text("utf-8") == kdrama("list", "--format", "tsv").stdout


@pytest.mark.parametrize(
    ("name", "given", "says"),
    [
        ("scenes.tsv", ["--format", "json"], "--format json"),
        ("scenes.csv", ["--json"], "--json"),
        ("scenes.ndjson", ["-f", "csv"], "--format csv"),
    ],
)
def test_export_format_and_extension_that_disagree_are_a_usage_error(
    kdrama: Invoke, tmp_path: Path, name: str, given: list[str], says: str
) -> None:
    out = tmp_path / name
    run = kdrama("export", "-o", str(out), *given)
    assert run.exit_code == ExitCode.USAGE_ERROR
    assert f"{says} clashes with the file name {out}" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_export_tsv_to_stdout_is_lists_tsv(kdrama: Invoke) -> None:
    exported = kdrama("export", "--format", "tsv", "--favorites")
    assert exported.exit_code == 0
    assert exported.stdout == kdrama("list", "--format", "tsv", "--favorites").stdout
    assert exported.stdout.startswith("id\ttitle\tdrama\tdrama_korean\tyear\t")


def test_import_reads_a_tsv_list_wrote_by_its_content(tmp_path: Path) -> None:
    """`kdrama list -f tsv | kdrama import -`: the header's tabs say it is TSV."""
    tsv = run_process("list", "--format", "tsv").stdout
    db = tmp_path / "new.db"
    run = run_process("import", "-", "--db", str(db), input=tsv)
    assert (run.exit_code, run.stderr) == (0, "Imported 6 scene(s): 6 added, 0 updated.\n")
    assert run_process("list", "--db", str(db), "-f", "tsv").stdout == tsv
    named = tmp_path / "scenes.txt"  # an extension of no format: the content decides
    named.write_text(tsv, "utf-8")
    again = run_process("import", str(named), "--db", str(tmp_path / "again.db"))
    assert again.exit_code == 0, again.stderr
    told = run_process("import", "-", "-f", "tsv", "--db", str(tmp_path / "told.db"), input=tsv)
    assert told.exit_code == 0, told.stderr
    as_csv = run_process("import", "-", "-f", "csv", "--db", str(tmp_path / "csv.db"), input=tsv)
    assert (as_csv.exit_code, as_csv.stderr) == (1, "Error: line 1: the CSV header is missing\n")


def test_import_of_a_bad_tsv_names_tsv_and_writes_nothing(kdrama: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("title\tdrama\tyear\nA scene\tGoblin\t20x\n", "utf-8")
    db = tmp_path / "mine.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    run = kdrama("import", str(bad), "--db", str(db))
    assert run.exit_code == ExitCode.RUNTIME_ERROR
    assert run.stderr == "Error: line 2: field 'year': '20x' is not a whole number\n"
    headless = tmp_path / "headless.tsv"
    headless.write_text("A scene\tGoblin\t2017\n", "utf-8")
    run = kdrama("import", str(headless), "--db", str(db))
    assert run.stderr == "Error: line 1: the TSV header is missing\n"
    assert snapshot(db) == before


# --- The same key for the same thing -----------------------------------------------------


def test_facets_rows_use_the_scenes_keys_and_carry_the_hangul_their_tables_show(
    kdrama: Invoke,
) -> None:
    scenes = kdrama("list", "--json").json()
    actors = {
        (name, korean)
        for scene in scenes
        for name, korean in zip(scene["actors"], scene["actors_korean"], strict=True)
    }
    rows = kdrama("actors", "--json").json()
    assert {(row["actor"], row["actor_korean"]) for row in rows} == actors
    table = kdrama("actors", "--format", "table").stdout
    assert all(row["actor_korean"] in table for row in rows)
    dramas = {(s["drama"], s["drama_korean"], s["year"]) for s in scenes}
    rows = kdrama("dramas", "--json").json()
    assert {(row["drama"], row["drama_korean"], row["year"]) for row in rows} == dramas
    stats = kdrama("stats", "--json").json()
    assert stats["top_dramas"][0].keys() == rows[0].keys()
    assert stats["top_actors"][0] == kdrama("actors", "--json", "-n", "1").json()[0]


def test_stats_and_db_info_count_people_under_the_same_key(kdrama: Invoke) -> None:
    stats = kdrama("stats", "--json").json()
    info = kdrama("db", "info", "--json").json()
    assert "people" not in info
    shared = ["scenes", "dramas", "actors", "characters", "favorites", "rated"]
    assert {key: info[key] for key in shared} == {key: stats[key] for key in shared}
    assert stats["actors"] == 10
