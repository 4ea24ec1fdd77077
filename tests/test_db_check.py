"""`kdrama db check`: SQLite's integrity check on the catalog file, which it never
changes, and what to do when the file is damaged."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli.catalog import Catalog

from .conftest import ROOT, Invoke, one_scene
from .test_user_catalog import load_v1


def point_index_at_another(db: Path) -> None:
    """Damage a catalog the way a bad disk or a copy made mid-write can: the index on
    scene titles is made to point at the pages of the index on drama titles."""
    conn = sqlite3.connect(db, isolation_level=None)
    roots = dict(
        conn.execute(
            "SELECT name, rootpage FROM sqlite_master"
            " WHERE name IN ('scenes_title', 'dramas_title')"
        ).fetchall()
    )
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET rootpage = ? WHERE name = 'scenes_title'",
        (roots["dramas_title"],),
    )
    conn.close()


def test_a_sound_catalog_passes_and_is_left_as_it_was(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    db = make_catalog(one_scene())
    before = db.read_bytes()
    run = kdrama("db", "check", "--db", str(db))
    assert (run.exit_code, run.stdout) == (
        0,
        f"{db} passed SQLite's integrity check and has the tables and columns kdrama needs.\n",
    )
    assert db.read_bytes() == before


def test_a_damaged_catalog_is_named_with_what_is_wrong_and_what_to_do(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    db = make_catalog(one_scene())
    point_index_at_another(db)
    before = db.read_bytes()
    run = kdrama("db", "check", "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    assert "row 1 missing from index scenes_title" in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: {db} is damaged.") and "kdrama export" in last
    assert "Traceback" not in run.stderr
    assert db.read_bytes() == before


def test_a_file_that_is_not_a_catalog_is_one_line_and_exit_1(
    kdrama: Invoke, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("not a database at all, just some words\n" * 50)
    run = kdrama("db", "check", "--db", str(junk))
    assert (run.exit_code, run.stderr) == (1, f"Error: {junk} is not a SQLite database\n")
    missing = tmp_path / "missing.db"
    assert kdrama("db", "check", "--db", str(missing)).exit_code == 1
    assert not missing.exists()


def test_an_old_catalog_is_checked_as_it_is_not_upgraded(kdrama: Invoke, tmp_path: Path) -> None:
    old = load_v1(tmp_path / "v1.db")
    before = old.read_bytes()
    assert kdrama("db", "check", "--db", str(old)).exit_code == 0
    assert old.read_bytes() == before


def test_the_api_lists_no_problems_for_a_sound_file(make_catalog: Callable[..., Path]) -> None:
    with Catalog.open(make_catalog(one_scene()), as_is=True) as catalog:
        assert catalog.problems() == []


def overwrite_pages(db: Path, first: int, count: int) -> None:
    """Corrupt pages as a bad disk would: fill them with 0xff bytes."""
    with db.open("r+b") as file:
        file.seek(4096 * first)
        file.write(b"\xff" * 4096 * count)


def test_reading_corrupt_pages_is_one_line_and_exit_1(kdrama: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes((ROOT / "data" / "scenes.db").read_bytes())
    overwrite_pages(db, 5, 6)
    before = db.read_bytes()
    for args in (["list"], ["list", "--json"], ["list", "--format", "csv"]):
        run = kdrama(*args, "--db", str(db))
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.stderr == (
            "Error: the catalog is a damaged SQLite database (database disk image is"
            " malformed); take your last export and `kdrama import` it into a new catalog\n"
        )
    assert db.read_bytes() == before
    assert kdrama("db", "check", "--db", str(db)).exit_code == 1


def test_a_folder_given_as_the_catalog_is_one_line_and_exit_1(
    kdrama: Invoke, tmp_path: Path
) -> None:
    for args in (["list"], ["db", "check"], ["export"]):
        run = kdrama(*args, "--db", str(tmp_path))
        assert (run.exit_code, run.stderr) == (
            1,
            f"Error: {tmp_path} is a folder, not a catalog file\n",
        )


@pytest.mark.parametrize("name", ["what?.db", "scenes#2.db", "a b%20c.db"])
def test_a_catalog_path_with_uri_characters_is_read_and_written_as_named(
    kdrama: Invoke, tmp_path: Path, name: str
) -> None:
    db = tmp_path / name
    db.write_bytes((ROOT / "data" / "scenes.db").read_bytes())
    assert len(kdrama("list", "--json", "--db", str(db)).json()) == 6
    run = kdrama("fav", "6", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    assert kdrama("list", "--favorites", "--json", "--db", str(db)).json()[0]["id"] == 6
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    "keep", [100, 4096, -4096], ids=["header only", "first page", "last page lost"]
)
@pytest.mark.parametrize(
    "args", [["list"], ["show", "1"], ["fav", "1"], ["export"], ["db", "check"]], ids=" ".join
)
def test_a_catalog_cut_short_is_named_damaged_in_one_line_and_left_as_it_was(
    kdrama: Invoke, tmp_path: Path, keep: int, args: list[str]
) -> None:
    whole = (ROOT / "data" / "scenes.db").read_bytes()
    db = tmp_path / "cut.db"
    db.write_bytes(whole[:keep])
    run = kdrama(*args, "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        f"Error: {db} is a damaged SQLite database (database disk image is malformed);"
        " take your last export and `kdrama import` it into a new catalog\n"
    )
    assert db.read_bytes() == whole[:keep]
    assert list(tmp_path.iterdir()) == [db]


def test_values_of_types_kdrama_never_stores_are_named_and_counted_around(
    kdrama: Invoke, tmp_path: Path
) -> None:
    """Another program may store text where kdrama keeps numbers (SQLite lets it):
    `db check` names each such column, and `stats` counts what it can."""
    db = tmp_path / "scenes.db"
    db.write_bytes((ROOT / "data" / "scenes.db").read_bytes())
    with sqlite3.connect(db, isolation_level=None) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE dramas SET year = 'abc' WHERE id = 1")
        conn.execute("UPDATE scenes SET rating = 'lots' WHERE id = 2")
        conn.execute("UPDATE scenes SET rating = 4 WHERE id = 3")
    conn.close()
    check = kdrama("db", "check", "--db", str(db))
    assert check.exit_code == 1
    assert "scenes.rating holds 1 value(s) that are not integer or null, the first in row 2\n" in (
        check.stderr
    )
    assert "dramas.year holds 1 value(s) that are not integer, the first in row 1\n" in (
        check.stderr
    )
    stats = kdrama("stats", "--json", "--db", str(db))
    assert stats.exit_code == 0, stats.stderr
    assert (stats.json()["rated"], stats.json()["average_rating"]) == (1, 4)
