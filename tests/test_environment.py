"""Whatever the environment does to kdrama's streams and variables, it ends in one line
and an exit code, never a traceback and never "That is a bug": stdout or stderr
closed or full, a pipe whose reader stops early, stdin closed, broken completion
variables, and arguments that are not valid UTF-8.

These run the installed command in a new process, since file descriptors, /dev/full
and pipes are the process's own."""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
from pathlib import Path

import pytest

from kdrama_cli.errors import ExitCode

from .conftest import BUNDLED, KDRAMA_BIN, snapshot

FULL = "Error: cannot write output: no space left on device\n"
CLOSED = "Error: cannot write output: stdout is closed\n"


def run(
    *args: str,
    stdout: int | None = subprocess.PIPE,
    stderr: int | None = subprocess.PIPE,
    close: tuple[int, ...] = (),
    env: dict[str, str] | None = None,
    to_full: tuple[int, ...] = (),
    file_size_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run kdrama with the descriptors in ``close`` closed and those in ``to_full``
    on /dev/full, as a shell's ``>&-`` and ``> /dev/full`` leave them."""

    def arrange() -> None:
        for fd in to_full:
            full = os.open("/dev/full", os.O_WRONLY)
            os.dup2(full, fd)
            os.close(full)
        for fd in close:
            os.close(fd)
        if file_size_limit is not None:  # as `ulimit -f`: a longer write fails, EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [KDRAMA_BIN, *args],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        preexec_fn=arrange,
        env={**os.environ, **(env or {})},
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("env") / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    return db


# --- stdout full or closed ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["list", "--help"],
        ["list"],
        ["list", "--json"],
        ["list", "--format", "csv"],
        ["show", "1"],
        ["export"],
        ["actors", "--json"],
        ["stats"],
        ["search", "kiss"],
        ["db", "info"],
    ],
    ids=" ".join,
)
def test_a_full_disk_under_stdout_is_one_line_and_exit_1(catalog: Path, args: list[str]) -> None:
    db = [] if args[0].startswith("-") or "--help" in args else ["--db", str(catalog)]
    done = run(*args, *db, to_full=(1,))
    assert (done.returncode, done.stderr) == (ExitCode.RUNTIME_ERROR, FULL)


@pytest.mark.parametrize("args", [["list"], ["export"], ["--help"], ["list", "--json"]])
def test_a_closed_stdout_is_one_line_and_exit_1(catalog: Path, args: list[str]) -> None:
    done = run(*args, *([] if args == ["--help"] else ["--db", str(catalog)]), close=(1,))
    assert (done.returncode, done.stderr) == (ExitCode.RUNTIME_ERROR, CLOSED)


def test_a_closed_stdout_never_receives_the_catalog_or_an_export(tmp_path: Path) -> None:
    """With descriptor 1 closed, the next file opened would take its number: kdrama
    fills it first, so output never lands in the catalog or the export file."""
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    target = tmp_path / "out.json"
    done = run("export", "--db", str(db), "-o", str(target), close=(1,))
    assert done.returncode == 0, done.stderr
    assert snapshot(db) == before
    assert len(json.loads(target.read_text("utf-8"))) == len(before[1].splitlines())


def test_a_command_that_writes_nothing_to_stdout_runs_with_it_closed(catalog: Path) -> None:
    done = run("list", "--actor", "Nobody At All", "--db", str(catalog), close=(1,))
    assert done.returncode == 0
    assert "No actor matches 'Nobody At All'." in done.stderr


def test_a_file_size_limit_on_stdout_is_one_line_and_exit_1(
    big_catalog: Path, tmp_path: Path
) -> None:
    with (tmp_path / "out.json").open("w") as out:
        done = run(
            "list", "--json", "--db", str(big_catalog), stdout=out.fileno(), file_size_limit=4096
        )
    assert (done.returncode, done.stderr) == (1, "Error: cannot write output: file too large\n")


def test_a_file_the_system_will_not_let_grow_is_one_line_and_exit_1(
    big_catalog: Path, tmp_path: Path
) -> None:
    """A write that the system refuses (here `ulimit -f`, as a full disk would) is
    named in one line, not 'That is a bug'."""
    target = tmp_path / "out.json"
    done = run("export", "-o", str(target), "--db", str(big_catalog), file_size_limit=4096)
    assert done.returncode == 1
    assert done.stderr.lower() == f"error: cannot write {target}: file too large\n"
    assert not target.exists()


# --- a reader that stops early ------------------------------------------------------


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More scenes than a pipe holds in any listing of them."""
    folder = tmp_path_factory.mktemp("big")
    source = folder / "big.jsonl"
    lines = (
        json.dumps(
            {
                "title": f"Scene number {n}",
                "drama": f"Drama {n}",
                "year": 1990 + n % 30,
                "actors": [f"Actor {n}", f"Actress {n}"],
                "description": f"What happens in scene {n}. " * 8,
            }
        )
        for n in range(1, 2501)
    )
    source.write_text("\n".join(lines) + "\n", "utf-8")
    db = folder / "big.db"
    assert run("import", str(source), "--db", str(db)).returncode == 0
    return db


# --- stderr full or closed -----------------------------------------------------------


def test_a_full_stderr_still_lets_the_data_through(catalog: Path) -> None:
    done = run("list", "--json", "--actor", "Nobody", "--db", str(catalog), to_full=(2,))
    assert (done.returncode, done.stdout) == (0, "[]\n")


@pytest.mark.parametrize("fd_state", ["full", "closed"])
def test_an_error_with_nowhere_to_say_it_still_exits_1(catalog: Path, fd_state: str) -> None:
    done = run(
        "list",
        "--db",
        str(catalog),
        stderr=None,
        to_full=(1, 2) if fd_state == "full" else (1,),
        close=(2,) if fd_state == "closed" else (),
    )
    assert done.returncode == ExitCode.RUNTIME_ERROR


def test_a_usage_error_with_stderr_closed_exits_2() -> None:
    done = run("list", "--year", "soon", stderr=None, close=(2,))
    assert (done.returncode, done.stdout) == (ExitCode.USAGE_ERROR, "")


def test_a_closed_stdin_is_an_empty_input(catalog: Path, tmp_path: Path) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    done = run("import", "-", "--db", str(db), stdout=subprocess.PIPE, close=(0,))
    assert done.returncode == ExitCode.RUNTIME_ERROR
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: ")
    assert snapshot(db) == before


# --- arguments that are not text ------------------------------------------------------


def run_bytes(*args: bytes | str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run kdrama with arguments given as bytes, as a shell passes $'bad\\xff'."""
    extra: list[bytes | str] = ["--db", str(db)] if db else []
    return subprocess.run(
        [KDRAMA_BIN, *args, *extra],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["add", "-t", b"bad\xff", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"], "--title"),
        # a lone surrogate, U+D800, as UTF-8 would encode it if it could
        (
            ["add", "-t", b"bad\xed\xa0\x80", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"],
            "--title",
        ),
        (["edit", "1", "--description", b"\xc3"], "--description"),
        (["list", "--actor", "Gong Yoo", "--actor", b"x\xff"], "--actor"),
        (["search", b"kiss\xfe"], "QUERY..."),
        (["drama", "edit", "Goblin", "--alias", b"\xff"], "--alias"),
    ],
    ids=["invalid byte", "lone surrogate", "edit", "list --actor", "search", "drama alias"],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_it(
    tmp_path: Path, args: list[bytes | str], shown: str
) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    done = run_bytes(*args, db=db)
    assert done.returncode == ExitCode.USAGE_ERROR
    error = done.stderr.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for '{shown}'")
    assert error.endswith("is not valid UTF-8 text")
    assert "bug" not in done.stderr and "Traceback" not in done.stderr
    assert snapshot(db) == before


def test_a_file_name_that_is_not_utf8_is_still_a_file_name(tmp_path: Path) -> None:
    """File names are bytes to the system: kdrama opens, exports and imports them."""
    db = os.fsencode(tmp_path) + b"/scenes\xff.db"
    Path(os.fsdecode(db)).write_bytes(BUNDLED.read_bytes())
    out = os.fsencode(tmp_path) + b"/out\xfe.json"
    assert run_bytes("export", "--db", db, "-o", out).returncode == 0
    assert run_bytes("list", "--json", "--db", db).returncode == 0
    done = run_bytes("import", out, "--db", db, "--update")
    assert done.returncode == 0
    assert "0 added, 0 updated" in done.stderr


# --- a catalog another program changed --------------------------------------------------


def test_db_info_counts_a_catalog_whose_scenes_are_a_view(tmp_path: Path) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("ALTER TABLE scenes RENAME TO scene_rows")
        conn.execute("CREATE VIEW scenes AS SELECT * FROM scene_rows")
    count = conn.execute("SELECT count(*) FROM scene_rows").fetchone()[0]
    conn.close()
    done = run("db", "info", "--db", str(db))
    assert (done.returncode, done.stderr) == (0, "")
    assert f" scenes          {count} " in done.stdout


def test_a_stdout_open_only_for_reading_is_one_line_and_exit_1(catalog: Path) -> None:
    """As `kdrama list 1</dev/null`."""
    with open(os.devnull) as read_only:
        done = run("list", "--db", str(catalog), stdout=read_only.fileno())
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write output: stdout is not open for writing\n",
    )
