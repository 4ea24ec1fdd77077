"""Typed values of the Python API: scenes, the filter that selects them, sort orders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import PurePath
from typing import Any, NamedTuple, TypeVar


class Role(NamedTuple):
    """A character in a scene, with the actor who plays them. (A named tuple: imports
    create hundreds of thousands, and it is the cheapest immutable record.)"""

    name: str
    actor: str
    name_korean: str | None = None
    actor_korean: str | None = None
    aliases: tuple[str, ...] = ()


class Scene(NamedTuple):
    """One memorable scene, with what a fan needs to recognise it.

    The immutable values of the API are named tuples rather than dataclasses: Python
    builds them several times faster, both the class as kdrama starts (every command
    pays for that) and each instance (an export makes a million)."""

    id: int
    title: str
    drama: str
    year: int
    description: str = ""
    drama_korean: str | None = None
    network: str | None = None
    actors: tuple[str, ...] = ()
    characters: tuple[Role, ...] = ()
    rank: int | None = None
    source: str | None = None
    source_title: str | None = None
    source_credit: str | None = None
    favorite: bool = False
    rating: int | None = None
    drama_aliases: tuple[str, ...] = ()
    actors_korean: tuple[str | None, ...] = ()
    actor_aliases: tuple[tuple[str, ...], ...] = ()
    # Where the moment is and what the fan keeps about it (schema 6): the episode, the
    # time in it in seconds, clip links, tags in the form first typed, a note.
    episode: int | None = None
    time: int | None = None
    urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    note: str | None = None

    def cast_lines(self, *, korean: bool = False) -> list[str]:
        """The cast as people read it: "Actor as Character", then any actor who plays
        no named character; ``korean`` adds each Hangul name in brackets."""

        def named(name: str, name_korean: str | None) -> str:
            return f"{name} ({name_korean})" if korean and name_korean else name

        lines = [
            f"{named(r.actor, r.actor_korean)} as {named(r.name, r.name_korean)}"
            for r in self.characters
        ]
        playing = {role.actor for role in self.characters}
        return lines + [actor for actor in self.actors if actor not in playing]

    def to_dict(self) -> dict[str, Any]:
        """The scene as the JSON object of kdrama's output contract (see the README).

        The keys after ``rating`` (and a character's ``aliases``) complete a backup:
        with them an export restores every name a catalog knows."""
        return {
            "id": self.id,
            "title": self.title,
            "drama": self.drama,
            "drama_korean": self.drama_korean,
            "year": self.year,
            "network": self.network,
            "actors": list(self.actors),
            "characters": [
                {
                    "name": role.name,
                    "actor": role.actor,
                    "name_korean": role.name_korean,
                    "actor_korean": role.actor_korean,
                    "aliases": list(role.aliases),
                }
                for role in self.characters
            ],
            "description": self.description,
            "rank": self.rank,
            "source": self.source,
            "source_title": self.source_title,
            "source_credit": self.source_credit,
            "favorite": self.favorite,
            "rating": self.rating,
            "drama_aliases": list(self.drama_aliases),
            "actors_korean": _by_actor(self.actors_korean, len(self.actors), None),
            "actor_aliases": [
                list(aliases) for aliases in _by_actor(self.actor_aliases, len(self.actors), ())
            ],
            "episode": self.episode,
            "time": self.time,
            "urls": list(self.urls),
            "tags": list(self.tags),
            "note": self.note,
        }


_T = TypeVar("_T")


def _by_actor(values: tuple[_T, ...], actors: int, unknown: _T) -> list[_T]:
    """A list parallel to a scene's actors: ``values``, or ``unknown`` for each actor
    when a scene was made without them (by a user of the Python API, say)."""
    return list(values) if len(values) == actors else [unknown] * actors


# The keys of a scene's JSON object (``Scene.to_dict``), in its order: what
# ``--fields`` may choose, for every format.
SCENE_FIELDS = (
    "id",
    "title",
    "drama",
    "drama_korean",
    "year",
    "network",
    "actors",
    "characters",
    "description",
    "rank",
    "source",
    "source_title",
    "source_credit",
    "favorite",
    "rating",
    "drama_aliases",
    "actors_korean",
    "actor_aliases",
    "episode",
    "time",
    "urls",
    "tags",
    "note",
)


class SceneFields(NamedTuple):
    """The scene fields ``--fields`` chose, in the order given (each once)."""

    keys: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> SceneFields:
        """Read "id,drama,year"; raise ValueError naming an unknown field and the
        valid ones, or saying that none was given."""
        keys: list[str] = []
        for part in text.split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in SCENE_FIELDS:
                raise ValueError(
                    f"{part.strip()!r} is not a field; choose from: {', '.join(SCENE_FIELDS)}"
                )
            if key not in keys:
                keys.append(key)
        if not keys:
            raise ValueError(f"no field given; choose from: {', '.join(SCENE_FIELDS)}")
        return cls(tuple(keys))


# Lists in CSV and TSV cells are joined with this; characters are written "Name=Actor",
# and one person's or character's aliases are joined with ALIAS_SEPARATOR.
LIST_SEPARATOR = "; "
ALIAS_SEPARATOR = " | "
CSV_COLUMNS = [
    *SCENE_FIELDS,
    # A CSV row has no nested objects: these are the characters' own names and
    # aliases, in the order of the characters column.
    "characters_korean",
    "character_aliases",
]


@dataclass(slots=True)
class SceneRecord:
    """A scene as given by an import file or by options: only the fields in ``given``
    were given; on an update, the others keep their current value.

    ``where`` says where the record came from ("line 4", "item 2"), for messages.
    Values are already checked for type and range (see ``kdrama_cli.records``).
    Not frozen, for speed: an import builds one per row; nothing changes them.
    """

    where: str = ""
    given: frozenset[str] = frozenset()
    id: int | None = None
    title: str | None = None
    drama: str | None = None
    drama_korean: str | None = None
    year: int | None = None
    network: str | None = None
    actors: tuple[str, ...] = ()
    characters: tuple[Role, ...] = ()
    description: str | None = None
    rank: int | None = None
    source: str | None = None
    source_title: str | None = None
    source_credit: str | None = None
    favorite: bool | None = None
    rating: int | None = None
    drama_aliases: tuple[str, ...] = ()
    # Parallel to ``actors``: each actor's Hangul name (None when not given) and aliases.
    actors_korean: tuple[str | None, ...] = ()
    actor_aliases: tuple[tuple[str, ...], ...] = ()
    episode: int | None = None
    time: int | None = None  # seconds into the episode
    urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    note: str | None = None
    # A string that names the cast (the four fields above and ``characters``), the same
    # object for records with the same cast, when the reader gives one: the writer
    # remembers the ids of a cast by it. Not part of the record's value.
    cast_key: str | None = field(default=None, compare=False, repr=False)

    def missing_for_new(self) -> str | None:
        """The first field a new scene needs that this record lacks, if any."""
        if self.title is None or self.drama is None or self.year is None:
            return next(name for name in _REQUIRED_FOR_NEW if getattr(self, name) is None)
        return None


# What a record must give to be a new scene.
_REQUIRED_FOR_NEW = ("title", "drama", "year")

# The years a drama can have: television drama began after this, and a drama is
# announced at most a few years ahead. Anything else is a typing mistake ("-y 1").
EARLIEST_YEAR = 1900
YEARS_AHEAD = 5


def latest_year() -> int:
    """The latest year a drama can have: a few years after this one."""
    return date.today().year + YEARS_AHEAD


_YEAR_RANGE = re.compile(r"(?P<start>\d{1,4})?(?P<dots>\.\.(?P<end>\d{1,4})?)?")


class YearRange(NamedTuple):
    """An inclusive range of years; either end may be open."""

    start: int | None = None
    end: int | None = None

    @classmethod
    def parse(cls, text: str) -> YearRange:
        """Read "2018", "2016..2017", "2016.." or "..2017"; raise ValueError otherwise."""
        match = _YEAR_RANGE.fullmatch(text.strip())
        if not match or not (match["start"] or match["end"]):
            raise ValueError(f"{text!r} is not a year or a range like 2016..2018")
        start = int(match["start"]) if match["start"] else None
        end = int(match["end"]) if match["end"] else None
        if not match["dots"]:
            return cls(start, start)
        if start is not None and end is not None and start > end:
            raise ValueError(f"{text!r} starts after it ends")
        return cls(start, end)


class SceneFilter(NamedTuple):
    """Which scenes to select. Repeated actors or characters must all appear; every
    filter given must hold (AND). Names are matched by :mod:`kdrama_cli.names`."""

    actors: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    drama: str | None = None
    years: YearRange = YearRange()
    favorites: bool = False
    min_rating: int | None = None
    episode: int | None = None
    tags: tuple[str, ...] = ()  # every one of them, matched without regard to case


class Sort(str, Enum):
    """Orders a scene list can be sorted by; ties always fall back to the id."""

    ID = "id"
    YEAR = "year"
    DRAMA = "drama"
    TITLE = "title"
    RATING = "rating"


class OutputFormat(str, Enum):
    """Formats a list of scenes can be written in."""

    table = "table"
    # One record a line, tab-separated, no header: what piped output gets by default.
    lines = "lines"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


class ExportFormat(str, Enum):
    """Formats ``export`` writes and ``import`` reads back: every machine format."""

    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"

    @classmethod
    def from_path(cls, path: PurePath | str | None) -> ExportFormat | None:
        """The format a file's extension names (``FILE_EXTENSIONS``, in any case);
        None for a file without one. ValueError for an extension no format has,
        naming those that do."""
        suffix = PurePath(path).suffix.lower() if path is not None else ""
        if not suffix:
            return None
        try:
            return FILE_EXTENSIONS[suffix]
        except KeyError:
            known = ", ".join(FILE_EXTENSIONS)
            raise ValueError(f"{suffix} is not an extension kdrama writes ({known})") from None


# The file extensions that name a format, for export and import alike.
FILE_EXTENSIONS = {
    ".json": ExportFormat.json,
    ".jsonl": ExportFormat.jsonl,
    ".ndjson": ExportFormat.jsonl,
    ".csv": ExportFormat.csv,
    ".tsv": ExportFormat.tsv,
}


class DetailFormat(str, Enum):
    """Formats one object that is not a list of rows can be shown in: the catalog's
    statistics (``stats``) and its facts (``db info``)."""

    table = "table"
    json = "json"


class NameKind(str, Enum):
    """The kinds of name a filter matches: each is looked up by its own keys."""

    ACTOR = "actor"
    CHARACTER = "character"
    DRAMA = "drama"


class UnknownTag(NamedTuple):
    """A tag given to a filter that no scene has, with the catalog's closest tags,
    best first."""

    text: str
    suggestions: tuple[str, ...] = ()


class Unmatched(NamedTuple):
    """A name given to a filter that matches nothing in the catalog, with the
    catalog's closest names, best first."""

    kind: NameKind
    text: str
    suggestions: tuple[str, ...] = ()
