"""What a command loads before it answers: the libraries a path does not use are
never imported, since importing them is most of a short command's start-up."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys

import pytest
import typer
from typer.core import TyperGroup

from kdrama_cli.cli_core import COMMAND_MODULES, COMMANDS

from .conftest import run_process
from .test_completion import bash_env

# Runs kdrama as its entry point does and, as the process ends, writes every module
# it imported to stderr. (-X importtime misses modules loaded with importlib.)
_RUNNER = """
import atexit, os, sys
atexit.register(lambda: os.write(2, ("\\nMODULES " + " ".join(sys.modules)).encode()))
sys.argv = ["kdrama", *sys.argv[1:]]
from kdrama_cli.__main__ import main
main()
"""


def imported_modules(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Every module a run of ``kdrama ARGS`` imports."""
    run = subprocess.run(
        [sys.executable, "-c", _RUNNER, *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    modules = re.search(r"^MODULES (.*)$", run.stderr, re.M)
    assert modules, "the run did not report its modules"
    return set(modules[1].split())


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a run of ``kdrama ARGS`` imports."""
    return {name.split(".")[0] for name in imported_modules(*args, env=env)}


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "--actor", "Son Ye Jin", "--format", "jsonl"],
        ["search", "wine", "--format", "csv"],
        ["actors", "--json"],
        ["list"],
        ["actors"],
        ["stats", "--json"],
        ["show", "5", "--format", "json"],
    ],
)
def test_machine_formats_never_import_rich_or_sqlite_utils(args: list[str]) -> None:
    loaded = imported(*args)
    assert "kdrama_cli" in loaded and "sqlite3" in loaded
    assert not loaded & {"rich", "sqlite_utils", "datasette", "rapidfuzz"}


def test_a_table_imports_rich_but_not_sqlite_utils() -> None:
    loaded = imported("list", "--format", "table")
    assert "rich" in loaded
    assert not loaded & {"sqlite_utils", "datasette"}


def test_completing_a_name_imports_neither_rich_nor_sqlite_utils_nor_typer() -> None:
    loaded = imported(env=bash_env("kdrama list --actor So"))
    assert not loaded & {"rich", "sqlite_utils", "typer", "click", "rapidfuzz"}


OTHER_COMMANDS = {f"kdrama_cli.{module}" for module in COMMAND_MODULES.values()}


def test_listing_scenes_loads_no_other_command_module() -> None:
    loaded = imported_modules("list", "--json")
    assert "kdrama_cli.cli" in loaded
    assert not loaded & (OTHER_COMMANDS | {"kdrama_cli.editing", "kdrama_cli.facets"})


def test_a_command_loads_its_own_module_only() -> None:
    loaded = imported_modules("years", "--json")
    assert loaded & OTHER_COMMANDS == {"kdrama_cli.cli_facets"}


@pytest.mark.parametrize("module", sorted(set(COMMAND_MODULES.values())))
def test_each_command_module_defines_the_commands_the_app_looks_up_in_it(module: str) -> None:
    defined = typer.main.get_command(importlib.import_module(f"kdrama_cli.{module}").commands)
    names = set(defined.commands) if isinstance(defined, TyperGroup) else {defined.name}
    assert names == {name for name, home in COMMAND_MODULES.items() if home == module}


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["db", "--help"]])
def test_help_loads_neither_markdown_nor_traceback_support(args: list[str]) -> None:
    loaded = imported_modules(*args)
    assert "rich.panel" in loaded
    assert not loaded & {"typer.rich_utils", "rich.markdown", "rich.traceback"}
    assert "markdown_it" not in {name.split(".")[0] for name in loaded}


def test_help_lists_every_command_without_loading_their_modules() -> None:
    """The list of commands comes from cli_core's table (checked against the modules
    below), not from importing each module, nor kdrama's install metadata (10 ms)."""
    loaded = imported_modules("--help")
    assert not loaded & (OTHER_COMMANDS | {"kdrama_cli.install", "importlib.metadata"})
    listed = run_process("--help").stdout
    for name in COMMANDS:
        assert f"│ {name} " in listed


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_line_help_lists_a_command_with_is_the_start_of_its_own_help(name: str) -> None:
    module = importlib.import_module(f"kdrama_cli.{COMMANDS[name].module}")
    defined = typer.main.get_command(module.commands)
    command = defined.commands[name] if isinstance(defined, TyperGroup) else defined
    assert command.help is not None
    assert command.help.strip().split("\n\n")[0] == COMMANDS[name].summary
