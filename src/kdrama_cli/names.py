"""Name matching: the one place that decides whether typed text names a stored name.

Korean names have no single Latin spelling, so every stored name (people, characters,
drama titles and their aliases) is reduced to several *keys* when it is written, and
the keys are indexed. A lookup reduces the typed text to a few keys with the same
rules and asks the index for any of them: matching stays at index speed however large
the catalog grows, and typed text never becomes SQL or a pattern.

Two kinds of key:

- The **exact key**: the text normalised with Unicode NFKC (which also composes NFD
  Hangul), case-folded, apostrophes dropped, and its words run together, so case,
  spaces, hyphens and punctuation do not matter: "Son Ye-jin" == "SON YEJIN".
- The **sound key** (stored with a leading ``~``): diacritics are stripped and Hangul is
  romanized (Revised Romanization, syllable by syllable), then spellings that stand for
  the same Korean sound are folded together:

  - surnames, in the surname's place: Park/Bak/Pak, Lee/Yi/Rhee/I/Ri, Kim/Gim,
    Choi/Choe, Jung/Jeong/Chung, Yoo/Yu/You, Shin/Sin, Kang/Gang, Cho/Jo, Oh/O and
    a few more (``SURNAMES``);
  - letters, anywhere: oo/u, eo/o, eu/u, ae/e, ee/i, ui/i, ou/o, wu/u, k/g, t/d, p/b,
    ch/j, sh/s, l/r, an "h" closing a vowel (Ah/A), and doubled letters (never
    digits: numbers in a name stay as they are).

  The folds follow the romanizations fans meet: Revised Romanization ("Hyeon Bin"),
  McCune–Reischauer ("Hyŏn Pin", "Ch'oe") and popular spellings ("Hyun Bin").

What matches what:

- A person matches on their name, their Hangul name, an alias, or the romanization of
  the Hangul name, in surname-first or given-name-first order ("Ye-jin Son").
- A character matches the same way, and also on the given name alone ("Se Ri", "세리"),
  because that is how scenes and fans name them.
- A drama matches on its English title, Korean title, alternative titles and
  abbreviations, on any run of their consecutive whole words ("Secretary Kim",
  "도깨비"), and on the romanization of its Korean title ("Dokkaebi").

Precision: keys are compared whole, never as substrings or by distance, and vowels
that stand for different Korean sounds (o/u, eo/u) are not folded, so "Song Hye Kyo"
does not find Song Joong Ki and "Kim So Hyun" does not find Kim Soo Hyun.
Text with no letters or digits has no key and matches nothing.

Changing these rules changes stored keys: a catalog migration must recompute them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence

SOUND = "~"
# Names are cached as they are reduced to keys: a writer looks a name up, then stores
# it. Bounded so that a large import's memory stays flat.
_CACHE_SIZE = 1 << 13

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
        "sin": "shin sin shinn",
        "gang": "kang gang",
        "jo": "cho jo",
        "o": "oh o",
        "im": "lim im rim yim",
        "yun": "yoon yun",
        "no": "noh roh no ro",
        "baek": "baek paik paek baik",
        "jeon": "jeon jun chun chon",
        "seong": "seong sung",
        "heo": "heo huh hur",
        "seo": "seo suh",
    }.items()
    for variant in variants.split()
}

# The letter folds, applied in this order. Literal pairs use str.replace, which is
# many times faster than a regular expression and gives the same result here.
_CLOSING_H = re.compile(r"(?<=[aeiouw])h(?![aeiouwy])")  # an "h" closing a vowel: Ah, Oh
_UI = re.compile(r"[uy]i")
_LETTER_FOLDS: list[tuple[str | re.Pattern[str], str]] = [
    ("sh", "s"),
    ("ch", "j"),
    (_CLOSING_H, ""),
    ("oo", "u"),
    ("ou", "o"),
    ("eo", "o"),
    ("eu", "u"),
    ("ae", "e"),
    ("ee", "i"),
    (_UI, "i"),
    ("wu", "u"),
]
# The letter each pattern's match holds: without it, there is nothing to replace.
_NEEDS = {_CLOSING_H: "h", _UI: "i"}
_CONSONANT_FOLDS = str.maketrans("ktpr", "gdbl")
# Letters only: "Drama 007" and "Drama 077" are two dramas, not one.
_DOUBLED = re.compile(r"([a-z])\1+")

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


def romanize(text: str) -> str:
    """Revised Romanization of the Hangul in ``text``, syllable by syllable; other
    characters are kept. "손예진" -> "sonyejin"."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if not is_hangul(char):
            out.append(char)
            continue
        index = ord(char) - 0xAC00
        initial, medial, final = index // 588, index % 588 // 28, index % 28
        out += [_INITIALS[initial], _MEDIALS[medial], _FINALS[final]]
    return "".join(part for part in out if part != "-")


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _latin_words(text: str) -> tuple[str, ...]:
    """Words of ``text`` as plain Latin letters: Hangul romanized, diacritics dropped.

    A Hangul name written as one word ("손예진") is split into surname and given name.
    Cached: writing a name first looks it up, then stores it, with the same words.
    """
    result: list[str] = []
    for word in words(text):
        if word.isascii():
            result.append(word)
        elif _HANGUL_WORD.fullmatch(word):
            surname_length = 2 if word[:2] in _TWO_SYLLABLE_SURNAMES else 1
            if len(word) > surname_length:
                result += [romanize(word[:surname_length]), romanize(word[surname_length:])]
            else:
                result.append(romanize(word))
        else:
            stripped = unicodedata.normalize("NFKD", romanize(word))
            result.append("".join(c for c in stripped if c.isascii() and c.isalnum()))
    return tuple(w for w in result if w)


def _sound(parts: Sequence[str], surname_at: int | None) -> str:
    """The sound key of Latin words, folding the surname at ``surname_at`` if any."""
    if surname_at is not None and parts:
        parts = list(parts)
        parts[surname_at] = SURNAMES.get(parts[surname_at], parts[surname_at])
    return _fold("".join(parts))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _fold(letters: str) -> str:
    """Fold spellings of one Korean sound together (see the module docstring)."""
    for pattern, replacement in _LETTER_FOLDS:
        if isinstance(pattern, str):
            letters = letters.replace(pattern, replacement)
        elif _NEEDS[pattern] in letters:  # a pattern runs only where it may match
            letters = pattern.sub(replacement, letters)
    letters = _DOUBLED.sub(_first_of_run, letters.translate(_CONSONANT_FOLDS))
    return SOUND + letters if letters else ""


def _first_of_run(run: re.Match[str]) -> str:
    """A run of one letter as that letter (a function: a template is slower)."""
    return run.group(1)


def sound_key(text: str) -> str:
    """The sound key of a title or other text with no surname in it."""
    return _sound(_latin_words(text), None)


def _given_name(parts: Sequence[str]) -> Sequence[str] | None:
    """The given name of a surname-first name of three or more syllables, if any.

    "Yoon Se Ri" -> ["se", "ri"]; "윤세리" -> ["세리"]; "Grim Reaper" -> None.
    """
    if len(parts) >= 3:
        return parts[1:]
    if len(parts) == 1 and len(parts[0]) == 3 and all(is_hangul(c) for c in parts[0]):
        return [parts[0][1:]]
    return None


def person_keys(names: Iterable[str]) -> set[str]:
    """Keys for a person: each name whole, and its sound in either name order."""
    keys: set[str] = set()
    for name in names:
        keys.add(name_key(name))
        parts = _latin_words(name)
        keys.add(_sound(parts, 0))
        if len(parts) > 1:
            keys.add(_sound([*parts[1:], parts[0]], len(parts) - 1))
    keys.discard("")
    return keys


def character_keys(names: Iterable[str]) -> set[str]:
    """Keys for a character: as for a person, plus the given name alone."""
    names = list(names)
    keys = person_keys(names)
    for name in names:
        given = _given_name(words(name))
        if given:
            keys.add(name_key(" ".join(given)))
            keys.add(_sound(_latin_words(" ".join(given)), None))
    keys.discard("")
    return keys


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
            latin = ["".join(_latin_words(part)) for part in parts]
            keys.update(_fold("".join(run)) for run in _runs(latin))
        else:
            keys.add(sound_key(title))
    keys.discard("")
    return keys


def whole_title_keys(titles: Iterable[str]) -> set[str]:
    """The keys of ``title_keys`` that stand for each title whole, not for a run of
    its words: its exact key and its sound. "Rain" is a run of "Something in the
    Rain", but names it only in part."""
    keys = {key for title in titles for key in (name_key(title), sound_key(title))}
    keys.discard("")
    return keys


def _sound_readings(parts: Sequence[str]) -> set[str]:
    """Sound keys of typed words read with the surname first, last, or nowhere."""
    if not parts:
        return set()
    return {_sound(parts, None), _sound(parts, 0), _sound(parts, len(parts) - 1)}


def query_keys(text: str) -> list[str]:
    """The keys to look up for typed text: exact, and its sound keys.
    Empty when the text has no letters or digits."""
    exact = name_key(text)
    if not exact:
        return []
    keys = {exact, *_sound_readings(_latin_words(text))}
    keys.discard("")
    return sorted(keys)


def prefix_keys(text: str) -> list[str]:
    """Key prefixes for completing a name being typed, in any spelling.

    Besides the query keys, the sound of the text less its last letter, since a
    half-typed letter pair ("Jo" of "Joon") folds differently once complete.
    """
    keys = set(query_keys(text))
    parts = _latin_words(text)
    if parts and len("".join(parts)) > 2:
        trimmed = [*parts[:-1], parts[-1][:-1]]
        keys |= _sound_readings([part for part in trimmed if part])
    keys -= {"", SOUND}
    return sorted(keys)
