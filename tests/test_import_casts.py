"""A large import checks each distinct cast once and remembers it (the scenes of a
drama repeat one): what a user sees must not depend on that. A cast met again is
the same cast; the same names in another shape, or with one character changed, are
checked again and refused as on their own."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import records

from .conftest import Invoke, snapshot

CAST: dict[str, Any] = {
    "actors": ["Hyun Bin", "Son Ye Jin"],
    "characters": [
        {"name": "Ri Jeong Hyeok", "actor": "Hyun Bin", "actor_korean": "현빈"},
        {"name": "Yoon Se Ri", "actor": "Son Ye Jin", "name_korean": "윤세리"},
    ],
}


def scene(number: int, **fields: Any) -> dict[str, Any]:
    return {
        "title": f"Scene {number}",
        "drama": "Cast Drama",
        "year": 2020,
        **json.loads(json.dumps(CAST)),  # a copy: each line is parsed on its own
        **fields,
    }


def import_lines(kdrama: Invoke, tmp_path: Path, rows: list[Any], *args: str) -> Any:
    path = tmp_path / "scenes.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return kdrama("import", str(path), "--db", str(tmp_path / "new.db"), *args)


def exported(kdrama: Invoke, db: Path) -> list[dict[str, Any]]:
    run = kdrama("export", "--format", "jsonl", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_scenes_that_share_a_cast_each_keep_their_own_fields(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = [scene(1, rating=5), scene(2, favorite=True, description="Two"), scene(3)]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 0, run.stderr
    scenes = exported(kdrama, tmp_path / "new.db")
    assert [(s["title"], s["rating"], s["favorite"], s["description"]) for s in scenes] == [
        ("Scene 1", 5, False, ""),
        ("Scene 2", None, True, "Two"),
        ("Scene 3", None, False, ""),
    ]
    for s in scenes:
        assert s["actors"] == ["Hyun Bin", "Son Ye Jin"]
        assert s["actors_korean"] == ["현빈", None]
        assert [(c["name"], c["name_korean"]) for c in s["characters"]] == [
            ("Ri Jeong Hyeok", None),
            ("Yoon Se Ri", "윤세리"),
        ]


def test_a_known_cast_beside_a_bad_field_is_refused_at_its_line(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = [scene(1), scene(2), scene(3, ratting=5)]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 1
    assert "line 3: unknown field 'ratting'; did you mean 'rating'?" in run.stderr
    assert not (tmp_path / "new.db").exists()


def test_the_same_names_in_another_shape_are_checked_again(kdrama: Invoke, tmp_path: Path) -> None:
    # As lists, the characters hold the same texts in the same order as the objects.
    as_lists = [[*role, *role.values()] for role in CAST["characters"]]
    rows = [scene(1), scene(2, characters=as_lists)]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 1
    assert "line 2: field 'characters': character 1 must be an object" in run.stderr
    assert not (tmp_path / "new.db").exists()


def test_actors_given_as_text_after_a_list_of_them_are_refused(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = [scene(1, actors=["Hyun Bin"]), scene(2, actors="Hyun Bin")]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 1
    assert "line 2: field 'actors': must be a list of names" in run.stderr


def test_a_known_cast_with_one_name_changed_is_checked_again(
    kdrama: Invoke, tmp_path: Path
) -> None:
    changed = json.loads(json.dumps(CAST["characters"]))
    changed[1]["name_korean"] = "윤세리\x1b[31m"
    rows = [scene(1), scene(2), scene(3, characters=changed)]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 1
    assert "line 3: field 'characters'" in run.stderr
    assert "control character" in run.stderr
    run = import_lines(kdrama, tmp_path, rows, "--strip-controls")
    assert run.exit_code == 0, run.stderr
    scenes = exported(kdrama, tmp_path / "new.db")
    names = {c["name_korean"] for s in scenes for c in s["characters"]}
    assert names == {None, "윤세리"}


def test_a_known_cast_with_two_hangul_names_for_one_actor_is_refused(
    kdrama: Invoke, tmp_path: Path
) -> None:
    clash = {**CAST, "actors_korean": ["현빈", None]}
    clash["characters"] = json.loads(json.dumps(CAST["characters"]))
    clash["characters"][0]["actor_korean"] = "김태평"
    rows = [scene(1), scene(2, **clash)]
    run = import_lines(kdrama, tmp_path, rows)
    assert run.exit_code == 1
    assert "line 2:" in run.stderr and "Hangul names" in run.stderr
    assert not (tmp_path / "new.db").exists()


def test_a_refused_import_into_a_catalog_changes_nothing(kdrama: Invoke, tmp_path: Path) -> None:
    rows = [scene(1)]
    assert import_lines(kdrama, tmp_path, rows).exit_code == 0
    before = snapshot(tmp_path / "new.db")
    run = import_lines(kdrama, tmp_path, [scene(2), scene(3, actors=[["Hyun Bin"]])])
    assert run.exit_code == 1
    assert "line 2: field 'actors': must be a list of names" in run.stderr
    assert snapshot(tmp_path / "new.db") == before


def test_one_cast_in_two_dramas_gives_each_drama_its_own_characters(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = [scene(1), scene(2, drama="Other Drama"), scene(3), scene(4, drama="Other Drama")]
    assert import_lines(kdrama, tmp_path, rows).exit_code == 0
    db = str(tmp_path / "new.db")
    run = kdrama(
        "character", "edit", "Yoon Se Ri", "-d", "Other Drama", "--alias", "Se Ri 2", "--db", db
    )
    assert run.exit_code == 0, run.stderr
    aliases = {
        (s["title"], tuple(tuple(c["aliases"]) for c in s["characters"]))
        for s in exported(kdrama, tmp_path / "new.db")
    }
    assert aliases == {
        ("Scene 1", ((), ())),
        ("Scene 2", ((), ("Se Ri 2",))),
        ("Scene 3", ((), ())),
        ("Scene 4", ((), ("Se Ri 2",))),
    }


def test_a_file_of_more_casts_than_are_remembered_imports_the_same(
    kdrama: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 dramas with casts of their own, in no order: remembered, and (with room for
    # a few only) checked again each time once remembering stops paying.
    rng = random.Random(7)
    rows = []
    for number in range(400):
        drama = rng.randrange(40)
        cast = {
            "actors": [f"Actor {drama}", f"Actress {drama}"],
            "characters": [
                {"name": f"Hero {drama}", "actor": f"Actor {drama}", "name_korean": "영웅"},
                {"name": f"Heroine {drama}", "actor": f"Actress {drama}", "aliases": ["H"]},
            ],
        }
        rows.append(scene(number, drama=f"Drama {drama}", **cast))
    path = tmp_path / "scenes.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    assert kdrama("import", str(path), "--db", str(tmp_path / "all.db")).exit_code == 0
    monkeypatch.setattr(records._JSON_CASTS, "size", 20_000)  # room for about ten casts
    run = kdrama("import", str(path), "--db", str(tmp_path / "few.db"))
    assert run.exit_code == 0, run.stderr
    assert not records._JSON_CASTS.used  # remembering stopped half-way
    assert exported(kdrama, tmp_path / "few.db") == exported(kdrama, tmp_path / "all.db")


def test_a_character_spelt_another_way_later_in_the_file_joins_the_first(
    kdrama: Invoke, tmp_path: Path
) -> None:
    # The first scene's names are not yet written when the second is read: they are
    # found among those waiting to be.
    respelt = json.loads(json.dumps(CAST["characters"]))
    respelt[1]["name"] = "yoon se-ri"
    rows = [scene(1), scene(2, characters=respelt)]
    assert import_lines(kdrama, tmp_path, rows).exit_code == 0
    names = [[c["name"] for c in s["characters"]] for s in exported(kdrama, tmp_path / "new.db")]
    assert names == [["Ri Jeong Hyeok", "Yoon Se Ri"]] * 2
