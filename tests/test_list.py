"""`kdrama list`: filters, sorting, limits and their errors, through the CLI."""

from __future__ import annotations

import pytest

from .conftest import Invoke


def ids(run: object) -> list[int]:
    return [scene["id"] for scene in run.json()]  # type: ignore[attr-defined]


def test_list_by_actor_finds_son_ye_jins_two_scenes(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Son Ye Jin", "--json")
    assert run.exit_code == 0
    assert [s["drama"] for s in run.json()] == ["Something in the Rain", "Crash Landing on You"]


@pytest.mark.parametrize(
    "spelling", ["Son Ye Jin", "son ye-jin", "SON YEJIN", "Son Ye-Jin", "손예진"]
)
def test_actor_matches_ignoring_case_spaces_and_hyphens(kdrama: Invoke, spelling: str) -> None:
    assert ids(kdrama("list", "--actor", spelling, "--json")) == [2, 6]


def test_list_table_shows_both_son_ye_jin_scenes(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Son Ye Jin")
    assert run.exit_code == 0
    assert "Something in the" in run.stdout and "Crash Landing on" in run.stdout
    assert "Encounter" not in run.stdout


def test_repeated_actors_must_all_appear(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "-a", "Hyun Bin", "-a", "Son Ye Jin", "--json")) == [6]
    assert ids(kdrama("list", "-a", "Jung Hae In", "-a", "Hyun Bin", "--json")) == []


def test_actor_in_two_dramas_finds_both(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--actor", "Song Hye Kyo", "--json")) == [1, 5]


def test_character_filter_matches_full_and_given_names(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--character", "Yoon Se-ri", "--json")) == [6]
    assert ids(kdrama("list", "--character", "se ri", "--json")) == [6]
    assert ids(kdrama("list", "--character", "grim reaper", "--json")) == [4]
    assert ids(kdrama("list", "--character", "Kim Woo Bin", "--json")) == [4]


def test_repeated_characters_must_all_appear(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "-c", "Sunny", "-c", "Grim Reaper", "--json")) == [4]
    assert ids(kdrama("list", "-c", "Sunny", "-c", "Yoo Si Jin", "--json")) == []


def test_different_filters_combine_with_and(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--actor", "Song Hye Kyo", "--year", "2016", "--json")) == [5]
    assert ids(kdrama("list", "-a", "Song Hye Kyo", "-d", "Goblin", "--json")) == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Crash Landing on You", [6]),
        ("crash-landing on you!", [6]),
        ("Secretary Kim", [3]),
        ("Whats wrong with secretary kim", [3]),
        ("What’s Wrong With Secretary Kim?", [3]),
        ("CLOY", [6]),
        ("dots", [5]),
        ("사랑의 불시착", [6]),
        ("도깨비", [4]),
        ("Guardian: The Lonely and Great God", [4]),
        ("Pretty Noona Who Buys Me Food", [2]),
    ],
)
def test_drama_matches_title_runs_of_words_and_aliases(
    kdrama: Invoke, title: str, expected: list[int]
) -> None:
    assert ids(kdrama("list", "--drama", title, "--json")) == expected


def test_drama_does_not_match_a_fragment_of_a_word(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--drama", "Secret", "--json")) == []


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("2018", [2, 3]),
        ("2016..2017", [4, 5]),
        ("2019..", [1, 6]),
        ("..2016", [5]),
        ("2018..2018", [2, 3]),
        ("1990..1999", []),
    ],
)
def test_year_accepts_a_year_and_inclusive_open_ranges(
    kdrama: Invoke, years: str, expected: list[int]
) -> None:
    assert ids(kdrama("list", "--year", years, "--json")) == expected


@pytest.mark.parametrize("bad", ["abc", "2018..x", "..", "2018...2019", "20180", "2019..2016", ""])
def test_bad_year_is_a_usage_error_naming_the_value(kdrama: Invoke, bad: str) -> None:
    run = kdrama("list", "--year", bad)
    assert run.exit_code == 2
    assert "--year" in run.stderr
    assert repr(bad) in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("id", [1, 2, 3, 4, 5, 6]),
        ("year", [5, 4, 2, 3, 1, 6]),
        ("drama", [6, 5, 1, 4, 2, 3]),
        ("title", [5, 6, 2, 1, 4, 3]),
    ],
)
def test_sort_orders_by_field_with_id_as_tie_breaker(
    kdrama: Invoke, sort: str, expected: list[int]
) -> None:
    assert ids(kdrama("list", "--sort", sort, "--json")) == expected
    assert ids(kdrama("list", "--sort", sort, "--desc", "--json")) == expected[::-1]


def test_sort_is_case_insensitive_and_rejects_unknown_fields(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--sort", "YEAR", "--json"))[0] == 5
    run = kdrama("list", "--sort", "popularity")
    assert run.exit_code == 2
    assert "'popularity'" in run.stderr


def test_limit_keeps_the_first_n_in_sort_order(kdrama: Invoke) -> None:
    assert ids(kdrama("list", "--sort", "year", "--desc", "--limit", "2", "--json")) == [6, 1]
    assert ids(kdrama("list", "-n", "100", "--json")) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("bad", ["0", "-3", "two", "1.5"])
def test_limit_must_be_a_positive_integer(kdrama: Invoke, bad: str) -> None:
    run = kdrama("list", "--limit", bad)
    assert run.exit_code == 2
    assert "--limit" in run.stderr and bad in run.stderr


@pytest.mark.parametrize(
    "text", ["%", "_", "Son%", "' OR 1=1 --", '"', "Son Ye Jin'; DROP TABLE scenes; --"]
)
def test_user_text_is_literal_never_a_wildcard_or_sql(kdrama: Invoke, text: str) -> None:
    for option in ("--actor", "--character", "--drama"):
        run = kdrama("list", option, text, "--json")
        assert run.exit_code in (0, 2)
        if run.exit_code == 0:
            assert run.json() == []
    assert len(kdrama("list", "--json").json()) == 6


def test_name_with_no_letters_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "%%")
    assert run.exit_code == 2
    assert "'%%' has no letters or digits" in run.stderr


def test_no_match_exits_zero_with_empty_output_and_a_note(kdrama: Invoke) -> None:
    table = kdrama("list", "--year", "1990")
    assert (table.exit_code, table.stdout) == (0, "")
    assert table.stderr == "No scenes match.\n"
    unknown = kdrama("list", "--actor", "Nobody Here")
    assert (unknown.exit_code, unknown.stdout) == (0, "")
    assert unknown.stderr == "No actor matches 'Nobody Here'.\n"
    as_json = kdrama("list", "--actor", "Nobody Here", "--json")
    assert (as_json.exit_code, as_json.stdout) == (0, "[]\n")
    assert as_json.stderr == "No actor matches 'Nobody Here'.\n"
    jsonl = kdrama("list", "--actor", "Nobody Here", "--format", "jsonl")
    assert (jsonl.exit_code, jsonl.stdout) == (0, "")
    csv_run = kdrama("list", "--actor", "Nobody Here", "--format", "csv")
    assert csv_run.stdout.splitlines() == [csv_run.stdout.splitlines()[0]]
    assert csv_run.stdout.startswith("id,title,drama,")


def test_json_flag_and_format_json_agree(kdrama: Invoke) -> None:
    assert kdrama("list", "--json").stdout == kdrama("list", "--format", "json").stdout
    assert kdrama("list", "--json", "--format", "json").exit_code == 0


def test_json_flag_clashing_with_another_format_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("list", "--json", "--format", "csv")
    assert run.exit_code == 2
    assert "--json clashes with --format csv" in " ".join(run.stderr.split())


def test_unknown_format_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("list", "--format", "xml")
    assert run.exit_code == 2
    assert "'xml'" in run.stderr
