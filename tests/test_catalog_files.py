"""Catalog files that are not what they seem: another database's write-ahead log beside
the catalog, a lock held by another program, a write killed half-way, a damaged page, a
half-applied upgrade, a FIFO, a device, an empty file. Each is refused (or recovered)
in one line, and a refused file keeps its bytes. Real processes, real locks."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from kdrama_cli import migrations, storage
from kdrama_cli.errors import CatalogError
from kdrama_cli.migrations import APPLICATION_ID, SCHEMA_VERSION
from kdrama_cli.storage import (
    Location,
    Origin,
    open_catalog,
    sqlite_failure,
    transaction,
    write_new_catalog,
)

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, run_process
from .test_db_check import point_index_at_another
from .test_read_only import assert_children_cannot
from .test_read_only import kdrama as unprivileged_kdrama
from .test_user_catalog import load_v1


def copy_of_bundled(tmp_path: Path, name: str = "s.db") -> Path:
    db = tmp_path / name
    shutil.copyfile(BUNDLED, db)
    return db


def files_beside(db: Path) -> dict[str, bytes]:
    """The catalog and every file whose name starts with it (journals, logs), by name."""
    return {p.name: p.read_bytes() for p in db.parent.glob(db.name + "*")}


def one_line_error(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


# -- Another database's write-ahead log ------------------------------------------------


def put_foreign_wal_beside(db: Path, tmp_path: Path) -> None:
    """Make another database in WAL mode whose last write is still only in its log, and
    copy the log and its index next to ``db`` under ``db``'s names."""
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('not a scene')")
        # Copied while this connection is open, before its close checkpoints the log.
        shutil.copyfile(f"{other}-wal", f"{db}-wal")
        shutil.copyfile(f"{other}-shm", f"{db}-shm")


@pytest.mark.parametrize(
    "args",
    [("list",), ("db", "info"), ("db", "check"), ("fav", "1"), ("edit", "1", "--title", "x")],
)
def test_a_foreign_wal_beside_the_catalog_is_refused_by_name_and_nothing_is_checkpointed(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = copy_of_bundled(tmp_path)
    put_foreign_wal_beside(db, tmp_path)
    before = files_beside(db)
    run = run_process(*args, "--db", str(db))
    assert run.exit_code == 1 and run.stdout == ""
    line = one_line_error(run.stderr)
    assert f"{db}-wal" in line and "move" in line
    assert files_beside(db) == before  # 204,800 bytes of scenes, not another database
    # Moved aside, as the message says, the catalog is whole again.
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").rename(tmp_path / f"aside{suffix}")
    assert run_process("list", "--db", str(db), "--json").exit_code == 0
    assert db.read_bytes() == before[db.name]


def test_a_catalog_another_program_keeps_changes_for_in_its_wal_is_refused_untouched(
    tmp_path: Path,
) -> None:
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("UPDATE scenes SET title = 'changed by another program' WHERE id = 1")
        before = files_beside(db)
        for args in (("list",), ("fav", "1")):
            run = run_process(*args, "--db", str(db))
            assert (run.exit_code, run.stdout) == (1, ""), args
            line = one_line_error(run.stderr)
            assert line.startswith(f"Error: {db} was switched to WAL mode by another program")
            assert "nothing was changed" in line
        assert files_beside(db) == before


def test_a_catalog_left_in_wal_mode_with_nothing_in_its_log_is_read_and_written(
    tmp_path: Path,
) -> None:
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("PRAGMA journal_mode = WAL")
    for args in (("list",), ("fav", "1"), ("list",), ("db", "check")):
        run = run_process(*args, "--db", str(db))
        assert run.exit_code == 0, (args, run.stderr)
    assert run_process("list", "--favorites", "--json", "--db", str(db)).json()[0]["id"] == 1


def test_reading_a_catalog_opens_it_read_only_and_changes_no_byte(tmp_path: Path) -> None:
    db = copy_of_bundled(tmp_path)
    before = files_beside(db)
    for args in (("list",), ("show", "1"), ("db", "info"), ("db", "check"), ("stats",)):
        assert run_process(*args, "--db", str(db)).exit_code == 0, args
    assert files_beside(db) == before


# -- Files that are not catalog files -----------------------------------------------


def test_a_fifo_is_refused_at_once_by_its_type_and_never_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    for args in (
        ("list",),
        ("fav", "1"),
        ("db", "check"),
        ("add", "-t", "T", "-d", "D", "-y", "2001", "-a", "A"),
    ):
        # Opening a FIFO waits for a writer: a hang here ends in TimeoutExpired.
        done = subprocess.run(
            [KDRAMA_BIN, *args, "--db", str(fifo)], capture_output=True, text=True, timeout=30
        )
        assert (done.returncode, done.stdout) == (1, ""), args
        assert (
            one_line_error(done.stderr)
            == f"Error: {fifo} is a named pipe (FIFO), not a catalog file"
        )


def test_completion_with_a_fifo_as_the_catalog_offers_nothing_and_does_not_hang(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    line = f"kdrama list --db {fifo} --actor So"
    done = subprocess.run(
        [KDRAMA_BIN],
        env={
            **os.environ,
            "_KDRAMA_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": "5",
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "")


@pytest.mark.parametrize(
    ("where", "words"),
    [("/dev/null", "is a device, not a catalog file"), (".", "is a folder, not a catalog file")],
    ids=["device", "folder"],
)
def test_a_device_or_a_folder_is_refused_by_its_type(
    tmp_path: Path, where: str, words: str
) -> None:
    path = Path(where) if where.startswith("/") else tmp_path
    for args in (("list",), ("fav", "1"), ("db", "check")):
        run = run_process(*args, "--db", str(path))
        assert (run.exit_code, one_line_error(run.stderr)) == (1, f"Error: {path} {words}")


def test_an_empty_file_is_named_empty_and_stays_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (
        ("list",),
        ("db", "check"),
        ("fav", "1"),
        ("add", "-t", "T", "-d", "D", "-y", "2001", "-a", "A"),
    ):
        run = run_process(*args, "--db", str(empty))
        assert run.exit_code == 1, args
        assert (
            one_line_error(run.stderr) == f"Error: {empty} is an empty file, not a kdrama catalog"
        )
    assert files_beside(empty) == {"empty.db": b""}


# -- Locks held by another program ---------------------------------------------------


@contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Another program writing: a second connection holding an exclusive lock."""
    with closing(sqlite3.connect(db, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")


@pytest.mark.parametrize(
    "args", [("list",), ("fav", "1"), ("db", "check"), ("db", "info")], ids=" ".join
)
def test_a_catalog_another_program_is_writing_is_called_busy_with_the_wait(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = copy_of_bundled(tmp_path)
    before = files_beside(db)
    with write_lock_held(db):
        run = run_process(*args, "--db", str(db), env={"KDRAMA_BUSY_TIMEOUT": "0.2"})
        assert (run.exit_code, run.stdout) == (1, "")
        assert one_line_error(run.stderr) == (
            f"Error: another kdrama is writing to this catalog ({db}); tried for 0.2 s;"
            " try again ($KDRAMA_BUSY_TIMEOUT sets how long to wait)"
        )
    assert files_beside(db) == before
    assert run_process(*args, "--db", str(db)).exit_code == 0  # once it is done


def test_a_busy_timeout_that_is_not_a_number_is_one_line(tmp_path: Path) -> None:
    db = copy_of_bundled(tmp_path)
    run = run_process("list", "--db", str(db), env={"KDRAMA_BUSY_TIMEOUT": "soon"})
    assert (run.exit_code, one_line_error(run.stderr)) == (
        1,
        "Error: $KDRAMA_BUSY_TIMEOUT must be a number of seconds from 0 to 86400, not 'soon'",
    )


# -- A write killed half-way (a hot journal) -----------------------------------------

KILLED_WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")  # so the change reaches the file before a commit
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE scenes SET title = 'HALF-WRITTEN', description = hex(randomblob(900))")
print("written", flush=True)
sys.stdin.read()
"""


def kill_a_write_half_way(db: Path) -> None:
    """Leave what a write killed by SIGKILL leaves: a catalog holding part of an
    uncommitted change, and the journal needed to roll it back."""
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    writer.kill()
    writer.wait()
    assert Path(f"{db}-journal").stat().st_size > 0


def test_a_write_killed_half_way_is_rolled_back_by_the_next_command(tmp_path: Path) -> None:
    db = copy_of_bundled(tmp_path)
    titles = run_process("list", "--db", str(db), "--json").json()
    kill_a_write_half_way(db)
    assert db.read_bytes() != BUNDLED.read_bytes()  # the half-written change is in it
    run = run_process("db", "check", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    assert run_process("list", "--db", str(db), "--json").json() == titles
    assert not Path(f"{db}-journal").exists()


def test_a_write_killed_half_way_in_a_catalog_that_may_not_be_written_says_so(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    db = copy_of_bundled(folder)
    kill_a_write_half_way(db)
    before = files_beside(db)
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert_children_cannot("add a file to", folder)
        for args in (("list",), ("db", "check")):
            run = unprivileged_kdrama(*args, "--db", str(db))
            assert run.exit_code == 1, run.stderr
            assert one_line_error(run.stderr) == (
                f"Error: an interrupted write to {db} is to be rolled back, but this process"
                " may not write it or its folder; run kdrama as someone who may, to roll it back"
            )
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert files_beside(db) == before


# -- Damaged files are not written ---------------------------------------------------


@pytest.mark.parametrize(
    "args", [("fav", "1"), ("rate", "1", "5"), ("edit", "1", "--title", "new")], ids=" ".join
)
def test_a_damaged_catalog_is_refused_before_any_write_and_left_as_it_was(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = copy_of_bundled(tmp_path)
    point_index_at_another(db)
    before = files_beside(db)
    run = run_process(*args, "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    line = one_line_error(run.stderr)
    assert line.startswith(f"Error: {db} is damaged (2nd reference to page")
    assert "nothing was changed" in line and "kdrama db check" in line
    assert files_beside(db) == before
    assert run_process("list", "--db", str(db)).exit_code == 0  # reading is still allowed


# -- Upgrades are all or nothing -----------------------------------------------------


def v2_catalog(path: Path) -> Path:
    """A catalog of the second schema, as kdrama 0.2 left it."""
    load_v1(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        migrations.migrate(conn, target=2)
    return path


@pytest.mark.parametrize("table", ["search_stale", "person_counts"])
def test_an_upgrade_that_fails_half_way_leaves_the_file_exactly_as_it_was(
    tmp_path: Path, table: str
) -> None:
    # person_counts is made by the fourth migration: the third would succeed before it.
    db = v2_catalog(tmp_path / "v2.db")
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(f"CREATE TABLE {table} (note TEXT)")
    before = files_beside(db)
    for args in (("list",), ("fav", "1")):
        run = run_process(*args, "--db", str(db))
        assert (run.exit_code, run.stdout) == (1, ""), args
        assert one_line_error(run.stderr) == (
            f"Error: cannot upgrade {db}: table {table} already exists; nothing was changed"
        )
    assert files_beside(db) == before
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2


def test_an_upgrade_applies_every_migration_and_records_the_version(tmp_path: Path) -> None:
    db = v2_catalog(tmp_path / "v2.db")
    run = run_process("fav", "1", "--db", str(db))
    # A small catalog's upgrade is quick: nothing said of it.
    assert (run.exit_code, run.stderr) == (0, "Marked 1 scene(s) as favourite.\n")
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert run_process("db", "check", "--db", str(db)).exit_code == 0


def test_upgrading_a_large_catalog_says_so_once_on_stderr(
    tmp_path: Path, kdrama: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LARGE_UPGRADE", 6)  # the six scenes count as large
    db = v2_catalog(tmp_path / "v2.db")
    first = kdrama("list", "--json", "--db", str(db))
    assert first.exit_code == 0 and len(json.loads(first.stdout)) == 6
    assert (
        first.stderr == f"Upgrading {db} (6 scenes) for this kdrama: once, and it takes a while.\n"
    )
    again = kdrama("list", "--json", "--db", str(db))
    assert (again.stdout, again.stderr) == (first.stdout, "")


def test_an_upgrade_that_rewrites_no_scene_says_nothing_however_large(
    tmp_path: Path, kdrama: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "LARGE_UPGRADE", 1)
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:  # schema 6, as it was
        conn.execute("DROP TRIGGER scenes_delete_keeps_id")
        conn.execute("DROP TABLE removed_scene_ids")
        conn.execute("PRAGMA user_version = 6")
    run = kdrama("list", "--json", "--db", str(db))
    assert (run.exit_code, run.stderr) == (0, "")
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- A full disk ---------------------------------------------------------------------


def test_a_full_disk_is_named_and_said_to_have_changed_nothing(tmp_path: Path) -> None:
    db = copy_of_bundled(tmp_path)
    with (
        closing(sqlite3.connect(db, isolation_level=None)) as conn,
        pytest.raises(sqlite3.OperationalError) as full,
    ):
        fill_the_disk(conn)
    failure = sqlite_failure(full.value, db, doing="write")
    assert isinstance(failure, CatalogError)
    assert str(failure) == f"no space left on the disk of {tmp_path}; nothing was changed"
    assert db.read_bytes() == BUNDLED.read_bytes()


def test_a_write_that_fills_the_disk_is_one_line_and_leaves_the_catalog(tmp_path: Path) -> None:
    db = copy_of_bundled(tmp_path)
    conn = open_catalog(Location(db, Origin.OPTION), write=True)
    with closing(conn), pytest.raises(CatalogError) as refused, transaction(conn):
        conn.execute("UPDATE scenes SET title = 'changed' WHERE id = 1")
        fill_the_disk(conn)
    assert str(refused.value) == f"no space left on the disk of {tmp_path}; nothing was changed"
    assert db.read_bytes() == BUNDLED.read_bytes()


def test_an_import_the_file_system_stops_half_way_leaves_the_catalog_whole(
    tmp_path: Path,
) -> None:
    """The catalog may not grow past a limit (`ulimit -f`, as a full disk would stop
    it): the import fails in one line, and the command itself puts back every byte,
    leaving no journal for the next one to roll back."""
    db = copy_of_bundled(tmp_path)
    before = db.read_bytes()
    source = tmp_path / "scenes.jsonl"
    scene = {"drama": "Filler", "year": 2020, "description": "x" * 500, "actors": ["A"]}
    source.write_text("".join(json.dumps({**scene, "title": f"T{n}"}) + "\n" for n in range(3000)))
    limit = len(before) + 100_000

    def grow_no_further() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [KDRAMA_BIN, "import", str(source), "--db", str(db)],
        capture_output=True,
        text=True,
        preexec_fn=grow_no_further,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"Error: cannot write {db}: disk I/O error; nothing was changed\n"
    assert files_beside(db) == {db.name: before}


def fill_the_disk(conn: sqlite3.Connection) -> None:
    """Write into ``conn`` as onto a full disk: SQLite may not add a page."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    conn.execute("CREATE TABLE filler AS SELECT hex(randomblob(100000)) AS x")


def test_a_new_catalog_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    with pytest.raises(CatalogError) as refused:
        write_new_catalog(target, fill_the_disk)
    assert str(refused.value) == f"no space left on the disk of {tmp_path}; nothing was changed"
    assert list(tmp_path.iterdir()) == []


# -- db check knows the schema kdrama needs ------------------------------------------


def test_db_check_fails_a_catalog_whose_scenes_have_the_wrong_columns(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        conn.execute("ALTER TABLE scenes RENAME COLUMN rating TO stars")
        conn.execute("COMMIT")
    before = files_beside(db)
    run = kdrama("db", "check", "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.splitlines()[0] == "scenes lacks the column(s) rating"
    assert run.stderr.splitlines()[-1].startswith(f"Error: {db} is damaged.")
    assert files_beside(db) == before


def test_db_check_names_a_table_that_became_a_view_and_a_missing_index(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("DROP INDEX scenes_title")
        conn.execute("DROP TABLE bundled_scenes")
        conn.execute("CREATE VIEW bundled_scenes AS SELECT id AS scene_id FROM scenes")
    run = kdrama("db", "check", "--db", str(db))
    assert run.exit_code == 1
    assert {
        "bundled_scenes is a view where kdrama expects a table",
        "the index scenes_title is missing",
    } <= set(run.stderr.splitlines())


def test_db_check_names_a_scenes_table_that_became_a_view_and_still_checks_the_rest(
    kdrama: Invoke, tmp_path: Path
) -> None:
    db = copy_of_bundled(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA legacy_alter_table = ON")  # leave the references to scenes
        conn.execute("ALTER TABLE scenes RENAME TO old_scenes")
        conn.execute("CREATE VIEW scenes AS SELECT * FROM old_scenes")
    run = kdrama("db", "check", "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    lines = run.stderr.splitlines()
    assert lines[0] == "scenes is a view where kdrama expects a table"
    assert lines[-1].startswith(f"Error: {db} is damaged.")


def test_db_check_passes_every_schema_version_kdrama_has_made(tmp_path: Path) -> None:
    for version in range(1, SCHEMA_VERSION + 1):
        db = tmp_path / f"v{version}.db"
        with closing(sqlite3.connect(db, isolation_level=None)) as conn:
            migrations.migrate(conn, target=version)
        run = run_process("db", "check", "--db", str(db))
        assert run.exit_code == 0, (version, run.stderr)
