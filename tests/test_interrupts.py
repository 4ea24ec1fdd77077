"""The process ends well whatever happens to it: a reader closing the pipe early ends
every command quietly, and Ctrl-C ends any command with 130, a short note and nothing
half-written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import editing, render
from kdrama_cli.catalog import Catalog
from kdrama_cli.errors import ExitCode

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, one_scene, run_process
from .test_concurrency import finish, start, wait_until_blocked_on_lock

READS = [
    ["list"],
    ["list", "--json"],
    ["list", "--format", "jsonl"],
    ["list", "--format", "csv"],
    ["list", "--format", "tsv"],
    ["random"],
    ["random", "--json"],
    ["show", "1"],
    ["show", "1", "--format", "json"],
    ["search", "kiss"],
    ["search", "kiss", "--json"],
    ["actors"],
    ["actors", "--json"],
    ["dramas"],
    ["years"],
    ["stats"],
    ["stats", "--json"],
    ["export"],
    ["export", "--format", "csv"],
    ["db", "path"],
    ["db", "info"],
    ["db", "check"],
    ["--help"],
    ["list", "--help"],
    ["--version"],
]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_reader_that_goes_away_ends_every_command_quietly(args: list[str]) -> None:
    """As in `kdrama ... | head -0`: the pipe is closed before kdrama writes."""
    with subprocess.Popen(
        [KDRAMA_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.wait(timeout=60)
    assert (proc.returncode, stderr) == (ExitCode.BROKEN_PIPE, b"")


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough scenes, each with its own drama and actor, that every listing of them
    overflows a pipe's buffer."""
    folder = tmp_path_factory.mktemp("big")
    lines = [
        json.dumps(
            {
                "title": f"Scene number {n}",
                "drama": f"Drama {n}",
                "year": 1990 + n % 30,
                "actors": [f"Actor {n}", f"Actress {n}"],
                "description": f"What happens in scene {n}. " * 8,
            }
        )
        for n in range(1, 1501)
    ]
    source = folder / "big.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    db = folder / "big.db"
    assert run_process("import", str(source), "--db", str(db)).exit_code == 0
    return db


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["list", "--format", "csv"],
        ["export"],
        ["search", "scene", "--json"],
        ["actors"],
        ["dramas", "--json"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize("unbuffered", ["1", ""], ids=["PYTHONUNBUFFERED=1", "buffered"])
def test_a_reader_that_stops_half_way_ends_the_command_quietly(
    big_catalog: Path, args: list[str], unbuffered: str
) -> None:
    """As in `kdrama ... | head -c 1`, with more output than a pipe holds (piped JSON is
    one line, so the reader stops after a byte, not a line); under PYTHONUNBUFFERED too
    (set on some machines), whose unbuffered stdout would drop the rest of a write the
    pipe cut short without a word."""
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    with subprocess.Popen(
        [KDRAMA_BIN, *args, "--db", str(big_catalog)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.read(1)
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.wait(timeout=60)
    assert (proc.returncode, stderr) == (ExitCode.BROKEN_PIPE, b"")


# --- Ctrl-C ----------------------------------------------------------------------------

EVERY_COMMAND = [
    *(args for args in READS[:-3] if args != ["db", "path"]),  # path opens no catalog
    ["add", "-t", "T", "-d", "Goblin", "-y", "2016", "-a", "Gong Yoo"],
    ["edit", "1", "--title", "New"],
    ["rm", "1", "--yes"],
    ["fav", "1"],
    ["unfav", "1"],
    ["rate", "1", "5"],
    ["unrate", "1"],
    ["import", "-"],
    ["note", "1", "A note."],
    ["note", "1"],
    ["open", "1"],
]


@pytest.fixture
def interrupted_on_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C pressed as any command opens its catalog."""

    def interrupt(*args: Any, **kwargs: Any) -> Catalog:
        raise KeyboardInterrupt

    monkeypatch.setattr(Catalog, "open", interrupt)


@pytest.mark.parametrize("args", EVERY_COMMAND, ids=" ".join)
def test_ctrl_c_in_any_command_exits_130_with_a_short_note(
    kdrama: Invoke, interrupted_on_open: None, args: list[str]
) -> None:
    stdin = json.dumps({"title": "T", "drama": "Goblin", "year": 2016}) + "\n"
    run = kdrama(*args, input=stdin)
    assert (run.exit_code, run.stdout, run.stderr) == (ExitCode.INTERRUPTED, "", "Interrupted.\n")


def dump(db: Path) -> list[str]:
    """Every row and schema object of a catalog, as SQL."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def interrupt_after(count: int) -> Callable[..., Any]:
    """An `editing._apply` that presses Ctrl-C once ``count`` scenes are written."""
    original = editing._apply
    done = 0

    def apply(*args: Any) -> Any:
        nonlocal done
        if done == count:
            raise KeyboardInterrupt
        done += 1
        return original(*args)

    return apply


def scenes_file(folder: Path, count: int) -> Path:
    path = folder / "more.jsonl"
    scene = {"drama": "Goblin", "year": 2016, "actors": ["Gong Yoo", "Kim Go Eun"]}
    lines = (json.dumps({**scene, "title": f"New scene {n}"}) for n in range(count))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("count", [20, 3000], ids=["one by one", "in bulk"])
def test_ctrl_c_during_an_import_leaves_the_catalog_as_it_was(
    kdrama: Invoke,
    make_catalog: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
) -> None:
    db = make_catalog(one_scene())
    before = dump(db)
    monkeypatch.setattr(editing, "_apply", interrupt_after(count // 2))
    run = kdrama("import", str(scenes_file(tmp_path, count)), "--db", str(db))
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert dump(db) == before
    assert kdrama("db", "check", "--db", str(db)).exit_code == 0
    monkeypatch.undo()
    assert kdrama("import", str(scenes_file(tmp_path, count)), "--db", str(db)).exit_code == 0
    assert kdrama("stats", "--json", "--db", str(db)).json()["scenes"] == count + 1


@pytest.fixture
def interrupted_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C pressed after the first scenes are written out."""
    original = render.render_scenes

    def render_scenes(scenes: Iterator[Any], *args: Any, **kwargs: Any) -> int:
        def some() -> Iterator[Any]:
            for n, scene in enumerate(scenes):
                if n == 3:
                    raise KeyboardInterrupt
                yield scene

        return original(some(), *args, **kwargs)

    monkeypatch.setattr("kdrama_cli.export.render_scenes", render_scenes)


def test_ctrl_c_during_an_export_leaves_no_file(
    kdrama: Invoke, tmp_path: Path, interrupted_writing: None
) -> None:
    out = tmp_path / "scenes.csv"
    run = kdrama("export", "--db", str(BUNDLED), "--format", "csv", "-o", str(out))
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_an_export_over_a_file_keeps_the_old_one(
    kdrama: Invoke, tmp_path: Path, interrupted_writing: None
) -> None:
    out = tmp_path / "scenes.csv"
    out.write_text("the last export\n", "utf-8")
    run = kdrama("export", "--db", str(BUNDLED), "-f", "csv", "-o", str(out), "--force")
    assert run.exit_code == ExitCode.INTERRUPTED
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_text("utf-8") == "the last export\n"


def wait_until_reading_a_pipe(pid: int) -> None:
    """Wait until the process is blocked reading a pipe (Linux names the wait)."""
    deadline = time.monotonic() + 60
    while "pipe_read" not in Path(f"/proc/{pid}/wchan").read_text():
        assert time.monotonic() < deadline, "kdrama never waited for its input"
        time.sleep(0.05)


def test_a_real_ctrl_c_while_import_waits_for_input_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with subprocess.Popen(
        [KDRAMA_BIN, "import", "-", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdin is not None
        proc.stdin.write(b'{"title": "Half", "drama": "Goblin", "year": 2016}\n{"ti')
        proc.stdin.flush()
        wait_until_reading_a_pipe(proc.pid)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert (proc.returncode, stdout, stderr) == (ExitCode.INTERRUPTED, b"", b"Interrupted.\n")
    assert list(tmp_path.iterdir()) == []


def test_a_real_ctrl_c_while_listing_says_so_and_exits_130(big_catalog: Path) -> None:
    with subprocess.Popen(
        [KDRAMA_BIN, "list", "--json", "--db", str(big_catalog)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        proc.stdout.read(1)  # kdrama is writing (JSON piped is one line), and waits for the pipe
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert (proc.returncode, stderr) == (ExitCode.INTERRUPTED, b"Interrupted.\n")


def test_ctrl_c_during_a_first_import_into_a_new_catalog_leaves_no_file(
    kdrama: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = scenes_file(tmp_path, 20)
    monkeypatch.setattr(editing, "_apply", interrupt_after(10))
    run = kdrama("import", str(source), "--db", str(tmp_path / "new.db"))
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert list(tmp_path.iterdir()) == [source]


# --- Ctrl-C and SIGTERM as an import commits -----------------------------------------


def bundled_copy(folder: Path) -> Path:
    db = folder / "scenes.db"
    shutil.copy(BUNDLED, db)
    db.chmod(0o600)
    return db


def scene_count(db: Path) -> int:
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM scenes").fetchone()[0])


@contextmanager
def read_lock(db: Path) -> Iterator[None]:
    """A reader in the middle of a read: a writer may write, but its COMMIT waits."""
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM scenes").fetchone()
        yield
        conn.execute("COMMIT")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_commit_of_an_import_waits_for_it_and_says_it_was_saved(
    tmp_path: Path, signum: int
) -> None:
    db = bundled_copy(tmp_path)
    before = scene_count(db)
    with read_lock(db):
        proc = start("import", str(scenes_file(tmp_path, 200)), "--new-drama", "--db", str(db))
        wait_until_blocked_on_lock(proc, db)  # its COMMIT waits for the reader
        proc.send_signal(signum)
    run = finish(proc)
    assert (run.exit_code, run.stderr) == (
        ExitCode.OK,
        "Imported 200 scene(s): 200 added, 0 updated.\n"
        "Interrupted too late to stop the change: it was saved whole.\n",
    )
    assert scene_count(db) == before + 200
    assert run_process("db", "check", "--db", str(db)).exit_code == 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_before_an_import_writes_stops_it_and_writes_nothing(
    tmp_path: Path, signum: int
) -> None:
    db = bundled_copy(tmp_path)
    before = dump(db)
    with sqlite3.connect(db, isolation_level=None) as writer:
        writer.execute("BEGIN IMMEDIATE")
        proc = start("import", str(scenes_file(tmp_path, 200)), "--new-drama", "--db", str(db))
        wait_until_blocked_on_lock(proc, db)  # it waits to begin its transaction
        proc.send_signal(signum)
        writer.execute("ROLLBACK")
    run = finish(proc)
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert dump(db) == before


def test_signals_at_many_moments_of_an_import_leave_all_of_it_or_none_and_say_which(
    tmp_path: Path,
) -> None:
    """SIGINT and SIGTERM in turn, at moments spread over a whole import (reading,
    writing, building indexes, the search index, counting, the commit): each run ends
    with every scene of the file imported and says so (exit 0), or with none and
    "Interrupted." (130). The moments are fractions of the time an uninterrupted run
    takes, counted from when kdrama has the catalog open; no outcome is timed."""
    source = scenes_file(tmp_path, 3000)
    (tmp_path / "timed").mkdir()
    timed = bundled_copy(tmp_path / "timed")
    proc = start("import", str(source), "--new-drama", "--db", str(timed))
    wait_until_open(proc, timed)
    opened = time.monotonic()
    assert finish(proc).exit_code == 0
    duration = time.monotonic() - opened
    before = scene_count(timed) - 3000
    outcomes = []
    for n, fraction in enumerate([0.0, 0.15, 0.3, 0.45, 0.6, 0.7, 0.8, 0.88, 0.94, 1.0]):
        folder = tmp_path / str(n)
        folder.mkdir()
        db = bundled_copy(folder)
        proc = start("import", str(source), "--new-drama", "--db", str(db))
        wait_until_open(proc, db)
        time.sleep(fraction * duration)
        signum = signal.SIGINT if n % 2 else signal.SIGTERM
        with suppress(ProcessLookupError):
            proc.send_signal(signum)
        run = finish(proc)
        if scene_count(db) == before + 3000:
            # Held from the commit until the report is written, then let go: one
            # that comes later still ends the run (130, or -signum as Python shuts
            # down), after the report said what was saved.
            assert run.exit_code in (ExitCode.OK, ExitCode.INTERRUPTED, -signum)
            assert run.stderr.startswith("Imported 3,000 scene(s): 3,000 added, 0 updated.\n")
        else:
            assert scene_count(db) == before
            assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
        assert run_process("db", "check", "--db", str(db)).exit_code == 0
        outcomes.append(run.exit_code)
    assert ExitCode.INTERRUPTED in outcomes  # the early moments, at least, stop it


def wait_until_open(proc: subprocess.Popen[str], db: Path) -> None:
    """Wait until ``proc`` has the catalog open."""
    deadline = time.monotonic() + 60
    target = str(db.resolve())
    while target not in open_files(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline, "kdrama never opened it"
        time.sleep(0.005)


def open_files(pid: int) -> set[str]:
    try:
        return {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:  # gone, or a descriptor closed as it was read
        return set()


# --- First changes: a catalog appears only when the change is saved ---------------------


def user_catalog(home: Path) -> Path:
    return home / ".local" / "share" / "kdrama" / "scenes.db"


def test_a_killed_first_import_into_a_new_catalog_leaves_none_and_a_rerun_imports_all(
    tmp_path: Path,
) -> None:
    source = scenes_file(tmp_path, 3000)
    db = tmp_path / "new.db"
    proc = start("import", str(source), "--db", str(db))
    wait_until_writing_a_catalog(proc, tmp_path)
    proc.kill()
    finish(proc)
    assert not db.exists()
    run = run_process("import", str(source), "--db", str(db))
    assert (run.exit_code, run.stderr) == (0, "Imported 3,000 scene(s): 3,000 added, 0 updated.\n")
    assert scene_count(db) == 3000
    assert run_process("db", "check", "--db", str(db)).exit_code == 0


def wait_until_writing_a_catalog(proc: subprocess.Popen[str], folder: Path) -> None:
    """Wait until ``proc`` has a catalog file under ``folder`` open."""
    deadline = time.monotonic() + 60
    while not any(
        name.startswith(str(folder)) and name.endswith(".db") for name in open_files(proc.pid)
    ):
        assert proc.poll() is None and time.monotonic() < deadline, "kdrama never opened one"
        time.sleep(0.005)


def test_a_real_ctrl_c_in_a_first_import_in_a_fresh_home_leaves_no_user_catalog(
    tmp_path: Path, isolated_user_world: Path
) -> None:
    proc = start("import", str(scenes_file(tmp_path, 3000)), "--new-drama")
    wait_until_writing_a_catalog(proc, isolated_user_world)
    proc.send_signal(signal.SIGINT)
    run = finish(proc)
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert list((isolated_user_world / ".local" / "share").iterdir()) == []


def test_ctrl_c_in_a_first_import_in_a_fresh_home_leaves_no_user_catalog(
    kdrama: Invoke, tmp_path: Path, isolated_user_world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(editing, "_apply", interrupt_after(10))
    run = kdrama("import", str(scenes_file(tmp_path, 20)), "--new-drama")
    assert (run.exit_code, run.stderr) == (ExitCode.INTERRUPTED, "Interrupted.\n")
    assert not user_catalog(isolated_user_world).parent.exists()


@pytest.mark.parametrize(
    "args",
    [["edit", "99999", "--title", "New"], ["fav", "99999"], ["rm", "99999", "--yes"]],
    ids=" ".join,
)
def test_a_refused_first_change_in_a_fresh_home_leaves_no_user_catalog(
    kdrama: Invoke, isolated_user_world: Path, args: list[str]
) -> None:
    run = kdrama(*args)
    assert (run.exit_code, run.stderr) == (1, "Error: no scene with id 99999\n")
    assert not user_catalog(isolated_user_world).parent.exists()


def test_a_first_change_in_a_fresh_home_makes_the_user_catalog(
    kdrama: Invoke, isolated_user_world: Path
) -> None:
    assert kdrama("fav", "1").exit_code == 0
    assert [p.name for p in user_catalog(isolated_user_world).parent.iterdir()] == ["scenes.db"]
    assert kdrama("show", "1", "--format", "json").json()["favorite"] is True


def test_a_first_import_that_finds_a_catalog_made_meanwhile_says_it_wrote_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "new.db"
    mine = scenes_file(tmp_path, 3000)
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_text(json.dumps({"title": "T", "drama": "D", "year": 2020}) + "\n", "utf-8")
    proc = start("import", str(mine), "--db", str(db))
    wait_until_writing_a_catalog(proc, tmp_path)
    (aside,) = (Path(n) for n in open_files(proc.pid) if n.endswith("new.db"))
    with read_lock(aside):  # its commit waits for this reader
        assert run_process("import", str(theirs), "--db", str(db)).exit_code == 0
        wait_until_blocked_on_lock(proc, aside)
    run = finish(proc)
    assert (run.exit_code, run.stderr) == (
        ExitCode.RUNTIME_ERROR,
        f"Error: another kdrama made a catalog at {db} meanwhile; this change was not written"
        " to it: run the command again\n",
    )
    assert scene_count(db) == 1
    assert sorted(tmp_path.iterdir()) == sorted([db, mine, theirs])
