"""Catalog files that are not what they seem: another database's write-ahead log beside
the catalog, a lock held by another program, a write killed half-way, a damaged page, a
half-applied upgrade, a FIFO, a device, an empty file. Each is refused (or recovered)
in one line, and a refused file keeps its bytes. Real processes, real locks."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from .conftest import BUNDLED, run_process


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
