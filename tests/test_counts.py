"""The scene counts a catalog keeps per person, drama and character: always equal to a
count from scratch, whatever changed, and giving `actors`, `dramas`, `years` and `stats`
exactly the rows counting from scratch gives."""

from __future__ import annotations

import importlib
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdrama_cli import editing, facets
from kdrama_cli.catalog import Catalog
from kdrama_cli.migrations import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from kdrama_cli.models import Role, SceneFilter, SceneRecord
from kdrama_cli.storage import Location, Origin, transaction

from .conftest import ROOT, Invoke
from .test_facets import TIES, favourites_and_ratings
from .test_user_catalog import load_v1

T = TypeVar("T")

Counts = tuple[dict[int, int], dict[int, int], dict[int, int]]


def kept(conn: sqlite3.Connection) -> Counts:
    """The counts the catalog keeps: scenes per person id, per drama id and per
    character id."""
    return (
        dict(conn.execute("SELECT person_id, scenes FROM person_counts")),
        dict(conn.execute("SELECT drama_id, scenes FROM drama_counts")),
        dict(conn.execute("SELECT character_id, scenes FROM character_counts")),
    )


def recounted(conn: sqlite3.Connection) -> Counts:
    """The same counts, from scratch."""
    return (
        dict(conn.execute("SELECT person_id, count(*) FROM scene_people GROUP BY person_id")),
        dict(conn.execute("SELECT drama_id, count(*) FROM scenes GROUP BY drama_id")),
        dict(
            conn.execute(
                "SELECT character_id, count(*) FROM scene_characters GROUP BY character_id"
            )
        ),
    )


STALE = ("person_counts_stale", "drama_counts_stale", "character_counts_stale")


def assert_exact(db: Path | str) -> Counts:
    """Check, from a new connection, that the kept counts are a count from scratch and
    that nothing waits to be counted again; return them."""
    with closing(sqlite3.connect(db)) as conn:
        counts = kept(conn)
        assert counts == recounted(conn)
        for table in STALE:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    return counts


def from_scratch(catalog: Catalog, count: Callable[[], T]) -> T:
    """What ``count`` gives when the catalog's kept counts cannot be used: one of each
    marked stale (and the marks rolled back afterwards, but the catalog must be opened
    for writing)."""
    conn = catalog.conn
    conn.execute("BEGIN")
    try:
        for table in STALE:
            conn.execute(f"INSERT INTO {table} VALUES (0)")
        return count()
    finally:
        conn.execute("ROLLBACK")


def assert_same_answers(catalog: Catalog, filters: SceneFilter | None = None) -> None:
    """Every counting function gives the same rows, in the same order, from the kept
    counts as from scratch."""
    for count in (
        lambda: list(facets.count_actors(catalog, filters)),
        lambda: list(facets.count_actors(catalog, filters, 2)),
        lambda: list(facets.count_dramas(catalog, filters)),
        lambda: list(facets.count_dramas(catalog, filters, 1)),
        lambda: list(facets.count_years(catalog, filters)),
        lambda: list(facets.count_years(catalog, filters, by_year=True)),
        lambda: facets.catalog_stats(catalog, filters, top=3),
    ):
        assert count() == from_scratch(catalog, count)


@pytest.fixture
def ties(make_catalog: Callable[..., Path], kdrama: Invoke) -> str:
    return favourites_and_ratings(kdrama, str(make_catalog(TIES)))


# The counts are those of a count from scratch, after every kind of change


def test_a_new_catalog_keeps_the_counts_of_its_scenes(ties: str) -> None:
    people, dramas, characters = assert_exact(ties)
    assert sorted(people.values(), reverse=True) == [3, 2, 2, 1, 1]
    assert sorted(dramas.values(), reverse=True) == [2, 2, 1, 1]
    assert sorted(characters.values(), reverse=True) == [2, 2, 2, 1, 1, 1]


def test_adding_a_scene_counts_its_new_drama_and_people(kdrama: Invoke, ties: str) -> None:
    run = kdrama(
        "add", "-t", "New", "-d", "Twinkling Watermelon", "-y", "2023", "-a", "Ryeoun",
        "-a", "Ahn Hyo Seop", "--db", ties,
    )  # fmt: skip
    assert run.exit_code == 0
    assert_exact(ties)
    actors = kdrama("actors", "--db", ties, "--json").json()
    assert actors[0] == {"actor": "Ahn Hyo Seop", "actor_korean": None, "count": 4}
    assert {"actor": "Ryeoun", "actor_korean": None, "count": 1} in actors


def test_editing_a_cast_moves_the_counts(kdrama: Invoke, ties: str) -> None:
    edited = kdrama("edit", "1", "-c", "Lee Su Ho=Cha Eun Woo", "--db", ties)
    assert edited.exit_code == 0
    assert_exact(ties)
    assert kdrama("actors", "--db", ties, "--limit", "3", "--json").json() == [
        {"actor": "Ahn Hyo Seop", "actor_korean": None, "count": 2},
        {"actor": "bae Suzy", "actor_korean": None, "count": 2},
        {"actor": "Cha Eun Woo", "actor_korean": None, "count": 2},
    ]
    edited = kdrama("edit", "5", "-c", "Kang Tae Moo=Ahn Hyo Seop", "--db", ties)
    assert edited.exit_code == 0
    assert_exact(ties)


def test_moving_a_scene_to_another_drama_moves_its_count(kdrama: Invoke, ties: str) -> None:
    assert kdrama("edit", "6", "-d", "Start-Up", "-y", "2020", "--db", ties).exit_code == 0
    assert_exact(ties)
    assert kdrama("dramas", "--db", ties, "--limit", "1", "--json").json() == [
        {"drama": "Start-Up", "drama_korean": None, "year": 2020, "count": 3}
    ]


def test_removing_scenes_drops_those_left_with_none(kdrama: Invoke, ties: str) -> None:
    assert kdrama("rm", "5", "6", "--yes", "--db", ties).exit_code == 0
    people, dramas, _ = assert_exact(ties)
    assert (len(people), len(dramas)) == (3, 2)
    assert [row["actor"] for row in kdrama("actors", "--db", ties, "--json").json()] == [
        "Ahn Hyo Seop",
        "bae Suzy",
        "Kim Se Jeong",
    ]


def test_favourites_and_ratings_leave_the_counts_alone(kdrama: Invoke, ties: str) -> None:
    before = assert_exact(ties)
    for args in (["unfav", "1"], ["fav", "2", "4"], ["rate", "2", "1"], ["rate", "6", "3"]):
        assert kdrama(*args, "--db", ties).exit_code == 0
        assert assert_exact(ties) == before


def test_importing_adds_and_updates_counts(kdrama: Invoke, ties: str, tmp_path: Path) -> None:
    lines = [
        {"id": 2, "actors": ["Lee Jae Wook"]},
        {"title": "Rooftop", "drama": "Alchemy of Souls", "year": 2019, "actors": ["Jung So Min"]},
        {"title": "Gate", "drama": "Big Mouth", "year": 2022, "actors": ["Lee Jong Suk"]},
    ]
    source = tmp_path / "more.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert kdrama("import", str(source), "--db", ties, "--update").exit_code == 0
    people, dramas, _ = assert_exact(ties)
    assert (len(people), len(dramas)) == (7, 5)
    assert {"actor": "Lee Jae Wook", "actor_korean": None, "count": 2} in kdrama(
        "actors", "--db", ties, "--json"
    ).json()


def test_a_bulk_import_is_counted(ties: str) -> None:
    """Past 10,000 scenes, an import that outweighs the catalog writes in bulk (the
    cast indexes dropped and built again); here it also recasts scene 1."""
    records = [
        SceneRecord(
            given=frozenset({"title", "drama", "year", "actors"}),
            title=f"Scene {i}",
            drama=f"Drama {i % 300}",
            year=2000 + i % 20,
            actors=(f"Actor {i % 1000}", f"Actor {i * 7 % 1001}"),
        )
        for i in range(10_000)
    ]
    records.append(SceneRecord(given=frozenset({"id", "actors"}), id=1, actors=("Actor 1",)))
    with Catalog.open(Path(ties), write=True) as catalog:
        editing.import_records(catalog, records, existing=editing.Existing.UPDATE)
        assert_same_answers(catalog)
    people, dramas, _ = assert_exact(ties)
    assert sum(dramas.values()) == 10_006 and len(people) > 100


def test_changes_made_in_sql_are_counted_before_the_commit(ties: str) -> None:
    with Catalog.open(Path(ties), write=True) as catalog, transaction(catalog.conn):
        conn = catalog.conn
        conn.execute("UPDATE scene_people SET person_id = 5 WHERE scene_id = 1 AND position = 0")
        conn.execute("UPDATE scene_people SET scene_id = 6 WHERE scene_id = 2 AND position = 1")
        conn.execute("INSERT OR REPLACE INTO scene_people VALUES (3, 1, 0)")
        conn.execute("UPDATE scenes SET drama_id = 3 WHERE id = 4")
        conn.execute("UPDATE scenes SET drama_id = drama_id, title = 'same drama'")
        conn.execute("DELETE FROM scenes WHERE id = 5")  # its cast goes by ON DELETE CASCADE
    assert_exact(ties)


def test_a_catalog_changed_by_another_program_is_counted_from_scratch(
    kdrama: Invoke, ties: str
) -> None:
    with closing(sqlite3.connect(ties)) as conn, conn:
        conn.execute("DELETE FROM scene_people WHERE scene_id IN (1, 2)")
    assert counts(kdrama("actors", "--db", ties, "--limit", "2", "--json")) == [
        ("bae Suzy", 2),
        ("Ahn Hyo Seop", 1),
    ]
    assert kdrama("stats", "--db", ties, "--json").json()["actors"] == 4
    assert kdrama("rate", "3", "2", "--db", ties).exit_code == 0  # any change counts again
    assert_exact(ties)


def counts(run: Any) -> list[tuple[str, int]]:
    return [(next(iter(row.values())), row["count"]) for row in run.json()]


# Many random changes

ACTORS = ["Kim A", "kim b", "Lee C", "Park D", "Choi E", "Jung F"]
DRAMAS = [("Drama One", 2001), ("drama one", 2002), ("Drama Two", 2001), ("Three", 2003)]

casts = st.lists(st.sampled_from(ACTORS), max_size=3)
roles = st.lists(
    st.tuples(st.sampled_from(["Hero", "Heroine", "Villain"]), st.sampled_from(ACTORS)),
    max_size=2,
)
changes = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(DRAMAS), casts, roles),
    st.tuples(st.just("edit cast"), st.integers(1, 12), casts, roles),
    st.tuples(st.just("edit drama"), st.integers(1, 12), st.sampled_from(DRAMAS)),
    st.tuples(st.just("rm"), st.lists(st.integers(1, 12), min_size=1, max_size=3)),
    st.tuples(st.just("fav"), st.lists(st.integers(1, 12), min_size=1, max_size=3)),
    st.tuples(st.just("rate"), st.integers(1, 12), st.integers(1, 5)),
)


def cast_of(actors: list[str], characters: tuple[Role, ...]) -> tuple[str, ...]:
    """The actors of a scene, as ``kdrama add`` makes them: a character's actor joins."""
    return tuple(dict.fromkeys([*actors, *(role.actor for role in characters)]))


def apply(catalog: Catalog, change: tuple[Any, ...]) -> None:
    kind = change[0]
    present = {row[0] for row in catalog.conn.execute("SELECT id FROM scenes")}
    if kind == "add":
        (title, year), actors, parts = change[1:]
        characters = tuple(Role(name, actor) for name, actor in parts)
        editing.add_scene(
            catalog,
            SceneRecord(
                given=frozenset({"title", "drama", "year", "actors", "characters"}),
                title="A scene",
                drama=title,
                year=year,
                actors=cast_of(actors, characters) or ("Kim A",),
                characters=characters,
            ),
            new_drama=True,
        )
    elif kind == "edit cast" and change[1] in present:
        _, scene_id, actors, parts = change
        characters = tuple(Role(name, actor) for name, actor in parts)
        editing.edit_scene(
            catalog,
            scene_id,
            SceneRecord(
                given=frozenset({"actors", "characters"}),
                actors=cast_of(actors, characters),
                characters=characters,
            ),
        )
    elif kind == "edit drama" and change[1] in present:
        _, scene_id, (title, year) = change
        record = SceneRecord(given=frozenset({"drama", "year"}), drama=title, year=year)
        editing.edit_scene(catalog, scene_id, record, new_drama=True)
    elif kind == "rm":
        editing.remove_scenes(catalog, [i for i in change[1] if i in present])
    elif kind == "fav":
        editing.set_favorite(catalog, [i for i in change[1] if i in present], True)
    elif kind == "rate" and change[1] in present:
        editing.set_rating(catalog, change[1], change[2])


@contextmanager
def new_catalog() -> Iterator[tuple[Catalog, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "random.db"
        with Catalog.open(db, write=True, create=True) as catalog:
            yield catalog, db


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(changes, min_size=1, max_size=25))
def test_counts_stay_exact_through_many_random_changes(steps: list[tuple[Any, ...]]) -> None:
    with new_catalog() as (catalog, db):
        for change in steps:
            apply(catalog, change)
            assert_exact(db)
        assert_same_answers(catalog)
        for actor in ("Kim A", "Lee C"):
            assert_same_answers(catalog, SceneFilter(actors=(actor,)))


# The rows of actors, dramas, years and stats are those counted from scratch


@pytest.mark.parametrize(
    "filters",
    [None, SceneFilter(favorites=True), SceneFilter(actors=("Ahn Hyo Seop",)), SceneFilter()],
)
def test_kept_counts_give_the_rows_counting_from_scratch_gives(
    ties: str, filters: SceneFilter | None
) -> None:
    with Catalog.open(Path(ties), write=True) as catalog:
        assert_same_answers(catalog, filters)


def test_commands_print_the_same_with_and_without_kept_counts(kdrama: Invoke, ties: str) -> None:
    runs = [
        (command, *options)
        for command in ("actors", "dramas", "years", "stats")
        for options in ([], ["--json"], ["--limit", "2"], ["--favorites"])
        if not (command == "stats" and "--limit" in options)
    ]
    kept_output = [kdrama(*args, "--db", ties).stdout for args in runs]
    with closing(sqlite3.connect(ties)) as conn, conn:
        for table in STALE:
            conn.execute(f"INSERT INTO {table} VALUES (0)")
    assert [kdrama(*args, "--db", ties).stdout for args in runs] == kept_output
    assert all(kept_output)


def test_each_actors_count_is_how_many_scenes_list_shows_for_them(
    kdrama: Invoke, ties: str
) -> None:
    for row in kdrama("actors", "--db", ties, "--json").json():
        scenes = kdrama("list", "--actor", row["actor"], "--db", ties, "--json").json()
        assert len(scenes) == row["count"]


def test_unfiltered_counts_read_the_kept_counts_most_first(ties: str) -> None:
    with Catalog.open(Path(ties)) as catalog:
        conn = catalog.conn
        for count in (facets.count_actors, facets.count_dramas):
            sql: list[str] = []
            conn.set_trace_callback(sql.append)
            list(count(catalog, None, 3))
            conn.set_trace_callback(None)
            plan = " ".join(
                row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql[-1].rstrip(";"))
            )
            assert "USING COVERING INDEX" in plan and "_counts_most" in plan, plan
            assert "FROM scene_people" not in sql[-1] and "FROM scenes" not in sql[-1]


# Catalogs from before the counts


def schema_3_catalog(path: Path) -> Path:
    """The first released catalog (schema 1), upgraded to schema 3 only."""
    load_v1(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for version, migration in enumerate(MIGRATIONS[:3], start=1):
            if version > 1:
                conn.execute("BEGIN")
                migration(conn)
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return path


def test_a_schema_3_catalog_is_counted_when_upgraded(kdrama: Invoke, tmp_path: Path) -> None:
    old = schema_3_catalog(tmp_path / "v3.db")
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "scene_search" in tables and "person_counts" not in tables
    run = kdrama("actors", "--db", str(old), "--json")
    assert run.exit_code == 0
    people, dramas, _ = assert_exact(old)
    assert sum(people.values()) > 0 and len(dramas) > 0
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Catalog.open(old, write=True) as catalog:
        assert run.json() == [row.to_dict() for row in from_scratch(
            catalog, lambda: list(facets.count_actors(catalog))
        )]  # fmt: skip
        assert_same_answers(catalog)


def test_a_catalog_of_the_first_schema_is_counted_when_upgraded(
    kdrama: Invoke, tmp_path: Path
) -> None:
    old = load_v1(tmp_path / "v1.db")
    assert kdrama("stats", "--db", str(old), "--json").exit_code == 0
    assert_exact(old)


def test_a_read_only_catalog_without_counts_is_counted_from_scratch(tmp_path: Path) -> None:
    old = schema_3_catalog(tmp_path / "v3.db")
    with Catalog.open(Location(old, Origin.BUNDLED)) as catalog:  # read-only, as bundled
        conn = catalog.conn
        actors = list(facets.count_actors(catalog, limit=3))
        expected = conn.execute(
            "SELECT p.name, count(*) FROM scene_people sp JOIN people p ON p.id = sp.person_id"
            " GROUP BY p.id ORDER BY 2 DESC, p.name COLLATE NOCASE LIMIT 3"
        ).fetchall()
        assert [(row.name, row.count) for row in actors] == expected
        assert (
            facets.catalog_stats(catalog).actors
            == conn.execute("SELECT count(DISTINCT person_id) FROM scene_people").fetchone()[0]
        )


def test_the_bundled_catalog_keeps_exact_counts() -> None:
    with Catalog.open_bundled() as catalog:
        assert kept(catalog.conn) == recounted(catalog.conn)


# Synthetic catalogs for the benchmarks

SYNTHETIC = ROOT / "benchmarks" / "synthetic.py"


@pytest.mark.skipif(not SYNTHETIC.exists(), reason="the benchmarks are not in this tree")
def test_a_synthetic_catalog_keeps_exact_counts(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.syspath_prepend(str(SYNTHETIC.parent))
    synthetic = importlib.import_module("synthetic")
    db = synthetic.make_catalog(tmp_path / "synthetic.db", 400, quiet=True)
    assert_exact(db)
    with Catalog.open(db, write=True) as catalog:
        son_ye_jin = next(row for row in facets.count_actors(catalog) if row.name == "Son Ye Jin")
        assert son_ye_jin.count == 3
        assert_same_answers(catalog)
