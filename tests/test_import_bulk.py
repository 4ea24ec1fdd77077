"""An import into a catalog without scenes (a new one, say) is written in bulk: foreign
keys checked once at the end rather than row by row, the search index filled with
fewer merges. Nothing of it may show: the catalog it makes reads exactly as one that
the row-by-row path made from the same file."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import editing, search, writer
from tests.conftest import Invoke

SURNAMES = [("Kim", "김"), ("Park", "박"), ("Lee", "이"), ("Son", "손"), ("Jung", "정")]
GIVEN = [("Min Ho", "민호"), ("Ye Jin", "예진"), ("Soo Hyun", "수현"), ("Ji Eun", "지은")]
DRAMAS = [
    ("Crash Landing on You", "사랑의 불시착", 2019, ["CLOY"]),
    ("Goblin", "쓸쓸하고 찬란하神 – 도깨비", 2016, ["Guardian: The Lonely and Great God"]),
    ("Encounter", "남자친구", 2018, []),
    ("Reply 1988", "응답하라 1988", 2015, ["Reply"]),
    ("Signal", "시그널", 2016, []),
    ("Vincenzo", "빈센조", 2021, []),
]


def _person(rng: random.Random) -> tuple[str, str]:
    (surname, hangul), (given, given_hangul) = rng.choice(SURNAMES), rng.choice(GIVEN)
    return f"{surname} {given}", hangul + given_hangul


def generated_scenes(count: int) -> list[dict[str, Any]]:
    """Scenes with Hangul, aliases, favourites, ratings and names that come again (the
    same actor in many scenes and dramas), with ids, as a backup has them."""
    rng = random.Random(13)
    casts = {}
    for title, _, _, _ in DRAMAS:
        leads = [_person(rng) for _ in range(3)]
        casts[title] = [(lead, _person(rng)) for lead in leads]
    scenes = []
    for n in range(1, count + 1):
        title, korean, year, aliases = DRAMAS[n % len(DRAMAS)]
        cast = casts[title][: 1 + n % 3]
        scene: dict[str, Any] = {
            "id": n,
            "title": f"Moment {n} {'in the rain' if n % 4 else '비 오는 날'}",
            "drama": title,
            "drama_korean": korean,
            "year": year,
            "network": "tvN",
            "drama_aliases": aliases,
            "actors": [actor for (actor, _), _ in cast],
            "actors_korean": [hangul for (_, hangul), _ in cast],
            "actor_aliases": [[f"{actor.split()[0]}-{n % 2}"] for (actor, _), _ in cast],
            "characters": [
                {
                    "name": character,
                    "name_korean": character_hangul,
                    "actor": actor,
                    "actor_korean": actor_hangul,
                    "aliases": [character.split()[-1]] if n % 5 == 0 else [],
                }
                for (actor, actor_hangul), (character, character_hangul) in cast
            ],
            "description": f"Scene {n}: they meet again, {rng.choice(['sad', 'funny'])}.",
            "favorite": n % 7 == 0,
            "rating": [None, 1, 2, 3, 4, 5][n % 6],
            "episode": n % 16 + 1 if n % 3 else None,
            "time": n * 37 % 3600 if n % 3 else None,
            "urls": [f"https://youtu.be/abcdefghij{n % 10}"] if n % 2 else [],
            "tags": ["kiss", "Rain"] if n % 3 == 0 else (["우산"] if n % 5 == 0 else []),
            "note": f"Note {n}: the umbrella"
            if n % 4 == 0
            else ("첫 만남" if n % 9 == 0 else None),
        }
        scenes.append(scene)
    return scenes


def what_a_user_sees(kdrama: Invoke, db: Path) -> dict[str, str]:
    shown = {
        "export": kdrama("export", "--json", "--db", str(db)).stdout,
        "actors": kdrama("actors", "--json", "--db", str(db)).stdout,
        "dramas": kdrama("dramas", "--json", "--db", str(db)).stdout,
    }
    words_list = ("rain", "비", "도깨비", "Kim Min Ho", "CLOY", "funny meet", "Ye-jin")
    for words in (*words_list, "kiss", "우산", "umbrella", "만남"):
        shown[f"search {words}"] = kdrama("search", words, "--json", "--db", str(db)).stdout
    return shown


@pytest.fixture
def scenes_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenes.jsonl"
    lines = [json.dumps(scene, ensure_ascii=False) for scene in generated_scenes(300)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_an_import_into_a_new_catalog_reads_as_one_into_a_catalog_with_scenes(
    kdrama: Invoke, scenes_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row by row: a catalog that has a scene (of other names, removed afterwards).
    used = tmp_path / "used.db"
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": 9999, "title": "Other", "drama": "Elsewhere", "year": 2003}\n')
    assert kdrama("import", str(other), "--db", str(used)).exit_code == 0
    assert kdrama("import", str(scenes_file), "--db", str(used)).exit_code == 0
    assert kdrama("rm", "9999", "--yes", "--db", str(used)).exit_code == 0

    # In bulk, from the first batch on: 300 scenes count as many.
    monkeypatch.setattr(editing, "_BULK", 50)
    monkeypatch.setattr(search, "_MANY_STALE", 50)
    new = tmp_path / "new.db"
    imported = kdrama("import", str(scenes_file), "--db", str(new))
    assert (imported.exit_code, imported.stderr) == (
        0,
        "Imported 300 scene(s): 300 added, 0 updated.\n",
    )

    seen = what_a_user_sees(kdrama, new)
    assert seen == what_a_user_sees(kdrama, used)
    assert len(json.loads(seen["export"])) == 300
    assert json.loads(seen["search 도깨비"]) and json.loads(seen["search CLOY"])
    # Tags and notes are indexed on both paths, in plain ASCII and in Hangul.
    assert all(json.loads(seen[f"search {word}"]) for word in ("kiss", "우산", "umbrella", "만남"))
    check = kdrama("db", "check", "--db", str(new))
    assert check.exit_code == 0, check.stdout + check.stderr
    # A later change to the new catalog is indexed and checked as usual.
    assert kdrama("edit", "7", "--title", "Snowfall at dawn", "--db", str(new)).exit_code == 0
    found = kdrama("search", "snowfall", "--json", "--db", str(new)).json()
    assert [scene["id"] for scene in found] == [7]


def test_a_row_referring_to_nothing_is_found_before_the_commit_and_nothing_is_made(
    kdrama: Invoke, scenes_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The foreign key checks are off while a new catalog is filled: the pass at the
    # end must catch what they would have (here a scene of a drama that is not there,
    # as a bug in the writer would make).
    insert_scene = writer.Writer.insert_scene

    def dangling(self: writer.Writer, scene_id: int | None, **fields: Any) -> int:
        if scene_id == 150:
            fields["drama_id"] = 10**6
        return insert_scene(self, scene_id, **fields)

    monkeypatch.setattr(writer.Writer, "insert_scene", dangling)
    new = tmp_path / "new.db"
    result = kdrama("import", str(scenes_file), "--db", str(new))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the import would leave a row naming one not there (scenes.drama_id 1000000"
        " names no row of dramas); nothing was written\n"
    )
    assert not new.exists()
    assert list(tmp_path.iterdir()) == [scenes_file]


def test_a_catalog_given_scenes_meanwhile_is_imported_into_with_the_checks_on(
    kdrama: Invoke, scenes_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process adds scenes between kdrama's look at the catalog and its taking
    # the write lock: the import starts again the row-by-row way, the file read once.
    db = tmp_path / "catalog.db"
    assert kdrama("import", str(scenes_file), "--db", str(db)).exit_code == 0
    assert kdrama("rm", *[str(n) for n in range(1, 301)], "--yes", "--db", str(db)).exit_code == 0
    looks = iter([False])

    def has_scenes(catalog: Any) -> bool:
        return next(looks, True)

    monkeypatch.setattr(editing, "_has_scenes", has_scenes)
    imported = kdrama("import", str(scenes_file), "--db", str(db))
    assert (imported.exit_code, imported.stderr) == (
        0,
        "Imported 300 scene(s): 300 added, 0 updated.\n",
    )
    exported = kdrama("export", "--json", "--db", str(db)).json()
    assert [scene["id"] for scene in exported] == list(range(1, 301))
    assert kdrama("db", "check", "--db", str(db)).exit_code == 0
