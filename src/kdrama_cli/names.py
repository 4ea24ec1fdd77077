"""Name matching: the one place that decides whether typed text names a stored name.

Every stored name (people, characters, drama titles and their aliases) is reduced to
*keys* when it is written, and the keys are indexed. A lookup reduces the typed text
with the same rules and asks the index for an exact key, so matching stays at index
speed however large the catalog grows, and user text never becomes SQL or a pattern.

The rules:

- Text is normalised with Unicode NFKC (which also composes decomposed Hangul) and
  case-folded, so "SON YE JIN", "son ye jin" and NFD Hangul all reduce alike.
- Apostrophes vanish ("What's" -> "whats"); every other character that is not a letter
  or digit separates words; a key is the words run together, so spaces, hyphens and
  punctuation do not matter ("Son Ye-jin" == "Son Yejin").
- A person or character matches on their whole name, Hangul name or an alias.
  A character also matches on the given name alone ("Se Ri" for "Yoon Se Ri", "세리"
  for "윤세리"), because that is how scenes and fans name them.
- A drama title matches on any run of consecutive words of its English title, Korean
  title or alternative titles ("Secretary Kim", "도깨비", "CLOY").

Text with no letters or digits reduces to an empty key and matches nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc`]")
_SEPARATORS = re.compile(r"[\W_]+")


def words(text: str) -> list[str]:
    """Split text into folded words: normalised, case-folded, punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [w for w in _SEPARATORS.split(_APOSTROPHES.sub("", folded)) if w]


def name_key(text: str) -> str:
    """The lookup key of typed or stored text: its folded words run together."""
    return "".join(words(text))


def _given_name_key(name: str) -> str | None:
    """The given name of a Korean-style full name, or None when there is none to take.

    "Yoon Se Ri" -> "seri" (surname first, two-word given name); "윤세리" -> "세리"
    (three Hangul syllables). Two-word names like "Grim Reaper" are left whole.
    """
    parts = words(name)
    if len(parts) >= 3:
        return "".join(parts[1:])
    if len(parts) == 1 and len(parts[0]) == 3 and all(_is_hangul(c) for c in parts[0]):
        return parts[0][1:]
    return None


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def person_keys(names: Iterable[str]) -> set[str]:
    """Keys for a person: each of their names (Latin, Hangul, aliases) whole."""
    return {key for key in map(name_key, names) if key}


def character_keys(names: Iterable[str]) -> set[str]:
    """Keys for a character: each name whole, and its given name alone."""
    keys: set[str] = set()
    for name in names:
        keys.add(name_key(name))
        given = _given_name_key(name)
        if given:
            keys.add(given)
    keys.discard("")
    return keys


def title_keys(titles: Iterable[str]) -> set[str]:
    """Keys for a drama: every run of consecutive words of each of its titles."""
    keys: set[str] = set()
    for title in titles:
        parts = words(title)
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                keys.add("".join(parts[start:end]))
    return keys
