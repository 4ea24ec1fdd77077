"""The output contract: exact JSON, JSON Lines, CSV and TSV; safe, plain tables."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdrama_cli import editing
from kdrama_cli.catalog import Catalog
from kdrama_cli.importfile import ImportFormat
from kdrama_cli.records import read_records
from kdrama_cli.text import CONTROL

from .conftest import Invoke, one_scene
from .test_import_export import scene_objects, tempfile_dir


def importable(scene: dict[str, Any]) -> bool:
    """Holds none of the characters import refuses (``text.CONTROL``)."""
    return not CONTROL.search(json.dumps(scene, ensure_ascii=False))


HOSTILE = 'He said "[bold]hi[/bold]", then: a, b; c\ttab\nnew line :smile: \\ [red]x'


@pytest.fixture
def hostile_catalog(make_catalog: Callable[..., Path]) -> Path:
    data = one_scene(title="[bold]Not bold[/bold]", description=HOSTILE)
    data["people"][0]["name"] = "Kim [link=x]Actor[/link]"
    data["dramas"][0]["characters"][0]["actor"] = "Kim [link=x]Actor[/link]"
    return make_catalog(data)


def test_json_objects_carry_the_documented_keys_and_types(kdrama: Invoke) -> None:
    scene = kdrama("list", "--drama", "Crash Landing on You", "--json").json()[0]
    assert scene == {
        "id": 6,
        "title": "Jeong Hyeok kisses Se Ri's tears away",
        "drama": "Crash Landing on You",
        "drama_korean": "사랑의 불시착",
        "year": 2020,
        "network": "tvN",
        "actors": ["Hyun Bin", "Son Ye Jin"],
        "characters": [
            {
                "name": "Ri Jeong Hyeok",
                "actor": "Hyun Bin",
                "name_korean": "리정혁",
                "actor_korean": "현빈",
                "aliases": [],
            },
            {
                "name": "Yoon Se Ri",
                "actor": "Son Ye Jin",
                "name_korean": "윤세리",
                "actor_korean": "손예진",
                "aliases": [],
            },
        ],
        "description": scene["description"],
        "rank": 6,
        "source": "Cosmopolitan",
        "source_title": "6 Most Romantic Scenes In Recent K-Dramas",
        "source_credit": "SCMP; photos: Cosmopolitan, YouTube",
        "favorite": False,
        "rating": None,
        "drama_aliases": ["CLOY"],
        "actors_korean": ["현빈", "손예진"],
        "actor_aliases": [[], []],
        "episode": None,
        "time": None,
        "urls": [],
        "tags": [],
        "note": None,
    }
    assert isinstance(scene["description"], str) and scene["description"]


def test_json_carries_every_alias_a_backup_needs(kdrama: Invoke) -> None:
    goblin = kdrama("list", "--drama", "Goblin", "--json").json()[0]
    assert goblin["drama_aliases"] == ["Guardian: The Lonely and Great God"]
    assert goblin["characters"][0]["aliases"] == ["Kim Woo Bin"]


def test_json_is_one_array_and_jsonl_one_object_a_line(kdrama: Invoke) -> None:
    array = kdrama("list", "--json").json()
    lines = kdrama("list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == array
    assert len(array) == 6


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--actor", "Son Ye Jin"],
        ["--sort", "year", "--desc", "--limit", "4"],
        ["--sort", "drama", "--year", "2016..2019"],
        ["--sort", "rating", "--limit", "1"],
    ],
)
def test_jsonl_lists_the_same_scenes_as_json(kdrama: Invoke, args: list[str]) -> None:
    lines = kdrama("list", "--format", "jsonl", *args).stdout.splitlines()
    assert [json.loads(line) for line in lines] == kdrama("list", "--json", *args).json()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(scene_objects().filter(importable), min_size=1, max_size=4))
def test_json_lines_from_sqlite_are_exactly_the_json_of_each_scene(
    tmp_path: Path, objects: list[dict[str, Any]]
) -> None:
    db = Path(tempfile_dir(tmp_path)) / "scenes.db"
    records = read_records(json.dumps(objects, ensure_ascii=False), ImportFormat.json)
    with Catalog.open(db, write=True, create=True) as catalog:
        editing.import_records(catalog, records)
        lines = list(catalog.list_scenes_json())
        scenes = list(catalog.list_scenes())
    compact = (",", ":")
    assert lines == [
        json.dumps(s.to_dict(), ensure_ascii=False, separators=compact) for s in scenes
    ]


def test_csv_has_a_header_and_joins_lists_with_semicolons(kdrama: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(kdrama("list", "--format", "csv").stdout)))
    assert len(rows) == 6
    cloy = rows[5]
    assert cloy["id"] == "6" and cloy["year"] == "2020"
    assert cloy["actors"] == "Hyun Bin; Son Ye Jin"
    assert cloy["characters"] == "Ri Jeong Hyeok=Hyun Bin; Yoon Se Ri=Son Ye Jin"
    assert cloy["drama_korean"] == "사랑의 불시착"
    assert (cloy["drama_aliases"], cloy["actors_korean"]) == ("CLOY", "현빈; 손예진")
    assert (cloy["characters_korean"], cloy["character_aliases"]) == ("리정혁; 윤세리", "")
    goblin = rows[3]
    assert goblin["character_aliases"] == "Kim Woo Bin;"


def test_tsv_matches_csv_with_tabs(kdrama: Invoke) -> None:
    tsv = list(csv.reader(io.StringIO(kdrama("list", "-f", "tsv").stdout), dialect="excel-tab"))
    comma = list(csv.reader(io.StringIO(kdrama("list", "-f", "csv").stdout)))
    assert tsv == comma


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_machine_formats_ignore_color_and_width(kdrama: Invoke, fmt: str) -> None:
    plain = kdrama("list", "--format", fmt).stdout
    for env in ({"FORCE_COLOR": "1", "COLUMNS": "20"}, {"COLUMNS": "300", "TERM": "xterm"}):
        assert kdrama("list", "--format", fmt, env=env).stdout == plain
    assert "\x1b" not in plain


def test_hostile_text_round_trips_exactly_in_every_machine_format(
    kdrama: Invoke, hostile_catalog: Path
) -> None:
    db = str(hostile_catalog)
    assert kdrama("list", "--db", db, "--json").json()[0]["description"] == HOSTILE
    jsonl = kdrama("list", "--db", db, "-f", "jsonl", env={"FORCE_COLOR": "1"}).stdout
    assert json.loads(jsonl)["title"] == "[bold]Not bold[/bold]"
    row = next(csv.DictReader(io.StringIO(kdrama("list", "--db", db, "-f", "csv").stdout)))
    assert row["description"] == HOSTILE
    assert row["actors"] == "Kim [link=x]Actor[/link]; Lee Actress"
    tsv = kdrama("list", "--db", db, "-f", "tsv").stdout
    assert next(csv.DictReader(io.StringIO(tsv), dialect="excel-tab"))["description"] == HOSTILE


def test_catalog_text_is_never_read_as_markup(kdrama: Invoke, hostile_catalog: Path) -> None:
    table = kdrama("list", "--db", str(hostile_catalog), env={"COLUMNS": "200"}).stdout
    assert "[bold]Not bold[/bold]" in table
    assert "Kim [link=x]Actor[/link]" in table
    shown = " ".join(kdrama("show", "1", "--db", str(hostile_catalog)).stdout.split())
    assert "[bold]Not bold[/bold]" in shown
    assert ":smile:" in shown and "[red]x" in shown


def test_piped_table_has_no_escape_codes_and_every_column_at_80(kdrama: Invoke) -> None:
    table = kdrama("list", "-f", "table", env={"COLUMNS": "80"}).stdout
    assert "\x1b" not in table
    header = table.splitlines()[1]
    for column in ("ID", "Drama", "Year", "Scene", "Cast"):
        assert column in header
    assert max(len(line) for line in table.splitlines()) <= 80
    for title in ("Encounter", "Goblin", "2016", "Hyun Bin as Ri"):
        assert title in table


def test_table_with_forced_color_is_still_complete(kdrama: Invoke) -> None:
    table = kdrama("list", "-d", "Goblin", "-f", "table", env={"FORCE_COLOR": "1"}).stdout
    assert "Goblin" in table and "Lee Dong Wook" in table


def json_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def test_list_and_random_share_one_renderer(kdrama: Invoke) -> None:
    picked = json_lines(kdrama("random", "-n", "6", "--seed", "3", "-f", "jsonl").stdout)
    listed = json_lines(kdrama("list", "-f", "jsonl").stdout)
    assert sorted(picked, key=lambda s: s["id"]) == listed


# --- binary data (a BLOB) where kdrama stores text: another program's doing ----------


def _damaged(make_catalog: Callable[..., Path], sql: str, value: object) -> Path:
    db = make_catalog(one_scene(title="A scene"))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(sql, (value,))
    conn.close()
    return db


BLOB_TITLE = "UPDATE scenes SET title = ? WHERE id = 1"
BLOB_ACTOR = "UPDATE people SET name = ? WHERE name = 'Kim Actor'"
BLOB_YEAR = "UPDATE dramas SET year = ?"

SCENE_TITLE = "Error: the catalog is damaged: scene 1 holds binary data (a BLOB) in its title,"
SCENE_ACTORS = "Error: the catalog is damaged: scene 1 holds binary data (a BLOB) in its actors,"


@pytest.mark.parametrize(
    ("sql", "args", "expected"),
    [
        (BLOB_TITLE, ["list"], SCENE_TITLE),
        (BLOB_TITLE, ["list", "--json"], SCENE_TITLE),
        (BLOB_TITLE, ["list", "--format", "jsonl"], SCENE_TITLE),
        (BLOB_TITLE, ["list", "--format", "csv"], SCENE_TITLE),
        (BLOB_TITLE, ["show", "1"], SCENE_TITLE),
        (BLOB_TITLE, ["show", "1", "--format", "json"], SCENE_TITLE),
        (BLOB_TITLE, ["export"], SCENE_TITLE),
        (BLOB_TITLE, ["export", "--format", "csv"], SCENE_TITLE),
        (BLOB_TITLE, ["search", "scene"], SCENE_TITLE),
        (BLOB_TITLE, ["search", "scene", "--json"], SCENE_TITLE),
        (BLOB_TITLE, ["search", "scene", "--format", "jsonl"], SCENE_TITLE),
        (BLOB_TITLE, ["random"], SCENE_TITLE),
        (BLOB_ACTOR, ["list", "--actor", "Kim Actor"], SCENE_ACTORS),
        (BLOB_ACTOR, ["list", "--format", "csv"], SCENE_ACTORS),
        (BLOB_ACTOR, ["actors"], "Error: the catalog is damaged: the name b'Kim\\xffActor' is"),
        (BLOB_ACTOR, ["actors", "--json"], "Error: the catalog is damaged: the name b'Kim\\xffA"),
        (BLOB_YEAR, ["years", "--format", "csv"], "Error: the catalog is damaged: the year b'20'"),
        (BLOB_YEAR, ["stats", "--json"], "Error: the catalog is damaged: the year b'20'"),
        (BLOB_YEAR, ["dramas"], "Error: the catalog is damaged: the year b'20'"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_binary_data_in_the_catalog_is_one_line_naming_it(
    kdrama: Invoke, make_catalog: Callable[..., Path], sql: str, args: list[str], expected: str
) -> None:
    value = b"Kim\xffActor" if sql == BLOB_ACTOR else b"20" if sql == BLOB_YEAR else b"\xff\x00"
    db = _damaged(make_catalog, sql, value)
    run = kdrama(*args, "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr.startswith(expected)
    assert run.stderr.endswith("which kdrama never stores\n")
    assert run.stderr.count("\n") == 1 and "bug" not in run.stderr


def test_a_binary_name_matches_nothing_and_is_never_suggested(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    db = _damaged(make_catalog, BLOB_ACTOR, b"Kim\xffActor")
    run = kdrama("list", "--actor", "Kim Actres", "--db", str(db))
    assert run.exit_code == 0
    assert "Kim" not in run.stderr.partition("Did you mean")[2]
