"""Where data lives: the user catalog, --db and $KDRAMA_DB, creation from the bundled
catalog, bundled scenes arriving later, and upgrading older catalogs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import storage
from kdrama_cli.build import build_catalog
from kdrama_cli.catalog import Catalog
from kdrama_cli.migrations import SCHEMA_VERSION

from .conftest import ROOT, Invoke, bundled_source, one_scene, run_process, snapshot, write_toml


def user_catalog(home: Path) -> Path:
    return home / ".local" / "share" / "kdrama" / "scenes.db"


def test_reads_use_the_bundled_catalog_until_the_first_write(
    kdrama: Invoke, isolated_user_world: Path
) -> None:
    run = kdrama("db", "path")
    assert run.stdout.strip() == str(storage.bundled_catalog_path())
    assert "bundled" in run.stderr
    assert not user_catalog(isolated_user_world).exists()
    assert kdrama("fav", "2").exit_code == 0
    assert user_catalog(isolated_user_world).is_file()
    run = kdrama("db", "path")
    assert run.stdout.strip() == str(user_catalog(isolated_user_world))
    assert run.stderr.strip() == "This is your catalog."


def test_first_write_copies_the_bundled_scenes_and_leaves_the_bundle_alone(
    kdrama: Invoke,
) -> None:
    bundled = storage.bundled_catalog_path()
    before = bundled.read_bytes()
    listed = kdrama("list", "--json").json()
    assert kdrama("rate", "6", "5").exit_code == 0
    after = kdrama("list", "--json").json()
    assert [s["id"] for s in after] == [s["id"] for s in listed]
    assert after[5]["rating"] == 5 and listed[5]["rating"] is None
    assert [{**s, "rating": None} for s in after] == listed
    assert bundled.read_bytes() == before


def test_db_option_beats_env_which_beats_the_user_catalog(
    kdrama: Invoke, make_catalog: Callable[..., Path], isolated_user_world: Path
) -> None:
    kdrama("fav", "1")
    env_db = make_catalog(one_scene(title="From env"), "env.db")
    option_db = make_catalog(one_scene(title="From option"), "option.db")
    env = {"KDRAMA_DB": str(env_db)}
    assert kdrama("list", "--json", env=env).json()[0]["title"] == "From env"
    assert kdrama("list", "--db", str(option_db), "--json", env=env).json()[0]["title"] == (
        "From option"
    )
    assert kdrama("db", "path", env=env).stderr.strip() == "This is named by $KDRAMA_DB."
    assert kdrama("db", "path", "--db", str(option_db)).stderr.strip() == (
        "This is given with --db."
    )


def test_db_info_shows_schema_version_and_counts(kdrama: Invoke) -> None:
    kdrama("fav", "1", "2")
    kdrama("rate", "3", "4")
    info = kdrama("db", "info", "--json").json()
    assert info["schema_version"] == SCHEMA_VERSION
    assert (info["scenes"], info["dramas"], info["actors"], info["characters"]) == (6, 6, 10, 12)
    assert (info["favorites"], info["rated"]) == (2, 1)
    table = kdrama("db", "info").stdout
    assert "schema version" in table and "favorites" in table


def test_reading_a_missing_db_fails_and_creates_nothing(kdrama: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    for args in (["list"], ["export"], ["db", "info"], ["fav", "1"], ["rm", "1", "--yes"]):
        run = kdrama(*args, "--db", str(missing))
        assert run.exit_code == 1, args
        assert run.stderr.strip() == f"Error: no catalog at {missing}"
    assert not missing.exists()


def test_add_and_import_create_a_new_empty_catalog_at_a_missing_db(
    kdrama: Invoke, tmp_path: Path
) -> None:
    added = tmp_path / "new" / "added.db"
    run = kdrama("add", "--db", str(added), "-t", "T", "-d", "D", "-y", "2020", "-a", "A")
    assert (run.exit_code, run.stdout) == (0, "1\n")
    assert [s["title"] for s in kdrama("list", "--db", str(added), "--json").json()] == ["T"]
    imported = tmp_path / "imported.db"
    source = tmp_path / "in.jsonl"
    source.write_text('{"title": "X", "drama": "Y", "year": 2001}\n', encoding="utf-8")
    assert kdrama("import", str(source), "--db", str(imported)).exit_code == 0
    assert kdrama("db", "info", "--db", str(imported), "--json").json()["scenes"] == 1


def test_newer_bundled_scenes_join_the_user_catalog_without_touching_user_changes(
    kdrama: Invoke, tmp_path: Path, monkeypatch: Any
) -> None:
    kdrama("rate", "6", "5")
    kdrama("fav", "2")
    kdrama("edit", "1", "--title", "My own title for scene 1")
    kdrama("rm", "3", "--yes")
    assert kdrama("add", "-t", "Mine", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo").stdout == (
        "7\n"
    )
    newer = bundled_source()
    newer["scenes"].append({**newer["scenes"][4], "id": 7, "title": "Bundled seven"})
    newer["scenes"].append({**newer["scenes"][4], "id": 8, "title": "Bundled eight"})
    newer_db = tmp_path / "newer.db"
    build_catalog(write_toml(newer, tmp_path / "newer.toml"), newer_db)
    monkeypatch.setattr(storage, "bundled_catalog_path", lambda: newer_db)

    scenes = {s["id"]: s for s in kdrama("list", "--json").json()}
    assert scenes[1]["title"] == "My own title for scene 1"
    assert 3 not in scenes
    assert scenes[6]["rating"] == 5 and scenes[2]["favorite"] is True
    assert scenes[7]["title"] == "Mine"
    assert scenes[8]["title"] == "Bundled eight"
    bundled_seven = [s for s in scenes.values() if s["title"] == "Bundled seven"]
    assert len(bundled_seven) == 1 and bundled_seven[0]["id"] == 9
    assert len(scenes) == 8
    assert len(kdrama("list", "--json").json()) == 8


def load_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((ROOT / "tests" / "data" / "catalog-v1.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def test_a_catalog_of_the_first_released_schema_is_upgraded_with_its_data(
    kdrama: Invoke, tmp_path: Path
) -> None:
    old = load_v1(tmp_path / "v1.db")
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 1
    scenes = kdrama("list", "--db", str(old), "--json").json()
    assert [s["drama"] for s in scenes][:2] == ["Encounter", "Something in the Rain"]
    assert all(s["favorite"] is False and s["rating"] is None for s in scenes)
    assert kdrama("rate", "2", "4", "--db", str(old)).exit_code == 0
    assert kdrama("list", "--db", str(old), "--min-rating", "4", "--json").json()[0]["id"] == 2
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text, not a database\n" * 40, "is not a SQLite database"),
        (b"", "is an empty file, not a kdrama catalog"),
    ],
)
def test_writes_refuse_files_that_are_not_catalogs_and_leave_them_as_they_were(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    for args in (
        ["fav", "1"],
        ["import", "-"],
        ["add", "-t", "T", "-d", "D", "-y", "2001", "-a", "A"],
    ):
        run = run_process(*args, "--db", str(path), input="[]")
        assert run.exit_code == 1, (args, run.stderr)
        assert run.stderr == f"Error: {path} {message}\n"
    assert path.read_bytes() == content


def test_a_catalog_from_a_newer_kdrama_is_never_written(
    make_catalog: Callable[..., Path],
) -> None:
    path = make_catalog(one_scene())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    for args in (["fav", "1"], ["rate", "1", "3"], ["rm", "1", "--yes"]):
        run = run_process(*args, "--db", str(path))
        assert run.exit_code == 1
        assert run.stderr == "Error: this catalog was written by a newer kdrama; upgrade kdrama\n"
    assert path.read_bytes() == before


def test_the_bundled_catalog_reads_from_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    copy = folder / "scenes.db"
    copy.write_bytes(storage.bundled_catalog_path().read_bytes())
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        with Catalog.open(storage.Location(copy, storage.Origin.BUNDLED)) as catalog:
            assert catalog.count_scenes() == 6
        with pytest.raises(Exception, match="read-only"):
            Catalog.open(storage.Location(copy, storage.Origin.BUNDLED), write=True)
    finally:
        folder.chmod(0o755)
    assert sorted(p.name for p in folder.iterdir()) == ["scenes.db"]


def test_snapshot_sees_what_a_new_process_sees(make_catalog: Callable[..., Path]) -> None:
    db = make_catalog(one_scene(title="Seen"))
    data, scenes = snapshot(db)
    assert data == db.read_bytes()
    assert '"title":"Seen"' in scenes
