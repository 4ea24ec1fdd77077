"""When a name matches nothing, say so on stderr and suggest the closest names."""

from __future__ import annotations

import pytest

from kdrama_cli.catalog import Catalog
from kdrama_cli.models import NameKind, SceneFilter

from .conftest import Invoke


def test_misspelt_actor_gets_a_suggestion_and_empty_output(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Son Ye Jn")
    assert (run.exit_code, run.stdout) == (0, "")
    assert "No actor matches 'Son Ye Jn'. Did you mean: Son Ye Jin?" in run.stderr


def test_suggestions_keep_json_output_clean(kdrama: Invoke) -> None:
    run = kdrama("list", "--drama", "Crash Landng", "--json")
    assert run.stdout == "[]\n"
    assert run.stderr.strip() == (
        "No drama matches 'Crash Landng'. Did you mean: Crash Landing on You?"
    )


@pytest.mark.parametrize(
    ("kind", "typed", "first"),
    [
        (NameKind.ACTOR, "Song Hye Kio", "Song Hye Kyo"),
        (NameKind.ACTOR, "Park Seo Jon", "Park Seo Joon"),
        (NameKind.ACTOR, "Hyun Bean", "Hyun Bin"),
        (NameKind.CHARACTER, "Ri Jung Hyuk", "Ri Jeong Hyeok"),
        (NameKind.CHARACTER, "Yoon Seri Ri", "Yoon Se Ri"),
        (NameKind.DRAMA, "Descendents of the Sun", "Descendants of the Sun"),
        (NameKind.DRAMA, "Gobiln", "Goblin"),
    ],
)
def test_suggestions_rank_the_intended_name_first(kind: NameKind, typed: str, first: str) -> None:
    with Catalog.open_bundled() as catalog:
        assert catalog.suggest(kind, typed)[0] == first


def test_a_name_unlike_anything_gets_no_suggestion(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Zzyzx Qwerty")
    assert run.stderr.strip() == "No actor matches 'Zzyzx Qwerty'."


def test_only_the_names_that_match_nothing_are_reported(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Hyun Bin", "--actor", "Son Ye Jn", "--drama", "Goblin")
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "No actor matches 'Son Ye Jn'. Did you mean: Son Ye Jin?"
    ]


def test_filters_that_match_but_not_together_suggest_nothing(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "Hyun Bin", "--drama", "Goblin")
    assert run.stdout == ""
    assert run.stderr.strip() == "No scenes match."


def test_random_with_a_misspelt_name_suggests_then_fails(kdrama: Invoke) -> None:
    run = kdrama("random", "--character", "Grim Reper")
    assert run.exit_code == 1
    assert run.stderr.strip().splitlines() == [
        "No character matches 'Grim Reper'. Did you mean: Grim Reaper?",
        "Error: no scene matches, so there is nothing to pick from",
    ]


def test_unmatched_names_reports_each_with_its_kind() -> None:
    with Catalog.open_bundled() as catalog:
        unmatched = catalog.unmatched_names(
            SceneFilter(actors=("Son Ye Jin", "Nobody"), characters=("Sunni",), drama="CLOY")
        )
    assert [(u.kind, u.text) for u in unmatched] == [
        (NameKind.ACTOR, "Nobody"),
        (NameKind.CHARACTER, "Sunni"),
    ]
    assert unmatched[1].suggestions[0] == "Sunny"
