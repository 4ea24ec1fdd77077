"""Name matching: the one place that decides whether typed text names a stored name.

Korean names have no single Latin spelling, so every stored name (people, characters,
drama titles and their aliases) is reduced to several *keys* when it is written, and
the keys are indexed. A lookup reduces the typed text to a few keys with the same
rules and asks the index for any of them: matching stays at index speed however large
the catalog grows, and typed text never becomes SQL or a pattern.

Lookups have two tiers. The second is consulted only when the first finds nothing.

**First tier: the text spells the name in an accepted way.**

- The **exact key**: the text normalised with Unicode NFKC (which also composes NFD
  Hangul), case-folded, apostrophes dropped, and its words run together, so case,
  spaces, hyphens and punctuation do not matter: "Son Ye-jin" == "SON YEJIN". This is
  how the stored spelling, an alias, and Hangul typed as Hangul match.
- **Sound keys** (stored with a leading ``~``), for Latin text: the stored spelling,
  and for a stored Hangul name its Revised Romanization and its McCune–Reischauer
  reading without breves (ㅓ as o, ㅡ as u in the given name), each also with ㄹ
  read as n after ㅇ or ㅁ as McCune–Reischauer writes it ("Sŭngnyong" for 승룡); typed
  McCune–Reischauer with breves reads ŏ as eo and ŭ as eu ("Hyŏn Pin" is 현빈's
  "hyeon bin"). Spellings of one sound are then folded together:

  - surnames, in the surname's place: Park/Bak/Pak, Lee/Yi/Rhee/I/Ri, Kim/Gim,
    Choi/Choe, Jung/Jeong/Chung, Yoo/Yu/You, Ryu/Ryoo/Lyu, Hwang/Whang, Yang/Ryang,
    Kwak/Kwack, Shin/Sin, Kang/Gang, Cho/Jo, Oh/O, Uhm/Um/Eom, Byun/Byeon,
    Yoon/Youn, Yeo/Yuh, Seol/Sul/Sol and more (``SURNAMES``);
  - letters, within one syllable or typed word, never across: oo/u, ee/i,
    ui/eui/i, wu/u, k/g, t/d, p/b, ch/j, sh/s, l/r, and an "h" closing a vowel (Ah/A,
    Sohn/Son). ㅓ (eo) and ㅗ (o), ㅡ (eu) and ㅜ (u), ㅐ (ae) and ㅔ (e) stay
    apart, "ou" is not "o" (so "Koun", "Roun" keep 고+은, 로+운 readable), and doubled
    letters are not collapsed.

  Keys keep the join between surname and given name ("~gim.sohyeon" for Kim So Hyun,
  "~sohyeon.gim" read given name first), and a Hangul name's syllables are folded one
  by one, so letters are never folded across a join: 준+기 and 중+기, 형+김 stay
  apart, and a reading with the surname last never meets a key with it first.
- Hangul typed as Hangul matches stored Hangul exactly; it matches by sound (stored
  with a leading ``^``) only a person or character that has no Hangul name at all.

**Second tier: popular readings** (stored with a leading ``+``), made from a stored
Hangul name's given name syllable by syllable, each syllable independently (at most
27 readings), so mixed spellings ("Lee Byeong Hun") match: ㅓ as u/uh/o ("Kim Sun
Ho" for 김선호), ㅕ as yu/yo ("Ri Jung Hyuk" for 리정혁) and before ng also you
("Young" for 영), ㅠ as you ("Youn" for 윤), ㅡ as u, ㅜ as oo/u; and surnames
that collide with another surname's spelling: fans' (Yoo/Yu/You for 류, besides 유)
and McCune–Reischauer without breves (Pyon for 변, Yo for 여, Om for 엄, Hyon for
현). Where that reading is another surname's Revised Romanization (So for 서 is 소,
Song for 성 is 송, Son for 선, O for 어, Ho for 허), the whole name must be
McCune–Reischauer, its words starting as that system starts a word (Tong, never
Dong): "So Hyon Chin" and "Song Tong Il" find 서현진 and 성동일, "Song Dong Il" does
not. Text typed in Hangul
or in McCune–Reischauer with its breves (ŏ, ŭ) spells one name exactly and never
reaches the second tier: "Mun Kun Yŏng" is 문군영, not 문근영. Completion and "Did you
mean" use the same tiers: the second only when the first has nothing.

**Second tier of a name stored without Hangul** (stored with a leading ``*``), as fans
type names into their own catalogs: with no Hangul to say which vowel is meant, its
sound keys with eo, eu, ae and ou loosened to o, u, e and o, and typed text loosened
the same way ("Park Min Yong" and "Yeong" find Park Min Young, "Kim Go Un" finds Kim
Go Eun, "Suh Kang Joon" finds Seo Kang Joon). A name stored with Hangul never gets
these keys, so the look-alikes above stay apart wherever the Hangul is known.

What matches what:

- A person matches on their name, their Hangul name, an alias, or the readings of the
  Hangul name, in surname-first or given-name-first order ("Ye-jin Son"); a person
  with a one-word stage name (IU, Rowoon) also on the readings of a one-word Hangul
  name read whole ("Aiyu" for 아이유).
- A character matches the same way, and also on the given name alone ("Se Ri", "세리",
  "Taek" for 최택 or "Choi Taek"), because that is how scenes and fans name them.
- A drama matches on its English title, Korean title, alternative titles and
  abbreviations, on any run of their consecutive whole words ("Secretary Kim",
  "도깨비"), and on the romanization of its Korean title ("Dokkaebi"); titles have no
  second tier.

Precision: keys are compared whole, never as substrings or by distance, so "Song Hye
Kyo" does not find Song Joong Ki, "Kim So Hyun" does not find Kim Soo Hyun nor
Kim Seo Hyung, "Lee Jeong Je" does not find Lee Jung Jae, and 이중기 does not find
이준기.

What does not match: Yale romanization ("Son Yey-cin"), spellings of a name stored
without Hangul beyond its own, the folds above and its loosened vowels, a
joined given name whose letters fold across its syllable join ("Gim Hyeeun" for 김혜은
needs "Gim Hye Eun"), surnames given a syllable of the given name ("Namgoong Min"
stored as "Nam Goong Min"), a drama by Hangul when it has no Korean title stored,
popular vowels in a surname beyond those above ("So" and "Song" for 서 and 성 only
with a McCune–Reischauer given name: "Song Dong Il" is 송동일), and anything one
letter off.
Text with no letters or digits has no key and matches nothing.

Changing these rules changes stored keys: a catalog migration must recompute them
(migrations.m005_name_keys_v2).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence

SOUND = "~"  # first-tier sound keys
LATIN = "^"  # first-tier sound keys of a row with no Hangul: what a Hangul query meets
POPULAR = "+"  # second-tier keys: popular readings of a Hangul name
LOOSE = "*"  # second-tier keys of a row with no Hangul: its sound with vowels loosened
JOIN = "."  # between surname and given name in a sound key
# Names are cached as they are reduced to keys: a writer looks a name up, then stores
# it. Bounded so that a large import's memory stays flat.
_CACHE_SIZE = 1 << 13
# Popular readings of one name, at most: three syllables of three readings each.
_MOST_READINGS = 27

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`]")
_SEPARATORS = re.compile(r"[\W_]+")

SURNAMES: dict[str, str] = {
    variant: canonical
    for canonical, variants in {
        "bak": "park pak bak bahk",
        "i": "lee yi rhee i ri rhie li",
        "gim": "kim gim",
        "choe": "choi choe chey choy",
        "jeong": "jung jeong chung chong joung cheong",
        "yu": "yoo yu you",
        "ryu": "ryu ryoo lyu ryou",
        "sin": "shin sin shinn",
        "gang": "kang gang",
        "jo": "cho jo",
        "o": "oh o",
        "im": "lim im rim yim",
        "yun": "yoon yun youn",
        "no": "noh roh no ro",
        "baek": "baek paik paek baik",
        "jeon": "jeon jun chun chon",
        "seong": "seong sung",
        "heo": "heo huh hur",
        "seo": "seo suh",
        "hwang": "hwang whang",
        "yang": "yang ryang",
        "gwak": "gwak kwak kwack kwag",
        "eom": "eom uhm um",
        "byeon": "byeon byun",
        "yeo": "yeo yuh",
        "seol": "seol sul sol",
    }.items()
    for variant in variants.split()
}
# Surnames that fans also write as another one's spelling: in the second tier only.
_POPULAR_SURNAMES = {"ryu": ("yu",)}
# McCune-Reischauer without breves of a surname that is another surname's Revised
# Romanization: 서 So (소), 성 Song (송), 선 Son (손), 어 O (오), 허 Ho (호).
_MCCUNE_CLASHES = frozenset({"so", "song", "son", "o", "ho"})
# Revised Romanization's initial consonants as McCune-Reischauer starts a word.
_MCCUNE_INITIALS = [
    ("kk", "kk"),
    ("tt", "tt"),
    ("pp", "pp"),
    ("jj", "tch"),
    ("ch", "ch"),
    ("g", "k"),
    ("d", "t"),
    ("b", "p"),
    ("j", "ch"),
]
# Surnames that make a two-word name a surname and a given name ("Choi Taek").
_KNOWN_SURNAMES = {*SURNAMES}
_KNOWN_SURNAMES.update(
    re.findall(
        r"\w+",
        "an ahn bae cha chae go ko gu koo ha han hong jang jin ju kwon gwon moon mun min"
        " na nam seo son song um eom won woo wu yeo yeon",
    )
)

# Typed McCune-Reischauer: ŏ and ŭ (or ǒ, ǔ) are Revised Romanization's eo and eu,
# but wŏ is wo and ŭi is ui.
_MCCUNE = [("w\u014f", "wo"), ("\u016di", "ui"), ("\u014f", "eo"), ("\u016d", "eu")]
_MCCUNE += [("w\u01d2", "wo"), ("\u01d4i", "ui"), ("\u01d2", "eo"), ("\u01d4", "eu")]

# The letter folds, applied in this order. Literal pairs use str.replace, which is
# many times faster than a regular expression and gives the same result here.
_CLOSING_H = re.compile(r"(?<=[aeiouw])h(?![aeiouwy])")  # an "h" closing a vowel: Ah, Oh
_UI = re.compile(r"e?[uy]i")  # also "Eui" for 의
_LETTER_FOLDS: list[tuple[str | re.Pattern[str], str]] = [
    ("sh", "s"),
    ("ch", "j"),
    (_CLOSING_H, ""),
    ("oo", "u"),
    ("ee", "i"),
    (_UI, "i"),
    ("wu", "u"),
]
# The second tier of a row with no Hangul (see ``_loosen``), applied in this order.
_LOOSE_FOLDS = [("eo", "o"), ("eu", "u"), ("ae", "e"), ("ou", "o")]
# The letter each pattern's match holds: without it, there is nothing to replace.
_NEEDS = {_CLOSING_H: "h", _UI: "i"}
_CONSONANT_FOLDS = str.maketrans("ktpr", "gdbl")

_HANGUL_WORD = re.compile("[\uac00-\ud7a3]+")
_TWO_SYLLABLE_SURNAMES = {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}

# Revised Romanization of the jamo of a Hangul syllable, by position.
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
_MEDIALS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
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


Word = tuple[str, ...]
"""A word as its pieces: a Latin word whole, or a Hangul word's syllables romanized."""


def words(text: str) -> list[str]:
    """Split text into folded words: normalised, case-folded, punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _SEPARATORS.split(_APOSTROPHES.sub("", folded)) if w]


@functools.lru_cache(maxsize=_CACHE_SIZE)
def name_key(text: str) -> str:
    """The exact key of typed or stored text: its folded words run together."""
    return "".join(words(text))


def is_hangul(char: str) -> bool:
    """Whether ``char`` is a composed Hangul syllable."""
    return "\uac00" <= char <= "\ud7a3"


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _has_hangul(text: str) -> bool:
    return any(is_hangul(c) for c in unicodedata.normalize("NFC", text))


def _syllable(char: str) -> str:
    """Revised Romanization of one Hangul syllable."""
    index = ord(char) - 0xAC00
    initial, medial, final = index // 588, index % 588 // 28, index % 28
    return "".join(p for p in (_INITIALS[initial], _MEDIALS[medial], _FINALS[final]) if p != "-")


def romanize(text: str) -> str:
    """Revised Romanization of the Hangul in ``text``, syllable by syllable; other
    characters are kept. "손예진" -> "sonyejin"."""
    return "".join(_syllable(c) if is_hangul(c) else c for c in unicodedata.normalize("NFC", text))


def _latin(word: str) -> str:
    """A word that is neither plain Latin nor Hangul as Latin letters: McCune-Reischauer
    breves read, other diacritics dropped."""
    for marked, plain in _MCCUNE:
        word = word.replace(marked, plain)
    stripped = unicodedata.normalize("NFKD", romanize(word))
    return "".join(c for c in stripped if c.isascii() and c.isalnum())


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _latin_words(text: str) -> tuple[Word, ...]:
    """Words of ``text`` as plain Latin pieces: Hangul romanized syllable by syllable,
    diacritics dropped.

    A Hangul name written as one word ("손예진") is split into surname and given name.
    Cached: writing a name first looks it up, then stores it, with the same words.
    """
    result: list[Word] = []
    for word in words(text):
        if word.isascii():
            result.append((word,))
        elif _HANGUL_WORD.fullmatch(word):
            syllables = tuple(_syllable(c) for c in word)
            surname_length = 2 if word[:2] in _TWO_SYLLABLE_SURNAMES else 1
            if len(word) > surname_length:
                result += [syllables[:surname_length], syllables[surname_length:]]
            else:
                result.append(syllables)
        else:
            result.append((_latin(word),))
    return tuple(w for w in result if any(w))


def _mccune_plain(syllable: str) -> str:
    """McCune-Reischauer without breves of a Revised Romanization syllable: ㅓ, ㅡ as
    o, u."""
    return syllable.replace("eo", "o").replace("eu", "u")


def _popular(syllable: str) -> tuple[str, ...]:
    """The readings fans give a Revised Romanization syllable (see the docstring)."""
    if "yeong" in syllable:  # "Young" for 영
        return (syllable, *(syllable.replace("yeo", v) for v in ("yu", "yo", "you")))
    if "yeo" in syllable:
        return (syllable, syllable.replace("yeo", "yu"), syllable.replace("yeo", "yo"))
    if "yu" in syllable:  # "Youn" for 윤
        return (syllable, syllable.replace("yu", "you"))
    if "eo" in syllable:
        return (syllable, syllable.replace("eo", "u"), syllable.replace("eo", "o"))
    if "eu" in syllable:
        return (syllable, syllable.replace("eu", "u"))
    return (syllable,)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _spellings(text: str, *, surname: bool = True) -> tuple[tuple[Word, ...], ...]:
    """The first-tier spellings of a stored name: as written, and for Hangul also its
    given name in McCune-Reischauer without breves (a surname keeps the spellings of
    ``SURNAMES``: 성 is Sung, never Song), each also with ㄹ assimilated
    (``_assimilated``); ``surname``: whether the first word is a surname."""
    latin = _latin_words(text)
    if not _has_hangul(text):
        return (latin,)
    plain = tuple(
        tuple(_mccune_plain(p) for p in word) if at > 0 or len(latin) == 1 or not surname else word
        for at, word in enumerate(latin)
    )
    found = [latin, plain]
    found += [tuple(_assimilated(word) for word in spelling) for spelling in found]
    return tuple(dict.fromkeys(found))


def _assimilated(word: Word) -> Word:
    """A Hangul word's syllables with ㄹ read as n after ㅇ or ㅁ, as McCune-Reischauer
    (and Revised Romanization outside names) writes it: 승룡 "sŭngnyong"."""
    pieces = list(word)
    for at in range(1, len(pieces)):
        if pieces[at].startswith("r") and pieces[at - 1].endswith(("ng", "m")):
            pieces[at] = "n" + pieces[at][1:]
    return tuple(pieces)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _popular_spellings(text: str, *, surname: bool = True) -> tuple[tuple[Word, ...], ...]:
    """The second-tier spellings of a stored name: each Hangul syllable of the given
    name in each of its popular readings, independently (at most ``_MOST_READINGS``);
    ``surname``: whether the first word is a surname."""
    if not _has_hangul(text):
        return ()
    latin = _latin_words(text)
    shape = [len(word) for word in latin]
    # A surname keeps its own spellings (``SURNAMES``): 성 is Sung, never Song.
    choices = [
        _popular(piece) if given else (piece,)
        for at, word in enumerate(latin)
        for piece in word
        for given in [at > 0 or len(latin) == 1 or not surname]
    ]
    spellings: list[tuple[Word, ...]] = []
    for pieces in itertools.islice(itertools.product(*choices), _MOST_READINGS):
        flat = iter(pieces)
        spellings.append(tuple(tuple(next(flat) for _ in range(n)) for n in shape))
    return tuple(spellings)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _fold(letters: str) -> str:
    """Fold spellings of one Korean sound together, within one syllable or typed word
    (see the module docstring)."""
    for pattern, replacement in _LETTER_FOLDS:
        if isinstance(pattern, str):
            letters = letters.replace(pattern, replacement)
        elif _NEEDS[pattern] in letters:  # a pattern runs only where it may match
            letters = pattern.sub(replacement, letters)
    return letters.translate(_CONSONANT_FOLDS)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _folded(word: Word) -> str:
    return "".join(_fold(piece) for piece in word)


def _key(
    mark: str, parts: Sequence[Word], surname_at: int | None, surname: str | None = None
) -> str:
    """The sound key of words, with the surname at ``surname_at`` (first or last), if
    any, folded as a surname and joined to the given name with ``JOIN``."""
    if not parts:
        return ""
    folded = [_folded(word) for word in parts]
    if surname_at is not None:
        written = "".join(parts[surname_at])
        folded[surname_at] = _fold(surname or SURNAMES.get(written, written))
    if surname_at is None or len(folded) < 2:
        body = "".join(folded)
    elif surname_at == 0:
        body = folded[0] + JOIN + "".join(folded[1:])
    else:
        body = "".join(folded[:-1]) + JOIN + folded[-1]
    return mark + body if body else ""


def sound_key(text: str) -> str:
    """The sound key of a title or other text with no surname in it."""
    return _key(SOUND, _latin_words(text), None)


def _name_readings(mark: str, parts: Sequence[Word], surnames: Sequence[str] = ()) -> set[str]:
    """Keys of a stored name, surname first and given name first; ``surnames`` are more
    ways to write the surname. The keys ``_key`` would make, built from the words
    folded once: a name has many readings, and an import reads many names."""
    if not parts:
        return {""}
    written = "".join(parts[0])
    canonical = SURNAMES.get(written, written)
    given = "".join(_folded(word) for word in parts[1:])
    keys = set()
    for surname in (None, *surnames):
        folded = _fold(surname or canonical)
        if len(parts) < 2:
            keys.add(mark + folded if folded else "")
        else:
            keys.add(mark + folded + JOIN + given)
            keys.add(mark + given + JOIN + folded)
    return keys


def _mccune_surname(parts: Sequence[Word]) -> str | None:
    """McCune-Reischauer without breves of a Hangul name's surname, when it is not
    one of the surname's first-tier spellings ("so" for 서, "hyon" for 현)."""
    if not parts:
        return None
    written = "".join(parts[0])
    plain = "".join(_mccune_plain(p) for p in parts[0])
    return None if SURNAMES.get(plain, plain) == SURNAMES.get(written, written) else plain


def _popular_surnames(parts: Sequence[Word]) -> tuple[str, ...]:
    """Second-tier spellings of a Hangul name's surname: the fans' ones that are also
    another surname's, and McCune-Reischauer without breves when it is no other
    surname's Revised Romanization ("Hyon" for 현; for "So", see ``_mccune_keys``)."""
    if not parts:
        return ()
    written = "".join(parts[0])
    plain = _mccune_surname(parts)
    extra = (plain,) if plain and plain not in _MCCUNE_CLASHES else ()
    return _POPULAR_SURNAMES.get(SURNAMES.get(written, written), ()) + extra


def _fold_word(letters: str) -> str:
    """A word folded but for its first consonant, kept as written: McCune-Reischauer
    starts a word with k, t, p, ch, never g, d, b, j ("Tong", "Dong" stay apart)."""
    head = "ch" if letters.startswith("ch") else letters[:1]
    return head + _fold(letters[len(head) :])


def _mccune_word(syllable: str) -> str:
    """A Revised Romanization syllable as McCune-Reischauer without breves spells it
    at the start of a word: "jin" -> "chin", "deok" -> "tok"."""
    plain = _mccune_plain(syllable)
    for revised, mccune in _MCCUNE_INITIALS:
        if plain.startswith(revised):
            return mccune + plain[len(revised) :]
    return plain


def _mccune_keys(parts: Sequence[Word]) -> set[str]:
    """Second-tier keys of a Hangul name whose surname in McCune-Reischauer without
    breves is another surname's Revised Romanization (``_MCCUNE_CLASHES``): the
    whole name in McCune-Reischauer, its given name spaced and joined, each word's
    first consonant unfolded, so "Song Tong Il" finds 성동일 and "Song Dong Il" does
    not."""
    surname = _mccune_surname(parts)
    if surname not in _MCCUNE_CLASHES or len(parts) < 2:
        return set()
    given = [piece for word in parts[1:] for piece in word]
    spaced = "".join(_fold_word(_mccune_word(piece)) for piece in given)
    joined = _fold_word(_mccune_word(given[0])) + "".join(
        _fold(_mccune_plain(piece)) for piece in given[1:]
    )
    head = _fold(surname)
    return {
        POPULAR + order
        for body in (spaced, joined)
        for order in (head + JOIN + body, body + JOIN + head)
    }


def _mccune_query_keys(parts: Sequence[Word]) -> set[str]:
    """The keys of ``_mccune_keys`` that typed words may spell, surname first or last."""
    keys: set[str] = set()
    if len(parts) < 2:
        return keys
    for at in (0, len(parts) - 1):
        written = "".join(parts[at])
        surname = _fold(SURNAMES.get(written, written))
        if surname not in _MCCUNE_CLASHES:
            continue
        given = [_fold_word(piece) for word in parts for piece in word]
        del given[at]
        body = "".join(given)
        keys.add(POPULAR + (surname + JOIN + body if at == 0 else body + JOIN + surname))
    return keys


def _loosen(sound: str) -> str:
    """A sound key's letters with the vowels fans write several ways made one: eo, eu,
    ae and ou as o, u, e and o ("Young" and "Yong", "Go Eun" and "Go Un"). Only for
    names stored without Hangul, whose syllables are not known (see ``_finish``)."""
    for pair, single in _LOOSE_FOLDS:
        sound = sound.replace(pair, single)
    return sound


def _loose(keys: Iterable[str]) -> set[str]:
    """The loosened forms (``_loosen``) of the first-tier sound keys among ``keys``."""
    return {LOOSE + _loosen(key[1:]) for key in keys if key.startswith(SOUND)}


def _finish(keys: set[str], popular: set[str], hangul: bool) -> set[str]:
    """First-tier keys; second-tier ones the first tier does not already hold; and for
    a row with no Hangul, its sound keys again for Hangul queries, and as its second
    tier, its sound keys loosened (it has no Hangul to read popular spellings from)."""
    if not hangul:
        popular = popular | _loose(keys)
        keys |= {LATIN + key[1:] for key in keys if key.startswith(SOUND)}
    keys |= {key for key in popular if SOUND + key[1:] not in keys}
    keys.discard("")
    return keys


def _person_keys(names: Sequence[str]) -> tuple[set[str], set[str]]:
    keys: set[str] = set()
    popular: set[str] = set()
    # A one-word Latin name is a stage name (IU, Rowoon): its Hangul is read whole
    # too, not only as a surname and a given name ("Aiyu" for 아이유).
    stage = any(len(words(name)) == 1 and not _has_hangul(name) for name in names)
    for name in names:
        keys.add(name_key(name))
        whole = stage and len(words(name)) == 1 and _has_hangul(name)
        for parts in _spellings(name):
            keys |= _name_readings(SOUND, parts)
            if whole:
                keys.add(_key(SOUND, parts, None))
        for parts in _popular_spellings(name):
            popular |= _name_readings(POPULAR, parts, _popular_surnames(parts))
        if _has_hangul(name):
            popular |= _mccune_keys(_latin_words(name))
    return keys, popular


def person_keys(names: Iterable[str]) -> set[str]:
    """Keys for a person: each name whole, and its sound in either name order."""
    names = list(names)
    keys, popular = _person_keys(names)
    return _finish(keys, popular, any(_has_hangul(name) for name in names))


def _given_name(parts: Sequence[str]) -> Sequence[str] | None:
    """The given name of a surname-first name, if any: of three or more words, or of
    two when the first is a surname, or of a Hangul name of two or three syllables.

    "Yoon Se Ri" -> ["se", "ri"]; "Choi Taek" -> ["taek"]; "윤세리" -> ["세리"];
    "김신" -> ["신"]; "Grim Reaper" -> None.
    """
    if len(parts) >= 3:
        return parts[1:]
    if len(parts) == 2 and parts[0] in _KNOWN_SURNAMES:
        return parts[1:]
    if len(parts) == 1 and len(parts[0]) in (2, 3) and all(is_hangul(c) for c in parts[0]):
        surname_length = 2 if parts[0][:2] in _TWO_SYLLABLE_SURNAMES else 1
        return [parts[0][surname_length:]] if len(parts[0]) > surname_length else None
    return None


def character_keys(names: Iterable[str]) -> set[str]:
    """Keys for a character: as for a person, plus the given name alone."""
    names = list(names)
    keys, popular = _person_keys(names)
    for name in names:
        given = _given_name(words(name))
        if given:
            alone = " ".join(given)
            keys.add(name_key(alone))
            keys |= {_key(SOUND, parts, None) for parts in _spellings(alone, surname=False)}
            popular |= {
                _key(POPULAR, parts, None) for parts in _popular_spellings(alone, surname=False)
            }
    return _finish(keys, popular, any(_has_hangul(name) for name in names))


def _runs(parts: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(len(parts)):
        for end in range(start + 1, len(parts) + 1):
            yield parts[start:end]


def title_keys(titles: Iterable[str]) -> set[str]:
    """Keys for a drama: every run of consecutive whole words of each title, exact,
    and the sound of the runs of a Korean title's romanization."""
    keys: set[str] = set()
    for title in titles:
        parts = words(title)
        keys.update("".join(run) for run in _runs(parts))
        if any(is_hangul(c) for c in title):
            latin = ["".join(_folded(word) for word in _latin_words(part)) for part in parts]
            keys.update(SOUND + "".join(run) for run in _runs(latin))
        else:
            keys.add(sound_key(title))
    keys.discard("")
    keys.discard(SOUND)
    return keys


def whole_title_keys(titles: Iterable[str]) -> set[str]:
    """The keys of ``title_keys`` that stand for each title whole, not for a run of
    its words: its exact key and its sound. "Rain" is a run of "Something in the
    Rain", but names it only in part."""
    keys = {key for title in titles for key in (name_key(title), sound_key(title))}
    keys.discard("")
    return keys


def _sound_readings(mark: str, parts: Sequence[Word]) -> set[str]:
    """Sound keys of typed words read with the surname first, last, or nowhere."""
    if not parts:
        return set()
    return {_key(mark, parts, None), _key(mark, parts, 0), _key(mark, parts, len(parts) - 1)}


def query_keys(text: str) -> list[str]:
    """The first-tier keys to look up for typed text: exact, and its sound keys (for
    Hangul, those of rows without Hangul). Empty when the text has no letters or
    digits."""
    exact = name_key(text)
    if not exact:
        return []
    mark = LATIN if _has_hangul(text) else SOUND
    keys = {exact, *_sound_readings(mark, _latin_words(text))}
    keys.discard("")
    return sorted(keys)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _exact_only(text: str) -> bool:
    """Whether typed text spells a name one way only, with no second tier: Hangul, or
    McCune-Reischauer with its breves (ŏ, ŭ)."""
    if _has_hangul(text):
        return True
    composed = unicodedata.normalize("NFC", text).casefold()
    return any(marked in composed for marked, _ in _MCCUNE)


def popular_keys(text: str) -> list[str]:
    """The second-tier keys to look up for typed text, when the first tier finds
    nothing: its sound read as a popular spelling. None for Hangul and for
    McCune-Reischauer typed with breves, which are exact."""
    if not name_key(text) or _exact_only(text):
        return []
    parts = _latin_words(text)
    keys = _sound_readings(POPULAR, parts) | _mccune_query_keys(parts)
    keys |= _loose(_sound_readings(SOUND, parts))
    keys.discard("")
    keys.discard(LOOSE)
    return sorted(keys)


def _prefix_readings(mark: str, text: str) -> set[str]:
    """Sound prefixes of a name being typed: besides its readings, those of the text
    less its last letter, since a half-typed letter pair ("Jo" of "Joon") folds
    differently once complete."""
    parts = _latin_words(text)
    keys = _sound_readings(mark, parts)
    if parts and len("".join(p for word in parts for p in word)) > 2:
        *rest, last = parts
        trimmed = (*last[:-1], last[-1][:-1])
        keys |= _sound_readings(mark, [*rest, *([trimmed] if any(trimmed) else [])])
    return keys


def prefix_keys(text: str) -> list[str]:
    """First-tier key prefixes for completing a name being typed, in any spelling."""
    exact = name_key(text)
    if not exact:
        return []
    mark = LATIN if _has_hangul(text) else SOUND
    keys = {exact} | _prefix_readings(mark, text)
    keys -= {"", SOUND, LATIN}
    return sorted(keys)


def popular_prefix_keys(text: str) -> list[str]:
    """Second-tier key prefixes for completing a name being typed."""
    if not name_key(text) or _exact_only(text):
        return []
    keys = _prefix_readings(POPULAR, text) | _mccune_query_keys(_latin_words(text))
    keys |= _loose(_prefix_readings(SOUND, text))
    keys -= {"", POPULAR, LOOSE}
    return sorted(keys)
