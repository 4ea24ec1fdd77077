"""What `kdrama tui`'s search box asks for: the words to search for and the filters
typed beside them, read into a ``SceneFilter`` (no Textual here, so it is tested
and used like the rest of the Python API).

    kiss actor:Son Ye Jin year:2018..2020 tag:rain fav rating>=4

Words before the first filter are searched for (as ``kdrama search`` does); a
filter's value runs until the next filter, or may be quoted (``actor:"Son Ye Jin"``).
"""

import re
from typing import NamedTuple

from . import moments, names, search
from .models import SceneFilter, YearRange

# The filters the box reads, by the word before the colon, and the other spellings
# people type for them.
_KEYS = {
    "actor": "actor",
    "a": "actor",
    "character": "character",
    "char": "character",
    "drama": "drama",
    "d": "drama",
    "year": "year",
    "y": "year",
    "tag": "tag",
    "t": "tag",
    "rating": "rating",
    "ep": "episode",
    "episode": "episode",
}
_FAVOURITES = {"fav", "favs", "favorite", "favorites", "favourite", "favourites", "♥"}
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+(?:"[^"]*"?)?')
_FILTER = re.compile(r"(?P<key>[a-z]+)(?::|>=)(?P<value>.*)", re.IGNORECASE)


class Query(NamedTuple):
    """A search box's text, read: the words to search for ("" for none), the filters,
    and the chips that show them ("actor: Son Ye Jin"), in the order typed."""

    words: str = ""
    filters: SceneFilter = SceneFilter()
    chips: tuple[tuple[str, str], ...] = ()


def parse(text: str) -> Query:
    """Read the search box's ``text``. ValueError, with a one-line message for the
    person typing, for a value no scene can have (``year:20x``, ``rating>=9``).
    A filter with no value yet (``actor:`` as it is typed) is left out."""
    words: list[str] = []
    pending: list[tuple[str, list[str]]] = []
    for token in _TOKEN.findall(text):
        match = _FILTER.fullmatch(token)
        key = _KEYS.get(match["key"].lower()) if match else None
        if match and key:
            pending.append((key, [_unquoted(match["value"])]))
        elif token.lower() in _FAVOURITES:
            pending.append(("fav", []))
        elif pending and pending[-1][0] in ("actor", "character", "drama"):
            pending[-1][1].append(_unquoted(token))
        else:
            words.append(_unquoted(token))
    filters = SceneFilter()
    chips: list[tuple[str, str]] = []
    for key, parts in pending:
        value = " ".join(part for part in parts if part).strip()
        if key != "fav" and not value:
            continue
        filters = _with(filters, key, value)
        chips.append((key, value))
    searched = " ".join(words)
    if searched.strip():
        search.parse_query(searched)  # ValueError when there is nothing to look for
    return Query(searched.strip(), filters, tuple(chips))


def _unquoted(token: str) -> str:
    return token.replace('"', "")


def _with(filters: SceneFilter, key: str, value: str) -> SceneFilter:
    """``filters`` with one more, checked as the command-line options check it."""
    if key == "fav":
        return filters._replace(favorites=True)
    if key in ("actor", "character", "drama") and not names.name_key(value):
        raise ValueError(f"{key} {value!r} has no letters or digits to match")
    if key == "actor":
        return filters._replace(actors=(*filters.actors, value))
    if key == "character":
        return filters._replace(characters=(*filters.characters, value))
    if key == "drama":
        return filters._replace(drama=value)
    if key == "year":
        return filters._replace(years=YearRange.parse(value))
    if key == "tag":
        return filters._replace(tags=(*filters.tags, moments.clean_tag(value)))
    number = _number(value, key)
    if key == "episode":
        return filters._replace(episode=moments.check_episode(number))
    if not 1 <= number <= 5:
        raise ValueError(f"rating {value!r} is not a rating from 1 to 5")
    return filters._replace(min_rating=number)


def _number(value: str, key: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise ValueError(f"{key} {value!r} is not a whole number")
    return int(value)
