"""JSON like gh: one compact line when piped, for programs; indented on a terminal,
for people, with nothing in catalog text that could drive the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, one_scene, read_pty

# Every command that prints data as JSON, and how it is asked for.
JSON_COMMANDS = [
    ["list", "--json"],
    ["list", "--format", "json", "--actor", "Hyun Bin"],
    ["search", "rain", "--json"],
    ["random", "--count", "3", "--seed", "7", "--json"],
    ["show", "6", "--format", "json"],
    ["actors", "--json"],
    ["dramas", "--json"],
    ["years", "--json"],
    ["stats", "--json"],
    ["db", "info", "--json"],
]


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def on_a_terminal(*args: str, colour: bool = False) -> str:
    """What ``kdrama ARGS`` writes to stdout when stdout is a pseudo-terminal, read until
    the process closes it (without colour unless ``colour``); stderr is piped apart so
    that notes do not mix in."""
    leader, follower = os.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "50", "TERM": "xterm", "NO_COLOR": "1"}
    if colour:
        del env["NO_COLOR"]
    with subprocess.Popen(
        [KDRAMA_BIN, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        os.close(follower)
        output = read_pty(leader)
        assert process.stderr is not None
        error = process.stderr.read().decode()
        assert process.wait() == 0, error
    # The terminal's line discipline turns "\n" into "\r\n".
    return output.decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    return db


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=lambda a: " ".join(a))
def test_piped_json_is_one_compact_line_of_what_a_terminal_shows_indented(
    kdrama: Invoke, bundled_copy: Path, args: list[str]
) -> None:
    piped = kdrama(*args, "--db", str(bundled_copy))
    assert piped.exit_code == 0, piped.stderr
    value = json.loads(piped.stdout)
    assert value  # a command that printed nothing would prove nothing
    assert piped.stdout == compact(value)  # one line, no spaces after separators
    shown = on_a_terminal(*args, "--db", str(bundled_copy))
    assert shown == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("args", [["list", "--json"], ["stats", "--json"]], ids=lambda a: a[0])
def test_json_on_a_colour_terminal_is_coloured_and_otherwise_the_same_text(
    bundled_copy: Path, args: list[str]
) -> None:
    coloured = on_a_terminal(*args, "--db", str(bundled_copy), colour=True)
    plain = on_a_terminal(*args, "--db", str(bundled_copy))
    assert "\x1b[" in coloured and "\x1b[" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_piped_list_json_is_the_objects_of_json_lines_in_one_array(kdrama: Invoke) -> None:
    lines = kdrama("list", "--format", "jsonl", "--sort", "year", "--desc").stdout.splitlines()
    array = kdrama("list", "--json", "--sort", "year", "--desc").stdout
    assert array == "[" + ",".join(lines) + "]\n"
    assert len(json.loads(array)) == 6


def test_piped_json_that_matches_nothing_is_an_empty_array(kdrama: Invoke) -> None:
    for args in (["list", "--year", "1990"], ["actors", "--year", "1990"]):
        run = kdrama(*args, "--json")
        assert (run.exit_code, run.stdout) == (0, "[]\n")


def test_export_keeps_writing_indented_json_when_piped(kdrama: Invoke) -> None:
    listed = kdrama("list", "--json").json()
    assert kdrama("export").stdout == json.dumps(listed, ensure_ascii=False, indent=2) + "\n"


# What JSON leaves raw inside strings, though a terminal acts on it or reorders by it:
# DEL, C1 (0x9b starts an escape sequence), bidi override and isolate, zero-width
# space, line separator. (JSON itself escapes C0 controls such as ESC.)
RAW = ["\x7f", "\x9b", "\x85", "\u202e", "\u2066", "\u200b", "\u2028"]
HOSTILE = "a\x7fb \x9b31m red \x85 \u202etxt.exe \u2066iso \u200bzw \u2028sep \x1b[2J"


@pytest.fixture
def hostile_db(make_catalog: Callable[..., Path]) -> Path:
    """Text as another tool may have stored it: import refuses these characters now."""
    data = one_scene(title=HOSTILE, description=HOSTILE, drama_fields={"title": "D " + HOSTILE})
    data["people"][0]["name"] = "Kim " + HOSTILE
    data["dramas"][0]["characters"][0]["actor"] = "Kim " + HOSTILE
    return make_catalog(data)


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["show", "1", "--format", "json"],
        ["actors", "--json"],
        ["stats", "--json"],
    ],
    ids=lambda a: a[0],
)
def test_json_on_a_terminal_escapes_what_json_leaves_raw_and_still_parses_the_same(
    kdrama: Invoke, hostile_db: Path, args: list[str]
) -> None:
    piped = kdrama(*args, "--db", str(hostile_db)).stdout
    assert any(raw in piped for raw in RAW)  # programs get the text exactly
    shown = on_a_terminal(*args, "--db", str(hostile_db))
    assert not any(raw in shown for raw in RAW)
    assert "\x1b" not in shown
    assert "\\u009b" in shown or "\\u202e" in shown
    assert json.loads(shown) == json.loads(piped)
    coloured = on_a_terminal(*args, "--db", str(hostile_db), colour=True)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == shown


@pytest.mark.parametrize("sort", ["id", "year", "drama", "title", "rating"])
@pytest.mark.parametrize("order", [[], ["--desc"]])
def test_a_limited_json_list_is_the_start_of_the_whole_list(
    kdrama: Invoke, tmp_path: Path, sort: str, order: list[str]
) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    assert kdrama("rate", "2", "4", "--db", str(db)).exit_code == 0
    assert kdrama("rate", "5", "4", "--db", str(db)).exit_code == 0
    whole = kdrama("list", "--json", "--sort", sort, *order, "--db", str(db)).json()
    for limit in (1, 3, 5):
        run = kdrama("list", "--json", "--sort", sort, *order, "-n", str(limit), "--db", str(db))
        assert run.json() == whole[:limit]
