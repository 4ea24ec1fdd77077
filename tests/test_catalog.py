"""The Python API and catalog files: opening, refusing what is not a catalog, reading."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli.catalog import Catalog, bundled_catalog_path, filter_query
from kdrama_cli.errors import CatalogError, NothingToPick, SceneNotFound
from kdrama_cli.migrations import APPLICATION_ID, SCHEMA_VERSION, migrate
from kdrama_cli.models import SceneFilter, Sort, YearRange

from .conftest import ROOT, Invoke, one_scene
from .test_user_catalog import load_v1


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_scenes_filters_sorts_and_limits() -> None:
    with Catalog.open_bundled() as catalog:
        scenes = list(catalog.list_scenes(SceneFilter(actors=("Song Hye Kyo",)), Sort.YEAR))
        assert [(s.drama, s.year) for s in scenes] == [
            ("Descendants of the Sun", 2016),
            ("Encounter", 2019),
        ]
        newest = list(catalog.list_scenes(None, Sort.YEAR, 1, descending=True))
        assert [s.id for s in newest] == [6]
        assert catalog.count_scenes(SceneFilter(years=YearRange(2018, 2018))) == 2


def test_scene_carries_cast_in_billing_order() -> None:
    with Catalog.open_bundled() as catalog:
        scene = catalog.get_scene(4)
    assert scene.drama == "Goblin" and scene.year == 2017
    assert scene.actors == ("Lee Dong Wook", "Yoo In Na")
    assert [(r.name, r.actor) for r in scene.characters] == [
        ("Grim Reaper", "Lee Dong Wook"),
        ("Sunny", "Yoo In Na"),
    ]


def test_get_scene_and_random_raise_library_errors() -> None:
    with Catalog.open_bundled() as catalog:
        with pytest.raises(SceneNotFound, match="no scene with id 7"):
            catalog.get_scene(7)
        with pytest.raises(NothingToPick):
            catalog.random_scenes(SceneFilter(drama="No Such Drama"))
        assert len(catalog.random_scenes(count=10, seed=1)) == 6


@pytest.mark.parametrize(
    "filters",
    [
        SceneFilter(actors=("Son Ye Jin",)),
        SceneFilter(characters=("Se Ri",)),
        SceneFilter(drama="CLOY"),
        SceneFilter(years=YearRange(2016, 2017)),
    ],
)
def test_every_filter_is_answered_from_an_index(filters: SceneFilter) -> None:
    with Catalog.open_bundled() as catalog:
        query = filter_query(filters)
        plan = [
            row[3]
            for row in catalog.conn.execute("EXPLAIN QUERY PLAN " + query.sql(), query.params)
        ]
    table_scans = [s for s in plan if s.startswith("SCAN") and not s.startswith("SCAN json_each")]
    assert plan and not table_scans, plan


def test_schema_from_blank_file_has_version_id_and_foreign_keys(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "blank.db", isolation_level=None)
    assert migrate(conn) == [
        "m001_initial_schema",
        "m002_favorites_ratings_and_bundle",
        "m003_search_and_scene_view",
        "m004_scene_counts",
        "m005_name_keys_v2",
        "m006_episodes_links_tags_notes",
        "m007_scene_ids_not_reused",
    ]
    assert migrate(conn) == []
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "dramas",
        "people",
        "characters",
        "scenes",
        "scene_people",
        "scene_characters",
    } <= tables
    columns = [row[1] for row in conn.execute("PRAGMA table_info(scenes)")]
    assert columns == [
        "id",
        "drama_id",
        "title",
        "description",
        "rank",
        "source_id",
        "favorite",
        "rating",
        "episode",
        "time",
        "note",
    ]
    foreign = {row[2] for row in conn.execute("PRAGMA foreign_key_list(scene_people)")}
    assert foreign == {"scenes", "people"}


def test_bundled_catalog_uses_the_rollback_journal() -> None:
    conn = sqlite3.connect(bundled_catalog_path())
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_reading_never_changes_the_catalog_file(kdrama: Invoke, tmp_path: Path) -> None:
    bundled = bundled_catalog_path()
    before = digest(bundled), bundled.stat().st_mtime_ns
    for args in (["list"], ["random", "-n", "3"], ["show", "2"], ["list", "--json"]):
        assert kdrama(*args).exit_code == 0
    assert (digest(bundled), bundled.stat().st_mtime_ns) == before
    assert sorted(p.name for p in bundled.parent.glob("scenes.db*")) == ["scenes.db"]


def test_catalog_path_with_uri_characters_opens(
    kdrama: Invoke, make_catalog: Callable[..., Path], tmp_path: Path
) -> None:
    built = make_catalog(one_scene())
    odd = tmp_path / "my dramas?#%20&mode=rw" / "cat alog.db"
    odd.parent.mkdir()
    odd.write_bytes(built.read_bytes())
    run = kdrama("list", "--db", str(odd), "--json")
    assert run.exit_code == 0
    assert [s["title"] for s in run.json()] == ["A scene"]


def test_missing_catalog_is_an_error_and_creates_nothing(kdrama: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "scenes.db"
    run = kdrama("list", "--db", str(missing))
    assert run.exit_code == 1
    assert run.stderr.strip() == f"Error: no catalog at {missing}"
    assert not missing.parent.exists()


def test_kdrama_db_env_var_chooses_the_catalog(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    db = make_catalog(one_scene(title="From the env"))
    run = kdrama("list", "--json", env={"KDRAMA_DB": str(db)})
    assert [s["title"] for s in run.json()] == ["From the env"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 50, "is not a SQLite database"),
        (b"", "is an empty file, not a kdrama catalog"),
    ],
)
def test_files_that_are_not_catalogs_are_refused_and_left_as_they_were(
    kdrama: Invoke, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    for command in (["list"], ["random"], ["show", "1"]):
        run = kdrama(*command, "--db", str(path))
        assert run.exit_code == 1
        assert run.stderr.strip() == f"Error: {path} {message}"
        assert "Traceback" not in run.stderr
    assert path.read_bytes() == content


def test_other_sqlite_database_is_refused_unchanged(kdrama: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    run = kdrama("list", "--db", str(path))
    assert run.exit_code == 1
    assert "is a SQLite database but not a kdrama catalog" in run.stderr
    assert digest(path) == before


def test_catalog_from_a_newer_kdrama_is_refused_unchanged(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    path = make_catalog(one_scene())
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(path)
    run = kdrama("list", "--db", str(path))
    assert run.exit_code == 1
    assert run.stderr.strip() == (
        "Error: this catalog was written by a newer kdrama; upgrade kdrama"
    )
    assert digest(path) == before
    with pytest.raises(CatalogError, match="newer kdrama"):
        Catalog.open(path)


def test_directory_as_db_is_a_one_line_error(kdrama: Invoke, tmp_path: Path) -> None:
    run = kdrama("list", "--db", str(tmp_path))
    assert run.exit_code == 1
    assert run.stderr == f"Error: {tmp_path} is a folder, not a catalog file\n"


def schema_sql(path: Path) -> str:
    """Every table, index, trigger and view of a catalog, as SQL, in a fixed order."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn)
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
    ).fetchall()
    conn.close()
    return "".join(row[0].strip() + ";\n" for row in rows)


def test_the_migrations_build_exactly_the_recorded_schema(tmp_path: Path) -> None:
    """Migrations 3 and 4 build their schema from search.schema() and
    counts.counts_schema(). Changing those changes what an old migration creates, and
    catalogs already at that version would never get the change: a schema change
    needs a new migration, and a new recorded schema beside this one."""
    recorded = (ROOT / "tests" / "data" / f"schema-v{SCHEMA_VERSION}.sql").read_text("utf-8")
    assert schema_sql(tmp_path / "blank.db") == recorded
    assert schema_sql(load_v1(tmp_path / "v1.db")) == recorded
