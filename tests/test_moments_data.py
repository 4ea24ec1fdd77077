"""Where a moment is and what a fan keeps about it (issue 17): a scene's episode, time,
clip links, tags and note, read and written by every command and format."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import editing, migrations, storage
from kdrama_cli.catalog import Catalog
from kdrama_cli.importfile import ImportFormat
from kdrama_cli.records import read_records

from .conftest import Invoke, run_process, snapshot
from .test_user_catalog import load_v1

WHERE = {
    "episode": 10,
    "time": 2533,  # 42:13
    "urls": ["https://www.youtube.com/watch?v=abcdefghijk&list=a;b", "http://example.kr/a%20b"],
    "tags": ["Kiss", "rain", "first-meeting"],
    "note": "Watch the umbrella.\nThen the rain; 100% worth it.",
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


def scene(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "title": f"Scene {i}",
        "drama": "Moon Test",
        "year": 2016,
        "actors": ["Gong Yoo"],
        **fields,
    }


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return path


def shown(kdrama: Invoke, db: Path, scene_id: int) -> dict[str, Any]:
    found: dict[str, Any] = kdrama("show", str(scene_id), "-f", "json", "--db", str(db)).json()
    return found


def moment_of(found: dict[str, Any]) -> dict[str, Any]:
    return {key: found[key] for key in WHERE}


EMPTY = {"episode": None, "time": None, "urls": [], "tags": [], "note": None}


# -- Reading: every reader, and the JSON contract ------------------------------------


def test_every_reader_gives_the_new_fields_in_order_at_the_end(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write_json(tmp_path / "in.json", [scene(1, **WHERE), scene(2)])
    assert kdrama("import", str(source), "--db", str(db)).exit_code == 0
    listed = kdrama("list", "--drama", "Moon Test", "--json", "--db", str(db)).json()
    assert list(listed[-2])[-5:] == ["episode", "time", "urls", "tags", "note"]
    assert moment_of(listed[-2]) == WHERE
    assert moment_of(listed[-1]) == EMPTY
    assert moment_of(shown(kdrama, db, 7)) == WHERE
    found = kdrama("search", "umbrella", "--json", "--db", str(db)).json()
    assert [moment_of(s) for s in found] == [WHERE]
    exported = kdrama("export", "--format", "jsonl", "--db", str(db)).stdout.splitlines()
    assert moment_of(json.loads(exported[6])) == WHERE
    with Catalog.open(db) as catalog:
        api = catalog.get_scene(7)
        assert (api.episode, api.time, api.urls, api.tags, api.note) == (
            10,
            2533,
            tuple(WHERE["urls"]),
            tuple(WHERE["tags"]),
            WHERE["note"],
        )


def test_the_json_sqlite_builds_is_byte_for_byte_the_scenes_own(db: Path, tmp_path: Path) -> None:
    with Catalog.open(db, write=True) as catalog:
        editing.import_records(
            catalog,
            read_records(
                json.dumps([scene(1, **WHERE), scene(2, tags=["rain"])]), ImportFormat.json
            ),
        )
        built = list(catalog.list_scenes_json())
        made = [
            json.dumps(s.to_dict(), ensure_ascii=False, separators=(",", ":"))
            for s in catalog.list_scenes()
        ]
        limited = list(catalog.list_scenes_json(limit=3))
    assert built == made
    assert limited == made[:3]
    assert '"tags":["rain"],"note":null}' in built[-1]


# -- Round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_export_import_round_trips_the_new_fields_byte_for_byte(
    kdrama: Invoke, tmp_path: Path, fmt: str
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    rows = [
        scene(1, **WHERE),
        scene(2, episode=1, time=3727, tags=["KISS", "Umbrella"], urls=["https://a.b/;;%3B"]),
        scene(3, note="  one line  "),
    ]
    source = write_json(tmp_path / "in.json", rows)
    assert kdrama("import", str(source), "--db", str(first)).exit_code == 0
    out = tmp_path / f"scenes.{fmt}"
    assert kdrama("export", "--db", str(first), "-o", str(out)).exit_code == 0
    run = kdrama("import", str(out), "--db", str(second))
    assert run.exit_code == 0, run.stderr
    again = tmp_path / f"again.{fmt}"
    assert kdrama("export", "--db", str(second), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    scenes = kdrama("export", "--db", str(second)).json()
    assert moment_of(scenes[0]) == WHERE
    # A tag keeps the form first typed: KISS is the Kiss of the first scene.
    assert moment_of(scenes[1])["tags"] == ["Kiss", "Umbrella"]
    assert moment_of(scenes[1])["urls"] == ["https://a.b/;;%3B"]
    assert moment_of(scenes[2]) == {**EMPTY, "note": "one line"}


def test_an_import_of_its_own_export_finds_every_scene_unchanged(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write_json(tmp_path / "in.json", [scene(1, **WHERE)])
    assert kdrama("import", str(source), "--db", str(db)).exit_code == 0
    out = tmp_path / "all.csv"
    kdrama("export", "--db", str(db), "-o", str(out))
    run = kdrama("import", str(out), "--db", str(db))
    assert run.stderr.strip() == "Imported 7 scene(s): 0 added, 0 updated, 7 unchanged."
    # Tags in another case are the same tags.
    upper = write_json(
        tmp_path / "upper.json", [{"id": 7, "tags": ["KISS", "RAIN", "First-Meeting"]}]
    )
    run = kdrama("import", str(upper), "--db", str(db))
    assert run.stderr.strip() == "Imported 1 scene(s): 0 added, 0 updated, 1 unchanged."


# -- Writing: updates and conflict choices -------------------------------------------


def test_an_update_keeps_the_fields_a_record_does_not_give(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write_json(tmp_path / "in.json", [scene(1, **WHERE)])
    kdrama("import", str(source), "--db", str(db))
    renamed = write_json(tmp_path / "renamed.json", [{"id": 7, "title": "Renamed"}])
    assert kdrama("import", str(renamed), "--db", str(db), "--update").exit_code == 0
    assert moment_of(shown(kdrama, db, 7)) == WHERE
    lists = write_json(
        tmp_path / "lists.json", [{"id": 7, "tags": ["snow"], "urls": [], "time": "1:02:07"}]
    )
    run = kdrama("import", str(lists), "--db", str(db), "--update")
    assert run.stderr.strip() == "Imported 1 scene(s): 0 added, 1 updated."
    assert moment_of(shown(kdrama, db, 7)) == {
        **WHERE,
        "time": 3727,
        "urls": [],
        "tags": ["snow"],
    }
    # Tags no scene has any more leave the catalog; db check finds nothing wrong.
    with closing(sqlite3.connect(db)) as conn:
        assert [row[0] for row in conn.execute("SELECT name FROM tags")] == ["snow"]
    assert kdrama("db", "check", "--db", str(db)).exit_code == 0
    cleared = write_json(tmp_path / "cleared.json", [{"id": 7, "episode": None, "note": ""}])
    kdrama("import", str(cleared), "--db", str(db), "--update")
    assert moment_of(shown(kdrama, db, 7)) == {
        **EMPTY,
        "time": 3727,
        "tags": ["snow"],
    }


def test_each_conflict_choice_and_a_dry_run_treat_the_new_fields_like_the_others(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write_json(tmp_path / "in.json", [scene(1, **WHERE)])
    kdrama("import", str(source), "--db", str(db))
    other = write_json(
        tmp_path / "other.json", [{**scene(9), "id": 7, "tags": ["snow"], "episode": 2}]
    )
    before = snapshot(db)
    run = kdrama("import", str(other), "--db", str(db))
    assert run.exit_code == 1 and "7" in run.stderr
    for dry in (["--dry-run", "--update"], ["--skip-existing"]):
        assert kdrama("import", str(other), "--db", str(db), *dry).exit_code == 0
        assert moment_of(shown(kdrama, db, 7)) == WHERE
    assert snapshot(db)[1] == before[1]
    assert kdrama("import", str(other), "--db", str(db), "--new-ids").exit_code == 0
    assert moment_of(shown(kdrama, db, 7)) == WHERE
    assert moment_of(shown(kdrama, db, 8)) == {**EMPTY, "episode": 2, "tags": ["snow"]}
    assert kdrama("import", str(other), "--db", str(db), "--update").exit_code == 0
    assert moment_of(shown(kdrama, db, 7)) == {**WHERE, "episode": 2, "tags": ["snow"]}


def test_an_import_that_renumbers_a_scene_keeps_its_links_and_tags(
    kdrama: Invoke, tmp_path: Path
) -> None:
    target = tmp_path / "new.db"
    # The first scene takes id 1 by itself, then a later record asks for id 1.
    rows = [scene(1, **WHERE), {**scene(2, tags=["snow"]), "id": 1}]
    run = kdrama("import", str(write_json(tmp_path / "in.json", rows)), "--db", str(target))
    assert run.exit_code == 0, run.stderr
    assert moment_of(shown(kdrama, target, 2)) == WHERE
    assert moment_of(shown(kdrama, target, 1)) == {**EMPTY, "tags": ["snow"]}


@pytest.mark.parametrize("bulk", [1, 10**9])
def test_a_bulk_import_writes_links_and_tags_counts_and_search_as_row_by_row(
    kdrama: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int
) -> None:
    monkeypatch.setattr(editing, "_BULK", bulk)
    target = tmp_path / "new.db"
    rows = [
        scene(i, episode=i, tags=["rain", f"t{i % 3}"], urls=[f"https://e.kr/{i}"], note=f"n{i}")
        for i in range(1, 40)
    ]
    assert (
        kdrama("import", str(write_json(tmp_path / "in.json", rows)), "--db", str(target)).exit_code
        == 0
    )
    scenes = kdrama("export", "--db", str(target)).json()
    assert [moment_of(s) for s in scenes] == [
        {
            "episode": i,
            "time": None,
            "urls": [f"https://e.kr/{i}"],
            "tags": ["rain", f"t{i % 3}"],
            "note": f"n{i}",
        }
        for i in range(1, 40)
    ]
    with closing(sqlite3.connect(target)) as conn:
        counts = dict(
            conn.execute("SELECT t.name, c.scenes FROM tag_counts c JOIN tags t ON t.id = c.tag_id")
        )
    assert counts == {"rain": 39, "t0": 13, "t1": 13, "t2": 13}
    assert [s["id"] for s in kdrama("search", "n17", "--json", "--db", str(target)).json()] == [17]
    assert kdrama("db", "check", "--db", str(target)).exit_code == 0


# -- add and edit --------------------------------------------------------------------


def test_add_and_edit_set_replace_and_clear_the_new_fields(kdrama: Invoke, db: Path) -> None:
    run = kdrama(
        "add", "-t", "Umbrella", "-d", "Moon Test", "-y", "2016", "-a", "Gong Yoo",
        "--episode", "10", "--time", "42:13",
        "--url", WHERE["urls"][0], "--url", WHERE["urls"][1],
        "--tag", "Kiss", "--tag", "rain", "--tag", "KISS", "--tag", "first-meeting",
        "--note", WHERE["note"], "--db", str(db),
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    scene_id = int(run.stdout)
    assert moment_of(shown(kdrama, db, scene_id)) == WHERE
    edit = ("edit", str(scene_id), "--db", str(db))
    assert kdrama(*edit, "--title", "Renamed").exit_code == 0
    assert moment_of(shown(kdrama, db, scene_id)) == WHERE
    assert (
        kdrama(*edit, "--url", "https://x.kr/1", "--tag", "snow", "--time", "1:02:07").exit_code
        == 0
    )
    assert moment_of(shown(kdrama, db, scene_id)) == {
        **WHERE,
        "time": 3727,
        "urls": ["https://x.kr/1"],
        "tags": ["snow"],
    }
    run = kdrama(*edit, "--no-url", "--no-tag", "--episode", "", "--time", "", "--note", "")
    assert run.exit_code == 0, run.stderr
    assert moment_of(shown(kdrama, db, scene_id)) == EMPTY


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--url", "javascript:alert(1)", "'javascript:alert(1)' is not an http or https link"),
        ("--url", "file:///etc/passwd", "'file:///etc/passwd' is not an http or https link"),
        ("--url", "https://a.kr/a b", "'https://a.kr/a b' has spaces or control characters"),
        ("--url", "https://a.kr/" + "a" * 2000, "is longer than 2000 characters"),
        ("--time", "42:75", "'42:75' is not a time; write it like 42:13 or 1:02:07"),
        ("--episode", "0", "episode 0 is not a positive whole number"),
        ("--episode", "ten", "'ten' is not a whole number"),
        ("--tag", "two words", "tag 'two words' is not one word"),
        ("--tag", "+kiss", "tag '+kiss' is not one word"),
        ("--note", "a\x1b[31mred", "has a control character (\\x1b) at character 2"),
    ],
)
def test_a_bad_new_value_on_edit_or_add_is_one_line_exit_2_and_writes_nothing(
    kdrama: Invoke, db: Path, option: str, value: str, message: str
) -> None:
    before = snapshot(db)
    for command in (
        ("edit", "1"),
        ("add", "-t", "T", "-d", "Moon Test", "-y", "2016", "-a", "Gong Yoo"),
    ):
        run = kdrama(*command, option, value, "--db", str(db))
        assert run.exit_code == 2, (command, run.stderr)
        error = run.stderr.strip().splitlines()[-1]
        assert error.startswith(f"Error: Invalid value for '{option}': ")
        assert message in error
    assert snapshot(db) == before


def test_edit_refuses_a_url_with_no_url_and_writes_nothing(kdrama: Invoke, db: Path) -> None:
    before = snapshot(db)
    run = kdrama("edit", "1", "--url", "https://a.kr", "--no-url", "--db", str(db))
    assert (run.exit_code, run.stderr.strip()) == (
        2,
        "Error: --url and --no-url cannot be given together",
    )
    assert snapshot(db) == before


# -- Showing -------------------------------------------------------------------------


def _with_moment(kdrama: Invoke, db: Path, tmp_path: Path) -> None:
    source = write_json(tmp_path / "in.json", [scene(1, **WHERE), scene(2, episode=3)])
    assert kdrama("import", str(source), "--db", str(db)).exit_code == 0


def test_show_says_where_the_scene_is_and_shows_links_tags_and_every_line_of_the_note(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    _with_moment(kdrama, db, tmp_path)
    panel = kdrama("show", "7", "--format", "table", "--db", str(db), env={"COLUMNS": "100"})
    lines = [line.strip("│ ") for line in panel.stdout.splitlines()]
    assert "Episode 10, 42:13" in lines
    assert "Note: Watch the umbrella." in lines
    assert "Then the rain; 100% worth it." in lines
    assert "Tags: Kiss, rain, first-meeting" in lines
    assert [line for line in lines if line.startswith("Link: ")] == [
        f"Link: {url}" for url in WHERE["urls"]
    ]
    plain = kdrama("show", "1", "--format", "table", "--db", str(db)).stdout
    assert "Episode" not in plain and "Note:" not in plain and "Link:" not in plain


def test_the_scene_table_shows_episode_and_time_at_120_columns_and_leaves_them_out_at_80(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    _with_moment(kdrama, db, tmp_path)
    args = ("list", "--drama", "Moon Test", "--format", "table", "--db", str(db))
    wide = kdrama(*args, env={"COLUMNS": "120"}).stdout
    assert "E10 42:13" in wide and "│ E3 " in wide
    assert all(len(line) <= 120 for line in wide.splitlines())
    narrow = kdrama(*args, env={"COLUMNS": "80"}).stdout
    assert "Scene 1" in narrow and "E10" not in narrow and "42:13" not in narrow
    assert all(len(line) <= 80 for line in narrow.splitlines())


def test_fields_shows_a_time_as_fans_write_it(kdrama: Invoke, db: Path, tmp_path: Path) -> None:
    _with_moment(kdrama, db, tmp_path)
    run = kdrama(
        "list", "--drama", "Moon Test", "--fields", "id,episode,time,tags", "--format", "table",
        "--db", str(db), env={"COLUMNS": "100"},
    )  # fmt: skip
    row = next(line for line in run.stdout.splitlines() if line.startswith("│  7 "))
    assert [cell.strip() for cell in row.strip("│").split("│")] == ["7", "10", "42:13", "Kiss"]


# -- Hostile text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "before\x1b]8;;https://evil\x07after"),
        ("note", "right\u202eto left"),
        ("tags", ["ok", "bad\x1b[2J"]),
        ("tags", ["[bold]x"]),
        ("urls", ["https://a.kr/\u202eexe.txt"]),
        ("urls", ["https://a.kr/\x00"]),
        ("time", "-1"),
        ("episode", 0),
    ],
)
def test_import_refuses_hostile_values_in_the_new_fields_and_writes_nothing(
    kdrama: Invoke, db: Path, tmp_path: Path, field: str, value: Any
) -> None:
    before = snapshot(db)
    source = write_json(tmp_path / "bad.json", [scene(1, **{field: value})])
    run = kdrama("import", str(source), "--db", str(db))
    assert run.exit_code == 1
    assert len(run.stderr.strip().splitlines()) == 1
    assert f"field '{field}'" in run.stderr
    assert "\x1b" not in run.stderr and "\u202e" not in run.stderr
    assert snapshot(db) == before


def test_hostile_text_another_program_stored_is_shown_safely(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    _with_moment(kdrama, db, tmp_path)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "UPDATE scenes SET note = ? WHERE id = 7", ("[bold]loud[/bold] \x1b[31mred\u202e",)
        )
        conn.execute("UPDATE tags SET name = ? WHERE name = 'rain'", ("[red]rain\x1b[0m",))
        conn.execute(
            "UPDATE scene_urls SET url = ? WHERE scene_id = 7 AND position = 0",
            ("https://a.kr/\x1b[2J\u202e",),
        )
    for args in (
        ("show", "7", "--format", "table"),
        ("list", "--drama", "Moon Test", "--fields", "id,tags,urls,note", "--format", "table"),
        ("list", "--drama", "Moon Test", "--format", "lines"),
    ):
        out = kdrama(*args, "--db", str(db), env={"COLUMNS": "120"}).stdout
        assert "\x1b" not in out and "\u202e" not in out, args
    panel = kdrama("show", "7", "--format", "table", "--db", str(db)).stdout
    assert "[bold]loud[/bold]" in panel and "[red]rain" in panel
    # The machine formats carry them exactly, escaped as JSON escapes them.
    data = shown(kdrama, db, 7)
    assert data["note"] == "[bold]loud[/bold] \x1b[31mred\u202e"
    assert "[red]rain\x1b[0m" in data["tags"]


# -- db check ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "INSERT INTO scene_urls VALUES (1, 0, 'javascript:alert(1)')",
            "scene_urls.url holds 1 link(s) that kdrama refuses, the first of scene 1:"
            " 'javascript:alert(1)' is not an http or https link",
        ),
        (
            "UPDATE scenes SET time = 99999999 WHERE id = 2",
            "scenes.time holds 1 value(s) out of range, the first in scene 2",
        ),
        (
            "INSERT INTO tags (name, key) VALUES ('Lonely', 'Lonely')",
            "tags.key holds 1 key(s) that are not their tag's name case-folded, the first of tag 1",
        ),
        (
            "INSERT INTO tags (name, key) VALUES ('lonely', 'lonely')",
            "tags holds 1 tag(s) that no scene has, the first is tag 1",
        ),
        (
            "UPDATE scenes SET episode = 'ten' WHERE id = 3",
            "scenes.episode holds 1 value(s) that are not integer or null, the first in row 3",
        ),
        (
            "INSERT INTO scene_urls VALUES (4, 0, x'2a')",
            "scene_urls.url holds 1 value(s) that are not text, the first in scene 4",
        ),
    ],
)
def test_db_check_names_bad_new_values_another_program_wrote(
    kdrama: Invoke, db: Path, sql: str, problem: str
) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(sql)
    run = kdrama("db", "check", "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == problem


# -- Upgrades ------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_a_catalog_of_every_earlier_schema_keeps_its_scenes_and_gains_empty_fields(
    tmp_path: Path, version: int
) -> None:
    reference = load_v1(tmp_path / "reference.db")
    expected = run_process("export", "--format", "jsonl", "--db", str(reference)).stdout
    old = load_v1(tmp_path / f"v{version}.db")
    with closing(sqlite3.connect(old, isolation_level=None)) as conn:
        migrations.migrate(conn, target=version)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert run_process("fav", "1", "--db", str(old)).exit_code == 0  # upgrades it
    assert run_process("unfav", "1", "--db", str(old)).exit_code == 0
    scenes = run_process("export", "--format", "jsonl", "--db", str(old)).stdout
    assert scenes == expected
    assert all(moment_of(json.loads(line)) == EMPTY for line in scenes.splitlines())
    assert run_process("db", "check", "--db", str(old)).exit_code == 0
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION


def test_a_note_may_be_as_long_on_edit_as_in_an_import_file(kdrama: Invoke, db: Path) -> None:
    long_note = "A long thought. " * 200  # 3,200 characters: more than a title may have
    assert kdrama("edit", "1", "--note", long_note, "--db", str(db)).exit_code == 0
    assert shown(kdrama, db, 1)["note"] == long_note.strip()
