"""Changes that run at the same time: each reads, checks and writes under the write
lock, so concurrent edits compose, overlapping imports succeed, and a change to a scene
removed meanwhile says so.

Each race is made deterministic: the test holds the write lock itself (a second
connection in ``BEGIN IMMEDIATE``), starts the installed ``kdrama`` and waits until it is
blocked on that lock (sleeping in SQLite's busy handler with the catalog open), then
makes its own change and lets go.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kdrama_cli.errors import ExitCode
from kdrama_cli.storage import transaction
from kdrama_cli.writer import Writer

from .conftest import BUNDLED, KDRAMA_BIN, Run, run_process


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A catalog of the bundled scenes, in a file of its own."""
    path = tmp_path / "scenes.db"
    shutil.copy(BUNDLED, path)
    path.chmod(0o600)
    return path


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [KDRAMA_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until_blocked_on_lock(proc: subprocess.Popen[str], db: Path) -> None:
    """Wait until ``proc`` has the catalog open and sleeps in SQLite's busy handler:
    it has read whatever it reads before asking for the write lock, and waits for it."""
    deadline = time.monotonic() + 60
    target = str(db.resolve())
    while True:
        assert proc.poll() is None, f"kdrama ended without waiting: {proc.communicate()}"
        assert time.monotonic() < deadline, "kdrama never waited for the write lock"
        try:
            waiting = "nanosleep" in Path(f"/proc/{proc.pid}/wchan").read_text()
            files = {
                os.readlink(f"/proc/{proc.pid}/fd/{fd}")
                for fd in os.listdir(f"/proc/{proc.pid}/fd")
            }
        except OSError:  # a file descriptor closed as it was read
            continue
        if waiting and target in files:
            return
        time.sleep(0.01)


def finish(proc: subprocess.Popen[str]) -> Run:
    stdout, stderr = proc.communicate(timeout=60)
    return Run(proc.returncode, stdout, stderr, None)


@contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """Hold the catalog's write lock, as a kdrama change does (search index and counts
    brought up to date, then committed), while the body runs."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with transaction(conn):
            yield conn
    finally:
        conn.close()


def scene(db: Path, scene_id: int) -> dict[str, object] | None:
    run = run_process("show", str(scene_id), "--format", "json", "--db", str(db))
    return json.loads(run.stdout) if run.exit_code == 0 else None


def check(db: Path) -> None:
    run = run_process("db", "check", "--db", str(db))
    assert run.exit_code == 0, run.stderr


def test_two_edits_of_one_scene_at_once_both_take_effect(db: Path) -> None:
    with write_lock(db):
        year = start("edit", "1", "--year", "2005", "--new-drama", "--db", str(db))
        wait_until_blocked_on_lock(year, db)
        drama = start("edit", "1", "--drama", "Other Drama", "--db", str(db))
        wait_until_blocked_on_lock(drama, db)
    assert (finish(year).exit_code, finish(drama).exit_code) == (0, 0)
    edited = scene(db, 1)
    assert edited is not None
    assert (edited["drama"], edited["year"]) == ("Other Drama", 2005)
    check(db)


def test_an_edit_that_waited_keeps_a_change_made_meanwhile(db: Path) -> None:
    with write_lock(db) as conn:
        proc = start("edit", "1", "--drama", "Other Drama", "--db", str(db))
        wait_until_blocked_on_lock(proc, db)
        conn.execute("UPDATE scenes SET title = 'Retitled meanwhile', rating = 4 WHERE id = 1")
    assert finish(proc).exit_code == 0
    edited = scene(db, 1)
    assert edited is not None
    assert (edited["title"], edited["rating"], edited["drama"]) == (
        "Retitled meanwhile",
        4,
        "Other Drama",
    )
    check(db)


CHANGES_TO_SCENE_2 = [
    ["edit", "2", "--actor", "New Guy"],
    ["edit", "2", "--drama", "Other"],
    ["edit", "2", "--title", "New title"],
    ["rate", "2", "5"],
    ["unrate", "2"],
    ["fav", "2"],
    ["unfav", "2"],
    ["rm", "2", "--yes"],
]


@pytest.mark.parametrize("args", CHANGES_TO_SCENE_2, ids=" ".join)
def test_a_change_to_a_scene_removed_meanwhile_says_there_is_no_such_scene(
    db: Path, args: list[str]
) -> None:
    with write_lock(db) as conn:
        proc = start(*args, "--db", str(db))
        wait_until_blocked_on_lock(proc, db)
        Writer(conn).delete_scenes([2])
    run = finish(proc)
    assert (run.exit_code, run.stdout, run.stderr) == (
        ExitCode.RUNTIME_ERROR,
        "",
        "Error: no scene with id 2\n",
    )
    assert scene(db, 2) is None
    assert run_process("stats", "--json", "--db", str(db)).exit_code == 0
    check(db)


def scenes_file(path: Path, first_id: int | None, title: str) -> Path:
    records = [
        {
            **({"id": first_id + n} if first_id is not None else {}),
            "title": f"{title} {n}",
            "drama": "Goblin",
            "year": 2017,
            "actors": ["Gong Yoo"],
        }
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def count(db: Path) -> int:
    stats = json.loads(run_process("stats", "--json", "--db", str(db)).stdout)
    return int(stats["scenes"])


@pytest.mark.parametrize("with_ids", [True, False], ids=["same new ids", "no ids"])
def test_two_imports_at_once_of_the_same_new_scenes_both_succeed(
    db: Path, tmp_path: Path, with_ids: bool
) -> None:
    before = count(db)
    source = scenes_file(tmp_path / "new.jsonl", 900 if with_ids else None, "Shared")
    with write_lock(db):
        first = start("import", str(source), "--db", str(db))
        wait_until_blocked_on_lock(first, db)
        second = start("import", str(source), "--db", str(db))
        wait_until_blocked_on_lock(second, db)
    runs = [finish(first), finish(second)]
    assert [run.exit_code for run in runs] == [0, 0], [run.stderr for run in runs]
    if with_ids:  # the second finds the first's scenes, the same: nothing to do
        assert sorted(run.stderr for run in runs) == [
            "Imported 3 scene(s): 0 added, 0 updated, 3 unchanged.\n",
            "Imported 3 scene(s): 3 added, 0 updated.\n",
        ]
        assert count(db) == before + 3
    else:  # scenes without ids are new each time
        assert count(db) == before + 6
    check(db)


def test_of_two_imports_at_once_with_other_scenes_on_the_same_new_ids_one_is_refused(
    db: Path, tmp_path: Path
) -> None:
    before = count(db)
    files = [scenes_file(tmp_path / f"{who}.jsonl", 900, who) for who in ("Mine", "Theirs")]
    with write_lock(db):
        procs = [start("import", str(source), "--db", str(db)) for source in files]
        for proc in procs:
            wait_until_blocked_on_lock(proc, db)
    runs = [finish(proc) for proc in procs]
    assert sorted(run.exit_code for run in runs) == [0, ExitCode.RUNTIME_ERROR]
    refused = next(run for run in runs if run.exit_code)
    assert refused.stderr.startswith("Error: 3 scene(s) in the file have ids that scenes")
    winner = ["Mine", "Theirs"][[run.exit_code for run in runs].index(0)]
    assert [(scene(db, 900 + n) or {}).get("title") for n in range(3)] == [
        f"{winner} {n}" for n in range(3)
    ]
    assert count(db) == before + 3
    check(db)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_change_waiting_for_the_write_lock_stops_when_interrupted(db: Path, signum: int) -> None:
    """Ctrl-C acts while kdrama waits for another writer, however long the wait may be
    (SQLite's own wait runs in C, where Python cannot act on it)."""
    before = db.read_bytes()
    with write_lock(db):
        proc = subprocess.Popen(
            [KDRAMA_BIN, "fav", "1", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KDRAMA_BUSY_TIMEOUT": "3600"},
        )
        wait_until_blocked_on_lock(proc, db)
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=30)  # an hour, were it not stopped
    assert (proc.returncode, stdout, stderr) == (ExitCode.INTERRUPTED, "", "Interrupted.\n")
    assert db.read_bytes() == before
