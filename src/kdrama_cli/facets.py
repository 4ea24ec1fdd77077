"""Counting scenes: by actor, by drama, by year, by tag, and the catalog's statistics.

Every function takes the same ``SceneFilter`` as ``Catalog.list_scenes`` and counts
exactly the scenes that ``list`` would show. Counted rows come largest first, ties in
name (or year) order.

>>> from kdrama_cli.catalog import Catalog
>>> from kdrama_cli.models import SceneFilter, YearRange
>>> with Catalog.open_bundled() as catalog:
...     [(row.name, row.count) for row in count_actors(catalog, limit=2)]
[('Son Ye Jin', 2), ('Song Hye Kyo', 2)]
>>> with Catalog.open_bundled() as catalog:
...     [row.to_dict() for row in count_years(catalog, SceneFilter(years=YearRange(2018, 2018)))]
[{'year': 2018, 'count': 2}]
>>> with Catalog.open_bundled() as catalog:
...     facts = catalog_stats(catalog, SceneFilter(actors=("Son Ye Jin",)), top=1)
>>> facts.scenes, facts.dramas, facts.actors, facts.average_rating
(2, 2, 3, None)
>>> facts.top_dramas[0].to_dict()
{'drama': 'Crash Landing on You', 'drama_korean': '사랑의 불시착', 'year': 2020, 'count': 1}

Counting a large catalog's every actor or drama would read all its cast rows, so the
catalog keeps each person's, drama's and character's number of scenes, always equal to
a count from scratch (see ``counts.py``). They answer the questions without a filter;
a filtered question is counted from the scenes it selects.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog, Query, filter_query
from .counts import KEPT, are_kept
from .models import SceneFilter

RATINGS = range(1, 6)


@dataclass(frozen=True)
class ActorCount:
    """An actor, with their Hangul name, and how many of the counted scenes they are in."""

    name: str
    count: int
    korean: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"actor": self.name, "actor_korean": self.korean, "count": self.count}


@dataclass(frozen=True)
class DramaCount:
    """A drama, with its Korean title and year, and how many counted scenes are from it."""

    name: str
    korean: str | None
    year: int
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "drama": self.name,
            "drama_korean": self.korean,
            "year": self.year,
            "count": self.count,
        }


@dataclass(frozen=True)
class YearCount:
    """A year and how many counted scenes are from dramas of that year."""

    year: int
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "count": self.count}


@dataclass(frozen=True)
class TagCount:
    """A tag, in the form first typed, and how many counted scenes have it."""

    name: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.name, "count": self.count}


@dataclass(frozen=True)
class RatingCount:
    """A rating from 1 to 5 and how many counted scenes have it."""

    rating: int
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"rating": self.rating, "count": self.count}


# The keys of each kind of counted row, in order: the columns of CSV and TSV output.
# They are the scenes' keys for the same things (see ``models.Scene.to_dict``): an
# actor is ``actor``, a drama's title ``drama``, and a name's Hangul form is its key
# and ``_korean``; a row's number of scenes is ``count``.
ACTOR_FIELDS = ("actor", "actor_korean", "count")
DRAMA_FIELDS = ("drama", "drama_korean", "year", "count")
YEAR_FIELDS = ("year", "count")
TAG_FIELDS = ("tag", "count")


@dataclass(frozen=True)
class Stats:
    """The counted scenes at a glance.

    ``actors``, ``characters`` and ``tags`` count those the counted scenes have;
    ``average_rating`` is None when no counted scene is rated. ``years`` is in year
    order; ``ratings`` has a row for each rating from 1 to 5, zeros included.
    """

    scenes: int
    dramas: int
    actors: int
    characters: int
    tags: int
    favorites: int
    rated: int
    average_rating: float | None
    years: tuple[YearCount, ...]
    top_actors: tuple[ActorCount, ...]
    top_dramas: tuple[DramaCount, ...]
    top_tags: tuple[TagCount, ...]
    ratings: tuple[RatingCount, ...]

    def to_dict(self) -> dict[str, Any]:
        """The statistics as the JSON object of ``kdrama stats --json``."""
        return {
            "scenes": self.scenes,
            "dramas": self.dramas,
            "actors": self.actors,
            "characters": self.characters,
            "tags": self.tags,
            "favorites": self.favorites,
            "rated": self.rated,
            "average_rating": self.average_rating,
            "years": [row.to_dict() for row in self.years],
            "top_actors": [row.to_dict() for row in self.top_actors],
            "top_dramas": [row.to_dict() for row in self.top_dramas],
            "top_tags": [row.to_dict() for row in self.top_tags],
            "ratings": [row.to_dict() for row in self.ratings],
        }


# Counting ---------------------------------------------------------------------------


def _scene_ids(query: Query, column: str) -> str:
    """A condition restricting ``column`` (a scene id) to the scenes ``query`` selects;
    with no filter, none, so that counting everything reads only the indexes."""
    return f" WHERE {column} IN ({query.sql()})" if query.where else ""


def _drama_counts(conn: sqlite3.Connection, query: Query) -> str:
    """SQL for ``(drama_id, n)``: how many of the scenes ``query`` selects are from each
    drama. With no filter, the kept counts, or a walk of the scenes_drama index in
    drama order when the catalog keeps none. With a filter, the unary ``+`` stops
    SQLite from taking that walk and testing every scene against the filter (seconds
    on a million scenes)."""
    if query.where:
        return f"{query.sql('+s.drama_id AS drama_id, count(*) AS n')} GROUP BY 1"
    if are_kept(conn, "drama_counts"):
        return "SELECT drama_id, scenes AS n FROM drama_counts"
    return f"{query.sql('s.drama_id AS drama_id, count(*) AS n')} GROUP BY 1"


def _person_counts(conn: sqlite3.Connection, query: Query) -> str:
    """SQL for ``(person_id, n)``: how many of the scenes ``query`` selects each person
    is in; with no filter, the kept counts when the catalog has them."""
    if not query.where and are_kept(conn, "person_counts"):
        return "SELECT person_id, scenes AS n FROM person_counts"
    return (
        "SELECT sp.person_id AS person_id, count(*) AS n FROM scene_people sp"
        f"{_scene_ids(query, 'sp.scene_id')} GROUP BY sp.person_id"
    )


def _tag_counts(conn: sqlite3.Connection, query: Query) -> str:
    """SQL for ``(tag_id, n)``: how many of the scenes ``query`` selects have each tag;
    with no filter, the kept counts when the catalog has them. A catalog older than
    tags (schema 6, read as it is) has none."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'scene_tags'").fetchone():
        return "SELECT NULL AS tag_id, 0 AS n WHERE 0"
    if not query.where and are_kept(conn, "tag_counts"):
        return "SELECT tag_id, scenes AS n FROM tag_counts"
    return (
        "SELECT st.tag_id AS tag_id, count(*) AS n FROM scene_tags st"
        f"{_scene_ids(query, 'st.scene_id')} GROUP BY st.tag_id"
    )


def _tags(conn: sqlite3.Connection) -> str:
    """The tags table, or an empty stand-in in a catalog older than tags."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tags'").fetchone():
        return "tags"
    return "(SELECT NULL AS id, NULL AS name, NULL AS key WHERE 0)"


def _limit(sql: str, params: dict[str, Any], limit: int | None) -> str:
    if limit is None:
        return sql
    params["limit"] = limit
    return sql + " LIMIT :limit"


def count_actors(
    catalog: Catalog, filters: SceneFilter | None = None, limit: int | None = None
) -> Iterator[ActorCount]:
    """Each actor in the scenes ``filters`` selects, with their number of scenes."""
    query = filter_query(filters or SceneFilter())
    # CROSS JOIN keeps the counts the outer loop: the kept ones are then read most
    # first from their index, and a LIMIT stops after the first rows (and their ties).
    sql = (
        f"SELECT p.name, c.n, p.name_korean FROM ({_person_counts(catalog.conn, query)}) c"
        " CROSS JOIN people p ON p.id = c.person_id"
        " ORDER BY c.n DESC, p.name COLLATE NOCASE, p.name, p.id"
    )
    sql = _limit(sql, query.params, limit)
    for name, count, korean in catalog.conn.execute(sql, query.params):
        yield ActorCount(name, count, korean)


def count_dramas(
    catalog: Catalog, filters: SceneFilter | None = None, limit: int | None = None
) -> Iterator[DramaCount]:
    """Each drama of the scenes ``filters`` selects, with its number of scenes."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT d.title, d.title_korean, d.year, c.n FROM ({_drama_counts(catalog.conn, query)}) c"
        " CROSS JOIN dramas d ON d.id = c.drama_id"
        " ORDER BY c.n DESC, d.title COLLATE NOCASE, d.year, d.title, d.id"
    )
    sql = _limit(sql, query.params, limit)
    for row in catalog.conn.execute(sql, query.params):
        yield DramaCount(*row)


def count_tags(
    catalog: Catalog, filters: SceneFilter | None = None, limit: int | None = None
) -> Iterator[TagCount]:
    """Each tag of the scenes ``filters`` selects, with its number of scenes."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT t.name, c.n FROM ({_tag_counts(catalog.conn, query)}) c"
        f" CROSS JOIN {_tags(catalog.conn)} t ON t.id = c.tag_id"
        " ORDER BY c.n DESC, t.key, t.id"
    )
    sql = _limit(sql, query.params, limit)
    for name, count in catalog.conn.execute(sql, query.params):
        yield TagCount(name, count)


def total_tags(catalog: Catalog, filters: SceneFilter | None = None) -> int:
    """How many rows ``count_tags`` gives without a limit."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT count(*) FROM ({_tag_counts(catalog.conn, query)}) c"
        f" CROSS JOIN {_tags(catalog.conn)} t ON t.id = c.tag_id"
    )
    return int(catalog.conn.execute(sql, query.params).fetchone()[0])


def count_years(
    catalog: Catalog,
    filters: SceneFilter | None = None,
    limit: int | None = None,
    *,
    by_year: bool = False,
) -> Iterator[YearCount]:
    """Each year of the scenes ``filters`` selects, with its number of scenes: most
    first, or in year order when ``by_year``."""
    query = filter_query(filters or SceneFilter())
    order = "year" if by_year else "n DESC, year"
    sql = (
        f"SELECT d.year AS year, sum(c.n) AS n FROM ({_drama_counts(catalog.conn, query)}) c"
        f" JOIN dramas d ON d.id = c.drama_id GROUP BY d.year ORDER BY {order}"
    )
    sql = _limit(sql, query.params, limit)
    for year, count in catalog.conn.execute(sql, query.params):
        yield YearCount(year, count)


def total_actors(catalog: Catalog, filters: SceneFilter | None = None) -> int:
    """How many rows ``count_actors`` gives without a limit."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT count(*) FROM ({_person_counts(catalog.conn, query)}) c"
        " CROSS JOIN people p ON p.id = c.person_id"
    )
    return int(catalog.conn.execute(sql, query.params).fetchone()[0])


def total_dramas(catalog: Catalog, filters: SceneFilter | None = None) -> int:
    """How many rows ``count_dramas`` gives without a limit."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT count(*) FROM ({_drama_counts(catalog.conn, query)}) c"
        " CROSS JOIN dramas d ON d.id = c.drama_id"
    )
    return int(catalog.conn.execute(sql, query.params).fetchone()[0])


def total_years(catalog: Catalog, filters: SceneFilter | None = None) -> int:
    """How many rows ``count_years`` gives without a limit."""
    query = filter_query(filters or SceneFilter())
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM ({_drama_counts(catalog.conn, query)}) c"
        " JOIN dramas d ON d.id = c.drama_id GROUP BY d.year)"
    )
    return int(catalog.conn.execute(sql, query.params).fetchone()[0])


def _totals(conn: sqlite3.Connection, query: Query) -> tuple[int, int, int, int]:
    """How many scenes ``query`` selects, and how many dramas, actors and characters
    they have: without a filter, read from the kept counts when the catalog has them."""
    if not query.where and all(are_kept(conn, kept.table) for kept in KEPT):
        row = conn.execute(
            "SELECT (SELECT count(*) FROM scenes), (SELECT count(*) FROM drama_counts),"
            " (SELECT count(*) FROM person_counts), (SELECT count(*) FROM character_counts)"
        ).fetchone()
        return row[0], row[1], row[2], row[3]
    scenes, dramas = conn.execute(
        query.sql("count(*), count(DISTINCT s.drama_id)"), query.params
    ).fetchone()
    actors, characters = (
        _distinct(conn, query, table, column)
        for table, column in (("scene_people", "person_id"), ("scene_characters", "character_id"))
    )
    return scenes, dramas, actors, characters


def _distinct(conn: sqlite3.Connection, query: Query, table: str, column: str) -> int:
    sql = f"SELECT count(DISTINCT {column}) FROM {table}{_scene_ids(query, 'scene_id')}"
    return int(conn.execute(sql, query.params).fetchone()[0])


def _favorites_and_ratings(conn: sqlite3.Connection, query: Query) -> tuple[int, dict[int, int]]:
    """How many of the scenes ``query`` selects are favourites, and how many have each
    rating given. Without a filter, each is read from its own index; with one, both
    from a single pass over the selected scenes."""
    if query.where:
        rows = conn.execute(
            query.sql("s.rating, count(*), sum(s.favorite = 1)") + " GROUP BY s.rating",
            query.params,
        ).fetchall()
        favorites = sum(favorite for _, _, favorite in rows)
    else:
        favorites = conn.execute("SELECT count(*) FROM scenes WHERE favorite = 1").fetchone()[0]
        rows = conn.execute(
            "SELECT rating, count(*), 0 FROM scenes WHERE rating IS NOT NULL GROUP BY rating"
        ).fetchall()
    # A rating another program stored as text or out of range is not counted.
    return favorites, {rating: count for rating, count, _ in rows if rating in RATINGS}


def catalog_stats(catalog: Catalog, filters: SceneFilter | None = None, top: int = 5) -> Stats:
    """Totals, scenes per year, the ``top`` actors and dramas, and the ratings given,
    for the scenes ``filters`` selects (all of them by default)."""
    filters = filters or SceneFilter()
    query = filter_query(filters)
    conn = catalog.conn
    scenes, dramas, actors, characters = _totals(conn, query)
    tags = total_tags(catalog, filters)
    favorites, given = _favorites_and_ratings(conn, query)
    rated = sum(given.values())
    average = sum(rating * count for rating, count in given.items()) / rated if rated else None
    return Stats(
        scenes=scenes,
        dramas=dramas,
        actors=actors,
        characters=characters,
        tags=tags,
        favorites=favorites,
        rated=rated,
        average_rating=None if average is None else round(average, 2),
        years=tuple(count_years(catalog, filters, by_year=True)),
        top_actors=tuple(count_actors(catalog, filters, top)),
        top_dramas=tuple(count_dramas(catalog, filters, top)),
        top_tags=tuple(count_tags(catalog, filters, top)),
        ratings=tuple(RatingCount(rating, given.get(rating, 0)) for rating in RATINGS),
    )
