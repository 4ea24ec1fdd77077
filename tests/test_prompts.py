"""Interactive ``add``: on a terminal it asks for the required options not given, and
asks again after a bad answer, saying why, instead of ending and losing the answers
already given. Run through a real pseudo-terminal, as a person types."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import subprocess
import termios
import time
from pathlib import Path

import pytest

from kdrama_cli import storage

from .conftest import KDRAMA_BIN, run_process, snapshot

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")
CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog (6 scenes)."""
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


def _controlling_terminal() -> None:
    """In the child, after its new session began: its stdin (the pseudo-terminal)
    becomes its controlling terminal, so that Ctrl-C typed there is a SIGINT."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _wait_until_reading_stdin(pid: int, terminal: int, deadline: float) -> None:
    """Wait until the process is blocked reading its stdin (Linux tells, in
    /proc/PID/syscall: read is call 0, stdin fd 0), or readline is reading it (it
    has turned the terminal's line editing off, to do its own). Python notices a
    Ctrl-C that lands between the prompt being written and the read starting only when
    the read ends (the next Enter or Ctrl-C), and keys that land before readline
    starts are taken by the terminal's line editing: a person never types that fast,
    a test does."""
    syscall = Path(f"/proc/{pid}/syscall")
    while (
        syscall.read_text().split()[:2] != ["0", "0x0"]
        and termios.tcgetattr(terminal)[3] & termios.ICANON
    ):
        assert time.monotonic() < deadline, "kdrama never read its answer"
        select.select([], [], [], 0.01)


def converse(*args: str, replies: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the installed ``kdrama`` on a pseudo-terminal (stdin, stdout and stderr);
    each time the next ``replies`` text shows (after what the last reply showed), type
    its answer (a line, or a lone Ctrl-C / Ctrl-D). Returns the exit code and what the
    terminal showed, without escape sequences and carriage returns."""
    main, sub = pty.openpty()
    proc = subprocess.Popen(
        [KDRAMA_BIN, *args],
        stdin=sub,
        stdout=sub,
        stderr=sub,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        start_new_session=True,
        preexec_fn=_controlling_terminal,
    )
    os.close(sub)
    seen, mark = b"", 0
    deadline = time.monotonic() + 60
    try:
        while True:
            assert time.monotonic() < deadline, f"kdrama never finished: {seen!r}"
            if not select.select([main], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(main, 1 << 16)
            except OSError:  # the terminal is closed: kdrama has ended
                break
            if not chunk:
                break
            seen += chunk
            if replies and (at := seen.find(replies[0][0].encode(), mark)) >= 0:
                expected, answer = replies.pop(0)
                mark = at + len(expected)
                typed = answer if answer in (CTRL_C, CTRL_D) else answer + "\r"
                _wait_until_reading_stdin(proc.pid, main, deadline)
                os.write(main, typed.encode())
    except BaseException:
        proc.kill()  # the one kdrama this test started, still running
        raise
    finally:
        os.close(main)
        code = proc.wait(timeout=60)
    assert not replies, f"never asked {replies[0][0]!r}: {seen!r}"
    return code, ESCAPES.sub("", seen.decode("utf-8", "replace"))


def scenes(db: Path) -> list[dict[str, object]]:
    run = run_process("list", "--json", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    listed: list[dict[str, object]] = run.json()
    return listed


def test_add_on_a_terminal_asks_again_after_a_bad_year_and_keeps_the_title(db: Path) -> None:
    code, shown = converse(
        "add", "--db", str(db), "-t", "Rooftop talk", "-d", "Goblin", "-a", "Gong Yoo",
        replies=[("Year: ", "20x"), ("Year: ", "1899"), ("Year: ", "2017")],
    )  # fmt: skip
    assert code == 0, shown
    lines = shown.splitlines()
    assert "Error: '20x' is not a whole number" in lines
    out_of_range = re.compile(r"Error: '1899' is not a year from 1900 to \d{4}")
    assert any(out_of_range.fullmatch(line) for line in lines), shown
    assert shown.count("Year:") == 3 and lines[-1] == "7"
    added = [s for s in scenes(db) if s["id"] == 7]
    assert [(s["title"], s["drama"], s["year"]) for s in added] == [
        ("Rooftop talk", "Goblin", 2017)
    ]


def test_add_on_a_terminal_asks_again_for_an_empty_or_controlled_title(db: Path) -> None:
    code, shown = converse(
        "add", "--db", str(db), "-a", "Gong Yoo",
        replies=[
            ("Scene title: ", ""),
            ("Scene title: ", "Bell\x07ringing"),
            ("Scene title: ", "First snow"),
            ("Drama: ", "   "),
            ("Drama: ", "Goblin"),
            ("Year: ", "2017"),
        ],
    )  # fmt: skip
    assert code == 0, shown
    lines = shown.splitlines()
    assert lines.count("Error: must not be empty") == 2
    assert "Error: has a control character (\\x07) at character 5" in lines
    added = [s for s in scenes(db) if s["id"] == 7]
    assert [(s["title"], s["drama"], s["year"], s["actors"]) for s in added] == [
        ("First snow", "Goblin", 2017, ["Gong Yoo"])
    ]


@pytest.mark.parametrize(
    ("key", "code", "said"), [(CTRL_C, 130, "Interrupted."), (CTRL_D, 1, "Aborted.")]
)
def test_ctrl_c_or_ctrl_d_at_a_second_prompt_ends_add_and_writes_nothing(
    db: Path, tmp_path: Path, key: str, code: int, said: str
) -> None:
    before = snapshot(db)
    new = tmp_path / "new.db"  # a catalog add would create
    for catalog in (db, new):
        ended, shown = converse(
            "add", "--db", str(catalog), "-d", "Goblin", "-a", "Gong Yoo",
            replies=[("Scene title: ", "First snow"), ("Year: ", "20x"), ("Year: ", key)],
        )  # fmt: skip
        assert ended == code, shown
        assert shown.splitlines()[-1] == said and "Traceback" not in shown
    assert snapshot(db) == before
    assert not new.exists()


def test_add_off_a_terminal_reads_no_answers_from_a_pipe(db: Path) -> None:
    before = snapshot(db)
    run = run_process(
        "add", "--db", str(db), "-t", "T", "-d", "Goblin", "-a", "Gong Yoo", input="20x\n2017\n"
    )
    assert run.exit_code == 2
    assert run.stderr == (
        "Error: missing option --year (not on a terminal, so it cannot be asked for)\n"
    )
    assert snapshot(db) == before


def test_a_bad_option_given_is_refused_before_anything_is_asked(db: Path) -> None:
    before = snapshot(db)
    code, shown = converse("add", "--db", str(db), "-d", "Goblin", "-a", " ", replies=[])
    assert code == 2, shown
    assert "Error: Invalid value for '--actor': must not be empty" in shown.splitlines()
    assert "Scene title:" not in shown
    assert snapshot(db) == before
