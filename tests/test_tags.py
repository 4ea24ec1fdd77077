"""Tags (issue 17): `kdrama tag` adds and removes them, `--tag` and `--episode` filter
every command that takes filters, `kdrama tags` counts scenes by tag, and stats,
search and completion know them."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli.completion import complete

from .conftest import BUNDLED, Invoke, on_terminal, run_process
from .test_completion import bash_env, bash_words, fish_env, zsh_env


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A copy of the bundled catalog (six scenes, no tags)."""
    copy = tmp_path / "scenes.db"
    shutil.copyfile(BUNDLED, copy)
    return str(copy)


@pytest.fixture
def tagged(kdrama: Invoke, db: str) -> str:
    """The bundled scenes tagged: 2 (Something in the Rain) kiss and rain, 6 (Crash
    Landing on You) Kiss, 5 (Descendants of the Sun) rain and comedy."""
    for words in (["2", "kiss", "rain"], ["6", "Kiss"], ["5", "rain", "comedy"]):
        assert kdrama("tag", *words, "--db", db).exit_code == 0
    return db


def ids(run_stdout: str) -> list[int]:
    """The scene ids of piped lines (the first cell of each)."""
    return [int(line.split("\t", 1)[0]) for line in run_stdout.splitlines()]


def tags_of(kdrama: Invoke, db: str, scene_id: int) -> list[str]:
    run = kdrama("tag", str(scene_id), "--db", db, "--json")
    assert run.exit_code == 0
    return list(run.json()[0]["tags"])


def kept_and_recounted(db: str) -> tuple[dict[str, int], dict[str, int]]:
    """The tags' kept scene counts, and the same counted from scratch."""
    with sqlite3.connect(db) as conn:
        kept = dict(
            conn.execute("SELECT t.name, c.scenes FROM tag_counts c JOIN tags t ON t.id = c.tag_id")
        )
        recounted = dict(
            conn.execute(
                "SELECT t.name, count(*) FROM scene_tags st JOIN tags t ON t.id = st.tag_id"
                " GROUP BY t.id"
            )
        )
    return kept, recounted


# kdrama tag


def test_tag_adds_words_and_says_what_changed_on_stderr_only(kdrama: Invoke, db: str) -> None:
    run = kdrama("tag", "6", "kiss", "+rain", "--db", db)
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == "Scene 6: added kiss, rain. Tags: kiss, rain.\n"
    listed = kdrama("tag", "6", "--db", db)
    assert (listed.exit_code, listed.stdout) == (0, "kiss\nrain\n")


def test_tag_removes_with_a_minus_and_a_tag_no_scene_has_leaves_the_catalog(
    kdrama: Invoke, tagged: str
) -> None:
    run = kdrama("tag", "5", "-comedy", "-rain", "--db", tagged)
    assert run.exit_code == 0
    assert run.stderr == "Scene 5: removed rain, comedy. Tags: none.\n"
    assert tags_of(kdrama, tagged, 5) == []
    assert [row["tag"] for row in kdrama("tags", "--db", tagged, "--json").json()] == [
        "kiss",
        "rain",
    ]
    assert kdrama("tag", "5", "--db", tagged).stderr == "Scene 5 has no tags.\n"


def test_tags_match_in_any_case_and_keep_the_form_first_typed(kdrama: Invoke, db: str) -> None:
    kdrama("tag", "6", "First-Meeting", "--db", db)
    run = kdrama("tag", "2", "FIRST-MEETING", "--db", db)
    assert run.stderr == "Scene 2: added First-Meeting. Tags: First-Meeting.\n"
    again = kdrama("tag", "2", "first-meeting", "--db", db)
    assert again.stderr == "Scene 2: no change. Tags: First-Meeting.\n"
    assert kdrama("tags", "--db", db, "--json").json() == [{"tag": "First-Meeting", "count": 2}]
    kdrama("tag", "2", "6", "-fIRST-mEETING", "--db", db)
    assert kdrama("tags", "--db", db, "--json").json() == []


def test_tag_changes_several_scenes_and_writes_their_tags_as_json(
    kdrama: Invoke, tagged: str
) -> None:
    run = kdrama("tag", "2", "6", "+comedy", "-kiss", "--json", "--db", tagged)
    assert run.exit_code == 0
    assert run.json() == [{"id": 2, "tags": ["rain", "comedy"]}, {"id": 6, "tags": ["comedy"]}]
    assert run.stderr.splitlines() == [
        "Scene 2: added comedy; removed kiss. Tags: rain, comedy.",
        "Scene 6: added comedy; removed kiss. Tags: comedy.",
    ]


def test_tag_of_an_unknown_scene_exits_1_naming_it_and_writes_nothing(
    kdrama: Invoke, tagged: str
) -> None:
    before = Path(tagged).read_bytes()
    run = kdrama("tag", "2", "99", "comedy", "--db", tagged)
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "Error: no scene with id 99\n")
    assert Path(tagged).read_bytes() == before
    assert tags_of(kdrama, tagged, 2) == ["kiss", "rain"]
    listed = kdrama("tag", "99", "--db", tagged)
    assert (listed.exit_code, listed.stderr) == (1, "Error: no scene with id 99\n")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["2", "6"], "give tags to add (+word) or remove (-word), or one id to list its tags"),
        (["kiss"], "give the id of a scene first"),
        (["2", "+kiss", "-KISS"], "'kiss' is both added and removed; say which"),
        (["2", "--jsn"], "no such option: --jsn"),
        (["0", "kiss"], "'0' is not a positive whole number"),
    ],
)
def test_tag_without_words_or_ids_is_a_usage_error_that_writes_nothing(
    kdrama: Invoke, tagged: str, words: list[str], message: str
) -> None:
    before = Path(tagged).read_bytes()
    run = kdrama("tag", *words, "--db", tagged)
    assert run.exit_code == 2
    assert message in run.stderr
    assert Path(tagged).read_bytes() == before


@pytest.mark.parametrize(
    "word",
    [
        "<script>alert(1)</script>",
        "kiss\x1b[2J",
        "kiss rain",
        "ki\u202ess",
        "kiss\nrain",
        "k" * 41,
        "+",
        "++kiss",
        "-",
        "'quoted'",
    ],
)
def test_hostile_tag_text_is_refused_in_one_line_and_writes_nothing(
    kdrama: Invoke, tagged: str, word: str
) -> None:
    before = Path(tagged).read_bytes()
    run = kdrama("tag", "2", word, "--db", tagged)
    assert (run.exit_code, run.stdout) == (2, "")
    assert "Error" in run.stderr and "Traceback" not in run.stderr
    assert "\x1b[2J" not in run.stderr and "\u202e" not in run.stderr
    assert Path(tagged).read_bytes() == before
    filtered = kdrama("list", f"--tag={word}", "--db", tagged)
    assert filtered.exit_code == 2


def test_a_minus_word_is_never_taken_for_an_option_by_the_installed_command(tagged: str) -> None:
    # After an id, -h and -kiss are tags to remove, though -h is help elsewhere.
    kissed = run_process("tag", "2", "-kiss", "-h", "--db", tagged)
    assert kissed.exit_code == 0
    assert kissed.stderr == "Scene 2: removed kiss. Tags: rain.\n"
    for asking in ("--help", "-h"):  # -h first, where only an id may stand, is help
        help_ = run_process("tag", asking, "--db", tagged)
        assert help_.exit_code == 0 and "kdrama tag 2 6 +first-meeting -comedy" in help_.stdout
    assert run_process("tag", "2", "--db", tagged).stdout == "rain\n"


def test_tagging_the_bundled_catalog_makes_your_own_and_leaves_the_bundled_one(
    kdrama: Invoke,
) -> None:
    before = BUNDLED.read_bytes()
    run = kdrama("tag", "6", "kiss")
    assert run.exit_code == 0
    assert kdrama("tag", "6").stdout == "kiss\n"
    assert kdrama("list", "--tag", "kiss", "--format", "lines").stdout.startswith("6\t")
    assert BUNDLED.read_bytes() == before


# --tag and --episode on every command that takes filters


def test_tag_filter_requires_every_tag_given_in_any_case(kdrama: Invoke, tagged: str) -> None:
    assert ids(kdrama("list", "--tag", "KISS", "--db", tagged).stdout) == [2, 6]
    assert ids(kdrama("list", "--tag", "kiss", "--tag", "Rain", "--db", tagged).stdout) == [2]
    three = kdrama("list", "--tag", "kiss", "--tag", "rain", "--tag", "comedy", "--db", tagged)
    assert (three.exit_code, three.stdout) == (0, "")


# Each command, given --tag kiss --tag rain (scene 2 alone), and what it shows of it.
FILTERED: dict[str, tuple[list[str], Callable[[Any], object], object]] = {
    "list": (["list", "--json"], lambda out: [scene["id"] for scene in out], [2]),
    "search": (["search", "Jin", "--json"], lambda out: [scene["id"] for scene in out], [2]),
    "random": (
        ["random", "--count", "6", "--json"],
        lambda out: [scene["id"] for scene in out],
        [2],
    ),
    "export": (["export", "--format", "json"], lambda out: [scene["id"] for scene in out], [2]),
    "actors": (
        ["actors", "--json"],
        lambda out: [(row["actor"], row["count"]) for row in out],
        [("Jung Hae In", 1), ("Son Ye Jin", 1)],
    ),
    "dramas": (
        ["dramas", "--json"],
        lambda out: [row["drama"] for row in out],
        ["Something in the Rain"],
    ),
    "years": (["years", "--json"], lambda out: out, [{"year": 2018, "count": 1}]),
    "tags": (
        ["tags", "--json"],
        lambda out: out,
        [{"tag": "kiss", "count": 1}, {"tag": "rain", "count": 1}],
    ),
    "stats": (
        ["stats", "--json"],
        lambda out: (out["scenes"], out["dramas"], out["tags"]),
        (1, 1, 2),
    ),
}


@pytest.mark.parametrize("command", FILTERED.values(), ids=FILTERED.keys())
def test_every_filter_command_takes_the_tag_filter(
    kdrama: Invoke, tagged: str, command: tuple[list[str], Callable[[Any], object], object]
) -> None:
    words, shown, expected = command
    run = kdrama(*words, "--tag", "KISS", "--tag", "rain", "--db", tagged)
    assert run.exit_code == 0
    assert shown(run.json()) == expected


@pytest.fixture
def episodes(tagged: str) -> str:
    """Scenes 2 and 6 are from episode 3 of their dramas, scene 5 from episode 12."""
    # The options that set an episode come with `add`/`edit` (another part of issue 17).
    with sqlite3.connect(tagged) as conn:
        conn.execute("UPDATE scenes SET episode = 3 WHERE id IN (2, 6)")
        conn.execute("UPDATE scenes SET episode = 12 WHERE id = 5")
    conn.close()
    return tagged


@pytest.mark.parametrize("command", FILTERED.values(), ids=FILTERED.keys())
def test_every_filter_command_takes_the_episode_filter(
    kdrama: Invoke, episodes: str, command: tuple[list[str], Callable[[Any], object], object]
) -> None:
    words, shown, expected = command
    run = kdrama(*words, "--episode", "3", "--tag", "rain", "--db", episodes)
    assert run.exit_code == 0
    assert shown(run.json()) == expected


def test_episode_filter_alone_and_with_other_filters(kdrama: Invoke, episodes: str) -> None:
    assert ids(kdrama("list", "--episode", "3", "--db", episodes).stdout) == [2, 6]
    assert ids(kdrama("list", "--episode", "12", "--db", episodes).stdout) == [5]
    assert ids(kdrama("list", "--episode", "3", "-y", "2020", "--db", episodes).stdout) == [6]
    none = kdrama("list", "--episode", "4", "--db", episodes)
    assert (none.exit_code, none.stdout, none.stderr) == (0, "", "No scenes match.\n")


@pytest.mark.parametrize("value", ["0", "-2", "three", "1.5", "99999999999999999999"])
def test_episode_that_is_not_a_positive_whole_number_is_a_usage_error(
    kdrama: Invoke, value: str
) -> None:
    run = kdrama("list", f"--episode={value}")
    assert run.exit_code == 2
    assert "--episode" in run.stderr and value in run.stderr


def test_unknown_tag_gives_an_empty_result_and_says_so_with_close_tags(
    kdrama: Invoke, tagged: str
) -> None:
    run = kdrama("list", "--tag", "kis", "--db", tagged)
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == "No scene has the tag 'kis'. Did you mean: kiss?\n"
    as_json = kdrama("list", "--tag", "nothing-like-it", "--json", "--db", tagged)
    assert (as_json.exit_code, as_json.json()) == (0, [])
    assert as_json.stderr == "No scene has the tag 'nothing-like-it'.\n"
    picked = kdrama("random", "--tag", "rian", "--db", tagged)
    assert picked.exit_code == 1
    assert "No scene has the tag 'rian'. Did you mean: rain?" in picked.stderr
    counted = kdrama("stats", "--tag", "comdy", "--json", "--db", tagged)
    assert counted.json()["scenes"] == 0
    assert counted.stderr == "No scene has the tag 'comdy'. Did you mean: comedy?\n"


def test_list_by_tag_on_a_terminal_shows_a_screenful_and_how_many_more(db: str) -> None:
    # Forty-eight scenes: the bundled six, and seven more of each without their ids.
    exported = json.loads(run_process("export", "--db", db).stdout)
    copies = [{k: v for k, v in scene.items() if k != "id"} for scene in exported * 7]
    many = "\n".join(json.dumps(scene) for scene in copies)
    added = run_process("import", "-", "--db", db, "--format", "jsonl", input=many)
    assert added.exit_code == 0, added.stderr
    all_ids = ids(run_process("list", "--db", db, "--format", "lines").stdout)
    assert len(all_ids) == 48
    assert run_process("tag", *map(str, all_ids[8:48]), "kiss", "--db", db).exit_code == 0
    screen = on_terminal("list", "--tag", "kiss", "--db", db)
    assert screen.code == 0
    assert screen.stderr.strip() == "Showing 30 of 40 scenes. Use --limit N or --all."
    first_cells = [line.strip("│ ").split("│")[0].strip() for line in screen.stdout.splitlines()]
    shown = [int(cell) for cell in first_cells if cell.isdigit()]
    assert shown == all_ids[8:38]


# kdrama tags


def test_tags_facet_counts_most_first_in_every_format(kdrama: Invoke, tagged: str) -> None:
    expected = [
        {"tag": "kiss", "count": 2},
        {"tag": "rain", "count": 2},
        {"tag": "comedy", "count": 1},
    ]
    assert kdrama("tags", "--json", "--db", tagged).json() == expected
    lines = kdrama("tags", "--db", tagged).stdout
    assert lines == "kiss\t2\nrain\t2\ncomedy\t1\n"
    as_csv = kdrama("tags", "--format", "csv", "--db", tagged).stdout
    assert list(csv.DictReader(io.StringIO(as_csv))) == [
        {"tag": row["tag"], "count": str(row["count"])} for row in expected
    ]
    jsonl = kdrama("tags", "--format", "jsonl", "--limit", "1", "--db", tagged).stdout
    assert jsonl == '{"tag":"kiss","count":2}\n'
    table = kdrama("tags", "--format", "table", "--db", tagged).stdout
    assert "Tag" in table and "Scenes" in table and "comedy" in table


def test_tags_facet_on_a_terminal_draws_a_table(tagged: str) -> None:
    screen = on_terminal("tags", "--db", tagged)
    assert (screen.code, screen.stderr) == (0, "")
    cells = [line.strip("│┃ ").split() for line in screen.stdout.splitlines()]
    assert ["Tag", "┃", "Scenes"] in cells
    assert [row for row in cells if row[:1] in (["kiss"], ["rain"], ["comedy"])] == [
        ["kiss", "│", "2"],
        ["rain", "│", "2"],
        ["comedy", "│", "1"],
    ]


def test_tags_facet_of_a_catalog_without_tags_says_no_scenes_match(kdrama: Invoke, db: str) -> None:
    run = kdrama("tags", "--db", db)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "No scenes match.\n")
    assert kdrama("tags", "--json", "--db", db).json() == []


def test_stats_show_the_number_of_tags_and_the_top_tags(kdrama: Invoke, tagged: str) -> None:
    numbers = kdrama("stats", "--json", "--top", "2", "--db", tagged).json()
    assert numbers["tags"] == 3
    assert numbers["top_tags"] == [{"tag": "kiss", "count": 2}, {"tag": "rain", "count": 2}]
    drawn = kdrama("stats", "--db", tagged).stdout
    assert "Tags           3" in drawn
    top = drawn.split("Top tags\n", 1)[1].splitlines()[:3]
    assert [line.split()[:2] for line in top] == [["kiss", "2"], ["rain", "2"], ["comedy", "1"]]
    assert kdrama("stats", "--actor", "Hyun Bin", "--json", "--db", tagged).json()["tags"] == 1


# Search, completion and the kept counts


def test_search_finds_scenes_by_their_tags_and_follows_retagging(kdrama: Invoke, db: str) -> None:
    def found(word: str) -> list[int]:
        run = kdrama("search", word, "--json", "--db", db)
        return [scene["id"] for scene in run.json()] if run.stdout else []

    assert found("comedy") == []
    kdrama("tag", "5", "comedy", "--db", db)
    assert found("comedy") == [5]
    assert found("Comedy") == [5]
    kdrama("tag", "5", "-comedy", "--db", db)
    kdrama("tag", "3", "comedy", "--db", db)
    assert found("comedy") == [3]


def test_completion_offers_the_catalogs_tags_in_any_case(tagged: str) -> None:
    env = {"KDRAMA_DB": tagged}
    assert bash_words("kdrama list --tag ", **env) == ["comedy", "kiss", "rain"]
    assert bash_words("kdrama list --tag KI", **env) == ["kiss"]
    assert bash_words("kdrama stats --tag=ra", **env) == ["rain"]
    assert bash_words(f"kdrama tags --db {tagged} --tag co") == ["comedy"]
    assert bash_words("kdrama list --tag zz", **env) == []
    zsh = complete({**zsh_env("kdrama list --tag Ki"), **env})
    assert zsh is not None and "'kiss'" in zsh.output
    fish = complete({**fish_env("kdrama list --tag r"), **env})
    assert fish is not None and fish.output == "rain"


def test_tag_completion_runs_without_loading_typer_or_rich(tagged: str) -> None:
    code = (
        "import sys\n"
        "from kdrama_cli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))\n"
    )
    env = {**os.environ, **bash_env("kdrama list --tag k"), "KDRAMA_DB": tagged}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.splitlines() == ["kiss", "[]"]


def test_kept_tag_counts_stay_equal_to_a_count_from_scratch(kdrama: Invoke, tagged: str) -> None:
    for words in (
        ["1", "2", "3", "kiss", "drama"],
        ["2", "-kiss", "+Rain", "comedy"],
        ["5", "-rain", "-comedy"],
        ["6", "-kiss", "first-meeting"],
    ):
        assert kdrama("tag", *words, "--db", tagged).exit_code == 0
        kept, recounted = kept_and_recounted(tagged)
        assert kept == recounted
        facet = {
            row["tag"]: row["count"] for row in kdrama("tags", "--json", "--db", tagged).json()
        }
        assert facet == recounted
    assert kdrama("rm", "3", "--yes", "--db", tagged).exit_code == 0
    kept, recounted = kept_and_recounted(tagged)
    assert kept == recounted == {"kiss": 1, "rain": 1, "comedy": 1, "drama": 2, "first-meeting": 1}
