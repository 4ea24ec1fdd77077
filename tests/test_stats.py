"""`kdrama stats`: the catalog at a glance, as bar charts for people and JSON for
programs."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli import facets
from kdrama_cli.catalog import Catalog
from kdrama_cli.models import SceneFilter
from kdrama_cli.render import render_stats

from .conftest import Invoke, one_scene
from .test_facets import BUNDLED_ACTORS, BUNDLED_DRAMAS, TIES, favourites_and_ratings

NO_RATINGS = [{"rating": rating, "count": 0} for rating in range(1, 6)]

BUNDLED_STATS = {
    "scenes": 6,
    "dramas": 6,
    "actors": 10,
    "characters": 12,
    "tags": 0,
    "favorites": 0,
    "rated": 0,
    "average_rating": None,
    "years": [
        {"year": 2016, "count": 1},
        {"year": 2017, "count": 1},
        {"year": 2018, "count": 2},
        {"year": 2019, "count": 1},
        {"year": 2020, "count": 1},
    ],
    "top_actors": BUNDLED_ACTORS[:5],
    "top_dramas": BUNDLED_DRAMAS[:5],
    "top_tags": [],
    "ratings": NO_RATINGS,
}

ZERO_STATS = {
    "scenes": 0,
    "dramas": 0,
    "actors": 0,
    "characters": 0,
    "tags": 0,
    "favorites": 0,
    "rated": 0,
    "average_rating": None,
    "years": [],
    "top_actors": [],
    "top_dramas": [],
    "top_tags": [],
    "ratings": NO_RATINGS,
}


@pytest.fixture
def rated(make_catalog: Callable[..., Path], kdrama: Invoke) -> str:
    """The TIES catalog, with favourites and ratings."""
    return favourites_and_ratings(kdrama, str(make_catalog(TIES)))


@pytest.fixture
def empty(make_catalog: Callable[..., Path]) -> str:
    return str(make_catalog({}))


def bars(output: str, glyph: str = "█") -> dict[str, int]:
    """Each chart line's label (with its count) and the length of its bar."""
    return {
        line.split(glyph)[0].strip(): line.count(glyph)
        for line in output.splitlines()
        if line.startswith("  ")
    }


# --json


def test_json_has_every_number_for_the_bundled_catalog(kdrama: Invoke) -> None:
    run = kdrama("stats", "--json")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.json() == BUNDLED_STATS
    assert list(run.json()) == list(BUNDLED_STATS)


def test_json_counts_favourites_ratings_and_their_average(kdrama: Invoke, rated: str) -> None:
    numbers = kdrama("stats", "--db", rated, "--json").json()
    assert {key: numbers[key] for key in ("scenes", "favorites", "rated", "average_rating")} == {
        "scenes": 6,
        "favorites": 2,
        "rated": 3,
        "average_rating": 4.33,
    }
    assert numbers["ratings"] == [
        {"rating": 1, "count": 0},
        {"rating": 2, "count": 0},
        {"rating": 3, "count": 0},
        {"rating": 4, "count": 2},
        {"rating": 5, "count": 1},
    ]
    assert numbers["years"] == [
        {"year": 2019, "count": 1},
        {"year": 2020, "count": 2},
        {"year": 2021, "count": 1},
        {"year": 2022, "count": 2},
    ]
    assert (numbers["dramas"], numbers["actors"], numbers["characters"]) == (4, 5, 6)


def test_stats_take_lists_filters(kdrama: Invoke) -> None:
    numbers = kdrama("stats", "--actor", "Son Ye Jin", "--json").json()
    assert numbers == {
        "scenes": 2,
        "dramas": 2,
        "actors": 3,
        "characters": 4,
        "tags": 0,
        "favorites": 0,
        "rated": 0,
        "average_rating": None,
        "years": [{"year": 2018, "count": 1}, {"year": 2020, "count": 1}],
        "top_actors": [
            {"actor": "Son Ye Jin", "actor_korean": "손예진", "count": 2},
            {"actor": "Hyun Bin", "actor_korean": "현빈", "count": 1},
            {"actor": "Jung Hae In", "actor_korean": "정해인", "count": 1},
        ],
        "top_dramas": [
            {
                "drama": "Crash Landing on You",
                "drama_korean": "사랑의 불시착",
                "year": 2020,
                "count": 1,
            },
            {
                "drama": "Something in the Rain",
                "drama_korean": "밥 잘 사주는 예쁜 누나",
                "year": 2018,
                "count": 1,
            },
        ],
        "top_tags": [],
        "ratings": NO_RATINGS,
    }
    assert kdrama("stats", "-c", "Sunny", "--json").json()["top_dramas"][0]["drama"] == "Goblin"
    assert kdrama("stats", "-d", "DOTS", "--json").json()["actors"] == 2
    assert kdrama("stats", "-y", "2018", "--json").json()["scenes"] == 2


def test_favourite_and_rating_filters_narrow_every_number(kdrama: Invoke, rated: str) -> None:
    favourites = kdrama("stats", "--db", rated, "--favorites", "--json").json()
    assert (favourites["scenes"], favourites["favorites"], favourites["average_rating"]) == (
        2,
        2,
        4.5,
    )
    assert favourites["top_actors"][0] == {
        "actor": "Ahn Hyo Seop",
        "actor_korean": None,
        "count": 2,
    }
    high = kdrama("stats", "--db", rated, "--min-rating", "5", "--json").json()
    assert (high["scenes"], high["rated"], high["average_rating"]) == (1, 1, 5.0)
    assert high["ratings"][4] == {"rating": 5, "count": 1}


def test_top_picks_how_many_actors_and_dramas(kdrama: Invoke) -> None:
    numbers = kdrama("stats", "--top", "1", "--json").json()
    assert numbers["top_actors"] == [{"actor": "Son Ye Jin", "actor_korean": "손예진", "count": 2}]
    assert numbers["top_dramas"] == BUNDLED_DRAMAS[:1]
    everyone = kdrama("stats", "--top", "50", "--json").json()
    assert len(everyone["top_actors"]) == 10 and len(everyone["top_dramas"]) == 6


@pytest.mark.parametrize("bad", ["0", "-1", "five"])
def test_top_must_be_a_positive_whole_number(kdrama: Invoke, bad: str) -> None:
    run = kdrama("stats", "--top", bad)
    assert (run.exit_code, run.stdout) == (2, "")
    assert "--top" in run.stderr and repr(bad) in run.stderr


def test_bad_year_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("stats", "--year", "abc")
    assert (run.exit_code, run.stdout) == (2, "")
    assert "'abc'" in run.stderr


def test_a_zero_scene_catalog_has_zero_counts_and_no_average(kdrama: Invoke, empty: str) -> None:
    run = kdrama("stats", "--db", empty, "--json")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.json() == ZERO_STATS


def test_a_name_that_matches_nothing_gives_zeros_and_a_suggestion(kdrama: Invoke) -> None:
    run = kdrama("stats", "--actor", "Son Ye Jn", "--json")
    assert (run.exit_code, run.json()) == (0, ZERO_STATS)
    assert run.stderr == "No actor matches 'Son Ye Jn'. Did you mean: Son Ye Jin?\n"


# Charts


def test_charts_show_totals_and_bars_scaled_to_the_largest_count(kdrama: Invoke) -> None:
    run = kdrama("stats")
    assert (run.exit_code, run.stderr) == (0, "")
    lines = run.stdout.splitlines()
    assert lines[:4] == [
        "Scenes      6    Favourites     0",
        "Dramas      6    Rated          0",
        "Actors     10    Average rating -",
        "Characters 12    Tags           0",
    ]
    titles = ("Scenes per year", "Top actors", "Top dramas", "Top tags", "Favourites and ratings")
    for title in titles:
        assert title in lines
    drawn = bars(run.stdout)
    assert drawn["2018 2"] == 40 and drawn["2016 1"] == 20
    assert drawn["Son Ye Jin    2"] == 40 and drawn["Hyun Bin      1"] == 20
    assert drawn["Crash Landing on You (2020)   1"] == 40
    assert drawn["favourites 0"] == 0 and drawn["rated 5    0"] == 0
    assert all(line == line.rstrip() for line in lines)


def test_charts_draw_favourites_and_ratings(kdrama: Invoke, rated: str) -> None:
    output = kdrama("stats", "--db", rated).stdout
    assert "Average rating 4.33" in output
    drawn = bars(output)
    assert drawn["favourites 2"] == 40
    assert drawn["rated 5    1"] == 20 and drawn["rated 4    2"] == 40
    assert drawn["rated 1    0"] == 0


def test_charts_fit_a_narrow_terminal(kdrama: Invoke) -> None:
    output = kdrama("stats", env={"COLUMNS": "30"}).stdout
    assert all(len(line) <= 30 for line in output.splitlines())
    assert bars(output)["2018 2"] > bars(output)["2016 1"] > 0


def test_a_zero_scene_catalog_draws_without_dividing_by_zero(kdrama: Invoke, empty: str) -> None:
    run = kdrama("stats", "--db", empty)
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.splitlines()[0] == "Scenes     0    Favourites     0"
    assert "Average rating -" in run.stdout
    assert run.stdout.count("  none") == 4  # actors, dramas, tags, years
    assert "█" not in run.stdout


def test_piped_charts_have_no_escape_codes(kdrama: Invoke) -> None:
    run = kdrama("stats", env={"TERM": "xterm-256color", "COLUMNS": "100"})
    assert run.exit_code == 0 and "█" in run.stdout
    assert "\x1b" not in run.stdout


def test_catalog_text_in_charts_is_never_markup(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    data = one_scene(drama_fields={"title": "[bold]x[/] Drama"})
    data["people"][0]["name"] = "Kim [red]Actor[/red]"
    data["dramas"][0]["characters"][0]["actor"] = "Kim [red]Actor[/red]"
    output = kdrama("stats", "--db", str(make_catalog(data))).stdout
    assert "Kim [red]Actor[/red]" in output
    assert "[bold]x[/] Drama (2021)" in output


def test_bars_fall_back_to_hash_where_the_output_cannot_encode_blocks() -> None:
    with Catalog.open_bundled() as catalog:
        counted = facets.catalog_stats(catalog)
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    render_stats(counted, ascii_out)
    ascii_out.seek(0)
    drawn = ascii_out.read()
    assert bars(drawn, "#")["2018 2"] == 40
    utf8_out = io.StringIO()
    render_stats(counted, utf8_out)
    assert bars(utf8_out.getvalue())["2018 2"] == 40 and "#" not in utf8_out.getvalue()


def test_help_has_examples(kdrama: Invoke) -> None:
    run = kdrama("stats", "--help")
    assert run.exit_code == 0
    assert "Examples" in run.stdout and "kdrama stats --json" in run.stdout


# The Python API


def test_api_stats_match_the_json(kdrama: Invoke) -> None:
    with Catalog.open_bundled() as catalog:
        counted = facets.catalog_stats(catalog, SceneFilter(actors=("Song Hye Kyo",)), top=2)
    assert counted.scenes == 2 and counted.average_rating is None
    assert counted.top_actors == (
        facets.ActorCount("Song Hye Kyo", 2, "송혜교"),
        facets.ActorCount("Park Bo Gum", 1, "박보검"),
    )
    assert counted.ratings == tuple(facets.RatingCount(rating, 0) for rating in range(1, 6))
    json_run = kdrama("stats", "--actor", "Song Hye Kyo", "--top", "2", "--json")
    assert counted.to_dict() == json_run.json()
