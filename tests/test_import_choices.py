"""What import, add and edit do when the file or the options do not simply add new
scenes: unknown keys, ids the catalog already uses (--update, --skip-existing,
--new-ids, --dry-run), moves between dramas, drama names that look like a typing
mistake (--new-drama, or a question on a terminal), years out of bounds, and the
progress bar. All through the CLI, each refusal checked to change nothing."""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, Run, run_process, snapshot

LATEST = datetime.date.today().year + 5  # the last year a drama may have


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    path = tmp_path / "mine.db"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def on(db: Path, kdrama: Invoke) -> Callable[..., Run]:
    return lambda *args, **kw: kdrama(*args, "--db", str(db), **kw)


def scenes(kdrama: Invoke, db: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = kdrama("list", "--json", "--db", str(db)).json()
    return listed


def shown(kdrama: Invoke, db: Path, scene_id: int) -> dict[str, Any]:
    scene: dict[str, Any] = kdrama("show", str(scene_id), "-f", "json", "--db", str(db)).json()
    return scene


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    """``rows`` as JSON Lines."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def one_line_error(run: Run) -> str:
    """The error line of a failed command, checked to be the only line on stderr."""
    assert run.exit_code == 1, (run.exit_code, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# --- Keys kdrama does not know -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("typo.jsonl",
         '{"title": "A", "drama": "B", "year": 2000}\n'
         '{"title": "C", "drama": "B", "year": 2000, "descripton": "x"}\n',
         "Error: line 2: unknown field 'descripton'; did you mean 'description'?"),
        ("typo.json",
         '[{"title": "A", "drama": "B", "year": 2000},\n'
         ' {"title": "C", "drama": "B", "year": 2000, "ratting": 5}]',
         "Error: item 2: unknown field 'ratting'; did you mean 'rating'?"),
        ("typo.csv",
         "title,drama,year,descripton\nA,B,2000,x\n",
         "Error: line 1: unknown column 'descripton'; did you mean 'description'?"),
        ("typo.json",
         '[{"title": "A", "drama": "B", "year": 2000,'
         ' "characters": [{"name": "X", "actor": "Y"}, {"name": "Z", "actr": "Y"}]}]',
         "Error: item 1: field 'characters': character 2: unknown key 'actr';"
         " did you mean 'actor'?"),
        ("typo.jsonl",
         '{"title": "A", "drama": "B", "year": 2000}\n\n'
         '{"title": "C", "drama": "B", "year": 2000,'
         ' "characters": [{"name": "X", "actor": "Y", "name_korea": "엑스"}]}\n',
         "Error: line 3: field 'characters': character 1: unknown key 'name_korea';"
         " did you mean 'name_korean'?"),
    ],
)  # fmt: skip
def test_an_unknown_key_is_refused_naming_the_row_and_the_closest_known_key(
    kdrama: Invoke, db: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content, "utf-8")
    before = snapshot(db)
    run = on(db, kdrama)("import", str(source))
    assert one_line_error(run) == message
    assert snapshot(db) == before


def test_an_unknown_key_in_a_file_for_a_new_catalog_creates_no_catalog(
    kdrama: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "typo.jsonl", [{"title": "A", "drama": "B", "year": 2000}])
    source.write_text(source.read_text("utf-8").replace('"title"', '"titel"'), "utf-8")
    run = kdrama("import", str(source), "--db", str(tmp_path / "new.db"))
    assert one_line_error(run).startswith("Error: line 1: unknown field 'titel'")
    assert "did you mean 'title'?" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["typo.jsonl"]


# --- Ids the catalog already uses ---------------------------------------------------

MINE = ["add", "-t", "My first snow", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"]
THEIRS = {
    "id": 7,
    "title": "Their piano duet",
    "drama": "Crash Landing on You",
    "year": 2020,
    "actors": ["Hyun Bin"],
    "description": "A friend's scene.",
}
NEW = {"title": "A new scene", "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]}


@pytest.fixture
def mine(kdrama: Invoke, db: Path) -> Path:
    """The bundled catalog with one scene of the user's own, id 7, rated 4."""
    assert on(db, kdrama)(*MINE).stdout == "7\n"
    assert on(db, kdrama)("rate", "7", "4").exit_code == 0
    return db


@pytest.fixture
def friends_file(kdrama: Invoke, mine: Path, tmp_path: Path) -> Path:
    """A friend's file: scene 1 as the user has it, their own scene with id 7, and a
    scene without an id."""
    scene_1 = kdrama("export", "--db", str(mine), "-f", "jsonl").stdout.splitlines()[0]
    return write(tmp_path / "friend.jsonl", [json.loads(scene_1), THEIRS, NEW])


def test_an_id_the_catalog_uses_for_another_scene_stops_the_import_naming_the_choices(
    kdrama: Invoke, mine: Path, friends_file: Path
) -> None:
    before = snapshot(mine)
    run = on(mine, kdrama)("import", str(friends_file))
    assert one_line_error(run) == (
        "Error: 1 scene(s) in the file have ids that scenes of the catalog already use,"
        " with other content: 7; add --update to replace them with the file's,"
        " --skip-existing to keep the catalog's, or --new-ids to add the file's as new scenes"
    )
    assert snapshot(mine) == before


def test_update_replaces_the_fields_the_file_gives_and_keeps_the_others(
    kdrama: Invoke, mine: Path, friends_file: Path
) -> None:
    run = on(mine, kdrama)("import", str(friends_file), "--update")
    assert (run.exit_code, run.stderr) == (
        0,
        "Imported 3 scene(s): 1 added, 1 updated, 1 unchanged.\n",
    )
    theirs = shown(kdrama, mine, 7)
    assert (theirs["title"], theirs["drama"], theirs["year"]) == (
        "Their piano duet",
        "Crash Landing on You",
        2020,
    )
    assert (theirs["actors"], theirs["description"]) == (["Hyun Bin"], "A friend's scene.")
    assert theirs["rating"] == 4  # the file gives no rating: the user's stays
    assert [s["id"] for s in scenes(kdrama, mine)] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert shown(kdrama, mine, 8)["title"] == "A new scene"


def test_skip_existing_keeps_your_scene_and_adds_the_new_one(
    kdrama: Invoke, mine: Path, friends_file: Path
) -> None:
    yours = shown(kdrama, mine, 7)
    run = on(mine, kdrama)("import", str(friends_file), "--skip-existing")
    assert (run.exit_code, run.stderr) == (
        0,
        "Imported 3 scene(s): 1 added, 0 updated, 1 skipped, 1 unchanged.\n",
    )
    assert shown(kdrama, mine, 7) == yours
    assert [s["title"] for s in scenes(kdrama, mine)][6:] == ["My first snow", "A new scene"]


def test_new_ids_adds_theirs_as_a_new_scene_and_keeps_yours(
    kdrama: Invoke, mine: Path, friends_file: Path
) -> None:
    yours = shown(kdrama, mine, 7)
    run = on(mine, kdrama)("import", str(friends_file), "--new-ids")
    assert (run.exit_code, run.stderr) == (
        0,
        "Imported 3 scene(s): 2 added, 0 updated, 1 unchanged.\n",
    )
    assert shown(kdrama, mine, 7) == yours
    added = [(s["id"], s["title"]) for s in scenes(kdrama, mine)][6:]
    assert added == [(7, "My first snow"), (8, "Their piano duet"), (9, "A new scene")]
    assert shown(kdrama, mine, 8)["description"] == "A friend's scene."


def test_many_clashing_ids_show_the_first_few_and_how_many_more(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    mine = [{**NEW, "title": f"Mine {n}"} for n in range(30)]
    assert on(db, kdrama)("import", str(write(tmp_path / "mine.jsonl", mine))).exit_code == 0
    theirs = [{"id": n, "title": f"Theirs {n}"} for n in range(1, 37)]
    before = snapshot(db)
    run = on(db, kdrama)("import", str(write(tmp_path / "theirs.jsonl", theirs)))
    error = one_line_error(run)
    assert error.startswith("Error: 36 scene(s) in the file have ids that scenes of the catalog")
    assert ": 1, 2, 3, 4, 5 and 31 more; add --update" in error
    assert snapshot(db) == before


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_reimporting_your_own_export_leaves_every_scene_unchanged_and_the_file_as_it_was(
    kdrama: Invoke, mine: Path, tmp_path: Path, fmt: str
) -> None:
    on(mine, kdrama)("fav", "2", "7")
    export = tmp_path / f"backup.{fmt}"
    assert on(mine, kdrama)("export", "-o", str(export)).exit_code == 0
    before = snapshot(mine)
    for choice in ([], ["--update"], ["--skip-existing"], ["--new-ids"]):
        run = on(mine, kdrama)("import", str(export), *choice)
        assert (run.exit_code, run.stderr) == (
            0,
            "Imported 7 scene(s): 0 added, 0 updated, 7 unchanged.\n",
        )
        assert snapshot(mine) == before


@pytest.mark.parametrize(
    ("choice", "stdout"),
    [
        ("--update",
         "Would add 1 scene(s): 8.\nWould update 1 scene(s): 7.\nWould skip 0 scene(s).\n"
         "Would leave unchanged 1 scene(s): 1.\n"),
        ("--skip-existing",
         "Would add 1 scene(s): 8.\nWould update 0 scene(s).\nWould skip 1 scene(s): 7.\n"
         "Would leave unchanged 1 scene(s): 1.\n"),
        ("--new-ids",
         "Would add 2 scene(s): 8, 9.\nWould update 0 scene(s).\nWould skip 0 scene(s).\n"
         "Would leave unchanged 1 scene(s): 1.\n"),
    ],
)  # fmt: skip
def test_a_dry_run_says_on_stdout_what_would_change_and_writes_nothing(
    kdrama: Invoke, mine: Path, friends_file: Path, choice: str, stdout: str
) -> None:
    before = snapshot(mine)
    run = on(mine, kdrama)("import", str(friends_file), choice, "--dry-run")
    assert (run.exit_code, run.stdout, run.stderr) == (
        0,
        stdout,
        "Dry run: nothing was written.\n",
    )
    assert snapshot(mine) == before


def test_a_dry_run_still_stops_at_ids_the_catalog_uses_when_no_choice_is_given(
    kdrama: Invoke, mine: Path, friends_file: Path
) -> None:
    before = snapshot(mine)
    run = on(mine, kdrama)("import", str(friends_file), "--dry-run")
    error = one_line_error(run)
    assert "with other content: 7;" in error and "--skip-existing" in error
    assert snapshot(mine) == before


def test_a_dry_run_into_a_catalog_that_does_not_exist_creates_none(
    kdrama: Invoke, tmp_path: Path
) -> None:
    source = write(tmp_path / "new.jsonl", [NEW, {**NEW, "id": 40, "title": "Forty"}])
    run = kdrama("import", str(source), "--db", str(tmp_path / "new.db"), "--dry-run")
    assert (run.exit_code, run.stdout, run.stderr) == (
        0,
        "Would add 2 scene(s): 1, 40.\nWould update 0 scene(s).\nWould skip 0 scene(s).\n"
        "Would leave unchanged 0 scene(s).\n",
        "Dry run: nothing was written.\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.jsonl"]


def test_a_dry_run_before_you_have_a_catalog_creates_none(
    kdrama: Invoke, tmp_path: Path, isolated_user_world: Path
) -> None:
    source = write(tmp_path / "new.jsonl", [NEW])
    run = kdrama("import", str(source), "--dry-run")
    assert (run.exit_code, run.stdout.splitlines()[0]) == (0, "Would add 1 scene(s): 7.")
    assert [p for p in isolated_user_world.rglob("*") if p.is_file()] == []
    assert "bundled" in kdrama("db", "path").stderr  # still no catalog of your own


@pytest.mark.parametrize(
    "choices",
    [
        ["--update", "--skip-existing"],
        ["--update", "--new-ids"],
        ["--skip-existing", "--new-ids"],
        ["--update", "--skip-existing", "--new-ids"],
    ],
    ids=" ".join,
)
def test_giving_two_of_the_three_choices_is_a_usage_error(
    kdrama: Invoke, mine: Path, friends_file: Path, choices: list[str]
) -> None:
    before = snapshot(mine)
    run = on(mine, kdrama)("import", str(friends_file), *choices)
    assert run.exit_code == 2
    assert "--update, --skip-existing and --new-ids exclude each other" in run.stderr
    assert snapshot(mine) == before


# --- Moving a scene to another drama -------------------------------------------------


def dramas_of(kdrama: Invoke, db: Path) -> dict[int, tuple[Any, ...]]:
    """Each scene's drama, with everything the catalog knows about that drama."""
    fields = ("drama", "drama_korean", "year", "network", "drama_aliases")
    return {s["id"]: tuple(s[f] for f in fields) for s in scenes(kdrama, db)}


ENCOUNTER = ("Encounter", "남자친구", 2019, "tvN", ["Boyfriend"])


@pytest.mark.parametrize(
    "move",
    [
        lambda db, tmp_path: [
            "import",
            str(write(tmp_path / "move.jsonl", [{"id": 7, "drama": "Encounter", "year": 2019}])),
            "--update",
        ],
        lambda db, tmp_path: ["edit", "7", "--drama", "Encounter", "--year", "2019"],
    ],
    ids=["import --update", "edit"],
)
def test_moving_a_scene_to_another_drama_changes_neither_drama(
    kdrama: Invoke, db: Path, tmp_path: Path, move: Callable[[Path, Path], list[str]]
) -> None:
    assert on(db, kdrama)(*MINE).stdout == "7\n"
    before = dramas_of(kdrama, db)
    goblin = before[4]
    assert before[7] == goblin and before[1] == ENCOUNTER
    run = on(db, kdrama)(*move(db, tmp_path))
    assert run.exit_code == 0, run.stderr
    after = dramas_of(kdrama, db)
    assert after[7] == ENCOUNTER
    assert after == {**before, 7: ENCOUNTER}  # no other scene's drama changed
    assert shown(kdrama, db, 1)["drama_korean"] == "남자친구"
    assert shown(kdrama, db, 4)["drama_korean"] == goblin[1]
    assert "남자친구" in kdrama("show", "1", "--db", str(db)).stdout
    assert [s["id"] for s in on(db, kdrama)("list", "--drama", "Goblin", "--json").json()] == [4]


# --- Drama names that look like a typing mistake ---------------------------------------

CLOY_2019 = ["add", "-t", "x", "-d", "CLOY", "-y", "2019", "-a", "Hyun Bin"]


def test_add_with_a_known_drama_title_and_another_year_asks_did_you_mean_and_writes_nothing(
    kdrama: Invoke, db: Path
) -> None:
    before = snapshot(db)
    error = one_line_error(on(db, kdrama)(*CLOY_2019))
    assert error == (
        "Error: 'CLOY' (2019) names Crash Landing on You (2020) of the catalog; did you mean"
        " it? (--new-drama makes a new drama CLOY (2019) anyway)"
    )
    assert snapshot(db) == before


def test_add_with_new_drama_makes_the_drama_anyway(kdrama: Invoke, db: Path) -> None:
    run = on(db, kdrama)(*CLOY_2019, "--new-drama")
    assert (run.exit_code, run.stdout) == (0, "7\n")
    added = shown(kdrama, db, 7)
    assert (added["drama"], added["year"], added["drama_korean"]) == ("CLOY", 2019, None)
    assert kdrama("db", "info", "--json", "--db", str(db)).json()["dramas"] == 7
    assert shown(kdrama, db, 6)["drama"] == "Crash Landing on You"


def test_edit_to_another_year_of_a_known_drama_stops_unless_new_drama(
    kdrama: Invoke, db: Path
) -> None:
    before = snapshot(db)
    error = one_line_error(on(db, kdrama)("edit", "6", "--year", "2019"))
    assert "names Crash Landing on You (2020) of the catalog; did you mean it?" in error
    assert "--new-drama" in error
    assert snapshot(db) == before
    run = on(db, kdrama)("edit", "6", "--year", "2019", "--new-drama")
    assert (run.exit_code, run.stderr) == (0, "Updated scene 6.\n")
    moved = shown(kdrama, db, 6)
    assert (moved["drama"], moved["year"]) == ("Crash Landing on You", 2019)


NEAR = {"title": "x", "drama": "CLOY", "year": 2019, "actors": ["Hyun Bin"]}


def test_an_import_row_with_a_known_drama_title_and_another_year_stops_naming_the_row(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "near.jsonl", [NEW, NEAR])
    before = snapshot(db)
    error = one_line_error(on(db, kdrama)("import", str(source)))
    assert error == (
        "Error: line 2: 'CLOY' (2019) names Crash Landing on You (2020) of the catalog; did"
        " you mean it? (--new-drama makes a new drama CLOY (2019) anyway)"
    )
    assert snapshot(db) == before
    run = on(db, kdrama)("import", str(source), "--new-drama")
    assert (run.exit_code, run.stderr) == (0, "Imported 2 scene(s): 2 added, 0 updated.\n")
    added = shown(kdrama, db, 8)
    assert (added["drama"], added["year"], added["drama_korean"]) == ("CLOY", 2019, None)


def test_the_same_title_and_year_join_the_existing_drama(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write(tmp_path / "same.jsonl", [{**NEAR, "year": 2020}])
    assert on(db, kdrama)("import", str(source)).exit_code == 0
    added = on(db, kdrama)("add", "-t", "y", "-d", "cloy", "-y", "2020", "-a", "Hyun Bin")
    assert added.stdout == "8\n"
    for scene_id in (7, 8):
        joined = shown(kdrama, db, scene_id)
        assert (joined["drama"], joined["year"], joined["drama_korean"]) == (
            "Crash Landing on You",
            2020,
            "사랑의 불시착",
        )
    assert kdrama("db", "info", "--json", "--db", str(db)).json()["dramas"] == 6


ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


def on_a_terminal(
    *args: str, answer: tuple[str, str] | None = None, only_stderr: bool = False
) -> tuple[int, str]:
    """Run the installed ``kdrama`` with a pseudo-terminal 100 columns wide as its
    terminal (``only_stderr``: as its stderr, stdin and stdout elsewhere); type
    ``answer[1]`` once ``answer[0]`` shows. Returns the exit code and what the terminal
    showed, without escape sequences and carriage returns."""
    main, sub = pty.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    if only_stderr:
        streams: dict[str, Any] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL}
    else:
        streams = {"stdin": sub, "stdout": sub}
    proc = subprocess.Popen([KDRAMA_BIN, *args], stderr=sub, env=env, **streams)
    os.close(sub)
    seen = b""
    deadline = time.monotonic() + 120
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
            if answer and answer[0].encode() in seen:
                os.write(main, answer[1].encode() + b"\r")
                answer = None
    except BaseException:
        proc.kill()  # the one kdrama this test started, still running
        raise
    finally:
        os.close(main)
        code = proc.wait(timeout=60)
    return code, ESCAPES.sub("", seen.decode("utf-8", "replace"))


def test_add_on_a_terminal_asks_did_you_mean_and_yes_joins_that_drama(
    kdrama: Invoke, db: Path
) -> None:
    question = "Did you mean Crash Landing on You (2020)?"
    code, shown_text = on_a_terminal(*CLOY_2019, "--db", str(db), answer=(question, "y"))
    assert code == 0, shown_text
    assert question in shown_text and shown_text.rstrip().endswith("7")
    added = shown(kdrama, db, 7)
    assert (added["drama"], added["year"]) == ("Crash Landing on You", 2020)
    assert kdrama("db", "info", "--json", "--db", str(db)).json()["dramas"] == 6


def test_add_on_a_terminal_answered_no_makes_a_new_drama(kdrama: Invoke, db: Path) -> None:
    question = "Did you mean Crash Landing on You (2020)?"
    code, shown_text = on_a_terminal(*CLOY_2019, "--db", str(db), answer=(question, "n"))
    assert code == 0, shown_text
    added = shown(kdrama, db, 7)
    assert (added["drama"], added["year"], added["drama_korean"]) == ("CLOY", 2019, None)
    assert kdrama("db", "info", "--json", "--db", str(db)).json()["dramas"] == 7


# --- Years out of bounds -----------------------------------------------------------------


@pytest.mark.parametrize("year", [1899, LATEST + 1, 0])
def test_add_and_edit_refuse_a_year_out_of_bounds_as_a_usage_error(
    kdrama: Invoke, db: Path, year: int
) -> None:
    before = snapshot(db)
    for args in (
        ["add", "-t", "T", "-d", "Some new drama", "-y", str(year), "-a", "A"],
        ["edit", "2", "--year", str(year)],
    ):
        run = on(db, kdrama)(*args)
        assert run.exit_code == 2, run.stderr
        assert f"'{year}' is not a year from 1900 to {LATEST}" in " ".join(run.stderr.split())
    assert snapshot(db) == before


def test_add_takes_the_first_and_the_last_year_allowed(kdrama: Invoke, db: Path) -> None:
    for year in (1900, LATEST):
        run = on(db, kdrama)("add", "-t", "T", "-d", f"Drama of {year}", "-y", str(year), "-a", "A")
        assert run.exit_code == 0, run.stderr
        assert shown(kdrama, db, int(run.stdout))["year"] == year


@pytest.mark.parametrize("year", [1899, LATEST + 1])
def test_an_import_row_with_a_year_out_of_bounds_is_refused_naming_the_row(
    kdrama: Invoke, db: Path, tmp_path: Path, year: int
) -> None:
    source = write(tmp_path / "years.jsonl", [NEW, {**NEW, "year": year}])
    before = snapshot(db)
    error = one_line_error(on(db, kdrama)("import", str(source)))
    assert error == f"Error: line 2: field 'year': must be between 1900 and {LATEST}, not {year}"
    assert snapshot(db) == before


# --- The progress bar --------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 scenes as JSON Lines."""
    rows = [
        {
            "title": f"Scene {n}",
            "drama": f"Drama {n % 50}",
            "year": 1990 + n % 30,
            "actors": [f"Actor {n % 300}", f"Actress {n % 301}"],
            "description": f"What happens in scene {n}.",
        }
        for n in range(20_000)
    ]
    return write(tmp_path_factory.mktemp("many") / "many.jsonl", rows)


def test_an_import_on_a_terminal_shows_rows_rate_bytes_and_the_finishing_steps(
    many_scenes: Path, tmp_path: Path
) -> None:
    code, screen = on_a_terminal(
        "import", str(many_scenes), "--db", str(tmp_path / "new.db"), only_stderr=True
    )
    assert code == 0, screen
    assert "20,000 rows" in screen and "rows/s" in screen
    megabytes = f"{many_scenes.stat().st_size / 1e6:.1f}"
    assert f"{megabytes}/{megabytes} MB" in screen
    steps = ["Updating the search index", "Building indexes", "Counting scenes", "Saving"]
    assert any(step in screen for step in steps), screen
    assert screen.rstrip().endswith("Imported 20,000 scene(s): 20,000 added, 0 updated.")


def test_an_import_off_a_terminal_writes_only_the_summary_line(
    many_scenes: Path, tmp_path: Path
) -> None:
    run = run_process("import", str(many_scenes), "--db", str(tmp_path / "new.db"))
    assert (run.exit_code, run.stdout, run.stderr) == (
        0,
        "",
        "Imported 20,000 scene(s): 20,000 added, 0 updated.\n",
    )
