"""The names evaluation (issue 16) on a fixed sample: the same code as the benchmark
(``benchmarks/names_eval.py``), so that a change to name matching that loses names
or confuses people fails here, and not only in BENCHMARKS.md.

The floors below are today's levels on the sample (name matching v2), all at or
above the issue's targets: recall of at least 99.5% for the poster, Hangul, Revised
Romanization and McCune-Reischauer spellings and 98% for the popular and mixed ones,
no wrong match, at most 2% of near-miss names typed in Latin and none typed in
Hangul returning anyone (``names_eval.SOURCES`` and ``NEAR_MISS_TARGETS``).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kdrama_cli.catalog import Catalog

from .conftest import ROOT, Invoke

BENCHMARKS = ROOT / "benchmarks"

# Today's recall on the sample, per source: a floor (rounded down to 0.1%). Names v2
# (two tiers) raised popular spellings from 79.7% and mixed ones from 78.9%; closing
# the evaluation's gaps (fan surnames Uhm, Byun, Youn, Yuh, Sul; McCune-Reischauer
# surnames in the second tier; "ou" kept apart from "o"; stage names read whole;
# ㄹ assimilated as McCune-Reischauer writes it) brought every source on the sample
# to 100%.
RECALL_FLOORS = {
    "poster": 1.0,
    "reversed": 1.0,
    "hangul": 1.0,
    "rr-kr": 1.0,
    "rr-hr": 1.0,
    "mr": 1.0,
    "mr-plain": 1.0,
    "popular": 1.0,
    "mixed": 1.0,
}
# Wrong matches on the sample: none, the issue's target (a surname-last reading such
# as "So Hyun Kim" no longer meets Kim Seo Hyung's surname-first key).
WRONG_CEILINGS: dict[str, int] = {}
# The share of near-miss queries that return someone: a ceiling, the issue's targets
# (at most 2% in Latin, none in Hangul). Today on the sample: 1.7% in Latin (2 of 116:
# "Bag Min Yong" for 박민용 finds Park Min Young by ㅕ read as "yo"), none in Hangul.
NEAR_MISS_CEILINGS = {"Latin": 0.02, "Hangul": 0.0}


@pytest.fixture(scope="module")
def names_eval() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCHMARKS))
        yield importlib.import_module("names_eval")


@pytest.fixture(scope="module")
def sample(names_eval: ModuleType) -> Any:
    """40 actors, 10 characters and 15 near-misses, always the same ones."""
    return names_eval.sample(names_eval.load(), actors=40, characters=10, near_misses=15)


@pytest.fixture(scope="module")
def evaluation(names_eval: ModuleType, sample: Any) -> Any:
    return names_eval.evaluate(sample)


def test_the_data_holds_the_real_names_and_near_misses_the_issue_asks_for(
    names_eval: ModuleType,
) -> None:
    data = names_eval.load()  # checks it: unique names, near-misses one jamo away
    assert len(data.actors) >= 200
    assert len(data.characters) >= 30
    assert len(data.near_misses) >= 40
    listed = {a.hangul for a in data.actors}
    assert {"손예진", "현빈", "아이유", "김소현", "김서형", "김수현", "이준기"} <= listed
    assert {"이중기", "김서현", "송동일"} <= {m.hangul for m in data.near_misses}


def test_a_near_miss_that_is_a_listed_name_is_refused(names_eval: ModuleType) -> None:
    data = names_eval.load()
    listed = data.near_misses[0].near
    wrong = dataclasses.replace(data, near_misses=(names_eval.NearMiss(listed.hangul, listed),))
    with pytest.raises(names_eval.DataError, match="is a listed name"):
        names_eval.check(wrong)


def test_a_near_miss_two_letters_away_is_refused(names_eval: ModuleType) -> None:
    data = names_eval.load()
    son_ye_jin = next(a for a in data.actors if a.hangul == "손예진")
    far = dataclasses.replace(data, near_misses=(names_eval.NearMiss("선애진", son_ye_jin),))
    with pytest.raises(names_eval.DataError, match="not one jamo"):
        names_eval.check(far)


def test_spellings_come_from_each_romanizer_and_the_popular_variants(
    names_eval: ModuleType, sample: Any
) -> None:
    kim_seon_ho = names_eval.Name("actor", "김선호", "Kim Seon Ho")
    found = names_eval.spellings(kim_seon_ho)
    assert "Gim Seon Ho" in found["rr-kr"]
    assert "Gim Seonho" in found["rr-hr"]
    assert "Kim Sŏnho" in found["mr"]
    assert "Kim Sonho" in found["mr-plain"]
    assert "김선호" in found["hangul"]
    assert "Seon Ho Kim" in found["reversed"]
    popular = names_eval.spellings(names_eval.Name("actor", "박서준", "Park Seo Joon"))["popular"]
    assert len(popular) == names_eval.POPULAR_PER_NAME
    assert all(text.split()[0] in {"Park", "Pak", "Bak"} for text in popular)


def test_the_sample_finds_names_at_least_as_often_as_today(evaluation: Any) -> None:
    recall = {result.source: round(result.recall, 6) for result in evaluation.sources}
    assert set(recall) == set(RECALL_FLOORS)
    below = {s: (recall[s], floor) for s, floor in RECALL_FLOORS.items() if recall[s] < floor}
    assert not below, f"recall fell below today's level (source: (now, floor)): {below}"


def test_the_sample_confuses_people_no_more_often_than_today(evaluation: Any) -> None:
    wrong = {result.source: result.wrongs for result in evaluation.sources}
    over = {s: found for s, found in wrong.items() if len(found) > WRONG_CEILINGS.get(s, 0)}
    assert not over, f"more wrong matches than today: {over}"


def test_near_misses_find_someone_no_more_often_than_today(evaluation: Any) -> None:
    for script, ceiling in NEAR_MISS_CEILINGS.items():
        result = evaluation.script(script)
        assert result.queries > 0
        assert result.rate <= ceiling, f"{script}: {result.found}"


def test_the_evaluation_looks_names_up_as_kdrama_list_does(
    names_eval: ModuleType, sample: Any, tmp_path: Path, kdrama: Invoke
) -> None:
    """The lookup the benchmark counts is what ``kdrama list`` prints, query for query:
    the right name, someone else, and nobody."""
    db = names_eval.build(sample, tmp_path)
    queries = [
        ("actor", "Son Ye-jin"),
        ("actor", "So Hyun Kim"),
        ("actor", "이중기"),
        ("actor", "Kim Sun Ho"),
        ("actor", "Nobody At All"),
        ("character", "Ri Jeong Hyeok"),
        ("character", "Ri Jung Hyuk"),
    ]
    with Catalog.open(db) as catalog:
        expected = [names_eval.lookup(catalog, kind, text) for kind, text in queries]
    printed = []
    for kind, text in queries:
        run = kdrama("list", f"--{kind}", text, "--db", str(db), "--all", "--format", "json")
        assert run.exit_code == 0, run.stderr
        scenes = json.loads(run.stdout or "[]")
        if kind == "actor":
            printed.append({name for scene in scenes for name in scene["actors"]})
        else:
            printed.append({role["name"] for scene in scenes for role in scene["characters"]})
    assert printed == expected
    assert expected[0] == {"Son Ye Jin"}
    assert expected[4] == set()


def test_the_report_shows_every_source_target_and_example(
    names_eval: ModuleType, evaluation: Any
) -> None:
    text = names_eval.markdown(evaluation, misses=3)
    for source in names_eval.SOURCES:
        assert f"| {source}: " in text
    assert "| Latin | " in text and "| Hangul | " in text
    assert '`kdrama list --character "Ri Jung Hyuk"`' in text
    assert '`kdrama list --actor "Kim Sun Ho"`' in text
    assert "`kdrama list --actor 이중기`" in text
    checks = evaluation.checks()
    assert len(checks) == len(names_eval.SOURCES) + 2 + len(names_eval.EXAMPLES)
