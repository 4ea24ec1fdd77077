"""drama edit, person edit, character edit: a change to the names things are found by
shows at once in lookups, search, counts and completion; each refusal is one line, its
exit code, and a catalog left byte for byte as it was."""

from __future__ import annotations

import doctest
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli import naming, storage

from .conftest import KDRAMA_BIN, Invoke, Run, snapshot
from .test_completion import bash_words
from .test_read_only import assert_children_cannot, unprivileged


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


@pytest.fixture
def on(db: Path, kdrama: Invoke) -> Callable[..., Run]:
    """Run a command on the copy."""
    return lambda *args, **kw: kdrama(*args, "--db", str(db), **kw)


def ids(run: Run) -> list[int]:
    assert run.exit_code == 0, run.stderr
    return [scene["id"] for scene in run.json()]


def updated(run: Run, message: str) -> None:
    """The command succeeded with this one line on stderr, and nothing on stdout."""
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", message + "\n")


def test_a_drama_alias_finds_its_scenes_in_list_search_and_completion_at_once(
    db: Path, on: Callable[..., Run]
) -> None:
    assert ids(on("list", "--drama", "Love's Emergency Landing", "--json")) == []
    run = on("drama", "edit", "CLOY", "--alias", "Love's Emergency Landing")
    updated(run, "Updated drama Crash Landing on You (2020).")
    assert ids(on("list", "--drama", "Love's Emergency Landing", "--json")) == [6]
    assert ids(on("list", "--drama", "emergency landing", "--json")) == [6]
    assert ids(on("search", "emergency landing", "--json")) == [6]
    assert ids(on("list", "--drama", "CLOY", "--json")) == [6]
    assert bash_words(f"kdrama list --db {db} --drama Love") == ["Crash\\ Landing\\ on\\ You"]


def test_a_removed_alias_finds_nothing_any_more(on: Callable[..., Run]) -> None:
    run = on("drama", "edit", "Descendants of the Sun", "--remove-alias", "dots")
    updated(run, "Updated drama Descendants of the Sun (2016).")
    listed = on("list", "--drama", "DOTS", "--json")
    assert ids(listed) == []
    assert "No drama matches 'DOTS'." in listed.stderr
    assert ids(on("search", "dots", "--json")) == []
    assert ids(on("list", "--drama", "Descendants", "--json")) == [5]


def test_removing_then_adding_an_alias_corrects_its_spelling(on: Callable[..., Run]) -> None:
    run = on("drama", "edit", "CLOY", "--remove-alias", "cloy", "--alias", "C.L.O.Y.")
    updated(run, "Updated drama Crash Landing on You (2020).")
    assert ids(on("list", "--drama", "cloy", "--json")) == [6]
    refused = on("drama", "edit", "CLOY", "--remove-alias", "Love")
    assert refused.stderr == (
        "Error: Crash Landing on You (2020) has no alias 'Love' (its aliases: C.L.O.Y.)\n"
    )


def test_a_korean_title_and_network_are_cleared_and_set_again(on: Callable[..., Run]) -> None:
    run = on("drama", "edit", "goblin", "--korean", "", "--network", "")
    updated(run, "Updated drama Goblin (2017).")
    shown = on("show", "4", "--format", "json").json()
    assert (shown["drama_korean"], shown["network"]) == (None, None)
    assert ids(on("list", "--drama", "도깨비", "--json")) == []
    assert ids(on("search", "도깨비", "--json")) == []

    run = on(
        "drama", "edit", "Goblin", "--network", "tvN", "--korean", "쓸쓸하고 찬란하神 – 도깨비"
    )
    updated(run, "Updated drama Goblin (2017).")
    shown = on("show", "4", "--format", "json").json()
    assert (shown["drama_korean"], shown["network"]) == ("쓸쓸하고 찬란하神 – 도깨비", "tvN")
    assert ids(on("list", "--drama", "Dokkaebi", "--json")) == [4]
    assert ids(on("search", "도깨비", "--json")) == [4]


def test_setting_what_a_drama_already_has_says_so_and_writes_nothing(
    db: Path, on: Callable[..., Run]
) -> None:
    before = snapshot(db)
    run = on(
        "drama", "edit", "Goblin", "--network", "tvN", "--korean", "쓸쓸하고 찬란하神 – 도깨비"
    )
    updated(run, "Nothing changed: drama Goblin (2017) already has those values.")
    assert snapshot(db) == before


def test_an_alias_spelled_like_a_name_is_already_found_and_not_stored(
    db: Path, on: Callable[..., Run]
) -> None:
    before = snapshot(db)
    run = on("character", "edit", "Se Ri", "--alias", "Yoon Se-ri")
    updated(
        run,
        "Nothing changed: character Yoon Se Ri (윤세리) in Crash Landing on You (2020)"
        " is already called 'Yoon Se-ri'.",
    )
    assert snapshot(db) == before
    assert ids(on("list", "--character", "Yoon Se-ri", "--json")) == [6]
    run = on("drama", "edit", "CLOY", "--alias", "cloy", "--alias", "Sarangui Bulsichak")
    updated(run, "Updated drama Crash Landing on You (2020); it was already called 'cloy'.")


def test_a_person_alias_and_hangul_name_show_in_lookups_search_actors_and_completion(
    db: Path, on: Callable[..., Run]
) -> None:
    run = on("person", "edit", "Hyun Bin", "--alias", "Kim Tae Pyung")
    updated(run, "Updated person Hyun Bin (현빈).")
    assert ids(on("list", "--actor", "Kim Tae-pyung", "--json")) == [6]
    assert ids(on("list", "--actor", "Tae-pyung Kim", "--json")) == [6]
    assert ids(on("search", "Tae Pyung", "--json")) == [6]

    updated(on("person", "edit", "현빈", "--hangul", "김태평"), "Updated person Hyun Bin (김태평).")
    actors = on("actors", "--actor", "Hyun Bin").stdout
    assert "김태평" in actors and "현빈" not in actors
    assert ids(on("list", "--actor", "김태평", "--json")) == [6]
    assert ids(on("list", "--actor", "현빈", "--json")) == []
    assert ids(on("search", "김태평", "--json")) == [6]
    assert bash_words(f"kdrama list --db {db} --actor 김태") == ["Hyun\\ Bin"]


def test_a_character_alias_is_found_and_removed_again(on: Callable[..., Run]) -> None:
    run = on("character", "edit", "Se Ri", "--alias", "The Heiress")
    updated(run, "Updated character Yoon Se Ri (윤세리) in Crash Landing on You (2020).")
    assert ids(on("list", "--character", "the heiress", "--json")) == [6]
    assert ids(on("search", "heiress", "--json")) == [6]
    on("character", "edit", "Yoon Se Ri", "--remove-alias", "The Heiress")
    assert ids(on("list", "--character", "the heiress", "--json")) == []
    assert ids(on("search", "heiress", "--json")) == []


def test_a_character_hangul_name_is_cleared(on: Callable[..., Run]) -> None:
    run = on("character", "edit", "저승사자", "--hangul", "")
    updated(run, "Updated character Grim Reaper in Goblin (2017).")
    assert ids(on("list", "--character", "저승사자", "--json")) == []
    assert on("show", "4", "--format", "json").json()["characters"][0]["name_korean"] is None


def test_a_whole_title_is_preferred_to_a_title_it_is_a_run_of(on: Callable[..., Run]) -> None:
    assert on("add", "-t", "Puddles", "-d", "Rain", "-y", "2021", "-a", "Kim Actor").stdout == "7\n"
    updated(on("drama", "edit", "Rain", "--alias", "Just Rain"), "Updated drama Rain (2021).")
    assert ids(on("list", "--drama", "Just Rain", "--json")) == [7]
    assert ids(on("list", "--drama", "Rain", "--json")) == [2, 7]


def test_a_year_says_which_of_two_dramas_of_one_title(on: Callable[..., Run]) -> None:
    on("add", "-t", "Remade", "-d", "Goblin", "-y", "2030", "-a", "Kim Actor", "--new-drama")
    refused = on("drama", "edit", "Goblin", "--network", "Netflix")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: 'Goblin' matches 2 dramas: Goblin (2017), Goblin (2030);"
        " add --year, or give more of the title\n",
    )
    missed = on("drama", "edit", "Goblin", "--year", "2019", "--network", "Netflix")
    assert missed.stderr == (
        "Error: no drama from 2019 matches 'Goblin'; there are Goblin (2017), Goblin (2030)\n"
    )
    run = on("drama", "edit", "Goblin", "--year", "2030", "--network", "Netflix")
    updated(run, "Updated drama Goblin (2030).")
    assert [s["network"] for s in on("list", "--drama", "Goblin", "--json").json()] == [
        "tvN",
        "Netflix",
    ]


def test_the_hangul_name_says_which_of_two_people_of_one_name(
    on: Callable[..., Run], tmp_path: Path
) -> None:
    scenes = [
        {"title": "A", "drama": "Drama A", "year": 2021,
         "characters": [{"name": "Hero", "actor": "Kim Ji Won", "actor_korean": "김지원"}]},
        {"title": "B", "drama": "Drama B", "year": 2022,
         "characters": [{"name": "Hero", "actor": "Kim Ji Won", "actor_korean": "김지운"}]},
    ]  # fmt: skip
    (tmp_path / "two.json").write_text(json.dumps(scenes), "utf-8")
    assert on("import", str(tmp_path / "two.json")).exit_code == 0
    refused = on("person", "edit", "Kim Ji Won", "--alias", "Jiwoon")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: 'Kim Ji Won' matches 2 people: Kim Ji Won (김지운), Kim Ji Won (김지원);"
        " give the Hangul name to say which\n",
    )
    updated(
        on("person", "edit", "김지운", "--alias", "Jiwoon"), "Updated person Kim Ji Won (김지운)."
    )
    assert ids(on("list", "--actor", "Jiwoon", "--json")) == [8]


def test_the_drama_says_which_of_two_characters_of_one_given_name(on: Callable[..., Run]) -> None:
    on("add", "-t", "Another", "-d", "Another Drama", "-y", "2021", "-c", "Park Se Ri=Kim Actor")
    refused = on("character", "edit", "Se Ri", "--alias", "Miss Yoon")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: 'Se Ri' matches 2 characters: Park Se Ri in Another Drama (2021),"
        " Yoon Se Ri (윤세리) in Crash Landing on You (2020); add --drama, or give the full"
        " name\n",
    )
    run = on("character", "edit", "Se Ri", "--drama", "CLOY", "--alias", "Miss Yoon")
    updated(run, "Updated character Yoon Se Ri (윤세리) in Crash Landing on You (2020).")
    assert ids(on("list", "--character", "Miss Yoon", "--json")) == [6]
    taken = on("character", "edit", "Park Se Ri", "--alias", "Miss Yoon")
    assert taken.exit_code == 0, "another drama's character may share an alias"


REFUSALS = [
    # Names that match nothing, or several
    (["drama", "edit", "Gobin", "--alias", "X"], 1,
     "Error: no drama matches 'Gobin'. Did you mean: Goblin?"),
    (["person", "edit", "Hyun Bn", "--alias", "X"], 1,
     "Error: no person matches 'Hyun Bn'. Did you mean: Hyun Bin?"),
    (["character", "edit", "Se Ro", "--alias", "X"], 1,
     "Error: no character matches 'Se Ro'. Did you mean: Yoon Se Ri?"),
    (["drama", "edit", "Goblin", "--year", "2019", "--alias", "X"], 1,
     "Error: no drama from 2019 matches 'Goblin'; there is Goblin (2017)"),
    (["character", "edit", "Jeong Hyeok", "--drama", "Goblin", "--alias", "X"], 1,
     "Error: no character of 'Goblin' matches 'Jeong Hyeok'; there is Ri Jeong Hyeok (리정혁)"
     " in Crash Landing on You (2020)"),
    (["character", "edit", "Se Ri", "--drama", "Nowhere", "--alias", "X"], 1,
     "Error: no drama matches 'Nowhere'"),
    (["drama", "edit", "the", "--alias", "X"], 1,
     "Error: 'the' matches 3 dramas: Descendants of the Sun (2016), Goblin (2017),"
     " Something in the Rain (2018); add --year, or give more of the title"),
    # Names that would find another row too
    (["drama", "edit", "CLOY", "--alias", "goblin"], 1,
     "Error: 'goblin' already names another drama, Goblin (2017); lookups could not tell"
     " them apart"),
    (["drama", "edit", "CLOY", "--alias", "Dokkaebi"], 1,
     "Error: 'Dokkaebi' already names another drama, Goblin (2017); lookups could not tell"
     " them apart"),
    (["drama", "edit", "CLOY", "--alias", "Rain"], 1,
     "Error: 'Rain' already names another drama, Something in the Rain (2018); lookups could"
     " not tell them apart"),
    (["drama", "edit", "CLOY", "--korean", "태양의 후예"], 1,
     "Error: '태양의 후예' already names another drama, Descendants of the Sun (2016); lookups"
     " could not tell them apart"),
    (["person", "edit", "Hyun Bin", "--alias", "Son Ye-jin"], 1,
     "Error: 'Son Ye-jin' already names another person, Son Ye Jin (손예진); lookups could"
     " not tell them apart"),
    (["person", "edit", "Hyun Bin", "--hangul", "손예진"], 1,
     "Error: '손예진' already names another person, Son Ye Jin (손예진); lookups could not"
     " tell them apart"),
    (["character", "edit", "Jeong Hyeok", "--alias", "Se Ri"], 1,
     "Error: 'Se Ri' already names another character, Yoon Se Ri (윤세리) in Crash Landing"
     " on You (2020); lookups could not tell them apart"),
    (["person", "edit", "Hyun Bin", "--remove-alias", "Binnie"], 1,
     "Error: Hyun Bin (현빈) has no alias 'Binnie' (it has none)"),
    (["drama", "edit", "CLOY", "--alias", "X", "--remove-alias", "Love"], 1,
     "Error: Crash Landing on You (2020) has no alias 'Love' (its aliases: CLOY)"),
    # Usage errors
    (["drama", "edit", "CLOY"], 2,
     "Error: nothing to change: give at least one option, such as --alias or --korean"),
    (["person", "edit", "Hyun Bin"], 2,
     "Error: nothing to change: give at least one option, such as --alias or --hangul"),
    (["drama", "edit", "CLOY", "--alias", " "], 2,
     "Error: Invalid value for '--alias': must not be empty"),
    (["drama", "edit", "CLOY", "--alias", "!?"], 2,
     "Error: Invalid value for '--alias': '!?' has no letters or digits to match"),
    (["person", "edit", "Hyun Bin", "--hangul", "--"], 2,
     "Error: Invalid value for '--hangul': '--' has no letters or digits to match"),
    (["drama", "edit", "CLOY", "--network", "\x1b[2J"], 2,
     "Error: Invalid value for '--network': has a control character (\\x1b) at character 1"),
    (["character", "edit", "Se Ri", "--hangul", "세" * 1001], 2,
     "Error: Invalid value for '--hangul': is 1,001 characters long; the most is 1,000"),
    (["drama", "edit", "...", "--alias", "X"], 2,
     "Error: Invalid value for 'TITLE': '...' has no letters or digits to match"),
    (["drama", "edit", "CLOY", "--year", "twenty", "--alias", "X"], 2,
     "Error: Invalid value for '--year' / '-y': 'twenty' is not a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), REFUSALS)
def test_a_refused_edit_is_one_line_and_leaves_the_catalog_as_it_was(
    db: Path, on: Callable[..., Run], args: list[str], code: int, message: str
) -> None:
    before = snapshot(db)
    run = on(*args)
    assert (run.exit_code, run.stdout) == (code, "")
    assert run.stderr.splitlines()[-1] == message
    assert snapshot(db) == before


def test_the_first_edit_creates_the_users_catalog_and_leaves_the_bundle_alone(
    kdrama: Invoke,
) -> None:
    bundled = storage.bundled_catalog_path()
    before = bundled.read_bytes()
    run = kdrama("drama", "edit", "CLOY", "--alias", "Love's Emergency Landing")
    updated(run, "Updated drama Crash Landing on You (2020).")
    assert kdrama("db", "path").stderr == "This is your catalog.\n"
    assert ids(kdrama("list", "--drama", "Love's Emergency Landing", "--json")) == [6]
    run = kdrama("person", "edit", "Hyun Bin", "--alias", "Kim Tae Pyung")
    updated(run, "Updated person Hyun Bin (현빈).")
    assert ids(kdrama("search", "emergency landing", "--actor", "Kim Tae Pyung", "--json")) == [6]
    assert bundled.read_bytes() == before


def test_a_catalog_that_may_not_be_written_is_refused_in_one_line(db: Path) -> None:
    db.chmod(0o444)
    assert_children_cannot("change", db)
    before = db.read_bytes()
    run = unprivileged(KDRAMA_BIN, "drama", "edit", "CLOY", "--alias", "X", "--db", str(db))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == f"Error: cannot write {db}: permission denied\n"
    assert db.read_bytes() == before


@pytest.mark.parametrize("group", ["drama", "person", "character"])
def test_each_group_alone_lists_its_edit_command(kdrama: Invoke, group: str) -> None:
    out = kdrama(group).stdout
    assert f"Usage: kdrama {group} [OPTIONS] COMMAND" in out
    assert re.search(rf"│ edit +Change a {group}'s ", out)


def test_the_examples_in_the_naming_module_run() -> None:
    assert doctest.testmod(naming).failed == 0
