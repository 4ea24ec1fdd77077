"""The bundled catalog: its facts, its text source, and the database built from it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kdrama_cli.build import build_catalog
from kdrama_cli.catalog import Catalog

from .conftest import BUNDLED, SOURCE, bundled_source, one_scene, write_toml

REBUILD = "uv run python -m kdrama_cli.build data/scenes.toml data/scenes.db"


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_committed_database_matches_its_text_source(tmp_path: Path) -> None:
    rebuilt = tmp_path / "scenes.db"
    build_catalog(SOURCE, rebuilt)
    assert dump(rebuilt) == dump(BUNDLED), f"data/scenes.db is stale: run {REBUILD}"


def test_catalog_holds_the_articles_six_scenes_with_its_years_and_ranks() -> None:
    with Catalog.open_bundled() as catalog:
        scenes = list(catalog.list_scenes())
    assert [(s.rank, s.drama, s.year) for s in scenes] == [
        (1, "Encounter", 2019),
        (2, "Something in the Rain", 2018),
        (3, "What's Wrong with Secretary Kim", 2018),
        (4, "Goblin", 2017),
        (5, "Descendants of the Sun", 2016),
        (6, "Crash Landing on You", 2020),
    ]
    assert {s.source for s in scenes} == {"Cosmopolitan"}
    assert all("SCMP" in (s.source_credit or "") for s in scenes)
    cast = {s.id: [(r.actor, r.name) for r in s.characters] for s in scenes}
    assert cast == {
        1: [("Park Bo Gum", "Kim Jin Hyuk"), ("Song Hye Kyo", "Cha Soo Hyun")],
        2: [("Son Ye Jin", "Yoon Jin Ah"), ("Jung Hae In", "Seo Joon Hee")],
        3: [("Park Seo Joon", "Lee Young Joon"), ("Park Min Young", "Kim Mi So")],
        4: [("Lee Dong Wook", "Grim Reaper"), ("Yoo In Na", "Sunny")],
        5: [("Song Joong Ki", "Yoo Si Jin"), ("Song Hye Kyo", "Kang Mo Yeon")],
        6: [("Hyun Bin", "Ri Jeong Hyeok"), ("Son Ye Jin", "Yoon Se Ri")],
    }


def test_every_drama_person_and_character_has_its_korean_name() -> None:
    source = bundled_source()
    assert all(d.get("title_ko") and d.get("network") for d in source["dramas"])
    assert all(p.get("name_ko") for p in source["people"])
    assert all(c.get("name_ko") for d in source["dramas"] for c in d["characters"])


def test_scene_ids_are_stable_when_the_source_is_reordered(tmp_path: Path) -> None:
    source = bundled_source()
    source["scenes"].reverse()
    source["dramas"].reverse()
    reordered = tmp_path / "reordered.db"
    build_catalog(write_toml(source, tmp_path / "reordered.toml"), reordered)
    with Catalog.open(reordered) as new, Catalog.open_bundled() as old:
        assert [(s.id, s.title, s.drama) for s in new.list_scenes()] == [
            (s.id, s.title, s.drama) for s in old.list_scenes()
        ]


def test_build_refuses_a_source_with_an_unknown_drama(tmp_path: Path) -> None:
    from kdrama_cli.build import main

    data = one_scene(drama="Missing Drama")
    source = write_toml(data, tmp_path / "bad.toml")
    target = tmp_path / "bad.db"
    assert main([str(source), str(target)]) == 1
    assert not target.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_build_refuses_a_duplicate_scene_id(tmp_path: Path) -> None:
    from kdrama_cli.build import main

    data = one_scene()
    data["scenes"].append(dict(data["scenes"][0]))
    source = write_toml(data, tmp_path / "dup.toml")
    assert main([str(source), str(tmp_path / "dup.db")]) == 1
