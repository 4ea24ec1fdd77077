"""Unexpected errors: one line and exit 1 for everyone; the traceback only with --debug
or KDRAMA_DEBUG=1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from kdrama_cli.catalog import Catalog

from .conftest import Invoke


@pytest.fixture
def broken_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make listing fail the way a bug would, with a value a traceback would show."""

    def fail(self: Catalog, *args: Any, **kwargs: Any) -> Iterator[Any]:
        secret = "a local value"
        raise RuntimeError(f"boom near {len(secret)}")
        yield  # a generator, like the real one

    monkeypatch.setattr(Catalog, "list_scenes", fail)
    monkeypatch.delenv("KDRAMA_DEBUG", raising=False)


def test_an_unexpected_error_is_one_line_and_exit_1(kdrama: Invoke, broken_listing: None) -> None:
    run = kdrama("list")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.splitlines() == [
        "Error: unexpected RuntimeError: boom near 13",
        "That is a bug in kdrama; run again with --debug to see where it happened.",
    ]
    assert "Traceback" not in run.stderr and "a local value" not in run.stderr


def test_debug_lets_the_error_through_with_its_traceback(
    kdrama: Invoke, broken_listing: None
) -> None:
    with pytest.raises(RuntimeError, match="boom near 13"):
        kdrama("--debug", "list")


@pytest.mark.parametrize("value", ["1", "yes"])
def test_kdrama_debug_in_the_environment_does_the_same(
    kdrama: Invoke, broken_listing: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KDRAMA_DEBUG", value)
    with pytest.raises(RuntimeError, match="boom near 13"):
        kdrama("list")


@pytest.mark.parametrize("value", ["0", ""])
def test_kdrama_debug_off_keeps_the_one_line(
    kdrama: Invoke, broken_listing: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("KDRAMA_DEBUG", value)
    run = kdrama("list")
    assert run.exit_code == 1 and run.stderr.startswith("Error: unexpected RuntimeError")


def test_usage_errors_keep_their_exit_code_2(kdrama: Invoke, broken_listing: None) -> None:
    assert kdrama("list", "--limit", "none").exit_code == 2


BUGGY_RUN = """
import sys
from kdrama_cli import cli
from kdrama_cli.catalog import Catalog

def fail(self, *args, **kwargs):
    secret = "a local value"
    raise RuntimeError(f"boom near {len(secret)}")
    yield

Catalog.list_scenes = fail
sys.argv = ["kdrama", *sys.argv[1:]]
cli.main()
"""


def test_the_debug_traceback_shows_code_but_no_local_values() -> None:
    """What a process prints: the traceback with --debug, never the values of locals."""
    run = subprocess.run(
        [sys.executable, "-c", BUGGY_RUN, "--debug", "list"], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "Traceback" in run.stderr and "boom near 13" in run.stderr
    assert "a local value" not in run.stderr  # Rich would list it with show_locals
    without = subprocess.run(
        [sys.executable, "-c", BUGGY_RUN, "list"], capture_output=True, text=True
    )
    assert "Traceback" not in without.stderr and "a local value" not in without.stderr
