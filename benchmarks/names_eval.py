"""The names evaluation (issue 16): how well ``list --actor``/``--character`` find real
Korean names spelled as people type them, and how rarely they find the wrong person.

    uv run python benchmarks/names_eval.py [--misses 20]

``run.py --only names`` runs the same evaluation and writes its tables into the report.

What it does:

1. Reads ``data/names.toml``: real actors and characters with their Hangul and their
   credited (poster, subtitle) spellings, and near-miss names that are in neither list
   but differ from a listed name by one vowel or consonant. The data is checked first:
   Hangul names unique, each near-miss unlisted and one jamo away from its neighbour.
2. Spells every name from its Hangul with independent romanizers (development
   dependencies): Revised Romanization from korean-romanizer and from hangul-romanize,
   McCune-Reischauer from ko-pron (with its breves and apostrophes, and without them),
   plus the poster spelling, the Hangul itself, and popular spellings made here: ㅓ as
   eo/u/uh/o, ㅕ as yeo/yu/yo, ㅡ as eu/u, ㅜ as u/oo, each syllable independently,
   with the surname spellings fans use; and "mixed" spellings that take some syllables
   from the poster and the others from Revised Romanization ("Lee Byeong Hun").
   Surnames come first; a given name is written spaced, joined and hyphenated.
3. Builds a kdrama catalog with ``kdrama_cli.build`` (the code that builds the bundled
   catalog): one scene per actor, holding that actor alone, and one scene per
   character, holding that character alone, so the scenes a lookup returns name
   exactly the people (or characters) it matched.
4. Looks every spelling up as ``kdrama list --actor TEXT`` (``--character``) does:
   ``Catalog.list_scenes`` with a ``SceneFilter``, the function ``list`` calls. A query
   *finds* its name when that name is among those returned, and is a *wrong match*
   when anyone else is. Near-misses should return nobody.

The test version (tests/test_names_eval.py) runs the same code on a fixed sample.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kdrama_cli.build import build_catalog, load_source
from kdrama_cli.catalog import Catalog
from kdrama_cli.models import SceneFilter

DATA = Path(__file__).resolve().parent / "data" / "names.toml"
ACTOR = "actor"
CHARACTER = "character"

# The sources of spellings, in the order of the tables, with their targets (issue 16,
# "Done when"): recall at least this share, and no wrong match.
SOURCES: dict[str, tuple[str, float]] = {
    "poster": ("the poster (or subtitle) spelling, its given name also joined/hyphenated", 0.995),
    "reversed": ("the poster spelling with the surname last (So Hyun Kim)", 0.995),
    "hangul": ("the Hangul name itself", 0.995),
    "rr-kr": ("Revised Romanization by korean-romanizer", 0.995),
    "rr-hr": ("Revised Romanization (transliteration) by hangul-romanize", 0.995),
    "mr": ("McCune-Reischauer by ko-pron, with breves and apostrophes", 0.995),
    "mr-plain": ("McCune-Reischauer by ko-pron, without breves and apostrophes", 0.995),
    "popular": ("popular spellings: ㅓ u/uh/o, ㅕ yu/yo, ㅡ u, ㅜ oo, fans' surnames", 0.98),
    "mixed": ("poster syllables mixed with Revised Romanization ones", 0.98),
}
NEAR_MISS_TARGETS = {"Latin": 0.02, "Hangul": 0.0}
# Near-misses are spelled by the sources that spell a name exactly (tier one): a
# popular spelling of a near-miss is often, rightly, the popular spelling of its
# listed neighbour (김서현 written with ㅓ as "o" is "Kim So Hyeon", 김소현).
NEAR_MISS_SOURCES = ("rr-kr", "rr-hr", "mr", "mr-plain")
# Popular spellings drawn per name (of every combination of the variants), and mixed
# ones: enough to cover each variant, few enough to keep the run short.
POPULAR_PER_NAME = 8
MIXED_PER_NAME = 4

# The examples: (kind, typed text, the names it should find).
EXAMPLES: list[tuple[str, str, tuple[str, ...]]] = [
    (CHARACTER, "Ri Jung Hyuk", ("Ri Jeong Hyeok",)),
    (ACTOR, "Kim Sun Ho", ("Kim Seon Ho",)),
    (ACTOR, "이중기", ()),
    (ACTOR, "So Hyun Kim", ("Kim So Hyun",)),
]

# Surname spellings fans use, the most common first (issue 16 names Whang, Ryang,
# Kwack and Ryoo/Ryu/Yoo/Yu/Lyu for 류). A surname not here is spelled by the vowel
# variants like any syllable.
FAN_SURNAMES: dict[str, tuple[str, ...]] = {
    "강": ("Kang", "Gang"),
    "고": ("Go", "Ko"),
    "공": ("Gong", "Kong"),
    "곽": ("Kwak", "Kwack", "Gwak"),
    "구": ("Goo", "Koo", "Ku", "Gu"),
    "권": ("Kwon", "Gwon"),
    "김": ("Kim",),
    "남": ("Nam",),
    "노": ("Noh", "Roh"),
    "도": ("Do", "Doh"),
    "량": ("Ryang", "Yang"),
    "류": ("Ryu", "Ryoo", "Yoo", "Yu", "Lyu"),
    "리": ("Ri", "Lee"),
    "문": ("Moon", "Mun"),
    "박": ("Park", "Pak", "Bak"),
    "배": ("Bae",),
    "백": ("Baek", "Paik"),
    "변": ("Byun", "Byeon"),
    "서": ("Seo", "Suh"),
    "설": ("Seol", "Sol", "Sul"),
    "성": ("Sung", "Seong"),
    "손": ("Son", "Sohn"),
    "송": ("Song",),
    "신": ("Shin", "Sin"),
    "안": ("Ahn", "An"),
    "양": ("Yang",),
    "엄": ("Uhm", "Eom", "Um"),
    "여": ("Yeo", "Yuh"),
    "오": ("Oh", "O"),
    "옥": ("Ok",),
    "우": ("Woo", "U"),
    "원": ("Won",),
    "위": ("Wi", "Wee"),
    "유": ("Yoo", "Yu"),
    "육": ("Yook", "Yuk"),
    "윤": ("Yoon", "Yun", "Youn"),
    "이": ("Lee", "Yi", "Rhee"),
    "임": ("Lim", "Im", "Yim"),
    "장": ("Jang", "Chang"),
    "전": ("Jeon", "Jun", "Chun"),
    "정": ("Jung", "Jeong", "Chung"),
    "조": ("Jo", "Cho"),
    "주": ("Joo", "Ju"),
    "지": ("Ji",),
    "진": ("Jin",),
    "차": ("Cha",),
    "채": ("Chae",),
    "천": ("Chun", "Cheon"),
    "최": ("Choi", "Choe"),
    "표": ("Pyo",),
    "하": ("Ha",),
    "한": ("Han",),
    "홍": ("Hong",),
    "황": ("Hwang", "Whang"),
    "남궁": ("Namgoong", "Namgung"),
}

# Revised Romanization of a syllable's jamo, by position (written here, independently
# of kdrama's own tables), with the popular variants of the vowels.
_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_VOWELS: list[tuple[str, ...]] = [
    ("a",),
    ("ae",),
    ("ya",),
    ("yae",),
    ("eo", "u", "uh", "o"),  # ㅓ
    ("e",),
    ("yeo", "yu", "yo"),  # ㅕ
    ("ye",),
    ("o",),
    ("wa",),
    ("wae",),
    ("oe",),
    ("yo",),
    ("u", "oo"),  # ㅜ
    ("wo",),
    ("we",),
    ("wi",),
    ("yu",),
    ("eu", "u"),  # ㅡ
    ("ui",),
    ("i",),
]
_FINALS = [
    "-",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]


# The data


@dataclass(frozen=True)
class Name:
    """A listed name: what is stored (``stored``: the poster or subtitle spelling) and
    the Hangul it is spelled from, with the surname's length in syllables."""

    kind: str
    hangul: str
    stored: str
    surname: int = 1
    aliases: tuple[tuple[str | None, str], ...] = ()  # (Hangul or None, Latin)


@dataclass(frozen=True)
class Character:
    name: Name
    drama: str
    year: int
    actor: str  # the actor's Hangul


@dataclass(frozen=True)
class NearMiss:
    hangul: str
    near: Name


@dataclass(frozen=True)
class Data:
    actors: tuple[Name, ...]
    characters: tuple[Character, ...]
    near_misses: tuple[NearMiss, ...]


class DataError(Exception):
    """The evaluation's data contradicts itself."""


def load(path: Path = DATA) -> Data:
    """The evaluation's data, checked (see ``check``)."""
    raw = load_source(path)
    actors = tuple(
        Name(
            ACTOR,
            a["hangul"],
            a["poster"],
            a.get("surname", 1),
            tuple((alias.get("hangul"), alias["poster"]) for alias in a.get("aliases", [])),
        )
        for a in raw["actors"]
    )
    characters = tuple(
        Character(Name(CHARACTER, c["hangul"], c["subtitles"]), c["drama"], c["year"], c["actor"])
        for c in raw["characters"]
    )
    listed = {name.hangul: name for name in (*actors, *(c.name for c in characters))}
    near_misses = []
    for miss in raw["near_misses"]:
        if miss["near"] not in listed:
            raise DataError(f"near-miss {miss['hangul']}: {miss['near']} is not listed")
        near_misses.append(NearMiss(miss["hangul"], listed[miss["near"]]))
    data = Data(actors, characters, tuple(near_misses))
    check(data)
    return data


def jamo(syllable: str) -> tuple[int, int, int]:
    """A Hangul syllable's initial, vowel and final, as indexes."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        raise DataError(f"{syllable!r} is not a Hangul syllable")
    return code // 588, code % 588 // 28, code % 28


def jamo_distance(a: str, b: str) -> int | None:
    """How many jamo differ between two names of as many syllables (None otherwise)."""
    if len(a) != len(b):
        return None
    return sum(
        x != y for sa, sb in zip(a, b, strict=True) for x, y in zip(jamo(sa), jamo(sb), strict=True)
    )


def check(data: Data) -> None:
    """Hangul and stored names unique per kind, every character's actor listed, each
    near-miss unlisted (as a name or an alias) and one jamo from its neighbour."""
    for kind, names in (
        (ACTOR, data.actors),
        (CHARACTER, [c.name for c in data.characters]),
    ):
        for attribute in ("hangul", "stored"):
            values = [getattr(name, attribute) for name in names]
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise DataError(f"{kind} {attribute} listed twice: {', '.join(twice)}")
    actors = {a.hangul for a in data.actors}
    for c in data.characters:
        if c.actor not in actors:
            raise DataError(f"character {c.name.hangul}: actor {c.actor} is not listed")
    listed = set(actors) | {c.name.hangul for c in data.characters}
    listed |= {h for a in data.actors for h, _ in a.aliases if h}
    for miss in data.near_misses:
        if miss.hangul in listed:
            raise DataError(f"near-miss {miss.hangul} is a listed name")
        if jamo_distance(miss.hangul, miss.near.hangul) != 1:
            raise DataError(f"near-miss {miss.hangul} is not one jamo from {miss.near.hangul}")


def sample(data: Data, actors: int, characters: int, near_misses: int) -> Data:
    """A fixed, smaller evaluation: the first ``near_misses`` near-misses, their
    neighbours, characters evenly spread and their actors, then actors evenly spread."""
    misses = data.near_misses[:near_misses]
    chosen_characters = _spread(data.characters, characters)
    wanted = {m.near.hangul for m in misses} | {c.actor for c in chosen_characters}
    chosen = [a for a in data.actors if a.hangul in wanted]
    for actor in _spread(data.actors, len(data.actors)):
        if len(chosen) >= actors:
            break
        if actor not in chosen:
            chosen.append(actor)
    chosen_characters += tuple(
        c
        for c in data.characters
        if c.name.hangul in {m.near.hangul for m in misses} and c not in chosen_characters
    )
    order = {a: i for i, a in enumerate(data.actors)}
    return Data(tuple(sorted(chosen, key=order.__getitem__)), chosen_characters, misses)


def _spread(items: Sequence[Any], count: int) -> tuple[Any, ...]:
    """``count`` items taken at even steps, starting with the first; then the rest."""
    if count >= len(items):
        return tuple(items)
    step = len(items) / count
    return tuple(items[int(i * step)] for i in range(count))


# The spellings


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


@cache
def _rr_kr(text: str) -> str:
    from korean_romanizer.romanizer import Romanizer

    return str(Romanizer(text).romanize())


@cache
def _rr_hr(text: str) -> str:
    from hangul_romanize import Transliter
    from hangul_romanize.rule import academic

    return str(Transliter(academic).translit(text))


@cache
def _mr(text: str) -> str:
    import ko_pron

    return str(ko_pron.romanise(text, "mr"))


def _plain(text: str) -> str:
    """McCune-Reischauer without breves and apostrophes, as most people type it."""
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c) and c not in "'’")


def _forms(surnames: Iterable[str], syllables: Sequence[str], whole: str) -> list[str]:
    """A name with each surname spelling: given name spaced, joined and hyphenated."""
    given = [
        " ".join(_cap(s) for s in syllables),
        _cap(whole),
        _cap("-".join(syllables)),
    ]
    found = [" ".join(w for w in (surname, g) if w) for surname in surnames for g in given]
    return list(dict.fromkeys(found))


def _split(hangul: str, surname: int) -> tuple[str, str]:
    return hangul[:surname], hangul[surname:]


def _library_spellings(
    hangul: str, surname: int, romanize: Callable[[str], str], *, joined_only: bool = False
) -> list[str]:
    """A romanizer's spellings of a name: its surname as the library spells it and as
    fans most often do, the given name syllable by syllable (spaced, hyphenated) and as
    one word (joined), which the library may spell with its sound changes."""
    sur, given = _split(hangul, surname)
    surnames = [_cap(romanize(sur))] if sur else [""]
    if sur in FAN_SURNAMES:
        surnames.append(FAN_SURNAMES[sur][0])
    syllables = [romanize(s) for s in given]
    forms = _forms(dict.fromkeys(surnames), syllables, romanize(given))
    if joined_only:  # MR syllables spelled alone lose the voicing between them
        return [f for f in forms if "-" not in f]
    return forms


def _rr_syllable(syllable: str) -> list[str]:
    """A syllable in Revised Romanization, with each popular spelling of its vowel."""
    initial, vowel, final = jamo(syllable)
    head = _INITIALS[initial].replace("-", "")
    tail = _FINALS[final].replace("-", "")
    return [head + v + tail for v in _VOWELS[vowel]]


def _popular(name: Name, rng: random.Random, exclude: set[str]) -> list[str]:
    """Popular spellings of a name: every syllable's vowel variants, combined, with
    the surname spellings fans use; a seeded draw of them, spaced (and two joined)."""
    sur, given = _split(name.hangul, name.surname)
    surnames = [""]
    if sur:
        surnames = list(FAN_SURNAMES.get(sur) or (_cap(v) for v in _rr_syllable(sur)))
    choices = [_rr_syllable(s) for s in given]
    combos = [(s, g) for s in surnames for g in itertools.product(*choices)]
    rng.shuffle(combos)
    found: list[str] = []
    for surname, syllables in combos:
        spaced = " ".join(w for w in (surname, " ".join(_cap(s) for s in syllables)) if w)
        if spaced.casefold() not in exclude:
            found.append(spaced)
            if len(found) <= 2 and len(syllables) > 1:
                found.append(" ".join(w for w in (surname, _cap("".join(syllables))) if w))
        if len(found) >= POPULAR_PER_NAME:
            break
    return found


def _mixed(name: Name, rng: random.Random, exclude: set[str]) -> list[str]:
    """The poster's words with some given-name syllables in Revised Romanization."""
    words = name.stored.split()
    if name.surname != 1 or len(words) != len(name.hangul):
        return []
    rr = [_rr_syllable(s)[0] for s in name.hangul[1:]]
    found = []
    for mask in itertools.product((False, True), repeat=len(rr)):
        if all(mask) or not any(mask):
            continue
        given = [_cap(r) if m else w for r, m, w in zip(rr, mask, words[1:], strict=True)]
        text = " ".join([words[0], *given])
        if text.casefold() not in exclude:
            found.append(text)
    rng.shuffle(found)
    return found[:MIXED_PER_NAME]


def _poster(stored: str, surname: int) -> list[str]:
    """A credited spelling as written, and its given name joined and hyphenated."""
    words = stored.split()
    if surname != 1 or len(words) < 3:
        return [stored]
    given = words[1:]
    return [
        stored,
        f"{words[0]} {_cap(''.join(given).lower())}",
        f"{words[0]} {_cap('-'.join(given).lower())}",
    ]


def spellings(name: Name) -> dict[str, list[str]]:
    """Every source's spellings of a listed name (and of its aliases), each once."""
    found: dict[str, list[str]] = {source: [] for source in SOURCES}
    forms: list[tuple[str | None, str, int]] = [(name.hangul, name.stored, name.surname)]
    forms += [(hangul, latin, 1) for hangul, latin in name.aliases]
    for hangul, latin, surname in forms:
        found["poster"] += _poster(latin, surname)
        words = latin.split()
        if surname == 1 and len(words) > 1:
            found["reversed"].append(" ".join([*words[1:], words[0]]))
        if hangul is None:
            continue
        found["hangul"].append(hangul)
        found["rr-kr"] += _library_spellings(hangul, surname, _rr_kr)
        found["rr-hr"] += _library_spellings(hangul, surname, _rr_hr)
        mr = _library_spellings(hangul, surname, _mr, joined_only=True)
        found["mr"] += mr
        found["mr-plain"] += [_plain(text) for text in mr]
    exclude = {text.casefold() for texts in found.values() for text in texts}
    rng = random.Random(name.hangul)
    for hangul, latin, surname in forms:
        if hangul is not None:
            alias = Name(name.kind, hangul, latin, surname)
            found["popular"] += _popular(alias, rng, exclude)
            found["mixed"] += _mixed(alias, rng, exclude)
    return {source: list(dict.fromkeys(texts)) for source, texts in found.items()}


def near_miss_spellings(miss: NearMiss) -> dict[str, list[str]]:
    """A near-miss in Hangul, and in Latin as the exact sources spell it."""
    surname = miss.near.surname
    latin = _library_spellings(miss.hangul, surname, _rr_kr)
    latin += _library_spellings(miss.hangul, surname, _rr_hr)
    mr = _library_spellings(miss.hangul, surname, _mr, joined_only=True)
    latin += mr + [_plain(text) for text in mr]
    return {"Hangul": [miss.hangul], "Latin": list(dict.fromkeys(latin))}


# The catalog


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


EVAL_DRAMA = "Names Evaluation"


def catalog_source(data: Data) -> str:
    """The catalog's TOML source, as ``kdrama_cli.build`` reads it: every actor (with
    Hangul and aliases) in a scene of their own, every character in one of its own."""
    lines: list[str] = []

    def table(name: str, row: dict[str, object]) -> None:
        lines.append(f"[[{name}]]")
        lines.extend(f"{key} = {_toml(value)}" for key, value in row.items())
        lines.append("")

    by_hangul = {a.hangul: a for a in data.actors}
    for actor in data.actors:
        aliases = [text for hangul, latin in actor.aliases for text in (latin, hangul) if text]
        table("people", {"name": actor.stored, "name_ko": actor.hangul, "aliases": aliases})
    dramas: dict[tuple[str, int], list[dict[str, object]]] = {(EVAL_DRAMA, 2024): []}
    for c in data.characters:
        dramas.setdefault((c.drama, c.year), []).append(
            {"name": c.name.stored, "name_ko": c.name.hangul, "actor": by_hangul[c.actor].stored}
        )
    for (title, year), characters in dramas.items():
        table("dramas", {"title": title, "year": year, "characters": characters})
    scene = itertools.count(1)
    for actor in data.actors:
        table(
            "scenes",
            {
                "id": next(scene),
                "drama": EVAL_DRAMA,
                "title": actor.stored,
                "characters": [],
                "actors": [actor.stored],
            },
        )
    for c in data.characters:
        table(
            "scenes",
            {
                "id": next(scene),
                "drama": c.drama,
                "title": c.name.stored,
                "characters": [c.name.stored],
            },
        )
    return "\n".join(lines)


def build(data: Data, folder: Path) -> Path:
    """The evaluation's catalog, built in ``folder`` by kdrama's own build code."""
    source = folder / "names-eval.toml"
    source.write_text(catalog_source(data), encoding="utf-8")
    target = folder / "names-eval.db"
    build_catalog(source, target)
    return target


def lookup(catalog: Catalog, kind: str, text: str) -> set[str]:
    """The names ``kdrama list --actor TEXT`` (``--character``) matches: the function
    ``list`` calls, with the filter it builds; each scene holds one name of the kind."""
    if kind == ACTOR:
        return {
            a for scene in catalog.list_scenes(SceneFilter(actors=(text,))) for a in scene.actors
        }
    scenes = catalog.list_scenes(SceneFilter(characters=(text,)))
    return {role.name for scene in scenes for role in scene.characters}


# The measurement


@dataclass
class SourceResult:
    """One source's queries: found the right name, returned someone else."""

    source: str
    names: int = 0
    queries: int = 0
    found: int = 0
    wrong: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # kind, typed, wanted
    wrongs: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.queries if self.queries else 1.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.queries if self.queries else 0.0

    @property
    def target(self) -> float:
        return SOURCES[self.source][1]

    @property
    def passed(self) -> bool:
        return self.recall >= self.target and self.wrong == 0


@dataclass
class NearMissResult:
    """Near-miss queries in one script: how many returned anyone."""

    script: str
    queries: int = 0
    hits: int = 0
    left_out: int = 0  # spellings that are also a listed name's spelling
    found: list[tuple[str, str, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.hits / self.queries if self.queries else 0.0

    @property
    def target(self) -> float:
        return NEAR_MISS_TARGETS[self.script]

    @property
    def passed(self) -> bool:
        return self.rate <= self.target


@dataclass
class Example:
    kind: str
    typed: str
    wanted: tuple[str, ...]
    returned: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return set(self.returned) == set(self.wanted)


@dataclass
class Evaluation:
    actors: int
    characters: int
    near_misses: int
    sources: list[SourceResult]
    near: list[NearMissResult]
    examples: list[Example]

    def source(self, name: str) -> SourceResult:
        return next(result for result in self.sources if result.source == name)

    def script(self, name: str) -> NearMissResult:
        return next(result for result in self.near if result.script == name)

    @property
    def wrong(self) -> int:
        return sum(result.wrong for result in self.sources)

    def checks(self) -> list[tuple[str, bool]]:
        """Each target of the issue, named, and whether it is met."""
        found = [(f"names: {r.source} recall and wrong matches", r.passed) for r in self.sources]
        found += [(f"names: near-misses in {r.script}", r.passed) for r in self.near]
        found += [(f"names: `--{e.kind} {e.typed}`", e.passed) for e in self.examples]
        return found


def evaluate(data: Data) -> Evaluation:
    """Build the catalog, look every spelling up, and count."""
    results = {source: SourceResult(source) for source in SOURCES}
    near = {script: NearMissResult(script) for script in NEAR_MISS_TARGETS}
    listed = [
        (name, spellings(name)) for name in (*data.actors, *(c.name for c in data.characters))
    ]
    # A near-miss spelled exactly as a listed name is (김서현 and 김소현 are both "Kim So
    # Hyon" in McCune-Reischauer without breves) rightly finds that name: left out.
    taken = {_bare(text) for _, found in listed for texts in found.values() for text in texts}
    with tempfile.TemporaryDirectory(prefix="kdrama-names-") as folder:
        db = build(data, Path(folder))
        with Catalog.open(db) as catalog:
            for name, found in listed:
                for source, texts in found.items():
                    result = results[source]
                    result.names += bool(texts)
                    for text in texts:
                        _count(result, name, text, lookup(catalog, name.kind, text))
            for miss in data.near_misses:
                for script, texts in near_miss_spellings(miss).items():
                    near[script].left_out += sum(_bare(text) in taken for text in texts)
                    for text in (t for t in texts if _bare(t) not in taken):
                        returned = lookup(catalog, miss.near.kind, text)
                        near[script].queries += 1
                        if returned:
                            near[script].hits += 1
                            near[script].found.append(
                                (miss.near.kind, text, miss.hangul, tuple(sorted(returned)))
                            )
            examples = [
                Example(kind, text, wanted, tuple(sorted(lookup(catalog, kind, text))))
                for kind, text, wanted in EXAMPLES
            ]
    return Evaluation(
        len(data.actors),
        len(data.characters),
        len(data.near_misses),
        list(results.values()),
        list(near.values()),
        examples,
    )


def _bare(text: str) -> str:
    """Text without case, spaces, hyphens or apostrophes: the same spelling typed apart."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _count(result: SourceResult, name: Name, text: str, returned: set[str]) -> None:
    result.queries += 1
    if name.stored in returned:
        result.found += 1
    else:
        result.misses.append((name.kind, text, name.stored))
    others = returned - {name.stored}
    if others:
        result.wrong += 1
        result.wrongs.append((name.kind, text, name.stored, tuple(sorted(others))))


# The report


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _result(passed: bool) -> str:
    return "pass" if passed else "MISS"


def markdown(evaluation: Evaluation, misses: int = 20) -> str:
    """The evaluation as Markdown: the tables, then the first ``misses`` of each kind."""
    e = evaluation
    parts = [
        f"{e.actors} actors and {e.characters} characters, {e.near_misses} near-miss names.",
        "",
        _table(
            [
                "source",
                "names",
                "queries",
                "found",
                "recall",
                "target",
                "wrong matches",
                "wrong-match rate",
                "result",
            ],
            (
                [
                    f"{r.source}: {SOURCES[r.source][0]}",
                    str(r.names),
                    str(r.queries),
                    str(r.found),
                    _percent(r.recall),
                    f"≥ {_percent(r.target)}, 0 wrong",
                    str(r.wrong),
                    _percent(r.wrong_rate),
                    _result(r.passed),
                ]
                for r in e.sources
            ),
        ),
        "",
        "Near-misses (names not in the catalog, one vowel or consonant from one that is), "
        "Latin spelled by " + ", ".join(NEAR_MISS_SOURCES) + "; a spelling that is also a "
        "listed name's spelling is left out (it rightly finds that name):",
        "",
        _table(
            ["typed in", "queries", "left out", "returning anyone", "share", "target", "result"],
            (
                [
                    r.script,
                    str(r.queries),
                    str(r.left_out),
                    str(r.hits),
                    _percent(r.rate),
                    f"≤ {_percent(r.target)}",
                    _result(r.passed),
                ]
                for r in e.near
            ),
        ),
        "",
        "The issue's examples, on the same catalog:",
        "",
        _table(
            ["command", "should find", "found", "result"],
            (
                [
                    f"`kdrama list --{x.kind} {_quoted(x.typed)}`",
                    ", ".join(x.wanted) or "nobody",
                    ", ".join(x.returned) or "nobody",
                    _result(x.passed),
                ]
                for x in e.examples
            ),
        ),
    ]
    lists = [
        (
            f"{r.source}: not found",
            [f"`--{kind} {_quoted(typed)}` (wanted {wanted})" for kind, typed, wanted in r.misses],
        )
        for r in e.sources
    ]
    lists += [
        (
            f"{r.source}: wrong matches",
            [
                f"`--{kind} {_quoted(typed)}` (wanted {wanted}) found {', '.join(others)}"
                for kind, typed, wanted, others in r.wrongs
            ],
        )
        for r in e.sources
    ]
    lists += [
        (
            f"near-misses in {r.script} that return someone",
            [
                f"`--{kind} {_quoted(typed)}` ({miss}) found {', '.join(others)}"
                for kind, typed, miss, others in r.found
            ],
        )
        for r in e.near
    ]
    for title, items in lists:
        if items:
            shown = items[:misses]
            more = f" (first {len(shown)} of {len(items)})" if len(items) > len(shown) else ""
            parts += ["", f"{_cap(title)}{more}: " + "; ".join(shown) + "."]
    return "\n".join(parts)


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--misses", type=int, default=20, help="misses listed of each kind")
    args = parser.parse_args(argv)
    evaluation = evaluate(load())
    print(markdown(evaluation, args.misses))
    return 0 if all(passed for _, passed in evaluation.checks()) else 1


if __name__ == "__main__":
    sys.exit(main())
