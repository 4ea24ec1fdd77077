"""What a command loads before it answers: the libraries a path does not use are
never imported, since importing them is most of a short command's start-up."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .test_completion import bash_env


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages ``python -m kdrama_cli ARGS`` imports, from -X importtime."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kdrama_cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", run.stderr, re.M)
    assert names, "no import times were printed"
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "--actor", "Son Ye Jin", "--format", "jsonl"],
        ["search", "wine", "--format", "csv"],
        ["actors", "--json"],
        ["stats", "--json"],
        ["show", "5", "--format", "json"],
    ],
)
def test_machine_formats_never_import_rich_or_sqlite_utils(args: list[str]) -> None:
    loaded = imported(*args)
    assert "kdrama_cli" in loaded and "sqlite3" in loaded
    assert not loaded & {"rich", "sqlite_utils", "datasette", "rapidfuzz"}


def test_a_table_imports_rich_but_not_sqlite_utils() -> None:
    loaded = imported("list")
    assert "rich" in loaded
    assert not loaded & {"sqlite_utils", "datasette"}


def test_completing_a_name_imports_neither_rich_nor_sqlite_utils_nor_typer() -> None:
    loaded = imported(env=bash_env("kdrama list --actor So"))
    assert not loaded & {"rich", "sqlite_utils", "typer", "click", "rapidfuzz"}
