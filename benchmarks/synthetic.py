"""Make a synthetic kdrama catalog of any size, to measure commands on a large catalog.

    uv run python benchmarks/synthetic.py OUT.db --scenes 1000000 [--seed 0]

The catalog has the real schema (``kdrama_cli.migrations.migrate``) and the real name
keys (``kdrama_cli.names``, as ``writer.py`` computes them), filled at the proportions
of a real catalog: one drama per 20 scenes, one person per 10 scenes, two characters
per drama, two actors and two characters per scene, years 1990-2025. Names are
romanized Korean names with their Hangul; titles are English with a Korean title.

Rows are written with ``executemany`` in one transaction, not with ``writer.add_*``
row by row, so that a million scenes take minutes, not hours. Keys are computed once
per distinct name. The same ``--scenes`` and ``--seed`` always give the same rows.

A few fixed rows let benchmarks ask questions with known answers:

- actor "Son Ye Jin" (손예진) is in exactly 3 scenes;
- "Crash Landing on You" (사랑의 불시착, alias "CLOY", 2020) has 2 scenes, with the
  characters "Yoon Se Ri" (윤세리) and "Ri Jeong Hyeok" (리정혁);
- "Something in the Rain" (밥 잘 사주는 예쁜 누나, 2018) has the third Son Ye Jin scene.

Nearly half the scenes have tags (schema 6), drawn with a skew like a fan's: "kiss"
on about one scene in twelve, "rain" on one in twenty-five, "umbrella" on one in two
hundred (``TAGS``). They are drawn after every other row, from a generator of their
own, so the other rows are the ones a catalog without tags had.

No generated name shares a key with these, so the counts hold at any size.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kdrama_cli import counts, moments, names, search
from kdrama_cli.migrations import SCHEMA_VERSION, migrate

# Romanized surnames with their Hangul; several spellings of one surname, as fans meet
# them. The weight is roughly how common the surname is.
SURNAMES: list[tuple[str, str, int]] = [
    ("Kim", "김", 150), ("Gim", "김", 2), ("Lee", "이", 100), ("Yi", "이", 5),
    ("Rhee", "이", 2), ("Park", "박", 60), ("Pak", "박", 2), ("Choi", "최", 30),
    ("Choe", "최", 2), ("Jung", "정", 20), ("Jeong", "정", 8), ("Kang", "강", 15),
    ("Cho", "조", 12), ("Jo", "조", 4), ("Yoon", "윤", 13), ("Yun", "윤", 3),
    ("Jang", "장", 14), ("Lim", "임", 10), ("Im", "임", 3), ("Han", "한", 10),
    ("Oh", "오", 9), ("Seo", "서", 9), ("Shin", "신", 9), ("Kwon", "권", 8),
    ("Hwang", "황", 8), ("Ahn", "안", 8), ("Song", "송", 8), ("Jeon", "전", 7),
    ("Hong", "홍", 7), ("Yoo", "유", 6), ("Ko", "고", 6), ("Go", "고", 2),
    ("Moon", "문", 6), ("Yang", "양", 6), ("Son", "손", 6), ("Bae", "배", 5),
    ("Baek", "백", 5), ("Heo", "허", 4), ("Nam", "남", 4), ("Noh", "노", 4),
    ("Ha", "하", 3), ("Kwak", "곽", 3), ("Sung", "성", 3), ("Cha", "차", 3),
    ("Joo", "주", 3), ("Woo", "우", 3), ("Min", "민", 2), ("Ryu", "류", 3),
    ("Na", "나", 2), ("Jin", "진", 2), ("Ji", "지", 2), ("Um", "엄", 2),
    ("Byun", "변", 2), ("Chae", "채", 2), ("Won", "원", 2), ("Bang", "방", 1),
    ("Gong", "공", 1), ("Hyun", "현", 1), ("Namgoong", "남궁", 1), ("Seonwoo", "선우", 1),
]  # fmt: skip

# Given-name syllables, romanized as Korean names usually are, with their Hangul.
SYLLABLES: list[tuple[str, str]] = [
    ("Min", "민"), ("Jae", "재"), ("Ji", "지"), ("Woo", "우"), ("Hyun", "현"),
    ("Seo", "서"), ("Yeon", "연"), ("Soo", "수"), ("Jin", "진"), ("Ye", "예"),
    ("Hye", "혜"), ("Eun", "은"), ("Ha", "하"), ("Na", "나"), ("Young", "영"),
    ("Joon", "준"), ("Ho", "호"), ("Sung", "성"), ("Kyung", "경"), ("Hee", "희"),
    ("Won", "원"), ("Sang", "상"), ("Dong", "동"), ("Tae", "태"), ("Jung", "정"),
    ("Mi", "미"), ("Yoon", "윤"), ("Bin", "빈"), ("Gun", "건"), ("Seok", "석"),
    ("Chul", "철"), ("Kyu", "규"), ("Hoon", "훈"), ("Il", "일"), ("In", "인"),
    ("Ah", "아"), ("Ra", "라"), ("Rim", "림"), ("Bo", "보"), ("Sol", "솔"),
    ("Da", "다"), ("Yu", "유"), ("Hwan", "환"), ("Kwang", "광"), ("Seung", "승"),
    ("Hyo", "효"), ("Joo", "주"), ("Chan", "찬"), ("Do", "도"), ("Ki", "기"),
    ("So", "소"), ("Ri", "리"), ("Se", "세"), ("Ga", "가"), ("Byung", "병"),
    ("Hyuk", "혁"), ("Kyo", "교"), ("Gum", "검"), ("Woong", "웅"), ("Sun", "선"),
    ("Mo", "모"), ("Si", "시"), ("Hae", "해"), ("Bom", "봄"), ("Byeol", "별"),
    ("Gyeol", "결"), ("Han", "한"), ("Yong", "용"), ("Su", "수"), ("Jun", "준"),
]  # fmt: skip

# English title words with a Korean equivalent.
ADJECTIVES: list[tuple[str, str]] = [
    ("Secret", "비밀의"), ("Beautiful", "아름다운"), ("Pretty", "예쁜"), ("Strange", "이상한"),
    ("Lonely", "외로운"), ("Last", "마지막"), ("First", "첫"), ("Hidden", "숨겨진"),
    ("Golden", "황금"), ("Blue", "푸른"), ("Red", "붉은"), ("Eternal", "영원한"),
    ("Little", "작은"), ("Great", "위대한"), ("Sweet", "달콤한"), ("Cold", "차가운"),
    ("Warm", "따뜻한"), ("Dangerous", "위험한"), ("Perfect", "완벽한"), ("Crazy", "미친"),
    ("Brave", "용감한"), ("Wild", "거친"), ("Shining", "빛나는"), ("Forgotten", "잊혀진"),
    ("Midnight", "한밤의"), ("Young", "젊은"), ("Lucky", "행운의"), ("Royal", "왕실의"),
    ("Silent", "조용한"), ("Fragile", "깨지기 쉬운"), ("Wonderful", "멋진"), ("Bitter", "쓰디쓴"),
    ("Rainy", "비 오는"), ("Snowy", "눈 내리는"), ("Endless", "끝없는"), ("Fake", "가짜"),
]  # fmt: skip
NOUNS: list[tuple[str, str]] = [
    ("Love", "사랑"), ("Garden", "정원"), ("Moon", "달"), ("Sun", "태양"), ("Star", "별"),
    ("Sky", "하늘"), ("Sea", "바다"), ("Flower", "꽃"), ("Rain", "비"), ("Snow", "눈"),
    ("Wind", "바람"), ("Heart", "마음"), ("Dream", "꿈"), ("Memory", "기억"), ("Time", "시간"),
    ("Night", "밤"), ("Spring", "봄"), ("Summer", "여름"), ("Autumn", "가을"), ("Winter", "겨울"),
    ("Palace", "궁"), ("King", "왕"), ("Queen", "여왕"), ("Doctor", "의사"),
    ("Lawyer", "변호사"), ("Detective", "형사"), ("Chef", "요리사"), ("Teacher", "선생님"),
    ("Prince", "왕자"), ("Family", "가족"), ("Friend", "친구"), ("House", "집"), ("Road", "길"),
    ("City", "도시"), ("Island", "섬"), ("Hospital", "병원"), ("School", "학교"),
    ("Letter", "편지"), ("Song", "노래"), ("Promise", "약속"), ("Destiny", "운명"),
    ("Lie", "거짓말"), ("Truth", "진실"), ("Game", "게임"), ("War", "전쟁"), ("Ghost", "유령"),
    ("Goblin", "도깨비"), ("Fox", "여우"), ("Tiger", "호랑이"), ("Mirror", "거울"),
    ("Door", "문"), ("Light", "빛"), ("Shadow", "그림자"), ("Kiss", "키스"),
    ("Wedding", "결혼"), ("Contract", "계약"), ("Revenge", "복수"), ("Crown", "왕관"),
    ("Sword", "검"), ("Mask", "가면"), ("Diary", "일기"), ("Village", "마을"), ("River", "강"),
    ("Mountain", "산"), ("Bridge", "다리"), ("Station", "역"), ("Secretary", "비서"),
    ("Heir", "상속자"), ("Boss", "사장님"), ("Neighbor", "이웃"), ("Angel", "천사"),
    ("Thief", "도둑"), ("Witch", "마녀"), ("Knight", "기사"), ("Bride", "신부"),
]  # fmt: skip
NETWORKS = [
    "KBS2", "KBS1", "MBC", "SBS", "tvN", "JTBC", "OCN", "Channel A", "MBN", "ENA",
    "Netflix", "Disney+", "TVING", "Coupang Play", "Mnet", "TV Chosun",
]  # fmt: skip
SOURCES = [
    "Soompi", "Dramabeans", "Viki", "Cosmopolitan", "SCMP", "Allkpop", "Koreaboo",
    "MyDramaList", "AsianWiki", "Naver", "Daum", "Korea Herald", "Korea JoongAng Daily",
]  # fmt: skip
MOMENTS = [
    "Confession", "Kiss", "Hug", "Goodbye", "Reunion", "First meeting", "Piggyback ride",
    "Proposal", "Slap", "Dance", "Dinner", "Argument", "Rescue", "Shared umbrella",
    "Phone call", "Chase", "Promise", "Apology", "Date", "Wrist grab", "Drunk call",
]  # fmt: skip
PLACES = [
    "in the rain", "on the rooftop", "at the bus stop", "in the hospital", "by the Han River",
    "at the convenience store", "at the airport", "at the palace gate", "in the snow",
    "on the beach", "in the subway", "in the library", "in the cafe", "in the elevator",
    "under the cherry blossoms", "on the bridge", "at the festival", "at the night market",
    "at the train station", "in the office", "at the pojangmacha", "on Namsan Tower",
]  # fmt: skip
ACTIONS = [
    "confesses to", "runs into", "says goodbye to", "carries", "waits for", "finally kisses",
    "argues with", "protects", "surprises", "cooks for", "saves", "lies to", "follows",
    "teaches", "dances with", "hides from", "proposes to", "forgives", "meets",
]  # fmt: skip
WORDS = """
a about after again against all almost always and another answer arrive ask away back
because before begin behind believe between bright brother but call calm can careful
change child city close cold come could cry dark daughter day door down dream drink
during early end even evening every eye face fall family far father feel finally find
first follow for forget friend from front gift give glass go good hand happy hard have
heart help her here hide him his home hope house hurry if in inside its just keep kind
know last late laugh leave letter light like little long look lose love make many maybe
meet memory mind moment morning mother move much music name near never new next night
no not nothing now of old once only open or other out over past people phone place
play promise quiet rain reach ready remember rest return road room run sad same say
secret see send she shout silence sister sleep slowly small smile snow someone something
son soon speak stand star stay still stop storm story street strong sudden summer sun
take talk tear tell than that the their them then there they thing think through time
to together tomorrow tonight too toward true turn under until up very voice wait walk
want warm watch water way when where while whisper why wind window winter with without
word world write wrong year yes yesterday yet you young
""".split()  # noqa: SIM905

# Tags and the share of scenes that have each: a few common, most rare.
TAGS: list[tuple[str, float]] = [
    ("kiss", 0.08), ("comedy", 0.06), ("confession", 0.05), ("hug", 0.05),
    ("rain", 0.04), ("tears", 0.04), ("first-meeting", 0.03), ("flashback", 0.03),
    ("fight", 0.03), ("jealousy", 0.02), ("goodbye", 0.02), ("drunk", 0.02),
    ("cliffhanger", 0.02), ("OTP", 0.02), ("rooftop", 0.01), ("piggyback", 0.01),
    ("slow-motion", 0.007), ("umbrella", 0.005),
]  # fmt: skip

BATCH = 100_000


@dataclass(frozen=True)
class FixedPerson:
    name: str
    korean: str


@dataclass(frozen=True)
class FixedDrama:
    title: str
    korean: str
    year: int
    network: str
    aliases: tuple[str, ...]
    # (character name, Hangul, actor name)
    characters: tuple[tuple[str, str, str], ...]
    # (scene title, description), each scene with both characters
    scenes: tuple[tuple[str, str], ...]


FIXED_PEOPLE = (
    FixedPerson("Son Ye Jin", "손예진"),
    FixedPerson("Hyun Bin", "현빈"),
    FixedPerson("Jung Hae In", "정해인"),
)
FIXED_DRAMAS = (
    FixedDrama(
        "Crash Landing on You",
        "사랑의 불시착",
        2020,
        "tvN",
        ("CLOY",),
        (("Ri Jeong Hyeok", "리정혁", "Hyun Bin"), ("Yoon Se Ri", "윤세리", "Son Ye Jin")),
        (
            (
                "Jeong Hyeok kisses Se Ri's tears away",
                "Se Ri weeps over the gunshot wound Jeong Hyeok took while saving her.",
            ),
            (
                "Se Ri lands in Jeong Hyeok's tree",
                "A paragliding accident carries Se Ri across the border and into his arms.",
            ),
        ),
    ),
    FixedDrama(
        "Something in the Rain",
        "밥 잘 사주는 예쁜 누나",
        2018,
        "JTBC",
        ("Pretty Noona Who Buys Me Food",),
        (("Yoon Jin Ah", "윤진아", "Son Ye Jin"), ("Seo Joon Hee", "서준희", "Jung Hae In")),
        (
            (
                "Jin Ah and Joon Hee almost get caught",
                "Keeping their romance a secret, the couple come close to being found out.",
            ),
        ),
    ),
)


def _progress(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {message}", file=sys.stderr, flush=True)


class _Keys:
    """Name keys computed once per distinct name, refusing names that would collide
    with the keys of the fixed rows (so that their counts stay exact)."""

    def __init__(self, function: Callable[[Iterable[str]], set[str]], reserved: set[str]):
        self.function = function
        self.reserved = reserved
        self.cache: dict[tuple[str, ...], list[str] | None] = {}

    def get(self, *texts: str) -> list[str] | None:
        """Sorted keys of these names, or None when any key is reserved."""
        if texts not in self.cache:
            keys = self.function(texts)
            self.cache[texts] = None if keys & self.reserved else sorted(keys)
        return self.cache[texts]


class _Names:
    """Korean personal names, romanized and in Hangul, drawn from the lists above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [(s, k) for s, k, _ in SURNAMES]
        weights = [w for _, _, w in SURNAMES]
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]

    def draw(self) -> tuple[str, str, tuple[str, ...]]:
        """A romanized name ("Park Min Jae"), its Hangul ("박민재"), and the given name's
        syllables, romanized."""
        rng = self.rng
        surname, surname_ko = rng.choices(self.surnames, cum_weights=self.cum)[0]
        count = 1 if rng.random() < 0.1 else 2
        syllables = [rng.choice(SYLLABLES) for _ in range(count)]
        latin = [s for s, _ in syllables]
        korean = surname_ko + "".join(k for _, k in syllables)
        if count == 2 and rng.random() < 0.15:  # "Park Min-jae"
            given = f"{latin[0]}-{latin[1].lower()}"
        else:
            given = " ".join(latin)
        return f"{surname} {given}", korean, tuple(latin)


def _title(rng: random.Random) -> tuple[str, str]:
    """An English drama title and its Korean title."""
    (a, a_ko), (n, n_ko), (m, m_ko) = rng.choice(ADJECTIVES), *rng.sample(NOUNS, 2)
    pattern = rng.randrange(7)
    if pattern == 0:
        return f"{a} {n}", f"{a_ko} {n_ko}"
    if pattern == 1:
        return f"My {a} {n}", f"나의 {a_ko} {n_ko}"
    if pattern == 2:
        return f"The {n} of the {m}", f"{m_ko}의 {n_ko}"
    if pattern == 3:
        return f"{n} and {m}", f"{n_ko}와 {m_ko}"
    if pattern == 4:
        return f"{a} {n} in the {m}", f"{m_ko} 속의 {a_ko} {n_ko}"
    if pattern == 5:
        return f"When the {n} Returns", f"{n_ko}이 돌아올 때"
    return f"{n}: {a} {m}", f"{n_ko}: {a_ko} {m_ko}"


def _sentence(rng: random.Random) -> str:
    text = " ".join(rng.choices(WORDS, k=rng.randint(8, 18)))
    return text[0].upper() + text[1:] + "."


def _reserved() -> tuple[set[str], set[str], set[str]]:
    """Keys no generated person, character or drama may have: those of the fixed rows,
    stored or as typed."""
    people: set[str] = set()
    for p in FIXED_PEOPLE:
        people |= names.person_keys([p.name, p.korean])
        for text in (p.name, p.korean):
            people.update(names.query_keys(text))
    characters: set[str] = set()
    dramas: set[str] = set()
    for d in FIXED_DRAMAS:
        for name, korean, _ in d.characters:
            characters |= names.character_keys([name, korean])
            for text in (name, korean):
                characters.update(names.query_keys(text))
        for text in (d.title, d.korean, *d.aliases):
            dramas.update(names.query_keys(text))
    return people, characters, dramas


def _insert(conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.executemany(sql, rows[start : start + BATCH])


def make_catalog(path: Path, scenes: int, seed: int = 0, *, quiet: bool = False) -> Path:
    """Write a synthetic catalog of ``scenes`` scenes to ``path`` (replaced atomically
    when complete); return ``path``."""
    if scenes < 10:
        raise ValueError("a synthetic catalog needs at least 10 scenes")
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not quiet:
            _progress(message, started)

    rng = random.Random(seed)
    n_dramas = max(1, scenes // 20)
    n_people = max(2, scenes // 10)
    reserved_people, reserved_characters, reserved_dramas = _reserved()
    person_keys = _Keys(names.person_keys, reserved_people)
    character_keys = _Keys(names.character_keys, reserved_characters)
    title_keys = _Keys(names.title_keys, reserved_dramas)
    name_gen = _Names(rng)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    os.close(fd)
    temp = Path(temp_name)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            migrate(conn)
            # Only while writing a new file: a crash leaves a temp file, never a catalog.
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA cache_size = -1000000")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("BEGIN")

            _insert(
                conn,
                "INSERT INTO sources (id, name, title, credit) VALUES (?, ?, ?, ?)",
                [
                    (i, name, f"Best {name} scenes", name if i % 2 else None)
                    for i, name in enumerate(SOURCES, start=1)
                ],
            )

            # People: generated, then the fixed ones.
            people_rows: list[tuple[int, str, str]] = []
            alias_rows: list[tuple[int, str]] = []
            key_rows: list[tuple[str, int]] = []
            while len(people_rows) < n_people:
                name, korean, given = name_gen.draw()
                alias = None
                if rng.random() < 0.03:  # given name first: "Min-jae Park"
                    surname = name.split(" ", 1)[0]
                    alias = "-".join([given[0], *(g.lower() for g in given[1:])]) + " " + surname
                keys = person_keys.get(name, korean, *([alias] if alias else []))
                if keys is None:
                    continue
                pid = len(people_rows) + 1
                people_rows.append((pid, name, korean))
                if alias:
                    alias_rows.append((pid, alias))
                key_rows += [(k, pid) for k in keys]
            fixed_people: dict[str, int] = {}
            for p in FIXED_PEOPLE:
                pid = len(people_rows) + 1
                fixed_people[p.name] = pid
                people_rows.append((pid, p.name, p.korean))
                key_rows += [(k, pid) for k in sorted(names.person_keys([p.name, p.korean]))]
            _insert(
                conn, "INSERT INTO people (id, name, name_korean) VALUES (?, ?, ?)", people_rows
            )
            _insert(conn, "INSERT INTO person_aliases (person_id, alias) VALUES (?, ?)", alias_rows)
            key_rows.sort()
            _insert(conn, "INSERT INTO person_keys (key, person_id) VALUES (?, ?)", key_rows)
            progress(f"{len(people_rows):,} people, {len(key_rows):,} keys")

            # Dramas: generated, then the fixed ones.
            drama_rows: list[tuple[int, str, str, int, str]] = []
            alias_rows = []
            key_rows = []
            while len(drama_rows) < n_dramas:
                title, korean = _title(rng)
                aliases: tuple[str, ...] = ()
                if rng.random() < 0.1:  # an abbreviation, like "CLOY"
                    aliases = ("".join(w[0] for w in title.split() if w[0].isalpha()).upper(),)
                keys = title_keys.get(title, korean, *aliases)
                if keys is None:
                    continue
                did = len(drama_rows) + 1
                drama_rows.append(
                    (did, title, korean, rng.randint(1990, 2025), rng.choice(NETWORKS))
                )
                alias_rows += [(did, a) for a in aliases]
                key_rows += [(k, did) for k in keys]
            fixed_dramas: list[int] = []
            for d in FIXED_DRAMAS:
                did = len(drama_rows) + 1
                fixed_dramas.append(did)
                drama_rows.append((did, d.title, d.korean, d.year, d.network))
                alias_rows += [(did, a) for a in d.aliases]
                keys = sorted(names.title_keys([d.title, d.korean, *d.aliases]))
                key_rows += [(k, did) for k in keys]
            _insert(
                conn,
                "INSERT INTO dramas (id, title, title_korean, year, network)"
                " VALUES (?, ?, ?, ?, ?)",
                drama_rows,
            )
            _insert(conn, "INSERT INTO drama_aliases (drama_id, alias) VALUES (?, ?)", alias_rows)
            key_rows.sort()
            _insert(conn, "INSERT INTO drama_keys (key, drama_id) VALUES (?, ?)", key_rows)
            progress(f"{len(drama_rows):,} dramas, {len(key_rows):,} keys")

            # Characters: two per generated drama (ids 2d-1 and 2d), each played by a
            # different person; then those of the fixed dramas.
            cast = list(range(1, n_people + 1))
            rng.shuffle(cast)
            character_rows: list[tuple[int, int, int, str, str]] = []
            key_rows = []
            given_names: list[str] = [""]  # by character id, for scene titles
            for did in range(1, n_dramas + 1):
                for _ in range(2):
                    while True:
                        name, korean, given = name_gen.draw()
                        keys = character_keys.get(name, korean)
                        if keys is not None:
                            break
                    cid = len(character_rows) + 1
                    person = cast[(cid - 1) % n_people]
                    character_rows.append((cid, did, person, name, korean))
                    key_rows += [(k, cid) for k in keys]
                    given_names.append(" ".join(given))
            fixed_scenes: list[tuple[int, str, str, list[int], list[int]]] = []
            for did, d in zip(fixed_dramas, FIXED_DRAMAS, strict=True):
                cids, pids = [], []
                for name, korean, actor in d.characters:
                    cid = len(character_rows) + 1
                    character_rows.append((cid, did, fixed_people[actor], name, korean))
                    keys = sorted(names.character_keys([name, korean]))
                    key_rows += [(k, cid) for k in keys]
                    cids.append(cid)
                    pids.append(fixed_people[actor])
                fixed_scenes += [(did, title, text, pids, cids) for title, text in d.scenes]
            _insert(
                conn,
                "INSERT INTO characters (id, drama_id, person_id, name, name_korean)"
                " VALUES (?, ?, ?, ?, ?)",
                character_rows,
            )
            key_rows.sort()
            _insert(conn, "INSERT INTO character_keys (key, character_id) VALUES (?, ?)", key_rows)
            progress(f"{len(character_rows):,} characters, {len(key_rows):,} keys")

            # Scenes, in id order; the fixed scenes take ids spread through the range.
            fixed_at = {
                scenes * (i + 1) // (len(fixed_scenes) + 1): scene
                for i, scene in enumerate(fixed_scenes)
            }
            n_sources = len(SOURCES)
            # Schema 2 added favourites and 1-5 ratings; fill them when the schema has them.
            columns = {row[1] for row in conn.execute("PRAGMA table_info(scenes)")}
            personal = {"favorite", "rating"} <= columns
            scene_columns = ["id", "drama_id", "title", "description", "rank", "source_id"]
            scene_columns += ["favorite", "rating"] if personal else []
            scene_sql = (
                f"INSERT INTO scenes ({', '.join(scene_columns)})"
                f" VALUES ({', '.join('?' * len(scene_columns))})"
            )
            for start in range(1, scenes + 1, BATCH):
                scene_rows: list[tuple[Any, ...]] = []
                cast_rows: list[tuple[int, int, int]] = []
                role_rows: list[tuple[int, int, int]] = []
                for sid in range(start, min(start + BATCH, scenes + 1)):
                    if sid in fixed_at:
                        did, title, text, pids, cids = fixed_at[sid]
                        rank: int | None = len(fixed_at) - list(fixed_at).index(sid)
                        source: int | None = SOURCES.index("Cosmopolitan") + 1
                    else:
                        did = rng.randint(1, n_dramas)
                        cids = [2 * did - 1, 2 * did]
                        if rng.random() < 0.5:
                            cids.reverse()
                        pids = list(dict.fromkeys(character_rows[c - 1][2] for c in cids))
                        if rng.random() < 0.5:
                            a, b = (given_names[c] for c in cids)
                            title = f"{a} {rng.choice(ACTIONS)} {b}"
                        else:
                            title = f"{rng.choice(MOMENTS)} {rng.choice(PLACES)}"
                        text = _sentence(rng)
                        rank = rng.randint(1, 100) if rng.random() < 0.3 else None
                        source = rng.randint(1, n_sources) if rng.random() < 0.7 else None
                    row: tuple[Any, ...] = (sid, did, title, text, rank, source)
                    if personal:  # a few favourites, some ratings
                        rating = rng.randint(1, 5) if rng.random() < 0.1 else None
                        row += (int(rng.random() < 0.01), rating)
                    scene_rows.append(row)
                    cast_rows += [(sid, p, i) for i, p in enumerate(pids)]
                    role_rows += [(sid, c, i) for i, c in enumerate(cids)]
                conn.executemany(scene_sql, scene_rows)
                conn.executemany(
                    "INSERT INTO scene_people (scene_id, person_id, position) VALUES (?, ?, ?)",
                    cast_rows,
                )
                conn.executemany(
                    "INSERT INTO scene_characters (scene_id, character_id, position)"
                    " VALUES (?, ?, ?)",
                    role_rows,
                )
                progress(f"{scene_rows[-1][0]:,} / {scenes:,} scenes")
            if "scene_tags" in tables(conn):
                _add_tags(conn, scenes, seed)
                progress("tags")
            search.refresh(conn)  # the triggers marked every scene for the search index
            progress("search index")
            counts.count_all(conn)  # the scenes of every person, drama and character
            progress("scene counts")
            conn.execute("COMMIT")
            progress("ANALYZE")
            conn.execute("ANALYZE")
        finally:
            conn.close()
        temp.chmod(0o644)
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    progress(f"wrote {path} ({path.stat().st_size / 1e6:,.1f} MB)")
    return path


def tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _add_tags(conn: sqlite3.Connection, scenes: int, seed: int) -> None:
    """Tag nearly half the scenes, each tag on its share of scenes (``TAGS``)."""
    rng = random.Random(seed + 1)
    _insert(
        conn,
        "INSERT INTO tags (id, name, key) VALUES (?, ?, ?)",
        [(i, tag, moments.tag_key(tag)) for i, (tag, _) in enumerate(TAGS, start=1)],
    )
    shares = [(i, share) for i, (_, share) in enumerate(TAGS, start=1)]
    for start in range(1, scenes + 1, BATCH):
        rows: list[tuple[int, int, int]] = []
        for sid in range(start, min(start + BATCH, scenes + 1)):
            chosen = [tag_id for tag_id, share in shares if rng.random() < share]
            rows += [(sid, tag_id, position) for position, tag_id in enumerate(chosen)]
        conn.executemany(
            "INSERT INTO scene_tags (scene_id, tag_id, position) VALUES (?, ?, ?)", rows
        )


def cached_catalog(scenes: int, path: Path | None = None) -> Path:
    """A synthetic catalog of ``scenes`` scenes, built once into ``benchmarks/.cache/``
    (or at ``path``) and built again when kdrama's schema has moved on since."""
    path = path or Path(__file__).parent / ".cache" / f"synthetic-{scenes}.db"
    if path.exists():
        conn = sqlite3.connect(path)
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            # A catalog made before synthetic catalogs had tags is made again.
            current = current and conn.execute("SELECT 1 FROM tags LIMIT 1").fetchone()
        finally:
            conn.close()
        if current:
            return path
    start = time.perf_counter()
    make_catalog(path, scenes)
    print(f"built {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the catalog file to write (replaced)")
    parser.add_argument("--scenes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    make_catalog(args.out, args.scenes, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
