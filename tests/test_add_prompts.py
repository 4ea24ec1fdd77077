"""Quick capture: ``kdrama add`` with no options, on a terminal, asks for every field in
turn, completes dramas, actors and characters with TAB, takes a known drama's year,
Korean title and network, asks again after a bad answer, and writes what ``add`` with
the same options writes. Run through a real pseudo-terminal, as a person types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import storage

from .conftest import run_process, snapshot
from .test_prompts import CTRL_C, CTRL_D, converse

CLOY = "Crash Landing on You (사랑의 불시착), 2020, tvN"


def on_screen(text: str) -> str:
    """A line as the terminal shows it: a backspace moves back over a character, which
    what follows overwrites (readline redraws a completed word so)."""
    cells: list[str] = []
    at = 0
    for char in text:
        if char == "\b":
            at = max(at - 1, 0)
            continue
        cells[at : at + 1] = [char]
        at += 1
    return "".join(cells).rstrip()


def _copy(path: Path) -> Path:
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog (6 scenes)."""
    return _copy(tmp_path / "mine.db")


def shown_scene(db: Path, scene_id: int = 7) -> dict[str, Any]:
    """``show --json`` of a scene, without its id."""
    run = run_process("show", str(scene_id), "--json", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    scene: dict[str, Any] = json.loads(run.stdout)
    del scene["id"]
    return scene


def added_with_options(tmp_path: Path, *options: str) -> dict[str, Any]:
    """The scene ``add OPTIONS`` adds to another copy of the bundled catalog."""
    other = _copy(tmp_path / "other.db")
    run = run_process("add", "--db", str(other), *options)
    assert (run.exit_code, run.stdout) == (0, "7\n"), run.stderr
    return shown_scene(other)


def test_add_of_a_known_drama_takes_its_year_and_network_and_writes_what_options_would(
    db: Path, tmp_path: Path
) -> None:
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Crash\t"),
            ("Scene title: ", "The piano duet"),
            ("Cast: ", "Yoon\t"),
            ("More cast (Enter when done): ", "Hyeon\t"),
            ("More cast (Enter when done): ", ""),
            ("Episode (Enter to skip): ", "10"),
            ("Time in the episode, e.g. 42:13 (Enter to skip): ", "42:13"),
            ("Link to the clip (Enter to skip): ", "https://youtu.be/AAAAAAAAAAA"),
            ("Another link (Enter when done): ", ""),
            ("Tags, separated by spaces (Enter to skip): ", "kiss piano"),
            ("Description (Enter to skip): ", "He plays; she listens."),
        ],
    )  # fmt: skip
    assert code == 0, shown
    lines = shown.splitlines()
    assert CLOY in lines
    assert "Year:" not in shown and "Network" not in shown and "Korean title" not in shown
    assert lines[-1] == "7"
    assert (
        "Adding 'The piano duet', Crash Landing on You (2020); Yoon Se Ri=Son Ye Jin, Hyun Bin;"
        " E10 42:13; 1 link(s); tags kiss piano." in lines
    )
    assert shown_scene(db) == added_with_options(
        tmp_path,
        "-t", "The piano duet", "-d", "Crash Landing on You", "-y", "2020",
        "-c", "Yoon Se Ri=Son Ye Jin", "-a", "Hyun Bin", "--episode", "10", "--time", "42:13",
        "--url", "https://youtu.be/AAAAAAAAAAA", "--tag", "kiss", "--tag", "piano",
        "--description", "He plays; she listens.",
    )  # fmt: skip


def test_tab_completes_a_drama_an_actor_and_a_character_of_the_drama_on_screen(
    db: Path,
) -> None:
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "CLO\t"),
            ("Scene title: ", "T"),
            ("Cast: ", "yoon se\t"),
            ("More cast (Enter when done): ", "son y\t"),
            ("More cast (Enter when done): ", ""),
            ("Episode", ""), ("Time", ""), ("Link", ""), ("Tags", ""), ("Description", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    # What TAB wrote on the line, before Enter: the whole name, in the catalog's spelling.
    lines = [on_screen(line) for line in shown.splitlines()]
    assert lines[0].startswith("Drama: ") and lines[0].endswith("Crash Landing on You")
    assert lines[3].startswith("Cast: ") and lines[3].endswith("Yoon Se Ri=Son Ye Jin")
    assert lines[4].startswith("More cast ") and lines[4].endswith("Son Ye Jin")
    scene = shown_scene(db)
    assert scene["drama"] == "Crash Landing on You"
    assert scene["characters"][0]["name"] == "Yoon Se Ri"
    assert scene["actors"] == ["Son Ye Jin"]


def test_add_of_a_new_drama_asks_its_year_korean_title_and_network_again_after_bad_answers(
    db: Path, tmp_path: Path
) -> None:
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Rooftop Diaries"),
            ("Year: ", "20x"),
            ("Year: ", "2024"),
            ("Korean title (Enter to skip): ", "옥탑방 일기"),
            ("Network (Enter to skip): ", "JTBC"),
            ("Scene title: ", "First rain"),
            ("Cast: ", ""),
            ("Cast: ", "Han Ga=Kim Min Ji"),
            ("More cast (Enter when done): ", ""),
            ("Episode (Enter to skip): ", "0"),
            ("Episode (Enter to skip): ", "3"),
            ("Time in the episode, e.g. 42:13 (Enter to skip): ", "42:61"),
            ("Time in the episode, e.g. 42:13 (Enter to skip): ", "1:02:07"),
            ("Link to the clip (Enter to skip): ", "javascript:alert(1)"),
            ("Link to the clip (Enter to skip): ", ""),
            ("Tags, separated by spaces (Enter to skip): ", "rain #1"),
            ("Tags, separated by spaces (Enter to skip): ", "rain"),
            ("Description (Enter to skip): ", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    lines = shown.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 6, errors
    assert errors[0] == "Error: '20x' is not a whole number"
    assert errors[1] == "Error: give at least one actor"
    assert "'42:61' is not a time" in errors[3]
    assert "'javascript:alert(1)'" in errors[4]
    assert "'#1'" in errors[5]
    assert lines[-1] == "7"
    scene = shown_scene(db)
    assert (scene["drama"], scene["year"], scene["drama_korean"], scene["network"]) == (
        "Rooftop Diaries", 2024, "옥탑방 일기", "JTBC"
    )  # fmt: skip
    assert (scene["episode"], scene["time"], scene["urls"], scene["tags"]) == (
        3,
        3727,
        [],
        ["rain"],
    )


def test_enter_skips_every_optional_question_and_adds_what_options_would(
    db: Path, tmp_path: Path
) -> None:
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Goblin"),
            ("Scene title: ", "First snow"),
            ("Cast: ", "Gong Yoo"),
            ("More cast", ""),
            ("Episode", ""), ("Time", ""), ("Link", ""), ("Tags", ""), ("Description", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    scene = shown_scene(db)
    assert (scene["episode"], scene["time"], scene["urls"], scene["tags"]) == (None, None, [], [])
    assert scene == added_with_options(
        tmp_path, "-t", "First snow", "-d", "Goblin", "-y", "2017", "-a", "Gong Yoo"
    )


@pytest.mark.parametrize(
    ("key", "code", "said"), [(CTRL_D, 1, "Aborted."), (CTRL_C, 130, "Interrupted.")]
)
def test_ctrl_d_or_ctrl_c_at_a_late_question_writes_nothing(
    db: Path, tmp_path: Path, key: str, code: int, said: str
) -> None:
    before = snapshot(db)
    new = tmp_path / "new.db"  # a catalog add would create
    for catalog in (db, new):
        ended, shown = converse(
            "add", "--db", str(catalog),
            replies=[
                ("Drama: ", "Goblin"),
                *([("Year: ", "2017"), ("Korean", ""), ("Network", "")] if catalog == new else []),
                ("Scene title: ", "First snow"),
                ("Cast: ", "Gong Yoo"),
                ("More cast", ""),
                ("Episode", "3"),
                ("Time", key),
            ],
        )  # fmt: skip
        assert ended == code, shown
        assert shown.splitlines()[-1] == said and "Traceback" not in shown
    assert snapshot(db) == before
    assert not new.exists()


def test_add_with_no_options_off_a_terminal_asks_nothing_and_names_the_missing_option(
    db: Path,
) -> None:
    before = snapshot(db)
    run = run_process("add", "--db", str(db), input="Goblin\nFirst snow\nGong Yoo\n\n")
    assert run.exit_code == 2
    assert run.stderr == (
        "Error: missing option --title (not on a terminal, so it cannot be asked for)\n"
    )
    assert snapshot(db) == before


def test_a_drama_name_the_catalog_has_twice_asks_the_year_and_takes_that_drama(
    db: Path,
) -> None:
    remake = ("-t", "R", "-d", "Goblin", "-y", "2030", "-a", "Gong Yoo", "--new-drama")
    assert run_process("add", "--db", str(db), *remake).exit_code == 0
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Goblin"),
            ("Year: ", "2030"),
            ("Scene title: ", "Rooftop"),
            ("Cast: ", "Gong Yoo"),
            ("More cast", ""),
            ("Episode", ""), ("Time", ""), ("Link", ""), ("Tags", ""), ("Description", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    lines = shown.splitlines()
    assert "'Goblin' matches 2 dramas: Goblin (2017), Goblin (2030): which year?" in lines
    assert "Goblin, 2030" in lines and "Korean title" not in shown
    scene = shown_scene(db, 8)
    assert (scene["drama"], scene["year"], scene["actors"]) == ("Goblin", 2030, ["Gong Yoo"])


def test_without_readline_every_question_is_still_asked_and_answered(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Python built without readline: importing it fails.
    (tmp_path / "no_readline").mkdir()
    (tmp_path / "no_readline" / "readline.py").write_text("raise ImportError('no readline')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "no_readline"))
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Crash Landing on You"),
            ("Scene title: ", "The piano duet"),
            ("Cast: ", "Son Ye Jin"),
            ("More cast", ""),
            ("Episode", ""), ("Time", ""), ("Link", ""),
            ("Tags", "piano"), ("Description", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    assert CLOY in shown.splitlines() and "Traceback" not in shown
    scene = shown_scene(db)
    assert (scene["drama"], scene["actors"], scene["tags"]) == (
        "Crash Landing on You", ["Son Ye Jin"], ["piano"]
    )  # fmt: skip


def test_tab_at_a_question_without_completion_does_not_write_a_file_name(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # readline, once loaded by the drama's question, would complete file names.
    (tmp_path / "README-of-mine.md").write_text("")
    monkeypatch.chdir(tmp_path)
    code, shown = converse(
        "add", "--db", str(db),
        replies=[
            ("Drama: ", "Goblin"),
            ("Scene title: ", "READ\t"),
            ("Cast: ", "Gong Yoo"),
            ("More cast", ""),
            ("Episode", ""), ("Time", ""), ("Link", ""), ("Tags", ""), ("Description", ""),
        ],
    )  # fmt: skip
    assert code == 0, shown
    assert shown_scene(db)["title"] == "READ"
