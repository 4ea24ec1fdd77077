"""kdrama search: what it finds (English, Korean, names), how it ranks, that typed text
is never query syntax, and that the index follows every change to the catalog."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import editing, search, storage
from kdrama_cli.catalog import Catalog
from kdrama_cli.importfile import ImportFormat
from kdrama_cli.models import SCENE_FIELDS, SceneFilter, YearRange
from kdrama_cli.records import read_records

from .conftest import Invoke, one_scene, run_process
from .test_user_catalog import load_v1


def found(text: str, filters: SceneFilter | None = None) -> list[int]:
    with Catalog.open_bundled() as catalog:
        return [scene.id for scene in catalog.search_scenes(text, filters)]


def ids(run: Any) -> list[int]:
    assert run.exit_code == 0, run.stderr
    return [scene["id"] for scene in run.json()]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


# What it finds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wine", [5]),
        ("the one with the wine", [5]),
        ("WINE", [5]),
        ("tears", [6]),
        ("the tears scene", [6]),
        ("tear", [6]),
        ("kiss", [6, 5]),
        ("kissing", [6, 5]),
        ("hide", [1]),
        ("gossip public", [1]),
        ("Goblin", [4]),
        ("Guardian", [4]),
        ("CLOY", [6]),
        ("Pretty Noona", [2]),
        ("Descendants of the Sun", [5]),
        ("Grim Reaper", [4]),
        ("Jin-Hyuk", [1]),
        ("Son Ye Jin", [6, 2]),
        ("Song Hye Kyo", [1, 5]),
        ("Sunny", [4]),
        ("Cosmopolitan", []),
    ],
)
def test_search_finds_words_in_titles_descriptions_dramas_and_names(
    text: str, expected: list[int]
) -> None:
    assert sorted(found(text)) == sorted(expected)


def test_a_name_does_not_match_longer_names_that_begin_like_it() -> None:
    # "Son" is not "Song": Son Ye Jin's search leaves out Song Hye Kyo's scenes.
    assert sorted(found("son")) == [2, 6]
    assert sorted(found("song")) == [1, 5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("도깨비", [4]),
        ("깨비", [4]),
        ("사랑", [6]),
        ("불시착", [6]),
        ("손예진", [2, 6]),
        ("현빈", [6]),
        ("예진", [2, 6]),
        ("남자친구", [1]),
        ("비서", [3]),
        ("김비서가 왜 그럴까", [3]),
        ("神", [4]),
        ("도깨비 wine", []),
    ],
)
def test_korean_words_are_found_inside_longer_words(text: str, expected: list[int]) -> None:
    assert sorted(found(text)) == expected


def test_decomposed_hangul_finds_the_same_scenes() -> None:
    for text in ["도깨비", "사랑", "손예진"]:
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        assert found(decomposed) == found(text) != []


def test_a_word_inside_a_longer_korean_word_and_one_syllable_match(
    make_catalog: Callable[..., Path],
) -> None:
    source = one_scene(description="도깨비가 나타났다. 사랑해요.")
    with Catalog.open(make_catalog(source)) as catalog:
        for text in ["도깨비", "도깨비가", "사랑", "랑해", "해", "나타났다"]:
            assert [s.id for s in catalog.search_scenes(text)] == [1], text
        assert [s.id for s in catalog.search_scenes("도깨비들")] == []


def test_text_stored_decomposed_is_found_by_composed_queries(
    make_catalog: Callable[..., Path],
) -> None:
    source = one_scene(title=unicodedata.normalize("NFD", "첫눈 오는 날"))
    with Catalog.open(make_catalog(source)) as catalog:
        assert [s.id for s in catalog.search_scenes("첫눈")] == [1]


def test_results_come_best_first_title_before_description(
    make_catalog: Callable[..., Path],
) -> None:
    source = one_scene(title="Umbrella in the rain", description="Nothing else.")
    source["scenes"].append(
        {
            "id": 2,
            "drama": "Test Drama",
            "title": "A quiet walk",
            "description": "Later the umbrella is left behind on a long, long walk home.",
            "characters": ["Hero"],
        }
    )
    with Catalog.open(make_catalog(source)) as catalog:
        assert [s.id for s in catalog.search_scenes("umbrella")] == [1, 2]
        assert [s.id for s in catalog.search_scenes("umbrella", limit=1)] == [1]


def test_search_takes_lists_filters(kdrama: Invoke) -> None:
    assert ids(kdrama("search", "kiss", "--year", "2020", "--json")) == [6]
    assert ids(kdrama("search", "kiss", "--actor", "송혜교", "--json")) == [5]
    assert ids(kdrama("search", "kiss", "--drama", "DOTS", "--json")) == [5]
    assert ids(kdrama("search", "kiss", "--character", "Se Ri", "--json")) == [6]
    assert len(ids(kdrama("search", "kiss", "--limit", "1", "--json"))) == 1
    assert ids(kdrama("search", "kiss", "--favorites", "--json")) == []
    assert found("kiss", SceneFilter(years=YearRange(2016, 2016))) == [5]


def test_search_words_need_not_be_quoted(kdrama: Invoke) -> None:
    assert ids(kdrama("search", "the", "one", "with", "the", "wine", "--json")) == [5]


def test_search_output_formats_are_lists(kdrama: Invoke) -> None:
    jsonl = kdrama("search", "wine", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in jsonl.stdout.splitlines()] == [5]
    csv = kdrama("search", "wine", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("id,title,drama") and csv[1].startswith("5,")


def test_the_table_shows_the_description_with_the_match(kdrama: Invoke) -> None:
    run = kdrama("search", "wine", "-f", "table", env={"COLUMNS": "120"})
    assert run.exit_code == 0
    assert "A wine lesson in the base kitchen" in run.stdout
    assert "drinking wine" in run.stdout
    assert "\x1b" not in run.stdout


def test_the_table_highlights_matches_on_a_terminal(kdrama: Invoke) -> None:
    run = kdrama("search", "kissing", "-f", "table", env={"COLUMNS": "200", "FORCE_COLOR": "1"})
    assert run.exit_code == 0
    for word in ["kisses", "kissing", "kiss"]:
        # Bold and reversed (1 and 7), whatever the style of the text around it.
        assert re.search(rf"\x1b\[1;(?:2;)?7m{word}\x1b\[0m", run.stdout), word
    assert not re.search(r"7m(?:Sun|Song|Hyun)\x1b", run.stdout)


def test_highlights_match_korean_inside_words_and_whole_english_words() -> None:
    pattern = search.highlight_pattern(search.parse_query("tears 도깨비 son"))
    text = "Son's tears, Song tear; 쓸쓸하고 도깨비가"
    assert [m.group() for m in pattern.finditer(text)] == ["Son's", "tears", "tear", "도깨비"]


def test_catalog_text_is_never_markup_in_search_results(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    title = "[bold red]Wine[/] :heart: [link=https://evil.example]x[/link] [/]"
    db = make_catalog(one_scene(title=title))
    run = kdrama("search", "wine", "--db", str(db), env={"COLUMNS": "200"})
    assert run.exit_code == 0
    assert title in run.stdout


# Typed text is never syntax -------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    "'",
    '"wine',
    'wine"',
    "AND",
    "OR",
    "NOT",
    "wine AND",
    "OR wine",
    "wine NOT kiss",
    "NEAR(",
    "NEAR(wine kiss)",
    "NEAR(wine kiss, 2)",
    "wine*",
    "*wine",
    "-wine",
    "wine -kiss",
    "%wine%",
    "wine\\",
    "\\",
    "[wine]",
    "(wine",
    "wine)",
    "{title}: wine",
    "title:wine",
    "^wine",
    "+wine",
    "wine;DROP TABLE scenes;--",
    "'; DELETE FROM scenes; --",
    "\x00wine",
    "wine\t\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_whatever_is_typed_is_searched_for_literally(kdrama: Invoke, db: Path, text: str) -> None:
    before = db.read_bytes()
    run = kdrama("search", "--db", str(db), "--json", "--", text)
    assert run.exit_code in (0, 2), run.stderr
    assert "Traceback" not in run.stderr and "fts5" not in run.stderr.lower()
    if run.exit_code == 0:
        assert isinstance(run.json(), list)
    else:
        assert "no letters or digits" in run.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wine*", [5]),
        ("-wine", [5]),
        ("%wine%", [5]),
        ("[wine]", [5]),
        ("wine;DROP TABLE scenes;--", []),
        ("NEAR(wine kiss)", []),
        ("OR wine", [5]),
        ("wine AND", [5]),
    ],
)
def test_operators_are_words_and_punctuation_is_ignored(text: str, expected: list[int]) -> None:
    # "and", "or" are searched for as words ("or" is a filler word, skipped); "near"
    # is a word no scene has; "drop table" is a phrase no scene has.
    assert found(text) == expected


def test_filler_words_are_searched_for_when_nothing_else_is_typed() -> None:
    assert sorted(found("AND")) == sorted(found("and")) == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("text", ["", " ", "\t", "   \n  "])
def test_an_empty_query_is_a_usage_error(kdrama: Invoke, text: str) -> None:
    run = kdrama("search", text)
    assert run.exit_code == 2
    assert "the query is empty" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("text", ["***", "-", "%", '"" ""', "()"])
def test_a_query_without_letters_or_digits_is_a_usage_error(kdrama: Invoke, text: str) -> None:
    run = kdrama("search", "--", text)
    assert run.exit_code == 2
    assert "has no letters or digits to search for" in run.stderr


def test_a_missing_query_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("search")
    assert run.exit_code == 2
    assert "Missing argument 'QUERY...'" in run.stderr


def test_the_python_api_refuses_an_empty_query() -> None:
    with Catalog.open_bundled() as catalog, pytest.raises(ValueError, match="empty"):
        list(catalog.search_scenes("  "))


# When nothing matches --------------------------------------------------------------


def test_no_match_says_so_under_a_table_and_json_is_an_empty_list(kdrama: Invoke) -> None:
    table = kdrama("search", "zeppelin")
    assert (table.exit_code, table.stdout) == (0, "")
    assert "No scene matches 'zeppelin'." in table.stderr
    assert kdrama("search", "zeppelin", "--json").stdout == "[]\n"


@pytest.mark.parametrize(
    ("query", "ids", "name"),
    [
        (["Hyeon", "Bin"], [6], "actor Hyun Bin"),
        (["Sohn", "Ye-jin"], [2, 6], "actor Son Ye Jin"),
        (["Son", "Yejin"], [2, 6], "actor Son Ye Jin"),
    ],
)
def test_a_name_in_another_spelling_finds_that_names_scenes(
    kdrama: Invoke, query: list[str], ids: list[int], name: str
) -> None:
    run = kdrama("search", *query, "--json")
    assert run.exit_code == 0
    assert [scene["id"] for scene in run.json()] == ids
    text = " ".join(query)
    assert run.stderr == f"No scene has the words {text!r}; here are the scenes of the {name}.\n"


def test_a_name_in_another_spelling_keeps_the_other_filters(kdrama: Invoke) -> None:
    run = kdrama("search", "Sohn", "Ye-jin", "--year", "2020", "--json")
    assert [scene["id"] for scene in run.json()] == [6]
    assert kdrama("search", "Sohn", "Ye-jin", "--year", "2016", "--json").stdout == "[]\n"


def test_words_the_index_has_are_searched_not_taken_for_a_name(kdrama: Invoke) -> None:
    run = kdrama("search", "hyun", "bin", "--json")
    assert [scene["id"] for scene in run.json()] == [6]
    assert run.stderr == ""


def test_a_misspelt_name_filter_gets_suggestions(kdrama: Invoke) -> None:
    run = kdrama("search", "kiss", "--actor", "Son Ye Jim")
    assert run.exit_code == 0
    assert "Did you mean: Son Ye Jin?" in run.stderr


# The index follows every change ---------------------------------------------------


def test_search_finds_a_scene_right_after_add_edit_and_import_and_not_after_rm(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    def search_ids(text: str) -> list[int]:
        return ids(kdrama("search", text, "--db", str(db), "--json"))

    added = kdrama(
        "add", "--db", str(db), "-t", "Umbrella under the first snow", "-d", "Goblin",
        "-y", "2017", "-a", "Gong Yoo", "--description", "첫눈이 내리는 날 우산을 쓴다.",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    new_id = int(added.stdout)
    assert search_ids("umbrella") == [new_id]
    assert search_ids("첫눈") == [new_id]
    assert search_ids("Gong Yoo") == [new_id]

    assert kdrama("edit", str(new_id), "-t", "Parasol", "--db", str(db)).exit_code == 0
    assert search_ids("umbrella") == []
    assert search_ids("parasol") == [new_id]
    assert kdrama("edit", str(new_id), "-a", "Kim Go Eun", "--db", str(db)).exit_code == 0
    assert search_ids("Gong Yoo") == []
    assert search_ids("Kim Go Eun") == [new_id]

    records = tmp_path / "more.jsonl"
    record = {"title": "Lanterns on the river", "drama": "Lovers", "year": 2012}
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert kdrama("import", str(records), "--db", str(db)).exit_code == 0
    [imported] = search_ids("lanterns")
    update = {"id": imported, "description": "Paper boats drift by."}
    records.write_text(json.dumps(update) + "\n", encoding="utf-8")
    assert kdrama("import", str(records), "--db", str(db), "--update").exit_code == 0
    assert search_ids("boats") == [imported]

    assert kdrama("rm", str(new_id), str(imported), "--yes", "--db", str(db)).exit_code == 0
    assert search_ids("parasol") == search_ids("lanterns") == search_ids("boats") == []
    assert search_ids("wine") == [5]


def test_a_drama_title_learnt_later_finds_its_older_scenes(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    records = tmp_path / "more.jsonl"
    record = {"title": "New", "drama": "Encounter", "year": 2019, "drama_korean": "남자친구"}
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE dramas SET title_korean = NULL WHERE title = 'Encounter'")
    conn.execute("INSERT OR IGNORE INTO search_stale SELECT id FROM scenes")
    search.refresh(conn)
    conn.commit()
    conn.close()
    with Catalog.open(db) as catalog:  # the index alone: no name is looked up
        assert list(catalog.search_scenes("남자친구")) == []
    assert kdrama("import", str(records), "--db", str(db)).exit_code == 0
    assert sorted(ids(kdrama("search", "남자친구", "--db", str(db), "--json")))[0] == 1


def test_the_index_matches_a_full_rebuild_after_many_changes(kdrama: Invoke, db: Path) -> None:
    on = ["--db", str(db)]
    kdrama("add", *on, "-t", "One", "-d", "CLOY", "-y", "2020", "-a", "Hyun Bin")
    kdrama("edit", "6", *on, "-d", "Goblin", "-y", "2016", "--new-drama")
    kdrama("rm", "1", "--yes", *on)
    kdrama("edit", "2", *on, "-c", "Someone=Hyun Bin")
    conn = sqlite3.connect(db)
    kept = conn.execute("SELECT rowid, * FROM scene_search ORDER BY rowid").fetchall()
    conn.execute("DELETE FROM scene_search")
    conn.execute("INSERT OR IGNORE INTO search_stale SELECT id FROM scenes")
    search.refresh(conn)
    assert conn.execute("SELECT rowid, * FROM scene_search ORDER BY rowid").fetchall() == kept
    assert [row[0] for row in kept] == [2, 3, 4, 5, 6, 7]
    conn.rollback()


def test_scenes_sharing_a_drama_and_cast_are_each_indexed_as_if_alone(db: Path) -> None:
    # refresh reads the text of a drama and of a cast once for all the scenes that
    # share them; each scene's row must still be what reading that scene alone gives.
    rows = [
        {
            "title": f"Rain {i}",
            "drama": "Shared",
            "year": 2020,
            "drama_korean": "함께",
            "actors": ["Gong Yoo"],
            "characters": [{"name": "Kim Shin", "actor": "Gong Yoo"}],
            "description": f"Scene {i} 도깨비가",
        }
        for i in range(4)
    ]
    rows += [
        {"title": "Other cast", "drama": "Shared", "year": 2020, "actors": ["Hyun Bin"]},
        {"title": "No cast", "drama": "Alone", "year": 2021},
    ]
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    with Catalog.open(db, write=True) as catalog:
        editing.import_records(catalog, read_records(text, ImportFormat.jsonl))
        conn = catalog.conn
        with storage.transaction(conn):
            conn.execute(
                "INSERT INTO person_aliases SELECT id, 'Goblin Actor' FROM people"
                " WHERE name = 'Gong Yoo'"
            )
            conn.execute(
                "INSERT INTO drama_aliases SELECT id, '함께 비' FROM dramas WHERE title = 'Shared'"
            )
        alone = f"""
            SELECT s.id, s.title,
                d.title || ' ' || coalesce(d.title_korean, '') || ' ' || coalesce(
                (SELECT group_concat(alias, ' ') FROM drama_aliases WHERE drama_id = d.id), ''),
                (SELECT group_concat(n, ' ') FROM ({search._SCENE_NAMES})), s.description,
                (SELECT group_concat(t.name, ' ') FROM scene_tags st
                    JOIN tags t ON t.id = st.tag_id WHERE st.scene_id = s.id), s.note
            FROM scenes s JOIN dramas d ON d.id = s.drama_id WHERE s.id = ?"""
        indexed = conn.execute("SELECT rowid, * FROM scene_search ORDER BY rowid").fetchall()
        expected = [
            tuple(
                search.index_text(v) if isinstance(v, str) else v
                for v in conn.execute(alone, (scene_id,)).fetchone()
            )
            for scene_id, *_ in indexed
        ]
    assert indexed == expected
    assert [row[3] for row in indexed[-6:-2]] == [indexed[-6][3]] * 4
    assert "Goblin Actor" in indexed[-6][3] and indexed[-1][3] is None


def test_a_catalog_of_the_first_schema_is_indexed_when_upgraded(
    kdrama: Invoke, tmp_path: Path
) -> None:
    old = load_v1(tmp_path / "v1.db")
    assert ids(kdrama("search", "wine", "--db", str(old), "--json")) == [5]
    assert ids(kdrama("search", "사랑", "--db", str(old), "--json")) == [6]


def test_the_bundled_catalog_has_every_scene_indexed() -> None:
    with Catalog.open_bundled() as catalog:
        indexed = catalog.conn.execute(f"SELECT rowid FROM {search.TABLE}").fetchall()
        stale = catalog.conn.execute("SELECT count(*) FROM search_stale").fetchone()[0]
    assert ([row[0] for row in indexed], stale) == ([1, 2, 3, 4, 5, 6], 0)


def test_the_installed_command_searches_in_korean_from_a_new_process() -> None:
    run = run_process("search", "도깨비", "--json")
    assert (run.exit_code, run.stderr) == (0, "")
    assert [scene["drama"] for scene in json.loads(run.stdout)] == ["Goblin"]
    blank = run_process("search", " ")
    assert blank.exit_code == 2 and "Traceback" not in blank.stderr


def test_importing_search_leaves_the_wide_script_pattern_uncompiled() -> None:
    code = (
        "import kdrama_cli.search as s; a = s._wide.cache_info().currsize;"
        " s.index_text('도깨비'); print(a, s._wide.cache_info().currsize)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["0", "1"]


@pytest.mark.parametrize("words", [["kiss"], ["rain"], ["the", "wine"], ["도깨비"]])
@pytest.mark.parametrize("options", [[], ["--year", "2016..2019"], ["--limit", "1"]])
def test_search_as_compact_json_and_json_lines_is_what_every_field_gives(
    kdrama: Invoke, words: list[str], options: list[str]
) -> None:
    """Piped JSON and JSON Lines are built by SQLite; --fields (every one, in order)
    makes Python write the same objects, in the same order."""
    every = ",".join(SCENE_FIELDS)
    by_python = kdrama("search", *words, *options, "--json", "--fields", every)
    by_sqlite = kdrama("search", *words, *options, "--json")
    lines = kdrama("search", *words, *options, "--format", "jsonl")
    assert by_python.exit_code == by_sqlite.exit_code == lines.exit_code == 0
    assert by_sqlite.stdout == by_python.stdout
    assert by_python.json() and [json.loads(line) for line in lines.stdout.splitlines()] == (
        by_python.json()
    )
