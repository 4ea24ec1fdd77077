"""Names v2, the evaluation's last gaps (issue 16): fan surnames, McCune-Reischauer
without breves in a surname (second tier), joined given names read syllable by
syllable, ㅐ and ㅔ apart, and McCune-Reischauer typed with breves kept exact. Through
the CLI, on a small catalog of real names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kdrama_cli.build import build_catalog

from .conftest import Invoke, run_process, write_toml

# (person, Hangul)
PEOPLE = [
    ("Seo Hyun Jin", "서현진"),
    ("So Ji Sub", "소지섭"),
    ("Sung Dong Il", "성동일"),
    ("Uhm Jung Hwa", "엄정화"),
    ("Byeon Woo Seok", "변우석"),
    ("Youn Yuh Jung", "윤여정"),
    ("Sol Kyung Gu", "설경구"),
    ("Yeo Jin Goo", "여진구"),
    ("Lee Jung Jae", "이정재"),
    ("Kim Go Eun", "김고은"),
    ("Rowoon", "로운"),
    ("IU", "아이유"),
    ("Ryu Seung Ryong", "류승룡"),
    ("Kim Eui Sung", "김의성"),
    ("Moon Geun Young", "문근영"),
    ("Park Min Young", "박민영"),
    ("Go Youn Jung", "고윤정"),
]


def source() -> dict[str, Any]:
    """A catalog with one drama and one scene per person of ``PEOPLE``."""
    people, dramas, scenes = [], [], []
    for number, (person, hangul) in enumerate(PEOPLE, start=1):
        people.append({"name": person, "name_ko": hangul})
        title = f"Drama {number}"
        role = {"name": f"Role {number}", "actor": person}
        dramas.append({"title": title, "year": 2000 + number, "characters": [role]})
        scenes.append(
            {"id": number, "drama": title, "title": f"Scene {number}", "characters": [role["name"]]}
        )
    return {"people": people, "dramas": dramas, "scenes": scenes}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once for the module with the code that builds the bundled catalog."""
    folder = tmp_path_factory.mktemp("gaps")
    path = folder / "gaps.db"
    build_catalog(write_toml(source(), folder / "gaps.toml"), path)
    return path


def listed(kdrama: Invoke, db: Path, text: str) -> list[str]:
    """The actors of the scenes ``list --actor`` finds, one per scene."""
    run = kdrama("list", "--actor", text, "--db", str(db), "--json")
    assert run.exit_code in (0, 1), run.stderr
    return [
        actor for scene in (run.json() if run.exit_code == 0 else []) for actor in scene["actors"]
    ]


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("Um Jung Hwa", "Uhm Jung Hwa"),
        ("Eom Jeong Hwa", "Uhm Jung Hwa"),
        ("Uhm Jeonghwa", "Uhm Jung Hwa"),
        ("Byun Woo Seok", "Byeon Woo Seok"),
        ("Byun U-seok", "Byeon Woo Seok"),
        ("Yoon Yeo Jeong", "Youn Yuh Jung"),
        ("Youn Yeo Jung", "Youn Yuh Jung"),
        ("Yuh Jin Goo", "Yeo Jin Goo"),
        ("Seol Kyung Gu", "Sol Kyung Gu"),
        ("Sul Gyeong Gu", "Sol Kyung Gu"),
        ("Go Youn Jeong", "Go Youn Jung"),
        ("Kim Eui Seong", "Kim Eui Sung"),
        ("Kim Ui Sung", "Kim Eui Sung"),
    ],
)
def test_fan_surnames_and_spellings_find_the_name(
    kdrama: Invoke, db: Path, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, typed) == [actor]


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("So Hyon Chin", "Seo Hyun Jin"),
        ("So Hyonjin", "Seo Hyun Jin"),
        ("Song Tong Il", "Sung Dong Il"),
        ("Pyon U Sok", "Byeon Woo Seok"),
        ("Yo Chin Ku", "Yeo Jin Goo"),
        ("Om Chong Hwa", "Uhm Jung Hwa"),
    ],
)
def test_mccune_reischauer_without_breves_in_a_surname_is_found_by_the_second_tier(
    kdrama: Invoke, db: Path, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, typed) == [actor]


def test_a_surname_spelled_exactly_hides_the_second_tier(kdrama: Invoke, db: Path) -> None:
    """The surname "So" is 소 in the first tier and 서 only in the second: "So Ji Sub"
    and its McCune-Reischauer "So Chi Sop" find So Ji Sub alone."""
    assert listed(kdrama, db, "So Ji Sub") == ["So Ji Sub"]
    assert listed(kdrama, db, "So Chi Sop") == ["So Ji Sub"]


@pytest.mark.parametrize(
    ("typed", "actors"),
    [
        ("Song Dong Il", []),
        ("Song Dongil", []),
        ("So Hyun Jin", []),
        ("So Ji Seob", ["So Ji Sub"]),
    ],
)
def test_a_surname_that_is_another_surnames_revised_romanization_needs_a_mccune_given_name(
    kdrama: Invoke, db: Path, typed: str, actors: list[str]
) -> None:
    """The Revised Romanization "Song Dong Il" is 송동일, which is not in the
    catalog: it reads as 성동일 only with "Tong" for 동, as McCune-Reischauer starts a
    word; likewise "So Hyun Jin" is not 서현진's "So Hyon Chin"."""
    assert listed(kdrama, db, typed) == actors


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("Lee Jeong Jae", "Lee Jung Jae"),
        ("Lee Jeong Je", None),
        ("Lee Jung Je", None),
    ],
)
def test_ae_and_e_stay_apart(kdrama: Invoke, db: Path, typed: str, actor: str | None) -> None:
    assert listed(kdrama, db, typed) == ([actor] if actor else [])


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("Kim Koun", "Kim Go Eun"),
        ("Kim Goun", "Kim Go Eun"),
        ("Roun", "Rowoon"),
        ("Aiyu", "IU"),
        ("Park Min Yong", "Park Min Young"),
    ],
)
def test_a_joined_given_name_is_read_syllable_by_syllable(
    kdrama: Invoke, db: Path, typed: str, actor: str
) -> None:
    assert listed(kdrama, db, typed) == [actor]


@pytest.mark.parametrize(
    ("typed", "actor"),
    [
        ("Mun Kŭn Yŏng", "Moon Geun Young"),
        ("Mun Kŭnyŏng", "Moon Geun Young"),
        ("Mun Kun Yong", "Moon Geun Young"),
        ("Mun Kun Yŏng", None),
        ("Ryu Sŭngnyong", "Ryu Seung Ryong"),
        ("Ryu Sungnyong", "Ryu Seung Ryong"),
        ("Ryu Seungnyong", "Ryu Seung Ryong"),
    ],
)
def test_mccune_reischauer_with_breves_is_exact_and_assimilates(
    kdrama: Invoke, db: Path, typed: str, actor: str | None
) -> None:
    """With breves, "Mun Kun Yŏng" is 문군영, which is not in the catalog; without
    them, "Mun Kun Yong" may be anyone's popular reading."""
    assert listed(kdrama, db, typed) == ([actor] if actor else [])


@pytest.mark.parametrize(
    ("typed", "offered"), [("Song\\ Tong", "Sung\\ Dong\\ Il"), ("Song\\ Dong", None)]
)
def test_completion_offers_a_name_typed_in_mccune_reischauer_without_breves(
    db: Path, typed: str, offered: str | None
) -> None:
    run = run_process(
        env={
            "_KDRAMA_COMPLETE": "complete_bash",
            "COMP_WORDS": f"kdrama list --actor {typed}",
            "COMP_CWORD": "3",
            "KDRAMA_DB": str(db),
        }
    )
    assert run.stdout.splitlines() == ([offered] if offered else [])


@pytest.mark.parametrize("typed", ["ᄒ", "ᄒ ᄒ", "So ᄒ"])
def test_a_lone_jamo_finds_nobody_without_an_error(kdrama: Invoke, db: Path, typed: str) -> None:
    run = kdrama("list", "--actor", typed, "--db", str(db))
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr.startswith("No actor matches")
