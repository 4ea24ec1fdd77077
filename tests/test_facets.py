"""`kdrama actors`, `dramas` and `years`: scenes counted by value, through the CLI and
the Python API."""

from __future__ import annotations

import csv
import doctest
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import facets
from kdrama_cli.catalog import Catalog
from kdrama_cli.models import SceneFilter, YearRange

from .conftest import Invoke, one_scene

BUNDLED_ACTORS = [
    {"actor": "Son Ye Jin", "actor_korean": "손예진", "count": 2},
    {"actor": "Song Hye Kyo", "actor_korean": "송혜교", "count": 2},
    {"actor": "Hyun Bin", "actor_korean": "현빈", "count": 1},
    {"actor": "Jung Hae In", "actor_korean": "정해인", "count": 1},
    {"actor": "Lee Dong Wook", "actor_korean": "이동욱", "count": 1},
    {"actor": "Park Bo Gum", "actor_korean": "박보검", "count": 1},
    {"actor": "Park Min Young", "actor_korean": "박민영", "count": 1},
    {"actor": "Park Seo Joon", "actor_korean": "박서준", "count": 1},
    {"actor": "Song Joong Ki", "actor_korean": "송중기", "count": 1},
    {"actor": "Yoo In Na", "actor_korean": "유인나", "count": 1},
]
BUNDLED_DRAMAS = [
    {"drama": "Crash Landing on You", "drama_korean": "사랑의 불시착", "year": 2020, "count": 1},
    {"drama": "Descendants of the Sun", "drama_korean": "태양의 후예", "year": 2016, "count": 1},
    {"drama": "Encounter", "drama_korean": "남자친구", "year": 2019, "count": 1},
    {"drama": "Goblin", "drama_korean": "쓸쓸하고 찬란하神 – 도깨비", "year": 2017, "count": 1},
    {
        "drama": "Something in the Rain",
        "drama_korean": "밥 잘 사주는 예쁜 누나",
        "year": 2018,
        "count": 1,
    },
    {
        "drama": "What's Wrong with Secretary Kim",
        "drama_korean": "김비서가 왜 그럴까",
        "year": 2018,
        "count": 1,
    },
]
BUNDLED_YEARS = [
    {"year": 2018, "count": 2},
    {"year": 2016, "count": 1},
    {"year": 2017, "count": 1},
    {"year": 2019, "count": 1},
    {"year": 2020, "count": 1},
]


def scene(scene_id: int, drama: str, *characters: str) -> dict[str, Any]:
    return {"id": scene_id, "drama": drama, "title": f"s{scene_id}", "characters": list(characters)}


# Counts that tie, and names whose order depends on ignoring case.
TIES: dict[str, Any] = {
    "people": [
        {"name": "Ahn Hyo Seop"},
        {"name": "Kim Se Jeong"},
        {"name": "bae Suzy"},
        {"name": "Cha Eun Woo"},
        {"name": "Lee Jae Wook"},
    ],
    "dramas": [
        {
            "title": "Business Proposal",
            "year": 2022,
            "characters": [
                {"name": "Kang Tae Moo", "actor": "Ahn Hyo Seop"},
                {"name": "Shin Ha Ri", "actor": "Kim Se Jeong"},
            ],
        },
        {
            "title": "Start-Up",
            "year": 2020,
            "characters": [
                {"name": "Han Ji Pyeong", "actor": "Ahn Hyo Seop"},
                {"name": "Seo Dal Mi", "actor": "bae Suzy"},
            ],
        },
        {
            "title": "True Beauty",
            "year": 2021,
            "characters": [{"name": "Lee Su Ho", "actor": "Cha Eun Woo"}],
        },
        {
            "title": "alchemy of Souls",
            "year": 2019,
            "characters": [{"name": "Jang Uk", "actor": "Lee Jae Wook"}],
        },
    ],
    "scenes": [
        scene(1, "Business Proposal", "Kang Tae Moo", "Shin Ha Ri"),
        scene(2, "Business Proposal", "Kang Tae Moo", "Shin Ha Ri"),
        scene(3, "Start-Up", "Han Ji Pyeong", "Seo Dal Mi"),
        scene(4, "Start-Up", "Seo Dal Mi"),
        scene(5, "True Beauty", "Lee Su Ho"),
        scene(6, "alchemy of Souls", "Jang Uk"),
    ],
}


def favourites_and_ratings(kdrama: Invoke, db: str) -> str:
    """Make scenes 1 and 3 favourites, and rate scenes 1, 3 and 5 as 5, 4 and 4."""
    for args in (["fav", "1", "3"], ["rate", "1", "5"], ["rate", "3", "4"], ["rate", "5", "4"]):
        assert kdrama(*args, "--db", db).exit_code == 0
    return db


@pytest.fixture
def ties(make_catalog: Callable[..., Path], kdrama: Invoke) -> str:
    """The TIES catalog, with favourites and ratings."""
    return favourites_and_ratings(kdrama, str(make_catalog(TIES)))


def counts(run: Any) -> list[tuple[Any, int]]:
    """Each row's first value (the actor, the drama or the year) and its count."""
    return [(next(iter(row.values())), row["count"]) for row in run.json()]


# The bundled catalog, exactly


def test_actors_counts_every_actors_scenes_most_first(kdrama: Invoke) -> None:
    run = kdrama("actors", "--json")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.json() == BUNDLED_ACTORS


def test_dramas_carry_korean_title_and_year(kdrama: Invoke) -> None:
    assert kdrama("dramas", "--json").json() == BUNDLED_DRAMAS


def test_years_count_scenes_by_their_dramas_year(kdrama: Invoke) -> None:
    assert kdrama("years", "--json").json() == BUNDLED_YEARS


def test_actors_in_2018_are_the_two_dramas_casts(kdrama: Invoke) -> None:
    assert kdrama("actors", "--year", "2018", "--json").json() == [
        {"actor": "Jung Hae In", "actor_korean": "정해인", "count": 1},
        {"actor": "Park Min Young", "actor_korean": "박민영", "count": 1},
        {"actor": "Park Seo Joon", "actor_korean": "박서준", "count": 1},
        {"actor": "Son Ye Jin", "actor_korean": "손예진", "count": 1},
    ]


# Sorting and ties


def test_ties_go_by_name_ignoring_case(kdrama: Invoke, ties: str) -> None:
    assert counts(kdrama("actors", "--db", ties, "--json")) == [
        ("Ahn Hyo Seop", 3),
        ("bae Suzy", 2),
        ("Kim Se Jeong", 2),
        ("Cha Eun Woo", 1),
        ("Lee Jae Wook", 1),
    ]
    assert counts(kdrama("dramas", "--db", ties, "--json")) == [
        ("Business Proposal", 2),
        ("Start-Up", 2),
        ("alchemy of Souls", 1),
        ("True Beauty", 1),
    ]


def test_years_tie_in_year_order(kdrama: Invoke, ties: str) -> None:
    assert counts(kdrama("years", "--db", ties, "--json")) == [
        (2020, 2),
        (2022, 2),
        (2019, 1),
        (2021, 1),
    ]


def test_dramas_with_the_same_name_tie_in_year_order(kdrama: Invoke, ties: str) -> None:
    for title, year in [("True Beauty", "2030"), ("true beauty", "2001")]:
        added = kdrama(
            "add",
            "-t",
            "Remake",
            "-d",
            title,
            "-y",
            year,
            "-a",
            "Cha Eun Woo",
            "--new-drama",
            "--db",
            ties,
        )
        assert added.exit_code == 0
    rows = kdrama("dramas", "--db", ties, "--json").json()
    assert [(row["drama"], row["year"], row["count"]) for row in rows] == [
        ("Business Proposal", 2022, 2),
        ("Start-Up", 2020, 2),
        ("alchemy of Souls", 2019, 1),
        ("true beauty", 2001, 1),
        ("True Beauty", 2021, 1),
        ("True Beauty", 2030, 1),
    ]


# Filters: the same as list's, counting exactly the scenes list shows

FILTERS = [
    [],
    ["--actor", "Son Ye Jin"],
    ["--actor", "손예진", "--actor", "Hyun Bin"],
    ["--character", "Se Ri"],
    ["--character", "grim reaper"],
    ["--drama", "CLOY"],
    ["--drama", "Secretary Kim"],
    ["--year", "2018"],
    ["--year", "2017..2019"],
    ["--year", "..2016"],
    ["--actor", "Song Hye Kyo", "--year", "2019.."],
    ["--actor", "Nobody Here"],
]


@pytest.mark.parametrize("filters", FILTERS, ids=" ".join)
def test_counts_agree_with_list_for_every_filter(kdrama: Invoke, filters: list[str]) -> None:
    scenes = kdrama("list", *filters, "--json").json()
    actors = Counter(actor for scene in scenes for actor in scene["actors"])
    dramas = Counter((scene["drama"], scene["year"]) for scene in scenes)
    years = Counter(scene["year"] for scene in scenes)
    assert dict(counts(kdrama("actors", *filters, "--json"))) == dict(actors)
    drama_rows = kdrama("dramas", *filters, "--json").json()
    assert {(row["drama"], row["year"]): row["count"] for row in drama_rows} == dict(dramas)
    assert dict(counts(kdrama("years", *filters, "--json"))) == dict(years)


def test_favorites_and_min_rating_filter_the_counted_scenes(kdrama: Invoke, ties: str) -> None:
    assert counts(kdrama("actors", "--db", ties, "--favorites", "--json")) == [
        ("Ahn Hyo Seop", 2),
        ("bae Suzy", 1),
        ("Kim Se Jeong", 1),
    ]
    assert counts(kdrama("dramas", "--db", ties, "--min-rating", "4", "--json")) == [
        ("Business Proposal", 1),
        ("Start-Up", 1),
        ("True Beauty", 1),
    ]
    assert counts(kdrama("years", "--db", ties, "--min-rating", "5", "--json")) == [(2022, 1)]
    both = kdrama("actors", "--db", ties, "--favorites", "--min-rating", "5", "--json")
    assert counts(both) == [("Ahn Hyo Seop", 1), ("Kim Se Jeong", 1)]


def test_an_actor_filter_counts_their_co_stars_too(kdrama: Invoke) -> None:
    assert counts(kdrama("actors", "-a", "Song Hye Kyo", "--json")) == [
        ("Song Hye Kyo", 2),
        ("Park Bo Gum", 1),
        ("Song Joong Ki", 1),
    ]


# --limit


def test_limit_keeps_the_first_n_rows(kdrama: Invoke) -> None:
    assert kdrama("actors", "--limit", "3", "--json").json() == BUNDLED_ACTORS[:3]
    assert kdrama("dramas", "-n", "1", "--json").json() == BUNDLED_DRAMAS[:1]
    assert kdrama("years", "-n", "100", "--json").json() == BUNDLED_YEARS


@pytest.mark.parametrize("command", ["actors", "dramas", "years"])
@pytest.mark.parametrize("bad", ["0", "-3", "two", "1.5"])
def test_limit_must_be_a_positive_whole_number(kdrama: Invoke, command: str, bad: str) -> None:
    run = kdrama(command, "--limit", bad)
    assert (run.exit_code, run.stdout) == (2, "")
    assert "--limit" in run.stderr and repr(bad) in run.stderr


# Formats


def test_jsonl_is_one_row_object_a_line(kdrama: Invoke) -> None:
    assert kdrama("years", "--format", "jsonl").stdout == "".join(
        f'{{"year":{row["year"]},"count":{row["count"]}}}\n' for row in BUNDLED_YEARS
    )
    jsonl = kdrama("dramas", "-f", "jsonl", "-n", "1").stdout
    assert jsonl == (
        '{"drama":"Crash Landing on You","drama_korean":"사랑의 불시착","year":2020,"count":1}\n'
    )


def test_csv_has_a_header_row_with_the_json_keys(kdrama: Invoke) -> None:
    assert kdrama("actors", "-f", "csv", "-n", "2").stdout == (
        "actor,actor_korean,count\nSon Ye Jin,손예진,2\nSong Hye Kyo,송혜교,2\n"
    )
    assert kdrama("years", "-f", "csv", "-n", "1").stdout == "year,count\n2018,2\n"
    rows = list(csv.DictReader(io.StringIO(kdrama("dramas", "-f", "csv").stdout)))
    assert list(rows[0]) == ["drama", "drama_korean", "year", "count"]
    assert [{**row, "year": int(row["year"]), "count": int(row["count"])} for row in rows] == (
        BUNDLED_DRAMAS
    )


def test_tsv_matches_csv_with_tabs(kdrama: Invoke) -> None:
    for command in ("actors", "dramas", "years"):
        tsv = kdrama(command, "-f", "tsv").stdout
        comma = kdrama(command, "-f", "csv").stdout
        assert list(csv.reader(io.StringIO(tsv), dialect="excel-tab")) == list(
            csv.reader(io.StringIO(comma))
        )
    assert kdrama("years", "-f", "tsv", "-n", "1").stdout == "year\tcount\n2018\t2\n"


def test_empty_korean_title_is_null_in_json_and_empty_in_csv(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    db = str(make_catalog(one_scene()))
    assert kdrama("dramas", "--db", db, "--json").json() == [
        {"drama": "Test Drama", "drama_korean": None, "year": 2021, "count": 1}
    ]
    assert kdrama("dramas", "--db", db, "-f", "csv").stdout == (
        "drama,drama_korean,year,count\nTest Drama,,2021,1\n"
    )


def test_json_flag_and_format_json_agree(kdrama: Invoke) -> None:
    for command in ("actors", "dramas", "years"):
        assert kdrama(command, "--json").stdout == kdrama(command, "-f", "json").stdout


def test_json_flag_clashing_with_another_format_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("actors", "--json", "--format", "csv")
    assert run.exit_code == 2
    assert "--json clashes with --format csv" in " ".join(run.stderr.split())


def test_actors_table_shows_names_hangul_and_counts(kdrama: Invoke) -> None:
    run = kdrama("actors", "--limit", "2", "--format", "table")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert [cell.strip() for cell in lines[1].split("┃")[1:-1]] == ["Actor", "Hangul", "Scenes"]
    assert [cell.strip() for cell in lines[3].split("│")[1:-1]] == ["Son Ye Jin", "손예진", "2"]
    assert [cell.strip() for cell in lines[4].split("│")[1:-1]] == ["Song Hye Kyo", "송혜교", "2"]
    assert len(lines) == 6


def test_dramas_and_years_tables_have_their_columns(kdrama: Invoke) -> None:
    dramas = kdrama("dramas", "--format", "table").stdout
    assert all(word in dramas.splitlines()[1] for word in ("Drama", "Korean title", "Year"))
    assert "Crash Landing on You" in dramas and "사랑의 불시착" in dramas
    years = kdrama("years", "-n", "1", "-f", "table").stdout.splitlines()
    assert [cell.strip() for cell in years[3].split("│")[1:-1]] == ["2018", "2"]


@pytest.mark.parametrize("command", ["actors", "dramas", "years"])
@pytest.mark.parametrize("fmt", [[], ["--format", "table"]], ids=["lines", "table"])
def test_piped_tables_have_no_escape_codes(kdrama: Invoke, command: str, fmt: list[str]) -> None:
    run = kdrama(command, *fmt, env={"TERM": "xterm-256color"})
    assert run.exit_code == 0 and run.stdout
    assert "\x1b" not in run.stdout


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_machine_formats_ignore_color_and_width(kdrama: Invoke, fmt: str) -> None:
    plain = kdrama("dramas", "--format", fmt).stdout
    assert kdrama("dramas", "--format", fmt, env={"FORCE_COLOR": "1", "COLUMNS": "20"}).stdout == (
        plain
    )
    assert "\x1b" not in plain


def test_catalog_text_is_shown_literally_never_as_markup(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    data = one_scene(drama_fields={"title": "[bold]Loud[/] Drama"})
    data["people"][0]["name"] = "Kim [red]Actor[/red]"
    data["dramas"][0]["characters"][0]["actor"] = "Kim [red]Actor[/red]"
    db = str(make_catalog(data))
    actors = kdrama("actors", "--db", db, "-f", "table", env={"COLUMNS": "120"}).stdout
    assert "Kim [red]Actor[/red]" in actors
    dramas = kdrama("dramas", "--db", db, "-f", "table", env={"COLUMNS": "120"}).stdout
    assert "[bold]Loud[/] Drama" in dramas
    assert kdrama("actors", "--db", db, "--json").json()[0]["actor"] == "Kim [red]Actor[/red]"


# Nothing to count


def test_a_name_that_matches_nothing_is_explained_as_list_does(kdrama: Invoke) -> None:
    run = kdrama("actors", "--actor", "Son Ye Jn")
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == "No actor matches 'Son Ye Jn'. Did you mean: Son Ye Jin?\n"
    as_json = kdrama("dramas", "--drama", "Nothing Like It", "--json")
    assert (as_json.exit_code, as_json.stdout) == (0, "[]\n")
    assert as_json.stderr.startswith("No drama matches 'Nothing Like It'.")
    jsonl = kdrama("years", "--character", "Nobody Here", "-f", "jsonl")
    assert (jsonl.exit_code, jsonl.stdout) == (0, "")
    assert kdrama("years", "--actor", "Nobody Here", "-f", "csv").stdout == "year,count\n"


def test_no_scene_in_range_says_so_under_a_table_only(kdrama: Invoke) -> None:
    table = kdrama("years", "--year", "1990")
    assert (table.exit_code, table.stdout, table.stderr) == (0, "", "No scenes match.\n")
    as_json = kdrama("years", "--year", "1990", "--json")
    assert (as_json.exit_code, as_json.stdout, as_json.stderr) == (0, "[]\n", "")


@pytest.mark.parametrize("command", ["actors", "dramas", "years"])
@pytest.mark.parametrize("bad", ["abc", "2019..2016"])
def test_bad_year_is_a_usage_error_naming_the_value(kdrama: Invoke, command: str, bad: str) -> None:
    run = kdrama(command, "--year", bad)
    assert (run.exit_code, run.stdout) == (2, "")
    assert "--year" in run.stderr and repr(bad) in run.stderr


def test_a_missing_catalog_is_a_one_line_error(kdrama: Invoke, tmp_path: Path) -> None:
    run = kdrama("actors", "--db", str(tmp_path / "missing.db"))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.startswith("Error: ") and run.stderr.count("\n") == 1
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("command", ["actors", "dramas", "years"])
def test_help_has_examples(kdrama: Invoke, command: str) -> None:
    run = kdrama(command, "--help")
    assert run.exit_code == 0
    assert "Examples" in run.stdout and f"kdrama {command}" in run.stdout


# The Python API


def test_api_counts_with_a_filter_and_a_limit() -> None:
    with Catalog.open_bundled() as catalog:
        rows = list(facets.count_actors(catalog, SceneFilter(drama="CLOY")))
        assert rows == [
            facets.ActorCount("Hyun Bin", 1, "현빈"),
            facets.ActorCount("Son Ye Jin", 1, "손예진"),
        ]
        assert [row.to_dict() for row in facets.count_dramas(catalog, limit=2)] == (
            BUNDLED_DRAMAS[:2]
        )
        years = facets.count_years(catalog, SceneFilter(years=YearRange(2017, 2018)))
        assert [row.to_dict() for row in years] == [
            {"year": 2018, "count": 2},
            {"year": 2017, "count": 1},
        ]
        chronological = facets.count_years(catalog, by_year=True)
        assert [row.year for row in chronological] == [2016, 2017, 2018, 2019, 2020]


def test_api_rows_have_the_documented_fields() -> None:
    with Catalog.open_bundled() as catalog:
        for fields, rows in [
            (facets.ACTOR_FIELDS, facets.count_actors(catalog)),
            (facets.DRAMA_FIELDS, facets.count_dramas(catalog)),
            (facets.YEAR_FIELDS, facets.count_years(catalog)),
        ]:
            assert all(tuple(row.to_dict()) == fields for row in rows)


def test_module_docstring_examples_run() -> None:
    result = doctest.testmod(facets)
    assert result.attempted > 0 and result.failed == 0
