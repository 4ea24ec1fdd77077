"""Names v2: Hangul typed as Hangul is exact, look-alike names stay apart at the joins,
popular spellings are a second tier consulted only when the first finds nothing, and
the surnames fans use. Through the CLI, on a small catalog of real names."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import migrations, names

from .conftest import Invoke, run_process

# (person, Hangul or None, character, character's Hangul or None)
CAST = [
    ("Lee Joon Gi", "이준기", "Wang So", "왕소"),
    ("Kim So Hyun", "김소현", "Kim Jo Jo", "김조조"),
    ("Kim Seo Hyung", "김서형", "Kim Joo Young", "김주영"),
    ("Sung Dong Il", "성동일", "Sung Dong Il", None),
    ("Kim Seon Ho", "김선호", "Hong Du Sik", "홍두식"),
    ("Ryu Jun Yeol", "류준열", "Kim Jung Hwan", "김정환"),
    ("Hwang Jung Min", "황정민", "Kang Dae Ho", "강대호"),
    ("Kwak Do Won", "곽도원", "Choi Taek", "최택"),
    ("Park Eun Bin", None, "Woo Young Woo", "우영우"),
    ("Hyun Bin", "현빈", "Ri Jeong Hyeok", "리정혁"),
    ("Gong Yoo", "공유", "Kim Shin", "김신"),
]


def source() -> dict[str, Any]:
    """A catalog with one drama and one scene per person of ``CAST``."""
    people, dramas, scenes = [], [], []
    for number, (person, hangul, character, character_hangul) in enumerate(CAST, start=1):
        people.append({"name": person, **({"name_ko": hangul} if hangul else {})})
        role = {"name": character, "actor": person}
        if character_hangul:
            role["name_ko"] = character_hangul
        title = f"Drama {number}"
        dramas.append({"title": title, "year": 2000 + number, "characters": [role]})
        scenes.append(
            {"id": number, "drama": title, "title": f"Scene {number}", "characters": [character]}
        )
    return {"people": people, "dramas": dramas, "scenes": scenes}


@pytest.fixture
def db(make_catalog: Callable[[dict[str, Any]], Path]) -> Path:
    return make_catalog(source())


def listed(kdrama: Invoke, db: Path, option: str, text: str) -> list[str]:
    """The actors of the scenes ``list`` finds for the name, one per scene."""
    run = kdrama("list", option, text, "--db", str(db), "--json")
    assert run.exit_code in (0, 1), run.stderr
    return [
        actor for scene in (run.json() if run.exit_code == 0 else []) for actor in scene["actors"]
    ]


@pytest.mark.parametrize("hangul", ["이중기", "김서현", "송동일", "김소형", "현민"])
def test_hangul_not_in_the_catalog_finds_nobody(kdrama: Invoke, db: Path, hangul: str) -> None:
    run = kdrama("list", "--actor", hangul, "--db", str(db))
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr.startswith(f"No actor matches {hangul!r}")


@pytest.mark.parametrize(
    ("hangul", "actor"),
    [
        ("이준기", "Lee Joon Gi"),
        ("김소현", "Kim So Hyun"),
        ("김서형", "Kim Seo Hyung"),
        ("성동일", "Sung Dong Il"),
        ("박은빈", "Park Eun Bin"),
    ],
)
def test_hangul_finds_its_own_name_and_a_person_stored_without_hangul(
    kdrama: Invoke, db: Path, hangul: str, actor: str
) -> None:
    assert listed(kdrama, db, "--actor", hangul) == [actor]


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("So Hyun Kim", "Kim So Hyun"),
        ("Kim So Hyun", "Kim So Hyun"),
        ("Seo Hyung Kim", "Kim Seo Hyung"),
        ("Kim Seohyung", "Kim Seo Hyung"),
        ("Joon-gi Lee", "Lee Joon Gi"),
        ("Lee Jun-gi", "Lee Joon Gi"),
        ("Yi Chun-gi", "Lee Joon Gi"),
    ],
)
def test_look_alike_names_stay_apart_at_the_joins(
    kdrama: Invoke, db: Path, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, "--actor", typed) == [actor]


@pytest.mark.parametrize("typed", ["Lee Jung Gi", "Lee Junggi", "Kim Se Hyung", "Song Dong Il"])
def test_a_letter_that_differs_at_a_join_finds_nobody(kdrama: Invoke, db: Path, typed: str) -> None:
    assert listed(kdrama, db, "--actor", typed) == []


def test_keys_keep_the_join_between_syllables() -> None:
    assert not set(names.query_keys("이중기")) & names.person_keys(["Lee Joon Gi", "이준기"])
    assert not set(names.query_keys("Kim So Hyun")) & names.person_keys(["김서형"])
    assert not set(names.query_keys("So Hyun Kim")) & names.person_keys(["Kim Seo Hyung", "김서형"])


@pytest.mark.parametrize(
    ("option", "typed", "actor"),
    [
        ("--character", "Ri Jung Hyuk", "Hyun Bin"),
        ("--character", "Ri Jeong Hyuk", "Hyun Bin"),
        ("--character", "Jung Hyuk", "Hyun Bin"),
        ("--actor", "Kim Sun Ho", "Kim Seon Ho"),
        ("--actor", "Kim Sunho", "Kim Seon Ho"),
        ("--actor", "Kim Sohyung", "Kim Seo Hyung"),
        ("--actor", "Ryoo Joon Yul", "Ryu Jun Yeol"),
        ("--actor", "Yoo Jun Yeol", "Ryu Jun Yeol"),
        ("--actor", "Hwang Jeong Min", "Hwang Jung Min"),
        ("--actor", "Whang Jung Min", "Hwang Jung Min"),
        ("--actor", "Kwack Do Won", "Kwak Do Won"),
        ("--actor", "Hyŏn Pin", "Hyun Bin"),
        ("--actor", "Kwak To-wŏn", "Kwak Do Won"),
        ("--actor", "Kwak To-won", "Kwak Do Won"),
    ],
)
def test_fan_and_popular_spellings_find_the_name(
    kdrama: Invoke, db: Path, option: str, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, option, typed) == [actor]


def test_the_second_tier_is_consulted_only_when_the_first_finds_nothing() -> None:
    # 김서형 read with ㅓ as o and ㅕ as yu is "Kim So Hyung"; 김소현 is "Kim So Hyun".
    stored = names.person_keys(["Kim Seo Hyung", "김서형"])
    assert set(names.popular_keys("Kim So Hyung")) & stored
    assert not set(names.query_keys("Kim So Hyung")) & stored


def test_a_first_tier_match_hides_second_tier_ones(kdrama: Invoke, db: Path) -> None:
    """김소현 is stored as "Kim So Hyun"; 김서현 read popularly would be too, but the
    first tier found 김소현 and the second is not asked."""
    assert listed(kdrama, db, "--actor", "So Hyun Kim") == ["Kim So Hyun"]
    assert listed(kdrama, db, "--actor", "Kim So Hyung") == ["Kim Seo Hyung"]


def test_hangul_never_reaches_the_second_tier() -> None:
    assert names.popular_keys("김서현") == []


@pytest.mark.parametrize(
    ("typed", "actor"), [("Taek", "Kwak Do Won"), ("택", "Kwak Do Won"), ("Shin", "Gong Yoo")]
)
def test_two_syllable_characters_are_found_by_their_given_name(
    kdrama: Invoke, db: Path, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, "--character", typed) == [actor]


def test_completion_offers_a_name_typed_in_fan_spelling(db: Path) -> None:
    run = run_process(
        env={
            "_KDRAMA_COMPLETE": "complete_bash",
            "COMP_WORDS": "kdrama list --character Ri\\ Jung",
            "COMP_CWORD": "3",
            "KDRAMA_DB": str(db),
        }
    )
    assert run.stdout.splitlines() == ["Ri\\ Jeong\\ Hyeok"]


def test_did_you_mean_uses_popular_spellings(kdrama: Invoke, db: Path) -> None:
    run = kdrama("list", "--actor", "Kim Sun Hoo", "--db", str(db))
    assert (run.exit_code, run.stdout) == (0, "")
    assert "Did you mean: Kim Seon Ho," in run.stderr


def test_migration_5_recomputes_every_key_from_every_earlier_version(tmp_path: Path) -> None:
    """A catalog at each earlier version, with keys made by the old rules (here: none
    and junk), is upgraded to keys exactly as a fresh write makes them, and passes
    ``db check``."""
    for version in range(1, 5):
        db = tmp_path / f"v{version}.db"
        with closing(sqlite3.connect(db, isolation_level=None)) as conn:
            migrations.migrate(conn, target=version)
            conn.execute(
                "INSERT INTO dramas (id, title, title_korean, year)"
                " VALUES (1, 'Goblin', '도깨비', 2016)"
            )
            conn.execute("INSERT INTO drama_aliases VALUES (1, 'Guardian')")
            conn.execute(
                "INSERT INTO people (id, name, name_korean) VALUES (1, 'Lee Joon Gi', '이준기')"
            )
            conn.execute("INSERT INTO person_aliases VALUES (1, 'Joon-gi')")
            conn.execute(
                "INSERT INTO characters (id, drama_id, person_id, name, name_korean)"
                " VALUES (1, 1, 1, 'Ri Jeong Hyeok', '리정혁')"
            )
            for table, column in [
                ("drama_keys", "drama_id"),
                ("person_keys", "person_id"),
                ("character_keys", "character_id"),
            ]:
                conn.execute(f"INSERT INTO {table} (key, {column}) VALUES ('~old', 1)")
            migrations.migrate(conn)
            assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
            stored = {
                table: {row[0] for row in conn.execute(f"SELECT key FROM {table}")}
                for table in ("drama_keys", "person_keys", "character_keys")
            }
        assert stored == {
            "drama_keys": names.title_keys(["Goblin", "도깨비", "Guardian"]),
            "person_keys": names.person_keys(["Lee Joon Gi", "이준기", "Joon-gi"]),
            "character_keys": names.character_keys(["Ri Jeong Hyeok", "리정혁"]),
        }, version
        check = run_process("db", "check", "--db", str(db))
        assert check.exit_code == 0, (version, check.stderr)


def test_editing_finds_a_character_by_its_popular_spelling(kdrama: Invoke, db: Path) -> None:
    run = kdrama("character", "edit", "Ri Jung Hyuk", "--alias", "Captain Ri", "--db", str(db))
    assert run.exit_code == 0, run.stderr
    assert run.stderr.startswith("Updated character Ri Jeong Hyeok (리정혁)")
    assert listed(kdrama, db, "--character", "Captain Ri") == ["Hyun Bin"]


# Names typed in by fans have no Hangul: their second tier loosens the vowels fans
# write several ways (eo/o, eu/u, ae/e, ou/o), since no Hangul says which is meant.
LATIN_ONLY = [("Park Min Young", "Kim Go Eun"), ("Park Min Yong", "Seo Kang Joon")]


@pytest.fixture
def user_db(kdrama: Invoke, tmp_path: Path) -> Path:
    """A catalog made as a fan makes one: `add` with Latin names only."""
    path = tmp_path / "mine.db"
    for number, cast in enumerate(LATIN_ONLY, start=1):
        actors = [arg for actor in cast for arg in ("-a", actor)]
        run = kdrama(
            "add",
            "-t",
            f"Scene {number}",
            "-d",
            f"Drama {number}",
            "-y",
            "2020",
            *actors,
            "--db",
            str(path),
        )
        assert run.exit_code == 0, run.stderr
    return path


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("Kim Go Un", "Kim Go Eun"),
        ("Kim Goun", "Kim Go Eun"),
        ("So Kang Joon", "Seo Kang Joon"),
        ("Suh Kang Joon", "Seo Kang Joon"),
        ("Park Min Yeong", "Park Min Young"),
    ],
)
def test_a_name_stored_without_hangul_is_found_by_loosened_vowels(
    kdrama: Invoke, user_db: Path, typed: str, actor: str
) -> None:
    assert actor in listed(kdrama, user_db, "--actor", typed)


def test_an_exact_spelling_hides_the_loosened_ones(kdrama: Invoke, user_db: Path) -> None:
    # Scene 1 has Park Min Young, scene 2 Park Min Yong: each finds only its own.
    for typed, scene in [("Park Min Yong", 2), ("Park Min Young", 1)]:
        run = kdrama("list", "--actor", typed, "--fields", "id", "--json", "--db", str(user_db))
        assert run.json() == [{"id": scene}]


def test_a_name_stored_with_hangul_is_not_loosened(kdrama: Invoke, db: Path) -> None:
    # 김소현 (Kim So Hyun) and 김서형 (Kim Seo Hyung): with their Hangul stored,
    # "eo" and "o" stay apart, as names v2 keeps them.
    assert listed(kdrama, db, "--actor", "Kim Seo Hyun") == []
