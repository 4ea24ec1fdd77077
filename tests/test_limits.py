"""What import, add and edit refuse: control characters, values and lists beyond any
real scene, files too large to read at once, JSON nested too deeply. Each is one line
naming where, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli import importfile
from kdrama_cli.importfile import MAX_INPUT_BYTES
from kdrama_cli.models import latest_year
from kdrama_cli.records import MAX_CAST, MAX_DESCRIPTION, MAX_NUMBER, MAX_TEXT

from .conftest import Invoke, one_scene

SCENE = {"title": "A scene", "drama": "Goblin", "year": 2016, "actors": ["Gong Yoo"]}


def as_file(scenes: list[dict[str, object]], fmt: str, folder: Path) -> Path:
    """The scenes written as ``kdrama list`` writes ``fmt``."""
    path = folder / f"scenes.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(scenes), "utf-8")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(s) + "\n" for s in scenes), "utf-8")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(scenes[0]))
        writer.writeheader()
        for scene in scenes:
            writer.writerow(
                {k: "; ".join(v) if isinstance(v, list) else v for k, v in scene.items()}
            )
        path.write_text(out.getvalue(), "utf-8", newline="")
    return path


WHERE = {"json": "item 1", "jsonl": "line 1", "csv": "line 2"}


def refused(kdrama: Invoke, path: Path, db: Path) -> str:
    """Import ``path`` into ``db``, expect a refusal, and return its one line."""
    run = kdrama("import", str(path), "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.count("\n") == 1
    assert not db.exists()
    return run.stderr.strip()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
@pytest.mark.parametrize(
    ("field", "value", "shown", "at"),
    [
        ("title", "Evil \x1b[2J clear", "\\x1b", 6),
        ("drama", "Bell\x07", "\\x07", 5),
        ("description", "\x9b31m red", "\\x9b", 1),
        ("title", "A\x7fB", "\\x7f", 2),
    ],
)
def test_control_characters_in_imported_text_are_refused_naming_where(
    kdrama: Invoke, tmp_path: Path, fmt: str, field: str, value: str, shown: str, at: int
) -> None:
    path = as_file([{**SCENE, field: value}], fmt, tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: {WHERE[fmt]}: field {field!r}: has a control character ({shown}) at character {at}"
        "; --strip-controls removes them"
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_control_character_in_a_name_is_refused(kdrama: Invoke, tmp_path: Path, fmt: str) -> None:
    path = as_file([{**SCENE, "actors": ["Gong Yoo", "Kim \x1b]0;x\x07"]}], fmt, tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: {WHERE[fmt]}: field 'actors': has a control character (\\x1b) at character 5"
        "; --strip-controls removes them"
    )


def test_a_refused_import_leaves_an_existing_catalog_as_it_was(
    kdrama: Invoke, make_catalog: Callable[..., Path], tmp_path: Path
) -> None:
    db = make_catalog(one_scene())
    before = db.read_bytes()
    good = {**SCENE, "title": "Fine"}
    path = as_file([good, {**SCENE, "title": "Osc \x1b]52;c;aGk=\x07"}], "jsonl", tmp_path)
    run = kdrama("import", str(path), "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: line 2: field 'title': has a control character")
    assert db.read_bytes() == before


HOSTILE = {
    **SCENE,
    "title": "Evil \x1b[2J clear \x1b]0;pwned\x07 and \x1b]52;c;aGk=\x1b\\ done\x07",
    "drama": "\x9b31mGoblin\x7f",
    "actors": ["Gong\x08 Yoo"],
    "description": "One\tcolumn\r\nthen \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_strip_controls_removes_escape_sequences_whole_and_says_how_many(
    kdrama: Invoke, tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / "new.db"
    path = as_file([HOSTILE], fmt, tmp_path)
    run = kdrama("import", str(path), "--strip-controls", "--db", str(db))
    assert run.exit_code == 0
    assert run.stderr.splitlines()[0] == "Removed 9 control character(s) or escape sequence(s)."
    [scene] = kdrama("list", "--json", "--db", str(db)).json()
    assert (scene["title"], scene["drama"], scene["actors"]) == (
        "Evil  clear  and  done",
        "Goblin",
        ["Gong Yoo"],
    )
    assert scene["description"] == "One\tcolumn\nthen link"
    assert kdrama("db", "check", "--db", str(db)).exit_code == 0


def test_a_catalog_holding_control_characters_comes_back_from_its_export(
    kdrama: Invoke, make_catalog: Callable[..., Path], tmp_path: Path
) -> None:
    """A catalog written before import refused them (or by another tool): its export
    is refused as it is, and taken with --strip-controls."""
    old = make_catalog(one_scene(title="Old \x1b[1mbold\x1b[0m title"))
    export = tmp_path / "old.jsonl"
    assert kdrama("export", "-o", str(export), "--db", str(old)).exit_code == 0
    new = tmp_path / "new.db"
    refused = kdrama("import", str(export), "--db", str(new))
    assert refused.exit_code == 1 and "--strip-controls removes them" in refused.stderr
    assert kdrama("import", str(export), "--strip-controls", "--db", str(new)).exit_code == 0
    assert [s["title"] for s in kdrama("list", "--json", "--db", str(new)).json()] == [
        "Old bold title"
    ]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_tabs_line_feeds_and_windows_line_ends_are_kept_as_line_feeds(
    kdrama: Invoke, tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / "new.db"
    path = as_file([{**SCENE, "description": "One\tcolumn\r\nthen\rmore\nlines"}], fmt, tmp_path)
    assert kdrama("import", str(path), "--db", str(db)).exit_code == 0
    [scene] = kdrama("list", "--json", "--db", str(db)).json()
    assert scene["description"] == "One\tcolumn\nthen\nmore\nlines"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_10_mb_title_is_refused_with_its_length(kdrama: Invoke, tmp_path: Path, fmt: str) -> None:
    path = as_file([{**SCENE, "title": "x" * 10_000_000}], fmt, tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: {WHERE[fmt]}: field 'title': is 10,000,000 characters long; "
        f"the most is {MAX_TEXT:,}"
    )


def test_a_10_mb_title_in_csv_is_refused_too(kdrama: Invoke, tmp_path: Path) -> None:
    path = as_file([{**SCENE, "title": "x" * 10_000_000}], "csv", tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        "Error: line 2: a cell is longer than 131,072 characters"
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_text_at_the_limits_is_taken_and_one_more_character_is_not(
    kdrama: Invoke, tmp_path: Path, fmt: str
) -> None:
    longest = {**SCENE, "title": "t" * MAX_TEXT, "description": "d" * MAX_DESCRIPTION}
    db = tmp_path / "new.db"
    assert kdrama("import", str(as_file([longest], fmt, tmp_path)), "--db", str(db)).exit_code == 0
    [scene] = kdrama("list", "--json", "--db", str(db)).json()
    assert (len(scene["title"]), len(scene["description"])) == (MAX_TEXT, MAX_DESCRIPTION)
    too_long = {**SCENE, "description": "d" * (MAX_DESCRIPTION + 1)}
    assert refused(kdrama, as_file([too_long], fmt, tmp_path), tmp_path / "other.db").endswith(
        f"field 'description': is {MAX_DESCRIPTION + 1:,} characters long; "
        f"the most is {MAX_DESCRIPTION:,}"
    )


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_100000_actors_on_one_scene_are_refused(kdrama: Invoke, tmp_path: Path, fmt: str) -> None:
    actors = [f"Actor {n}" for n in range(100_000)]
    path = as_file([{**SCENE, "actors": actors}], fmt, tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: {WHERE[fmt]}: field 'actors': has 100,000 names; the most is {MAX_CAST:,}"
    )


def test_one_actor_too_many_in_csv_is_refused(kdrama: Invoke, tmp_path: Path) -> None:
    actors = [f"Actor {n}" for n in range(MAX_CAST + 1)]
    path = as_file([{**SCENE, "actors": actors}], "csv", tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: line 2: field 'actors': has {MAX_CAST + 1:,} names; the most is {MAX_CAST:,}"
    )


def test_too_many_characters_on_one_scene_are_refused(kdrama: Invoke, tmp_path: Path) -> None:
    roles = [{"name": f"Role {n}", "actor": "Gong Yoo"} for n in range(MAX_CAST + 1)]
    path = as_file([{**SCENE, "characters": roles}], "jsonl", tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: line 1: field 'characters': has {MAX_CAST + 1:,} characters; "
        f"the most is {MAX_CAST:,}"
    )


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", DEEP, "Error: item 1: not valid JSON (nested too deeply)"),
        (
            "deep.jsonl",
            '{"title": ' + DEEP + ', "drama": "D", "year": 2020}\n',
            "Error: line 1: not valid JSON (nested too deeply)",
        ),
        (
            "deep.json",
            '[{"title": ' + "[" * 50 + "]" * 50 + ', "drama": "D", "year": 2020}]',
            "Error: item 1: field 'title': must be text, not " + "[" * 39 + "…",
        ),
    ],
)
def test_deeply_nested_json_is_refused(
    kdrama: Invoke, tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert refused(kdrama, path, tmp_path / "new.db") == message


def test_a_file_over_the_import_size_is_refused_without_reading_it(
    kdrama: Invoke, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as file:
        file.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk is used
    assert refused(kdrama, huge, tmp_path / "new.db") == (
        f"Error: {huge} is over 1,024 MB; import it in smaller parts"
    )


def test_stdin_over_the_import_size_is_refused(
    kdrama: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importfile, "MAX_INPUT_BYTES", 1000)
    db = tmp_path / "new.db"
    text = json.dumps(SCENE) + "\n"
    run = kdrama("import", "-", "--db", str(db), input=text * 40)
    assert (run.exit_code, run.stderr) == (1, "Error: - is over 0 MB; import it in smaller parts\n")
    assert not db.exists()
    assert kdrama("import", "-", "--db", str(db), input=text * 10).exit_code == 0


# --- add and edit take the same text ---------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--title", "Evil \x1b[2J", "has a control character (\\x1b) at character 6"),
        ("--actor", "Kim\x07", "has a control character (\\x07) at character 4"),
        ("--character", "Hero=Kim\x9b", "has a control character (\\x9b) at character 4"),
        (
            "--description",
            "x" * (MAX_DESCRIPTION + 1),
            "is 20,001 characters long; the most is 20,000",
        ),
        ("--drama", "d" * (MAX_TEXT + 1), "is 1,001 characters long; the most is 1,000"),
        ("--title", "  ", "must not be empty"),
        ("--drama", " ", "must not be empty"),
        ("--actor", " \t ", "must not be empty"),
    ],
)
def test_add_refuses_what_import_refuses_as_a_usage_error(
    kdrama: Invoke, tmp_path: Path, option: str, value: str, message: str
) -> None:
    db = tmp_path / "new.db"
    base = {"--title": "T", "--drama": "Goblin", "--year": "2016", "--actor": "Gong Yoo"}
    args = [part for key, given in {**base, option: value}.items() for part in (key, given)]
    run = kdrama("add", *args, "--db", str(db))
    assert run.exit_code == 2
    assert f"Error: Invalid value for '{option}': {message}" in run.stderr
    assert not any(raw in run.stderr for raw in ("\x1b", "\x07", "\x9b"))
    assert not db.exists()


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("Now \x1b]0;pwned\x07", "has a control character (\\x1b) at character 5"),
        (" ", "must not be empty"),
    ],
)
def test_edit_refuses_what_import_refuses_and_changes_nothing(
    kdrama: Invoke, make_catalog: Callable[..., Path], title: str, message: str
) -> None:
    db = make_catalog(one_scene())
    before = db.read_bytes()
    run = kdrama("edit", "1", "--title", title, "--db", str(db))
    assert run.exit_code == 2
    assert f"Invalid value for '--title': {message}" in run.stderr
    assert db.read_bytes() == before


def test_add_stores_text_trimmed_and_composed_as_import_does(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "new.db"
    decomposed = "\u1100\u1161\u11ab"  # 간 typed as jamo
    run = kdrama(
        "add",
        "-t",
        f"  {decomposed}  ",
        "-d",
        "Goblin",
        "-y",
        "2016",
        "-a",
        "Gong Yoo",
        "--db",
        str(db),
    )
    assert run.exit_code == 0
    assert kdrama("list", "--json", "--db", str(db)).json()[0]["title"] == "간"


def test_usage_errors_show_control_characters_typed_in_arguments_as_text(
    kdrama: Invoke,
) -> None:
    run = kdrama("list", "--year", "\x1b[2J\x9b")
    assert run.exit_code == 2
    assert "\x1b" not in run.stderr and "\x9b" not in run.stderr
    assert "'\\x1b[2J\\x9b' is not a year" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--limit", "9223372036854775808"],
        ["show", "99999999999999999999"],
        ["fav", "9223372036854775808"],
        ["random", "-n", "1" + "0" * 30],
    ],
)
def test_numbers_beyond_what_sqlite_holds_are_usage_errors(kdrama: Invoke, args: list[str]) -> None:
    run = kdrama(*args)
    assert run.exit_code == 2
    assert "is too large a number" in run.stderr


def test_the_largest_id_sqlite_holds_is_simply_not_found(kdrama: Invoke) -> None:
    run = kdrama("show", "9223372036854775807")
    assert (run.exit_code, run.stderr) == (1, "Error: no scene with id 9223372036854775807\n")


def test_an_error_naming_a_file_with_a_line_break_stays_one_line(
    kdrama: Invoke, tmp_path: Path
) -> None:
    missing = tmp_path / "two\nlines.db"
    run = kdrama("list", "--db", str(missing))
    assert (run.exit_code, run.stderr) == (1, f"Error: no catalog at {tmp_path}/two\\nlines.db\n")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
@pytest.mark.parametrize("field", ["id", "rank"])
def test_ids_and_ranks_beyond_what_json_readers_hold_exactly_are_refused(
    kdrama: Invoke, tmp_path: Path, fmt: str, field: str
) -> None:
    path = as_file([{**SCENE, field: 2**63}], fmt, tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        f"Error: {WHERE[fmt]}: field {field!r}: must be at most {MAX_NUMBER}, not {2**63}"
    )


def test_after_the_largest_id_new_scenes_still_get_one(kdrama: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    path = as_file([{**SCENE, "id": MAX_NUMBER, "rank": MAX_NUMBER}], "jsonl", tmp_path)
    assert kdrama("import", str(path), "--db", str(db)).exit_code == 0
    run = kdrama(
        "add", "-t", "Next", "-d", "Goblin", "-y", "2016", "-a", "Gong Yoo", "--db", str(db)
    )
    assert (run.exit_code, run.stdout) == (0, f"{MAX_NUMBER + 1}\n")


@pytest.mark.parametrize("command", [["add", "-t", "T", "-d", "Goblin", "-a", "A"], ["edit", "1"]])
@pytest.mark.parametrize("year", ["0", "1", "1899", str(latest_year() + 1), "123456"])
def test_add_and_edit_take_only_the_years_a_drama_can_have(
    kdrama: Invoke, make_catalog: Callable[..., Path], command: list[str], year: str
) -> None:
    db = make_catalog(one_scene())
    before = db.read_bytes()
    run = kdrama(*command, "--year", year, "--db", str(db))
    assert run.exit_code == 2
    assert f"{year!r} is not a year from 1900 to {latest_year()}" in run.stderr
    assert db.read_bytes() == before


def test_an_import_refused_while_writing_leaves_no_new_catalog(
    kdrama: Invoke, tmp_path: Path
) -> None:
    """Ids are checked against the catalog, once it is open: a new one made for the
    import is removed again."""
    path = as_file([{**SCENE, "id": 1}, {**SCENE, "id": 1}], "jsonl", tmp_path)
    assert refused(kdrama, path, tmp_path / "new.db") == (
        "Error: line 2: field 'id': 1 appears twice"
    )
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("fmt", "where"), [("jsonl", "line 2"), ("json", "item 2"), ("csv", "line 3")]
)
def test_a_record_over_the_size_of_one_scene_is_refused_naming_it(
    kdrama: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, where: str
) -> None:
    """A line or array item is read whole before it is checked: it is bounded, so a
    file of one endless line cannot fill the memory."""
    monkeypatch.setattr(importfile, "MAX_RECORD_BYTES", 1000)
    db = tmp_path / "new.db"
    scenes = [{**SCENE, "description": "x" * size} for size in (10, 2000, 10)]
    path = as_file(scenes, fmt, tmp_path)
    assert refused(kdrama, path, db) == f"Error: {where}: is longer than 1,000 bytes"
    assert not db.exists()
