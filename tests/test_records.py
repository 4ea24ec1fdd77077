"""Reading import files: the exact inverse of `kdrama list --json/--format jsonl/csv`,
with every bad value stopped at its line or item and named in one line."""

from __future__ import annotations

import dataclasses
import io
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdrama_cli.catalog import Catalog
from kdrama_cli.errors import KdramaError
from kdrama_cli.importfile import ImportFormat, RecordError, guess_format
from kdrama_cli.models import OutputFormat, Role, Scene, SceneRecord, latest_year
from kdrama_cli.records import read_records
from kdrama_cli.render import render_scenes
from kdrama_cli.text import CONTROL

from .conftest import Invoke

LIST_ARGS = {
    ImportFormat.json: ("list", "--json"),
    ImportFormat.jsonl: ("list", "--format", "jsonl"),
    ImportFormat.csv: ("list", "--format", "csv"),
    ImportFormat.tsv: ("list", "--format", "tsv"),
}


def bundled_scenes() -> list[Scene]:
    with Catalog.open_bundled() as catalog:
        return list(catalog.list_scenes())


def expected_fields(scene: Scene, fmt: ImportFormat) -> SceneRecord:
    """What reading a written scene must give: every value, but an empty description,
    which is written as nothing and so reads back as null."""
    characters = scene.characters
    return SceneRecord(
        id=scene.id,
        title=scene.title,
        drama=scene.drama,
        drama_korean=scene.drama_korean,
        year=scene.year,
        network=scene.network,
        actors=scene.actors,
        characters=characters,
        description=scene.description or None,
        rank=scene.rank,
        source=scene.source,
        source_title=scene.source_title,
        source_credit=scene.source_credit,
        favorite=scene.favorite,
        rating=scene.rating,
        drama_aliases=scene.drama_aliases,
        actors_korean=scene.actors_korean,
        actor_aliases=scene.actor_aliases,
    )


def fields_of(record: SceneRecord) -> SceneRecord:
    """The record's values, without where it came from or which fields were given."""
    return dataclasses.replace(record, where="", given=frozenset())


def read_one(text: str, fmt: ImportFormat) -> SceneRecord:
    records = read_records(text, fmt)
    assert len(records) == 1
    return records[0]


def error_for(text: str, fmt: ImportFormat) -> str:
    with pytest.raises(RecordError) as raised:
        read_records(text, fmt)
    return str(raised.value)


# --- Round trips through `kdrama list` ----------------------------------------------


@pytest.mark.parametrize("fmt", list(ImportFormat))
def test_list_output_reads_back_as_the_bundled_scenes(kdrama: Invoke, fmt: ImportFormat) -> None:
    scenes = bundled_scenes()
    records = read_records(kdrama(*LIST_ARGS[fmt]).stdout, fmt)
    assert [fields_of(record) for record in records] == [
        expected_fields(scene, fmt) for scene in scenes
    ]
    keys = set(scenes[0].to_dict())
    assert all(record.given == keys for record in records)


@pytest.mark.parametrize(
    ("fmt", "places"),
    [
        (ImportFormat.json, ["item 1", "item 2", "item 3"]),
        (ImportFormat.jsonl, ["line 1", "line 2", "line 3"]),
        (ImportFormat.csv, ["line 2", "line 3", "line 4"]),
    ],
)
def test_each_record_says_where_in_the_file_it_came_from(
    kdrama: Invoke, fmt: ImportFormat, places: list[str]
) -> None:
    records = read_records(kdrama(*LIST_ARGS[fmt]).stdout, fmt)
    assert [record.where for record in records[:3]] == places


@pytest.mark.parametrize("fmt", list(ImportFormat))
def test_a_bom_and_windows_line_endings_read_the_same(kdrama: Invoke, fmt: ImportFormat) -> None:
    text = kdrama(*LIST_ARGS[fmt]).stdout
    windows = "\ufeff" + text.replace("\n", "\r\n")
    assert read_records(windows, fmt) == read_records(text, fmt)


def test_a_csv_cell_spanning_lines_keeps_its_line_breaks_and_later_lines_count_them() -> None:
    text = 'title,drama,year\r\n"two\r\nlines",Goblin,2016\r\nok,Goblin,abc\r\n'
    assert read_records(text.replace("abc", "2017"), ImportFormat.csv)[0].title == "two\nlines"
    assert error_for(text, ImportFormat.csv) == (
        "line 4: field 'year': 'abc' is not a whole number"
    )


def test_blank_json_lines_are_skipped_but_still_counted() -> None:
    text = '{"title": "A"}\n\n   \n{"title": "B"}\n'
    assert [r.where for r in read_records(text, ImportFormat.jsonl)] == ["line 1", "line 4"]


def test_empty_json_and_json_lines_files_hold_no_records() -> None:
    assert read_records("[]\n", ImportFormat.json) == []
    assert read_records("", ImportFormat.jsonl) == []
    assert read_records("id,title,drama,year\n", ImportFormat.csv) == []


# --- What a record holds --------------------------------------------------------------


def test_given_holds_only_the_fields_present() -> None:
    record = read_one('{"title": "A", "rating": null}', ImportFormat.jsonl)
    assert record.given == {"title", "rating"}
    assert record.rating is None and record.year is None


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        (
            '{"title": "A"}\n\n{"title": "B", "descripton": "x"}',
            ImportFormat.jsonl,
            "line 3: unknown field 'descripton'; did you mean 'description'?",
        ),
        (
            '[{"title": "A", "ratting": 5}]',
            ImportFormat.json,
            "item 1: unknown field 'ratting'; did you mean 'rating'?",
        ),
        (
            "title,descripton\nA,x\n",
            ImportFormat.csv,
            "line 1: unknown column 'descripton'; did you mean 'description'?",
        ),
        (
            '{"characters": [{"name": "A", "actr": "B"}]}',
            ImportFormat.jsonl,
            "line 1: field 'characters': character 1: unknown key 'actr'; did you mean 'actor'?",
        ),
        ('{"mood": "sad"}', ImportFormat.jsonl, "line 1: unknown field 'mood'; known: id, title"),
    ],
)
def test_a_field_kdrama_does_not_know_is_refused_with_the_closest_known_one(
    text: str, fmt: ImportFormat, message: str
) -> None:
    assert error_for(text, fmt).startswith(message)


def test_csv_given_is_every_known_column_but_a_blank_id_or_favorite() -> None:
    text = "id,title,drama,year,rating,favorite\n,A,Goblin,2016,,\n"
    record = read_one(text, ImportFormat.csv)
    assert record.given == {"title", "drama", "year", "rating"}
    assert record.id is None and record.favorite is None and record.rating is None


def test_csv_numbers_may_have_spaces_around_them() -> None:
    text = 'id,title,drama,year,rank,rating\n" 7 ",A,Goblin, 2016 ,  3,5 \n'
    record = read_one(text, ImportFormat.csv)
    assert (record.id, record.year, record.rank, record.rating) == (7, 2016, 3, 5)


@pytest.mark.parametrize(
    ("cell", "value"),
    [("true", True), ("False", False), ("TRUE", True), ("1", True), ("0", False)]
    + [("yes", True), ("No", False), (" yes ", True)],
)
def test_csv_favorite_reads_the_usual_spellings_of_yes_and_no(cell: str, value: bool) -> None:
    record = read_one(f"title,favorite\nA,{cell}\n", ImportFormat.csv)
    assert record.favorite is value and "favorite" in record.given


def test_csv_lists_split_on_semicolons_trimmed_with_empty_parts_dropped() -> None:
    text = 'actors,characters\n"Hyun Bin;;  Son Ye Jin ;","Ri Jeong Hyeok = Hyun Bin; "\n'
    record = read_one(text, ImportFormat.csv)
    assert record.actors == ("Hyun Bin", "Son Ye Jin")
    assert record.characters == (Role("Ri Jeong Hyeok", "Hyun Bin"),)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (
            '{"actors": ["Kim Go Eun"], "characters": [{"name": "Goblin", "actor": "Gong Yoo"},'
            ' {"name": "Eun Tak", "actor": "Kim Go Eun"}, {"name": "Reaper",'
            ' "actor": "Lee Dong Wook"}]}',
            ImportFormat.jsonl,
        ),
        (
            'actors,characters\nKim Go Eun,"Goblin=Gong Yoo; Eun Tak=Kim Go Eun; '
            'Reaper=Lee Dong Wook"\n',
            ImportFormat.csv,
        ),
    ],
)
def test_an_actor_playing_a_character_joins_the_actors_after_the_listed_ones(
    text: str, fmt: ImportFormat
) -> None:
    record = read_one(text, fmt)
    assert record.actors == ("Kim Go Eun", "Gong Yoo", "Lee Dong Wook")


def test_korean_names_of_characters_are_kept_and_blank_ones_are_none() -> None:
    text = (
        '[{"characters": [{"name": "Ri Jeong Hyeok", "actor": "Hyun Bin",'
        ' "name_korean": "리정혁", "actor_korean": " "}]}]'
    )
    (role,) = read_one(text, ImportFormat.json).characters
    assert role == Role("Ri Jeong Hyeok", "Hyun Bin", "리정혁", None)


def test_text_is_trimmed_and_normalised_so_hangul_typed_as_jamo_matches() -> None:
    decomposed = unicodedata.normalize("NFD", "손예진")
    assert decomposed != "손예진"
    text = json.dumps({"title": "  A scene\n", "actors": [f" {decomposed} "]})
    record = read_one(text, ImportFormat.jsonl)
    assert record.title == "A scene"
    assert record.actors == ("손예진",)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('{"title": "A", "network": "  ", "description": ""}', ImportFormat.jsonl),
        ("title,network,description\nA,  ,\n", ImportFormat.csv),
    ],
)
def test_blank_text_for_an_optional_field_means_none_in_every_format(
    text: str, fmt: ImportFormat
) -> None:
    record = read_one(text, fmt)
    assert (record.network, record.description) == (None, None)
    assert {"network", "description"} <= record.given


def test_csv_rows_with_only_blank_cells_are_skipped_as_spreadsheets_leave_them() -> None:
    text = "title,drama,year\n,,\nA,Goblin,2016\n\n"
    assert [record.where for record in read_records(text, ImportFormat.csv)] == ["line 3"]


def test_record_errors_are_kdrama_errors_so_the_cli_reports_them_in_one_line() -> None:
    with pytest.raises(KdramaError, match=r"^item 1: must be an object$"):
        read_records("[1]", ImportFormat.json)


# --- Errors: the first problem, where it is, and which field ---------------------------

J, L, C, T = ImportFormat.json, ImportFormat.jsonl, ImportFormat.csv, ImportFormat.tsv
LATEST = latest_year()
HEAD = "title,drama,year,id,rank,rating,favorite,characters\n"

ERRORS = [
    # The shape of a JSON document.
    (J, '{"title": "A"}', "the JSON file must be an array of scene objects"),
    (J, '[{"title": "A"}, 5]', "item 2: must be an object"),
    (
        J,
        '[\n {"title": "A"}\n {"title": "B"}\n]',
        "line 3: not valid JSON (Expecting ',' delimiter)",
    ),
    (J, "", "line 1: not valid JSON (Expecting value)"),
    (
        L,
        '{"title": "A"}\n{"title": "B" "year": 2}\n',
        "line 2: not valid JSON (Expecting ',' delimiter)",
    ),
    (L, '{"title": "A"}\n\n[1]\n', "line 3: must be an object"),
    (L, '{"year": ' + "9" * 5000 + "}", "line 1: not valid JSON (a number is too long)"),
    (L, "[" * 100_000, "line 1: not valid JSON (nested too deeply)"),
    # Whole numbers in JSON: no booleans, no floats, no strings.
    (L, '{}\n{}\n{"year": "abc"}', "line 3: field 'year': \"abc\" is not a whole number"),
    (J, '[{"year": "2018"}]', "item 1: field 'year': \"2018\" is not a whole number"),
    (J, '[{"year": 2018.0}]', "item 1: field 'year': 2018.0 is not a whole number"),
    (J, '[{"year": true}]', "item 1: field 'year': true is not a whole number"),
    (J, '[{"year": null}]', "item 1: field 'year': must not be null"),
    (J, '[{"year": 0}]', f"item 1: field 'year': must be between 1900 and {LATEST}, not 0"),
    (J, '[{"year": 1899}]', f"item 1: field 'year': must be between 1900 and {LATEST}, not 1899"),
    (
        J,
        f'[{{"year": {LATEST + 1}}}]',
        f"item 1: field 'year': must be between 1900 and {LATEST}, not {LATEST + 1}",
    ),
    (J, '[{"id": 0}]', "item 1: field 'id': must be 1 or more, not 0"),
    (J, '[{"id": false}]', "item 1: field 'id': false is not a whole number"),
    (J, '[{"rank": -2}]', "item 1: field 'rank': must be 1 or more, not -2"),
    (J, '[{"rating": 6}]', "item 1: field 'rating': must be between 1 and 5, not 6"),
    (J, '[{"rating": 4.5}]', "item 1: field 'rating': 4.5 is not a whole number"),
    # Text.
    (J, '[{"title": null}]', "item 1: field 'title': must not be null"),
    (J, '[{"title": "  "}]', "item 1: field 'title': must not be empty"),
    (J, '[{"drama": 7}]', "item 1: field 'drama': must be text, not 7"),
    (J, '[{"network": ["tvN"]}]', "item 1: field 'network': must be text or null, not [\"tvN\"]"),
    # Lists of names and characters.
    (J, '[{}, {"actors": "Hyun Bin"}]', "item 2: field 'actors': must be a list of names"),
    (J, '[{"actors": ["Hyun Bin", 3]}]', "item 1: field 'actors': must be a list of names"),
    (J, '[{"actors": null}]', "item 1: field 'actors': must be a list of names"),
    (J, '[{"actors": ["Hyun Bin", " "]}]', "item 1: field 'actors': name 2 is empty"),
    (
        J,
        '[{"characters": {"name": "A"}}]',
        "item 1: field 'characters': must be a list of characters",
    ),
    (J, '[{"characters": ["A"]}]', "item 1: field 'characters': character 1 must be an object"),
    (
        J,
        '[{"characters": [{"name": "A", "actor": "B"}, {"name": "C"}]}]',
        "item 1: field 'characters': character 2 needs a non-empty 'actor'",
    ),
    (
        J,
        '[{"characters": [{"name": "", "actor": "B"}]}]',
        "item 1: field 'characters': character 1 needs a non-empty 'name'",
    ),
    (
        J,
        '[{"characters": [{"name": "A", "actor": "B", "name_korean": 1}]}]',
        "item 1: field 'characters': character 1: 'name_korean' must be text or null",
    ),
    # Favorite.
    (J, '[{"favorite": "yes"}]', "item 1: field 'favorite': must be true or false, not \"yes\""),
    (J, '[{"favorite": null}]', "item 1: field 'favorite': must be true or false, not null"),
    (J, '[{"favorite": 1}]', "item 1: field 'favorite': must be true or false, not 1"),
    # CSV structure.
    (C, "", "line 1: the CSV header is missing"),
    (C, "A scene,Goblin,2016\n", "line 1: the CSV header is missing"),
    (C, "title,drama,Title\n", "line 1: the CSV header has column 'title' twice"),
    (C, "title,drama,year\nA,Goblin,2016,extra\n", "line 2: has 4 cells, but the header has 3"),
    (C, "title,drama,year\nA,Goblin\n", "line 2: has 2 cells, but the header has 3"),
    (C, 'title,drama,year\n"A,Goblin,2016\n', "line 2: not valid CSV (unexpected end of data)"),
    (C, 'title,drama\n"A"x,Goblin\n', "line 2: not valid CSV (',' expected after '\"')"),
    # CSV values.
    (C, HEAD + "A,Goblin,abc,,,,,\n", "line 2: field 'year': 'abc' is not a whole number"),
    (C, HEAD + "A,Goblin,2018.5,,,,,\n", "line 2: field 'year': '2018.5' is not a whole number"),
    (C, HEAD + "A,Goblin,2018.0,,,,,\n", "line 2: field 'year': '2018.0' is not a whole number"),
    (
        C,
        HEAD + "A,Goblin,２０１８,,,,,\n",
        "line 2: field 'year': '２０１８' is not a whole number",
    ),
    (C, HEAD + "A,Goblin,2_018,,,,,\n", "line 2: field 'year': '2_018' is not a whole number"),
    (C, HEAD + "A,Goblin,,,,,,\n", "line 2: field 'year': must not be empty"),
    (C, HEAD + " ,Goblin,2016,,,,,\n", "line 2: field 'title': must not be empty"),
    (C, HEAD + "A,,2016,,,,,\n", "line 2: field 'drama': must not be empty"),
    (
        C,
        HEAD + "A,Goblin,0,,,,,\n",
        f"line 2: field 'year': must be between 1900 and {LATEST}, not 0",
    ),
    (C, HEAD + "A,Goblin,2016,-1,,,,\n", "line 2: field 'id': must be 1 or more, not -1"),
    (C, HEAD + "A,Goblin,2016,,0,,,\n", "line 2: field 'rank': must be 1 or more, not 0"),
    (C, HEAD + "A,Goblin,2016,,,6,,\n", "line 2: field 'rating': must be between 1 and 5, not 6"),
    (
        C,
        HEAD + "A,Goblin,2016,,,,maybe,\n",
        "line 2: field 'favorite': 'maybe' is not true or false",
    ),
    (
        C,
        HEAD + "A,Goblin,2016,,,,,Eun Tak\n",
        "line 2: field 'characters': 'Eun Tak' is not Name=Actor",
    ),
    (
        C,
        HEAD + "A,Goblin,2016,,,,,A=B=C\n",
        "line 2: field 'characters': 'A=B=C' is not Name=Actor",
    ),
    (
        C,
        HEAD + "A,Goblin,2016,,,,,=Gong Yoo\n",
        "line 2: field 'characters': '=Gong Yoo' is not Name=Actor",
    ),
    (
        C,
        HEAD + "A,Goblin,2016,,,,,\nB,Goblin,x,,,,,\n",
        "line 3: field 'year': 'x' is not a whole number",
    ),
]


@pytest.mark.parametrize(("fmt", "text", "message"), ERRORS)
def test_the_first_bad_value_is_named_with_its_place_and_field(
    fmt: ImportFormat, text: str, message: str
) -> None:
    assert error_for(text, fmt) == message


def test_only_the_first_problem_is_reported() -> None:
    text = '[{"year": "x"}, {"year": "y"}]'
    assert error_for(text, ImportFormat.json) == (
        "item 1: field 'year': \"x\" is not a whole number"
    )


def test_a_long_bad_value_is_shortened_and_kept_on_one_line() -> None:
    message = error_for('title,year\nA,"' + "12\n" * 50 + '"\n', ImportFormat.csv)
    assert "\n" not in message and len(message) < 100
    assert message.startswith("line 2: field 'year': '12\\n12")


# --- Guessing the format --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [
        ("scenes.json", "", J),
        ("scenes.JSON", "id,title", J),
        ("scenes.jsonl", "[", L),
        ("scenes.ndjson", "", L),
        ("Scenes.CSV", "{", C),
        ("dir.json/scenes.csv", "[", C),
        (None, "[", J),
        (None, '{"id": 1}', L),
        (None, "\ufeff \r\n  [", J),
        (None, "\n\t{", L),
        (None, "id,title,drama", C),
        (None, "", C),
        ("scenes.txt", "[", J),
        ("scenes", "{", L),
        ("-", "title,drama", C),
        ("scenes.TSV", "id,title", T),
        (None, "\ufeffid\ttitle\tdrama\n1\tA\tB\n", T),
        ("scenes.txt", "title\tdrama", T),
        (None, 'title,drama\n"a\tb",Goblin\n', C),  # a tab in a later line is data
    ],
)
def test_the_extension_decides_the_format_and_the_first_character_otherwise(
    name: str | None, head: str, fmt: ImportFormat
) -> None:
    assert guess_format(name, head) is fmt


def test_import_formats_are_the_machine_formats_list_writes() -> None:
    assert {f.value for f in ImportFormat} == {"json", "jsonl", "csv", "tsv"}
    assert {f.value for f in ImportFormat} <= {f.value for f in OutputFormat}


# --- Any scene written by `kdrama list` reads back the same --------------------------


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def is_clean(text: str) -> bool:
    """Text as it is stored: NFC and trimmed (reading normalises, so only such text
    can come back unchanged)."""
    return clean(text) == text


NAME_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))
# Characters that test quoting, line handling and the separators of CSV lists (which a
# backslash escapes in names). Other control characters (and "\r", read as a line
# break), bidi controls, zero-width characters and separators are refused on import,
# so only text without them can come back unchanged.
SPECIAL = st.sampled_from([",", '"', "'", "\n", "\t", "한", "국", "🎬", ";", "=", "|"])
SPECIAL |= st.just("\\")
texts = (
    st.text(NAME_CHARACTERS | SPECIAL, max_size=30)
    .map(clean)
    .filter(lambda text: is_clean(text) and not CONTROL.search(text))
)
optional_texts = st.none() | texts.filter(bool)
names = (
    st.text(NAME_CHARACTERS | SPECIAL, min_size=1, max_size=12)
    .map(clean)
    .filter(lambda name: bool(name) and is_clean(name) and not CONTROL.search(name))
)
aliases = st.lists(names, max_size=2, unique=True).map(lambda found: tuple(sorted(found)))


@st.composite
def roles(draw: st.DrawFn, actors: list[str], korean: dict[str, str | None]) -> tuple[Role, ...]:
    """Characters played by some of ``actors``, as the catalog always has them."""
    if not actors:
        return ()
    playing = draw(st.lists(st.sampled_from(actors), max_size=3))
    return tuple(
        Role(draw(names), actor, draw(optional_texts), korean[actor], draw(aliases))
        for actor in playing
    )


@st.composite
def scenes(draw: st.DrawFn) -> Scene:
    actors = draw(st.lists(names, max_size=4, unique=True))
    korean = {actor: draw(optional_texts) for actor in actors}
    return Scene(
        id=draw(st.integers(1, 2**53 - 1)),
        title=draw(texts.filter(bool)),
        drama=draw(texts.filter(bool)),
        year=draw(st.integers(1900, latest_year())),
        description=draw(texts),
        drama_korean=draw(optional_texts),
        network=draw(optional_texts),
        actors=tuple(actors),
        characters=draw(roles(actors, korean)),
        rank=draw(st.none() | st.integers(1, 10**6)),
        source=draw(optional_texts),
        source_title=draw(optional_texts),
        source_credit=draw(optional_texts),
        favorite=draw(st.booleans()),
        rating=draw(st.none() | st.integers(1, 5)),
        drama_aliases=draw(aliases),
        actors_korean=tuple(korean.values()),
        actor_aliases=tuple(draw(aliases) for _ in actors),
    )


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


@settings(max_examples=150, deadline=None)
@given(scene_list=st.lists(scenes(), max_size=3), fmt=st.sampled_from(list(ImportFormat)))
def test_any_scenes_written_by_list_read_back_with_the_same_values(
    scene_list: list[Scene], fmt: ImportFormat
) -> None:
    out = io.StringIO()
    render_scenes(scene_list, OutputFormat(fmt.value), out)
    records = read_records(out.getvalue(), fmt)
    assert [fields_of(record) for record in records] == [
        expected_fields(scene, fmt) for scene in scene_list
    ]
