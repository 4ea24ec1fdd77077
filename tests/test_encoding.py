"""A locale that cannot encode Korean (PYTHONIOENCODING=ascii, LANG=C) never crashes
kdrama: machine formats are UTF-8 regardless, and people's output writes what the
locale cannot show as escapes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import run_process

ASCII = {"PYTHONIOENCODING": "ascii"}
C_LOCALE = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": ""}


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "--format", "jsonl"],
        ["show", "6", "--format", "json"],
        ["search", "불시착", "--json"],
        ["export"],
        ["dramas", "--json"],
    ],
)
def test_machine_formats_stay_exact_utf8_under_an_ascii_locale(args: list[str]) -> None:
    run = run_process(*args, env=ASCII)
    assert (run.exit_code, run.stderr) == (0, "")
    assert "사랑의 불시착" in run.stdout
    lines = run.stdout.splitlines()
    parsed = [json.loads(line) for line in lines] if "jsonl" in args else json.loads(run.stdout)
    assert parsed


def test_csv_is_utf8_under_an_ascii_locale() -> None:
    run = run_process("list", "--format", "csv", env=ASCII)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert run.exit_code == 0 and rows[5]["drama_korean"] == "사랑의 불시착"


@pytest.mark.parametrize("env", [ASCII, C_LOCALE], ids=["ascii", "C"])
@pytest.mark.parametrize(
    "args", [["show", "6"], ["list", "--actor", "손예진"], ["stats"], ["search", "불시착"]]
)
def test_people_output_never_crashes_on_korean(env: dict[str, str], args: list[str]) -> None:
    run = run_process(*args, env=env)
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr and "Error" not in run.stderr


def test_a_note_with_korean_is_written_with_escapes_under_ascii() -> None:
    run = run_process("list", "--actor", "손예지", env=ASCII)
    assert run.exit_code == 0
    assert run.stderr.startswith("No actor matches '\\uc190\\uc608\\uc9c0'.")
