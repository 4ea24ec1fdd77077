"""Files kdrama may not change or may not read: a read-only install, and catalogs whose
file or folder refuses a reader or a writer. Real processes, with file permissions
enforced even when the tests run as root."""

from __future__ import annotations

import ctypes
import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from kdrama_cli.storage import user_catalog_path

from .conftest import BUNDLED, KDRAMA_BIN, Run
from .test_packaging import wheel

__all__ = ["wheel"]  # the module-scoped fixture that builds the wheel, shared

# Root ignores file permissions through these capabilities; the children drop them.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def _drop_root_file_powers() -> None:
    """In a child of root, before it starts: remove the capabilities that let root read
    and write any file from the bounding set, so the program runs without them."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"cannot drop capability {cap}: {os.strerror(errno)}")


def unprivileged(*command: str, env: dict[str, str] | None = None) -> Run:
    """Run a process that file permissions apply to, as they do to any user's."""
    done = subprocess.run(
        list(command),
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        preexec_fn=_drop_root_file_powers if os.geteuid() == 0 else None,
    )
    return Run(done.returncode, done.stdout, done.stderr, None)


def kdrama(*args: str, env: dict[str, str] | None = None) -> Run:
    """The installed ``kdrama`` entry point, run as an unprivileged process."""
    return unprivileged(KDRAMA_BIN, *args, env=env)


CHILD_TRIES = {
    "read": "open({path!r}, 'rb')",
    "change": "open({path!r}, 'r+b')",
    "add a file to": "open({path!r} + '/probe', 'x')",
}


def assert_children_cannot(action: str, path: Path) -> None:
    """Check that file permissions really bind the children: else every test here
    could pass without showing anything."""
    probe = unprivileged(sys.executable, "-c", CHILD_TRIES[action].format(path=str(path)))
    assert probe.exit_code == 1 and "PermissionError" in probe.stderr, probe.stderr


def fingerprint(*folders: Path) -> dict[Path, tuple[int, bytes]]:
    """Every file and folder below ``folders``: its mode and, for a file, its bytes."""
    found: dict[Path, tuple[int, bytes]] = {}
    for folder in folders:
        for path in [folder, *folder.rglob("*")]:
            mode = path.stat().st_mode
            found[path] = (mode, b"" if path.is_dir() else _read(path, mode))
    return found


def _read(path: Path, mode: int) -> bytes:
    """A file's bytes, even one this (maybe unprivileged) test process may not read."""
    if mode & stat.S_IRUSR:
        return path.read_bytes()
    path.chmod(mode | stat.S_IRUSR)
    try:
        return path.read_bytes()
    finally:
        path.chmod(mode)


def set_modes(root: Path, *, files: int, folders: int) -> None:
    """Give ``root``, and every folder and file below it, these modes (each folder
    before going into it, so that opening up reaches folders that were shut)."""
    root.chmod(folders)
    for folder, subfolders, names in os.walk(root):
        for name in subfolders:
            os.chmod(os.path.join(folder, name), folders)
        for name in names:
            os.chmod(os.path.join(folder, name), files)


@pytest.fixture(autouse=True)
def unlocked_afterwards(tmp_path: Path) -> Iterator[None]:
    """Whatever a test locks, open it up again so the temp folder can be removed."""
    yield
    set_modes(tmp_path, files=0o644, folders=0o755)


# --- A read-only install --------------------------------------------------------------


@pytest.fixture
def read_only_site(wheel: Path, tmp_path: Path) -> Path:
    """The wheel unpacked into a site folder where nothing may be changed."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    set_modes(site, files=0o444, folders=0o555)
    return site


def installed_kdrama(site: Path, *args: str) -> Run:
    """``python -m kdrama_cli ARGS`` from the read-only site, run unprivileged."""
    return unprivileged(sys.executable, "-m", "kdrama_cli", *args, env={"PYTHONPATH": str(site)})


def test_read_only_install_reads_its_bundled_catalog_and_changes_no_file(
    read_only_site: Path,
) -> None:
    package = read_only_site / "kdrama_cli"
    assert_children_cannot("add a file to", package)
    before = fingerprint(read_only_site)

    where = installed_kdrama(read_only_site, "db", "path")
    assert where.stdout == f"{package / 'data' / 'scenes.db'}\n"
    listed = installed_kdrama(read_only_site, "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    with closing(sqlite3.connect(BUNDLED)) as bundled:
        ids = [row[0] for row in bundled.execute("SELECT id FROM scenes ORDER BY id")]
    assert [s["id"] for s in listed.json()] == ids
    shown = installed_kdrama(read_only_site, "show", "1")
    assert shown.exit_code == 0, shown.stderr
    assert listed.json()[0]["title"] in shown.stdout
    picked = installed_kdrama(read_only_site, "random", "--json")
    assert picked.exit_code == 0, picked.stderr
    assert picked.json()[0] in listed.json()
    found = installed_kdrama(read_only_site, "search", "Goblin", "--json")
    assert found.exit_code == 0, found.stderr
    assert {s["drama"] for s in found.json()} == {"Goblin"}

    assert fingerprint(read_only_site) == before
    assert not user_catalog_path().exists()


def test_read_only_install_writes_changes_to_the_users_own_catalog(
    read_only_site: Path, isolated_user_world: Path
) -> None:
    assert_children_cannot("add a file to", read_only_site / "kdrama_cli")
    before = fingerprint(read_only_site)

    faved = installed_kdrama(read_only_site, "fav", "1")
    assert (faved.exit_code, faved.stdout) == (0, ""), faved.stderr
    added = installed_kdrama(
        read_only_site, "add", "-t", "A new scene", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"
    )
    assert added.exit_code == 0, added.stderr
    new_id = int(added.stdout)

    mine = user_catalog_path()
    assert mine.is_file() and isolated_user_world in mine.parents
    where = installed_kdrama(read_only_site, "db", "path")
    assert where.stdout == f"{mine}\n"
    favourites = installed_kdrama(read_only_site, "list", "--favorites", "--json")
    assert [s["id"] for s in favourites.json()] == [1]
    shown = installed_kdrama(read_only_site, "show", str(new_id))
    assert "A new scene" in shown.stdout

    assert fingerprint(read_only_site) == before


# --- Catalogs that may not be read or written ------------------------------------------


@pytest.fixture
def scenes_json(tmp_path: Path) -> Path:
    """A valid import file holding one scene."""
    path = tmp_path / "in" / "scenes.json"
    path.parent.mkdir()
    path.write_text(json.dumps([{"title": "Imported", "drama": "Goblin", "year": 2017}]))
    return path


COMMANDS = [
    ["list"],
    ["show", "1"],
    ["fav", "1"],
    ["db", "check"],
    ["export"],
    ["import", "{scenes}"],
]

# How a command is told which catalog to use: the option, the variable, or by default.
Naming = Callable[[Path, list[str]], tuple[list[str], dict[str, str]]]
NAMINGS: dict[str, Naming] = {
    "--db": lambda db, args: ([*args, "--db", str(db)], {}),
    "$KDRAMA_DB": lambda db, args: (args, {"KDRAMA_DB": str(db)}),
    "user catalog": lambda db, args: (args, {}),
}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace("{scenes}", "FILE"))
@pytest.mark.parametrize(
    "naming",
    [
        "--db",
        "$KDRAMA_DB",
        "user catalog",
    ],
)
def test_unreadable_catalog_is_one_clear_line_and_exit_1_and_changes_nothing(
    command: list[str],
    naming: str,
    scenes_json: Path,
    isolated_user_world: Path,
    tmp_path: Path,
) -> None:
    db = user_catalog_path() if naming == "user catalog" else tmp_path / "catalog.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(BUNDLED.read_bytes())
    db.chmod(0o000)
    assert_children_cannot("read", db)
    args, env = NAMINGS[naming](db, [a.format(scenes=scenes_json) for a in command])
    before = fingerprint(tmp_path, isolated_user_world)

    run = kdrama(*args, env=env)

    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == f"Error: cannot read {db}: permission denied\n"
    assert fingerprint(tmp_path, isolated_user_world) == before


def test_catalog_in_a_folder_that_cannot_be_entered_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "catalog.db"
    db.write_bytes(BUNDLED.read_bytes())
    folder.chmod(0o600)  # may be listed, not entered
    assert_children_cannot("read", db)

    for args in (
        ["list"],
        ["fav", "1"],
        ["add", "-t", "x", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"],
    ):
        run = kdrama(*args, env={"KDRAMA_DB": str(db)})
        assert (run.exit_code, run.stdout) == (1, ""), args
        assert run.stderr == f"Error: cannot read {db}: permission denied\n"

    folder.chmod(0o755)
    assert db.read_bytes() == BUNDLED.read_bytes()
    assert [p.name for p in folder.iterdir()] == ["catalog.db"]


def test_a_user_data_folder_that_cannot_be_entered_is_one_clear_line(tmp_path: Path) -> None:
    """The user's catalog may be in there: kdrama says it cannot look rather than
    quietly reading the bundled catalog instead."""
    data = tmp_path / "data"
    (data / "kdrama").mkdir(parents=True)
    db = data / "kdrama" / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    data.chmod(0o600)
    assert_children_cannot("read", db)
    run = kdrama("list", env={"XDG_DATA_HOME": str(data)})
    data.chmod(0o755)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == f"Error: cannot read {db}: permission denied\n"


@pytest.mark.parametrize(
    ("locked", "reason"),
    [
        ("folder", "permission denied in its folder {folder}"),
        ("file", "permission denied"),
    ],
    ids=["read-only folder", "read-only file"],
)
def test_catalog_that_may_not_be_written_is_read_but_never_changed(
    locked: str, reason: str, tmp_path: Path
) -> None:
    folder = tmp_path / "catalogs"
    folder.mkdir()
    db = folder / "catalog.db"
    db.write_bytes(BUNDLED.read_bytes())
    if locked == "folder":
        folder.chmod(0o555)
        assert_children_cannot("add a file to", folder)
    else:
        db.chmod(0o444)
        assert_children_cannot("change", db)
    before = fingerprint(folder)

    listed = kdrama("list", "--json", "--db", str(db))
    assert listed.exit_code == 0, listed.stderr
    assert listed.json()[0]["title"] == "Jin Hyuk tells the world about Soo Hyun"
    assert kdrama("show", "1", "--db", str(db)).exit_code == 0
    checked = kdrama("db", "check", "--db", str(db))
    assert checked.exit_code == 0, checked.stderr
    faved = kdrama("fav", "1", "--db", str(db))
    assert (faved.exit_code, faved.stdout) == (1, "")
    assert faved.stderr == f"Error: cannot write {db}: {reason.format(folder=folder)}\n"

    assert fingerprint(folder) == before
    assert kdrama("list", "--favorites", "--json", "--db", str(db)).json() == []


def test_a_read_only_user_catalog_is_read_even_when_kdrama_has_newer_scenes(
    tmp_path: Path,
) -> None:
    """Taking in newer bundled scenes is a write; it waits for a catalog that may take
    one, and reading goes on meanwhile."""
    data = tmp_path / "data"
    env = {"XDG_DATA_HOME": str(data)}
    assert kdrama("fav", "1", env=env).exit_code == 0
    db = data / "kdrama" / "scenes.db"
    with sqlite3.connect(db) as conn:  # as if made by a kdrama that had no scene 6
        conn.execute("DELETE FROM scenes WHERE id = 6")
        conn.execute("DELETE FROM bundled_scenes WHERE scene_id = 6")
    conn.close()
    db.chmod(0o444)
    db.parent.chmod(0o555)
    assert_children_cannot("change", db)
    before = fingerprint(data)
    run = kdrama("list", "--json", env=env)
    after = fingerprint(data)
    db.parent.chmod(0o755)
    assert (run.exit_code, run.stderr) == (0, "")
    assert [scene["id"] for scene in run.json()] == [1, 2, 3, 4, 5]
    assert after == before
