"""Names as fans type them: every spelling finds the right scenes, look-alikes find
nothing, and the keys ignore case, spacing, hyphens and Unicode normal form."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kdrama_cli import names
from kdrama_cli.catalog import Catalog
from kdrama_cli.models import NameKind, SceneFilter

from .conftest import Invoke, run_process

ACTORS = {
    "Son Ye Jin": [
        "Son Ye Jin",
        "son ye-jin",
        "SON YEJIN",
        "Ye-jin Son",
        "Yejin Son",
        "손예진",
        "Sohn Ye-jin",
        "Son Ye-Jin",
    ],
    "Hyun Bin": ["Hyun Bin", "Hyeon Bin", "Hyŏn Pin", "현빈", "Hyun-Bin", "Bin Hyun"],
    "Park Seo Joon": ["Park Seo-jun", "Bak Seo-jun", "Pak Sŏ-jun", "박서준", "Seo-joon Park"],
    "Park Min Young": ["Park Min-young", "Bak Min-yeong", "Pak Min-yŏng", "박민영"],
    "Park Bo Gum": ["Park Bo-gum", "Bak Bo-geom", "Pak Po-gŏm", "박보검", "Bo-gum Park"],
    "Song Hye Kyo": ["Song Hye-kyo", "Song Hye-gyo", "송혜교", "Hye-kyo Song"],
    "Jung Hae In": [
        "Jung Hae-in",
        "Jeong Hae-in",
        "Chŏng Hae-in",
        "Chung Hae In",
        "정해인",
        "Hae-in Jung",
    ],
    "Lee Dong Wook": [
        "Lee Dong-wook",
        "I Dong-uk",
        "Yi Tong-uk",
        "Rhee Dong Wook",
        "이동욱",
        "Dong-wook Lee",
    ],
    "Yoo In Na": ["Yoo In-na", "Yu In-na", "You In Na", "유인나", "In-na Yoo"],
    "Song Joong Ki": ["Song Joong-ki", "Song Jung-gi", "Song Chung-gi", "송중기"],
}
CHARACTERS = {
    "Yoon Se Ri": ["Yoon Se-ri", "Yun Se-ri", "윤세리", "Se-ri", "세리", "Se Ri Yoon"],
    "Ri Jeong Hyeok": [
        "Ri Jeong-hyeok",
        "Lee Jeong Hyeok",
        "Ri Chŏng-hyŏk",
        "리정혁",
        "Jeong-hyeok",
    ],
    "Kim Jin Hyuk": ["Kim Jin-hyuk", "Gim Jin-hyeok", "김진혁", "Jin Hyuk"],
    "Cha Soo Hyun": ["Cha Su-hyeon", "차수현", "Soo-hyun"],
    "Yoon Jin Ah": ["Yun Jin-a", "윤진아", "Jin-ah"],
    "Seo Joon Hee": ["Seo Jun-hui", "Sŏ Chun-hŭi", "서준희", "Joon-hee"],
    "Lee Young Joon": ["Lee Young-joon", "I Yeong-jun", "이영준"],
    "Kim Mi So": ["Kim Mi-so", "Gim Mi-so", "김미소", "Mi-so"],
    "Grim Reaper": ["grim reaper", "저승사자", "Kim Woo Bin", "Gim U-bin"],
    "Sunny": ["SUNNY", "써니"],
    "Yoo Si Jin": ["Yoo Si-jin", "Yu Si-jin", "유시진", "Si-jin"],
    "Kang Mo Yeon": ["Kang Mo-yeon", "Gang Mo-yeon", "강모연", "Mo-yeon"],
}
DRAMAS = {
    "Crash Landing on You": [
        "CLOY",
        "cloy",
        "crash landing on you",
        "사랑의 불시착",
        "사랑의불시착",
        "불시착",
        "Sarangui Bulsichak",
    ],
    "Goblin": ["GOBLIN", "도깨비", "Dokkaebi", "Guardian: The Lonely and Great God"],
    "Descendants of the Sun": ["DOTS", "descendants-of-the-sun", "태양의 후예", "Taeyangui Huye"],
    "What's Wrong with Secretary Kim": [
        "WWWSK",
        "Whats wrong with secretary kim",
        "What’s Wrong With Secretary Kim?",
        "Secretary Kim",
        "김비서가 왜 그럴까",
        "Gimbiseoga Wae Geureolkka",
    ],
    "Something in the Rain": [
        "Pretty Noona Who Buys Me Food",
        "밥 잘 사주는 예쁜 누나",
        "예쁜 누나",
    ],
    "Encounter": ["Boyfriend", "남자친구", "Namjachingu"],
}
NEAR_MISSES = {
    NameKind.ACTOR: [
        "Lee Min Ho",
        "Song Hye Jin",
        "Son Ye Ji",
        "Park Bo Young",
        "Kim Soo Hyun",
        "Park Seo Jin",
        "Lee Dong Gun",
        "Jung Hae Il",
        "Yoo In Young",
        "Song Joong",
        "Hyun Bing",
        "Park Min Yeon",
    ],
    NameKind.CHARACTER: [
        "Kim Jin Ho",
        "Yoon Se Ra",
        "Cha Soo Hee",
        "Kang Mo Yeong",
        "Lee Young Jin",
        "Grim",
    ],
    NameKind.DRAMA: [
        "Crash Landing on Me",
        "Goblins",
        "Descendants of the Moon",
        "Secretary Park",
        "Something in the Snow",
        "Secret",
    ],
}


def spellings(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Each (catalog name, spelling), plus the decomposed (NFD) form of Hangul ones."""
    rows = [(name, spelling) for name, variants in table.items() for spelling in variants]
    rows += [
        (name, unicodedata.normalize("NFD", spelling))
        for name, spelling in rows
        if any(names.is_hangul(c) for c in spelling)
    ]
    return rows


def scene_ids(catalog: Catalog, filters: SceneFilter) -> list[int]:
    return [scene.id for scene in catalog.list_scenes(filters)]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.open_bundled()


def test_the_table_has_more_than_sixty_spellings() -> None:
    assert len(spellings(ACTORS) + spellings(CHARACTERS) + spellings(DRAMAS)) > 60


@pytest.mark.parametrize(("actor", "spelling"), spellings(ACTORS))
def test_actor_spelling_finds_the_actors_scenes(
    catalog: Catalog, actor: str, spelling: str
) -> None:
    assert catalog.find_names(NameKind.ACTOR, spelling) == [actor]
    assert scene_ids(catalog, SceneFilter(actors=(spelling,))) == scene_ids(
        catalog, SceneFilter(actors=(actor,))
    )


@pytest.mark.parametrize(("character", "spelling"), spellings(CHARACTERS))
def test_character_spelling_finds_the_characters_scene(
    catalog: Catalog, character: str, spelling: str
) -> None:
    assert catalog.find_names(NameKind.CHARACTER, spelling) == [character]
    found = scene_ids(catalog, SceneFilter(characters=(spelling,)))
    assert found and found == scene_ids(catalog, SceneFilter(characters=(character,)))


@pytest.mark.parametrize(("drama", "spelling"), spellings(DRAMAS))
def test_drama_spelling_finds_the_dramas_scene(catalog: Catalog, drama: str, spelling: str) -> None:
    assert catalog.find_names(NameKind.DRAMA, spelling) == [drama]
    assert [s.drama for s in catalog.list_scenes(SceneFilter(drama=spelling))] == [drama]


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in NEAR_MISSES.items() for text in texts]
)
def test_near_miss_names_find_nothing(catalog: Catalog, kind: NameKind, text: str) -> None:
    assert catalog.find_names(kind, text) == []


@pytest.mark.parametrize(
    ("typed", "only"),
    [
        ("Song Hye Kyo", "Song Hye Kyo"),
        ("Song Joong Ki", "Song Joong Ki"),
        ("Lee Dong Wook", "Lee Dong Wook"),
        ("Park Min Young", "Park Min Young"),
        ("Park Seo Joon", "Park Seo Joon"),
        ("Park Bo Gum", "Park Bo Gum"),
    ],
)
def test_names_sharing_a_surname_stay_apart(catalog: Catalog, typed: str, only: str) -> None:
    assert catalog.find_names(NameKind.ACTOR, typed) == [only]


LATIN_WORD = st.from_regex(r"[A-Za-z]{1,6}", fullmatch=True)
HANGUL_WORD = st.text(
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=4
)
NAME_WORDS = st.lists(st.one_of(LATIN_WORD, HANGUL_WORD), min_size=1, max_size=4)


@given(NAME_WORDS, st.sampled_from([" ", "-", "  ", " - ", "_", "\t"]), st.booleans())
def test_keys_ignore_case_spacing_hyphens_and_normal_form(
    parts: list[str], separator: str, upper: bool
) -> None:
    name = " ".join(parts)
    variant = unicodedata.normalize("NFD", separator.join(parts))
    variant = variant.upper() if upper else variant.lower()
    assert names.name_key(variant) == names.name_key(name)
    assert names.query_keys(variant) == names.query_keys(name)


@given(NAME_WORDS)
def test_a_stored_name_is_found_by_its_own_spelling(parts: list[str]) -> None:
    name = " ".join(parts)
    assert set(names.query_keys(name)) & names.person_keys([name])
    assert set(names.query_keys(name)) & names.character_keys([name])
    assert set(names.query_keys(name)) & names.title_keys([name])


def test_names_made_of_punctuation_have_no_keys() -> None:
    assert names.query_keys("%_'\"- ") == []
    assert names.person_keys(["---"]) == set()


def test_romanize_follows_revised_romanization() -> None:
    assert names.romanize("손예진") == "sonyejin"
    assert names.romanize("박서준") == "bakseojun"
    assert names.romanize("도깨비") == "dokkaebi"
    assert names.romanize("CLOY 사랑") == "CLOY sarang"


def test_list_by_hangul_actor_finds_both_dramas(kdrama: Invoke) -> None:
    run = kdrama("list", "--actor", "손예진", "--json")
    assert [s["drama"] for s in run.json()] == ["Something in the Rain", "Crash Landing on You"]


def test_names_that_differ_only_in_repeated_digits_are_two_names(tmp_path: Path) -> None:
    """Folding doubled letters must not fold digits: importing scenes of "Drama 007"
    and "Drama 077", with "Actor 007" and "Actor 077", keeps two dramas and two people."""
    source = tmp_path / "scenes.jsonl"
    rows = [
        {"title": "a", "drama": "Drama 007", "year": 2019, "actors": ["Actor 007"]},
        {"title": "b", "drama": "Drama 077", "year": 2019, "actors": ["Actor 077"]},
    ]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))
    db = tmp_path / "scenes.db"
    assert run_process("import", str(source), "--db", str(db)).exit_code == 0
    listed = run_process("list", "--format", "jsonl", "--db", str(db)).stdout.splitlines()
    stored = [(scene["drama"], scene["actors"]) for scene in map(json.loads, listed)]
    assert stored == [("Drama 007", ["Actor 007"]), ("Drama 077", ["Actor 077"])]
