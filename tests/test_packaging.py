"""The installed tool: the wheel's contents and real processes of the entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import BUNDLED, ROOT, one_scene, write_toml

BIN = Path(sys.executable).parent
KDRAMA = str(BIN / "kdrama")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("kdrama-*.whl"))


@pytest.fixture(scope="module")
def big_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog large enough that its output overflows a pipe."""
    from kdrama_cli.build import build_catalog

    folder = tmp_path_factory.mktemp("big")
    data = one_scene()
    template = data["scenes"][0]
    data["scenes"] = [
        {**template, "id": i, "description": f"Scene number {i}. " * 20} for i in range(1, 1201)
    ]
    build_catalog(write_toml(data, folder / "big.toml"), folder / "big.db")
    return folder / "big.db"


def test_wheel_carries_the_catalog_inside_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("kdrama_cli/data/scenes.db") == BUNDLED.read_bytes()
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        assert "kdrama = kdrama_cli.__main__:main" in archive.read(entry_points).decode()


def test_installed_wheel_reads_its_own_catalog_without_writing_it(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    installed = site / "kdrama_cli" / "data" / "scenes.db"
    installed.chmod(0o444)
    before = installed.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import kdrama_cli.catalog as c; print(c.bundled_catalog_path())"
    where = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert where.stdout.strip() == str(installed)
    run = subprocess.run(
        [sys.executable, "-m", "kdrama_cli", "list", "--actor", "Son Ye Jin", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert [s["id"] for s in json.loads(run.stdout)] == [2, 6]
    assert installed.read_bytes() == before
    assert sorted(p.name for p in installed.parent.iterdir()) == ["scenes.db"]


def test_entry_point_lists_son_ye_jins_scenes_as_valid_json() -> None:
    run = subprocess.run(
        [KDRAMA, "list", "--actor", "Son Ye Jin", "--json"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert [s["drama"] for s in json.loads(run.stdout)] == [
        "Something in the Rain",
        "Crash Landing on You",
    ]
    tool = subprocess.run(
        [sys.executable, "-m", "json.tool"], input=run.stdout, capture_output=True, text=True
    )
    assert tool.returncode == 0


def test_python_m_kdrama_cli_shows_help_and_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "kdrama_cli", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert "list" in run.stdout and "random" in run.stdout and "show" in run.stdout
    version = subprocess.run([KDRAMA, "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("kdrama ")


def test_expected_failures_never_show_a_traceback() -> None:
    run = subprocess.run([KDRAMA, "show", "404"], capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == "Error: no scene with id 404\n"


def test_piping_into_head_ends_quietly(big_catalog: Path) -> None:
    with subprocess.Popen(
        [KDRAMA, "list", "--db", str(big_catalog), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()
        stderr = proc.stderr.read()
        proc.wait(timeout=30)
    assert json.loads(first)["id"] == 1
    assert stderr == b""
    assert proc.returncode == 141


def test_ctrl_c_exits_130_without_a_traceback(big_catalog: Path) -> None:
    with subprocess.Popen(
        [KDRAMA, "list", "--db", str(big_catalog), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Traceback" not in stderr
