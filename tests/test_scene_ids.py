"""A scene's id names it for good: a new scene never takes the id of one removed, so
a fan's scripts and notes, and older exports restored with --update, never reach a
scene they did not mean."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from kdrama_cli import migrations

from .conftest import BUNDLED, Invoke, run_process

ADD = ("add", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo", "-t")


def titles(kdrama: Invoke, db: Path) -> dict[int, str]:
    run = kdrama("list", "--json", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    return {scene["id"]: scene["title"] for scene in json.loads(run.stdout)}


def test_a_new_scene_never_takes_the_id_of_one_removed(kdrama: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    for title in ("first", "second"):
        assert kdrama(*ADD, title, "--db", str(db)).exit_code == 0
    assert kdrama("rm", "2", "--yes", "--db", str(db)).exit_code == 0
    added = kdrama(*ADD, "third", "--db", str(db))
    assert (added.exit_code, added.stdout) == (0, "3\n")
    assert titles(kdrama, db) == {1: "first", 3: "third"}


def test_an_import_numbers_new_scenes_above_the_removed_ones_too(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "mine.db"
    for title in ("first", "second", "third"):
        assert kdrama(*ADD, title, "--db", str(db)).exit_code == 0
    assert kdrama("rm", "2", "3", "--yes", "--db", str(db)).exit_code == 0
    file = tmp_path / "new.jsonl"
    file.write_text(
        json.dumps({"title": "fourth", "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]})
        + "\n",
        "utf-8",
    )
    assert kdrama("import", str(file), "--db", str(db)).exit_code == 0
    assert titles(kdrama, db) == {1: "first", 4: "fourth"}


def test_restoring_an_old_backup_with_update_keeps_the_scene_added_since(
    kdrama: Invoke, tmp_path: Path
) -> None:
    """The backup's scene 7 was removed; the scene added afterwards must not be taken
    for it and written over."""
    db = tmp_path / "mine.db"
    db.write_bytes(BUNDLED.read_bytes())
    assert kdrama(*ADD, "rooftop", "--db", str(db)).stdout == "7\n"
    backup = tmp_path / "backup.json"
    assert kdrama("export", "--db", str(db), "-o", str(backup)).exit_code == 0
    assert kdrama("rm", "7", "--yes", "--db", str(db)).exit_code == 0
    assert kdrama(*ADD, "snowfall", "--db", str(db)).stdout == "8\n"
    restored = kdrama("import", str(backup), "--update", "--db", str(db))
    assert restored.exit_code == 0, restored.stderr
    scenes = titles(kdrama, db)
    assert (scenes[7], scenes[8]) == ("rooftop", "snowfall")


def test_an_explicit_id_may_still_bring_a_removed_scene_back(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "mine.db"
    for title in ("first", "second"):
        assert kdrama(*ADD, title, "--db", str(db)).exit_code == 0
    assert kdrama("rm", "2", "--yes", "--db", str(db)).exit_code == 0
    file = tmp_path / "back.jsonl"
    scene = {"id": 2, "title": "second", "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]}
    file.write_text(json.dumps(scene) + "\n", "utf-8")
    assert kdrama("import", str(file), "--db", str(db)).exit_code == 0
    assert titles(kdrama, db) == {1: "first", 2: "second"}
    assert kdrama(*ADD, "third", "--db", str(db)).stdout == "3\n"


def test_a_catalog_of_the_previous_version_upgrades_and_remembers_removals_from_then_on(
    tmp_path: Path,
) -> None:
    db = tmp_path / "v6.db"
    for title in ("first", "second"):
        assert run_process(*ADD, title, "--db", str(db)).exit_code == 0
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:  # as version 6 had it
        conn.execute("DROP TRIGGER scenes_delete_keeps_id")
        conn.execute("DROP TABLE removed_scene_ids")
        conn.execute("PRAGMA user_version = 6")
    assert run_process("db", "check", "--db", str(db)).exit_code == 0
    added = run_process(*ADD, "third", "--db", str(db))
    assert (added.exit_code, added.stdout) == (0, "3\n")
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    assert run_process("rm", "3", "--yes", "--db", str(db)).exit_code == 0
    assert run_process(*ADD, "fourth", "--db", str(db)).stdout == "4\n"
    assert run_process("db", "check", "--db", str(db)).exit_code == 0
