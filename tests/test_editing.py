"""add, edit, rm, fav, unfav, rate, unrate: what they change, and that a failure
changes nothing (checked from a new process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import cli_edit, storage

from .conftest import Invoke, Run, snapshot


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


def on(db: Path, kdrama: Invoke) -> Callable[..., Run]:
    return lambda *args, **kw: kdrama(*args, "--db", str(db), **kw)


def scene(db: Path, kdrama: Invoke, scene_id: int) -> Any:
    return kdrama("show", str(scene_id), "--format", "json", "--db", str(db)).json()


def test_add_prints_the_new_id_and_finds_existing_people_and_dramas(
    db: Path, kdrama: Invoke
) -> None:
    run = on(db, kdrama)(
        "add", "--title", "Piano duet", "--drama", "cloy", "--year", "2020",
        "--character", "Ri Jeong-hyeok=Hyun-bin", "--actor", "Son Ye-jin",
        "--description", "They play together.", "--source", "My notes",
    )  # fmt: skip
    assert (run.exit_code, run.stdout) == (0, "7\n")
    added = scene(db, kdrama, 7)
    assert added["drama"] == "Crash Landing on You" and added["drama_korean"] == "사랑의 불시착"
    assert added["actors"] == ["Son Ye Jin", "Hyun Bin"]
    assert added["characters"][0]["name"] == "Ri Jeong Hyeok"
    assert (added["description"], added["source"]) == ("They play together.", "My notes")
    info = kdrama("db", "info", "--db", str(db), "--json").json()
    assert (info["actors"], info["dramas"], info["characters"]) == (10, 6, 12)


def test_add_creates_a_new_drama_and_people_as_needed(db: Path, kdrama: Invoke) -> None:
    cast = ["-a", "Gong Yoo", "-c", "Kim Shin=Gong Yoo", "-a", "Kim Go Eun"]
    run = on(db, kdrama)("add", "-t", "First snow", "-d", "Goblin", "-y", "2017", *cast)
    assert run.exit_code == 0
    added = scene(db, kdrama, int(run.stdout))
    assert added["actors"] == ["Gong Yoo", "Kim Go Eun"]
    assert added["drama_korean"] == "쓸쓸하고 찬란하神 – 도깨비"
    assert [s["id"] for s in on(db, kdrama)("list", "-a", "gong yoo", "--json").json()] == [7]
    remake = on(db, kdrama)(
        "add", "-t", "Remake", "-d", "Goblin", "-y", "2030", "-a", "X", "--new-drama"
    )
    assert scene(db, kdrama, int(remake.stdout))["drama_korean"] is None


def test_add_off_a_terminal_names_the_missing_option_and_writes_nothing(
    db: Path, kdrama: Invoke
) -> None:
    before = snapshot(db)
    for args, missing in [
        (["-d", "D", "-y", "2000", "-a", "A"], "--title"),
        (["-t", "T", "-y", "2000", "-a", "A"], "--drama"),
        (["-t", "T", "-d", "D", "-a", "A"], "--year"),
        (["-t", "T", "-d", "D", "-y", "2000"], "--actor"),
    ]:
        run = on(db, kdrama)("add", *args)
        assert run.exit_code == 2
        assert run.stderr.startswith(f"Error: missing option {missing} ")
    assert snapshot(db) == before


def test_add_on_a_terminal_asks_for_what_is_missing(
    db: Path, kdrama: Invoke, monkeypatch: Any
) -> None:
    monkeypatch.setattr(cli_edit, "_interactive", lambda: True)
    run = on(db, kdrama)("add", "--drama", "Goblin", input="Asked title\n2017\nGong Yoo\n")
    assert run.exit_code == 0, run.stderr
    # Off a terminal the answers are not echoed: the prompts and the id share a line.
    assert run.stdout.split(":")[:3] == ["Scene title", " Year", " Actor"]
    added = scene(db, kdrama, int(run.stdout.split()[-1]))
    assert (added["title"], added["year"], added["actors"]) == ("Asked title", 2017, ["Gong Yoo"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "Nobody"], "'Nobody' is not NAME=ACTOR"),
        (["-y", "year"], "'year' is not a whole number"),
        (["-y", "0"], "'0' is not a year from 1900 to"),
        (["-y", "1899"], "'1899' is not a year from 1900 to"),
    ],
)
def test_add_with_a_bad_value_is_a_usage_error(
    db: Path, kdrama: Invoke, args: list[str], message: str
) -> None:
    before = snapshot(db)
    run = on(db, kdrama)("add", "-t", "T", "-d", "D", "-y", "2000", "-a", "A", *args)
    assert run.exit_code == 2
    assert message in " ".join(run.stderr.split())
    assert snapshot(db) == before


def test_edit_changes_only_the_options_given(db: Path, kdrama: Invoke) -> None:
    before = scene(db, kdrama, 4)
    run = on(db, kdrama)("edit", "4", "--title", "Reaper and Sunny, at last")
    assert run.exit_code == 0 and run.stderr.strip() == "Updated scene 4."
    after = scene(db, kdrama, 4)
    assert after == {**before, "title": "Reaper and Sunny, at last"}


def test_edit_can_move_a_scene_to_another_drama_and_recast_it(db: Path, kdrama: Invoke) -> None:
    on(db, kdrama)("edit", "5", "--drama", "Encounter", "--year", "2019")
    moved = scene(db, kdrama, 5)
    assert (moved["drama"], moved["year"]) == ("Encounter", 2019)
    assert [c["name"] for c in moved["characters"]] == ["Yoo Si Jin", "Kang Mo Yeon"]
    on(db, kdrama)("edit", "5", "-c", "Kim Jin Hyuk=Park Bo Gum")
    recast = scene(db, kdrama, 5)
    assert recast["actors"] == ["Park Bo Gum"]
    assert [c["name_korean"] for c in recast["characters"]] == ["김진혁"]
    dramas = kdrama("db", "info", "--db", str(db), "--json").json()["dramas"]
    assert dramas == 5


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["edit", "99", "--title", "X"], 1, "Error: no scene with id 99"),
        (["edit", "2"], 2, "Error: nothing to change"),
        (["rm", "2", "99", "--yes"], 1, "Error: no scene with id 99"),
        (["rm", "2"], 2, "Error: not on a terminal, so nothing is removed without --yes"),
        (["fav", "1", "99"], 1, "Error: no scene with id 99"),
        (["unfav", "99"], 1, "Error: no scene with id 99"),
        (["rate", "99", "3"], 1, "Error: no scene with id 99"),
        (["rate", "2", "6"], 2, "'6' is not a rating from 1 to 5"),
        (["rate", "2", "0"], 2, "'0' is not a rating from 1 to 5"),
        (["rate", "2", "four"], 2, "'four' is not a whole number"),
        (["unrate", "99"], 1, "Error: no scene with id 99"),
        (["list", "--min-rating", "9"], 2, "'9' is not a rating from 1 to 5"),
    ],
)
def test_failed_changes_exit_with_a_reason_and_change_nothing(
    db: Path, kdrama: Invoke, args: list[str], code: int, message: str
) -> None:
    before = snapshot(db)
    run = on(db, kdrama)(*args)
    assert run.exit_code == code
    assert message in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr
    assert snapshot(db) == before


def test_rm_removes_scenes_and_what_only_they_used(db: Path, kdrama: Invoke) -> None:
    run = on(db, kdrama)("rm", "4", "5", "--yes")
    assert (run.exit_code, run.stderr.strip()) == (0, "Removed 2 scene(s).")
    assert [s["id"] for s in on(db, kdrama)("list", "--json").json()] == [1, 2, 3, 6]
    info = kdrama("db", "info", "--db", str(db), "--json").json()
    assert (info["dramas"], info["actors"], info["characters"]) == (4, 7, 8)
    assert on(db, kdrama)("list", "--actor", "Song Hye Kyo", "--json").json()[0]["id"] == 1


def test_rm_on_a_terminal_asks_first(db: Path, kdrama: Invoke, monkeypatch: Any) -> None:
    monkeypatch.setattr(cli_edit, "_interactive", lambda: True)
    before = snapshot(db)
    declined = on(db, kdrama)("rm", "4", input="n\n")
    assert declined.exit_code == 1
    assert "Remove #4 The Grim Reaper finally goes on a date with Sunny?" in declined.stdout
    assert snapshot(db) == before
    assert on(db, kdrama)("rm", "4", input="y\n").exit_code == 0
    assert len(on(db, kdrama)("list", "--json").json()) == 5


def test_favourites_and_ratings_filter_and_sort(db: Path, kdrama: Invoke) -> None:
    assert on(db, kdrama)("fav", "2", "6", "6").stderr.strip() == "Marked 2 scene(s) as favourite."
    on(db, kdrama)("rate", "6", "5")
    on(db, kdrama)("rate", "2", "3")
    on(db, kdrama)("rate", "4", "4")
    ids = lambda *args: [s["id"] for s in on(db, kdrama)("list", *args, "--json").json()]  # noqa: E731
    assert ids("--favorites") == [2, 6]
    assert ids("--min-rating", "4") == [4, 6]
    assert ids("--sort", "rating") == [2, 4, 6, 1, 3, 5]
    assert ids("--sort", "rating", "--desc") == [6, 4, 2, 5, 3, 1]
    assert ids("--favorites", "--min-rating", "4") == [6]
    on(db, kdrama)("unfav", "6")
    on(db, kdrama)("unrate", "4")
    assert ids("--favorites") == [2]
    assert ids("--min-rating", "1") == [2, 6]
    picked = on(db, kdrama)("random", "--favorites", "--json").json()
    assert [s["id"] for s in picked] == [2]
    shown = scene(db, kdrama, 6)
    assert (shown["favorite"], shown["rating"]) == (False, 5)
