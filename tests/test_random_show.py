"""`kdrama random` and `kdrama show`, through the CLI."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from kdrama_cli.catalog import Catalog
from kdrama_cli.models import SceneFilter
from kdrama_cli.storage import Location, Origin

from .conftest import BUNDLED, Invoke


def test_random_picks_one_scene_by_default(kdrama: Invoke) -> None:
    run = kdrama("random", "--json")
    assert run.exit_code == 0
    assert len(run.json()) == 1
    assert 1 <= run.json()[0]["id"] <= 6


def test_random_respects_filters(kdrama: Invoke) -> None:
    for seed in range(10):
        run = kdrama("random", "--actor", "Son Ye Jin", "--seed", str(seed), "--json")
        assert run.json()[0]["id"] in (2, 6)


def test_random_with_a_seed_is_reproducible(kdrama: Invoke) -> None:
    first = kdrama("random", "--count", "3", "--seed", "42", "--json").stdout
    assert kdrama("random", "--count", "3", "--seed", "42", "--json").stdout == first
    others = {kdrama("random", "-n", "3", "--seed", str(s), "--json").stdout for s in range(8)}
    assert len(others) > 1


def test_random_never_repeats_a_scene(kdrama: Invoke) -> None:
    for seed in range(20):
        picked = [
            s["id"] for s in kdrama("random", "-n", "4", "--seed", str(seed), "--json").json()
        ]
        assert len(picked) == len(set(picked)) == 4


def test_random_count_above_matches_returns_every_match_once_with_a_note(kdrama: Invoke) -> None:
    run = kdrama("random", "--drama", "CLOY", "--count", "5", "--json")
    assert run.exit_code == 0
    assert [s["id"] for s in run.json()] == [6]
    assert "Only 1 scene(s) match" in run.stderr


def test_random_with_nothing_to_pick_exits_1_with_one_line(kdrama: Invoke) -> None:
    run = kdrama("random", "--year", "1990")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.strip() == "Error: no scene matches, so there is nothing to pick from"


def test_random_picks_uniformly() -> None:
    with Catalog.open_bundled() as catalog:
        counts = Counter(
            catalog.random_scenes(SceneFilter(), 1, seed)[0].id for seed in range(6000)
        )
    assert set(counts) == {1, 2, 3, 4, 5, 6}
    assert all(850 < n < 1150 for n in counts.values()), counts


def test_random_bad_count_and_seed_are_usage_errors(kdrama: Invoke) -> None:
    for args in (["--count", "0"], ["--count", "x"], ["--seed", "abc"]):
        run = kdrama("random", *args)
        assert run.exit_code == 2
        assert repr(args[1]) in run.stderr


def test_random_formats_like_list(kdrama: Invoke) -> None:
    run = kdrama("random", "--seed", "1", "--format", "csv")
    assert run.stdout.startswith("id,title,drama,")
    assert len(run.stdout.splitlines()) == 2
    assert kdrama("random", "--seed", "1", "--format", "table").stdout.startswith("┏")
    assert kdrama("random", "--seed", "1").stdout.startswith("2\tSomething in the Rain\t2018\t")


def test_show_prints_the_scene_in_full(kdrama: Invoke) -> None:
    run = kdrama("show", "6")
    assert run.exit_code == 0
    text = " ".join(run.stdout.split())
    for expected in [
        "Jeong Hyeok kisses Se Ri's tears away",
        "Crash Landing on You (사랑의 불시착) · tvN · 2020",
        "Hyun Bin (현빈) as Ri Jeong Hyeok (리정혁)",
        "Son Ye Jin (손예진) as Yoon Se Ri (윤세리)",
        "Source: Cosmopolitan",
        "SCMP",
    ]:
        assert expected in text


def test_show_json_is_one_object_like_list(kdrama: Invoke) -> None:
    run = kdrama("show", "3", "--format", "json")
    assert run.json() == kdrama("list", "--drama", "WWWSK", "--json").json()[0]


def test_show_unknown_id_exits_1(kdrama: Invoke) -> None:
    run = kdrama("show", "99")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.strip() == "Error: no scene with id 99"


def test_show_bad_id_is_a_usage_error(kdrama: Invoke) -> None:
    run = kdrama("show", "six")
    assert run.exit_code == 2
    assert "'six' is not a whole number" in run.stderr


def test_random_picks_uniformly_among_ids_left_far_apart(tmp_path: Path) -> None:
    """Removed scenes leave gaps in the ids; what remains is still drawn evenly, and
    a seed still draws the same scenes."""
    db = tmp_path / "scenes.db"
    shutil.copyfile(BUNDLED, db)
    with Catalog.open(Location(db, Origin.OPTION), write=True) as catalog:
        catalog.conn.execute("PRAGMA foreign_keys = OFF")
        catalog.conn.execute("UPDATE scenes SET id = 1000 WHERE id = 6")
        catalog.conn.execute("DELETE FROM scenes WHERE id IN (2, 3)")
        counts = Counter(
            catalog.random_scenes(SceneFilter(), 1, seed)[0].id for seed in range(4000)
        )
        pairs = [tuple(s.id for s in catalog.random_scenes(SceneFilter(), 2, 7)) for _ in "ab"]
    assert set(counts) == {1, 4, 5, 1000}
    assert all(850 < n < 1150 for n in counts.values()), counts
    assert pairs[0] == pairs[1] and len(set(pairs[0])) == 2
