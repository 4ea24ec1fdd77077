"""Shared fixtures: an isolated user world for every test, a CLI runner, and small
catalogs built with the real build code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from typer.testing import CliRunner

from kdrama_cli.build import build_catalog, load_source
from kdrama_cli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "scenes.toml"
BUNDLED = ROOT / "data" / "scenes.db"


@pytest.fixture(autouse=True)
def isolated_user_world(tmp_path_factory: pytest.TempPathFactory, monkeypatch: Any) -> Path:
    """Point HOME and the XDG folders at a temp folder; no catalog chosen by env."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in [
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ]:
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("KDRAMA_DB", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    return home


@dataclass
class Run:
    """What a command did: its exit code and the two streams, kept apart."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self) -> Any:
        return json.loads(self.stdout)


Invoke = Callable[..., Run]


@pytest.fixture
def kdrama() -> Invoke:
    """Run ``kdrama ARGS...`` in-process and return its Run."""

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Run:
        result = CliRunner().invoke(app, list(args), env=env, input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr, result.exception)

    return invoke


def bundled_source() -> dict[str, Any]:
    """The bundled catalog's TOML source, parsed."""
    return load_source(SOURCE)


def write_toml(data: dict[str, Any], path: Path) -> Path:
    """Write a small catalog source: only the shapes the catalog source uses."""
    lines: list[str] = []
    for table, rows in data.items():
        for row in rows:
            lines.append(f"[[{table}]]")
            lines += [f"{key} = {_toml_value(value)}" for key, value in row.items()]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = json.dumps(value, ensure_ascii=False)  # leaves DEL and C1 raw, which TOML refuses
    return "".join(f"\\u{ord(c):04x}" if "\x7f" <= c <= "\x9f" else c for c in text)


@pytest.fixture
def make_catalog(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    """Build a catalog file from a source dict with the real build code."""

    def make(data: dict[str, Any], name: str = "catalog.db") -> Path:
        source = write_toml(data, tmp_path / (name + ".toml"))
        target = tmp_path / name
        build_catalog(source, target)
        return target

    return make


def one_scene(**scene: Any) -> dict[str, Any]:
    """A one-scene catalog source; keyword arguments override the scene's fields."""
    drama = scene.pop("drama_fields", {})
    return {
        "people": [{"name": "Kim Actor"}, {"name": "Lee Actress"}],
        "dramas": [
            {
                "title": drama.get("title", "Test Drama"),
                "year": drama.get("year", 2021),
                "characters": [
                    {"name": "Hero", "actor": "Kim Actor"},
                    {"name": "Heroine", "actor": "Lee Actress"},
                ],
            }
        ],
        "scenes": [
            {
                "id": 1,
                "drama": drama.get("title", "Test Drama"),
                "title": "A scene",
                "description": "Something happens.",
                "characters": ["Hero", "Heroine"],
                **scene,
            }
        ],
    }


KDRAMA_BIN = str(Path(sys.executable).parent / "kdrama")


def run_process(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Run:
    """Run the installed ``kdrama`` in a new process (with this test's HOME/XDG)."""
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [KDRAMA_BIN, *args], env=full_env, input=input, capture_output=True, text=True
    )
    return Run(done.returncode, done.stdout, done.stderr, None)


def snapshot(db: Path) -> tuple[bytes, str]:
    """A catalog's bytes and its scenes as read by a new process: to show that a failed
    command changed nothing."""
    scenes = run_process("export", "--db", str(db), "--format", "jsonl").stdout
    return db.read_bytes(), scenes


def read_pty(leader: int) -> bytes:
    """Everything a process wrote to a pseudo-terminal, read until it closes its end
    (Linux then says EIO); the leader is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process has closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)


class Terminal(NamedTuple):
    """What a run on pseudo-terminals did: its exit code and the two streams' text."""

    code: int
    stdout: str
    stderr: str


_STYLE = re.compile(r"\x1b\[[0-9;]*m")


def on_terminal(*args: str, env: dict[str, str] | None = None) -> Terminal:
    """Run ``kdrama ARGS`` with stdout and stderr on one pseudo-terminal each, read
    both until the process closes them, as plain text (colour off, styles removed)."""
    full_env = {
        **os.environ,
        "COLUMNS": "100",
        "LINES": "50",
        "TERM": "xterm",
        "NO_COLOR": "1",
        **(env or {}),
    }
    out_leader, out_follower = os.openpty()
    err_leader, err_follower = os.openpty()
    with subprocess.Popen(
        [KDRAMA_BIN, *args],
        stdin=subprocess.DEVNULL,
        stdout=out_follower,
        stderr=err_follower,
        env=full_env,
    ) as process:
        os.close(out_follower)
        os.close(err_follower)
        # stdout is read to its end, then stderr: only a note or two goes to stderr,
        # well under a pty's buffer, so the process cannot be left blocked on it.
        stdout, stderr = (_read_all(leader) for leader in (out_leader, err_leader))
        code = process.wait()
    return Terminal(code, stdout, stderr)


def _read_all(leader: int) -> str:
    # The terminal's line discipline turns "\n" into "\r\n"; notes are dim (SGR 2),
    # which NO_COLOR keeps.
    text = read_pty(leader).decode("utf-8").replace("\r\n", "\n")
    return _STYLE.sub("", text)
