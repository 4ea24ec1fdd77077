"""Opening catalogs and querying scenes: the Python API behind every command.

>>> from kdrama_cli.catalog import Catalog
>>> from kdrama_cli.models import SceneFilter
>>> with Catalog.open_bundled() as catalog:
...     [scene.drama for scene in catalog.list_scenes(SceneFilter(actors=("son ye-jin",)))]
['Something in the Rain', 'Crash Landing on You']
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar

from . import moments, names, search
from .counts import are_kept
from .errors import CatalogError, KdramaError, NothingToPick, SceneNotFound
from .models import NameKind, Scene, SceneFilter, Sort, UnknownTag, Unmatched, YearRange
from .scenes import load_scenes
from .storage import (
    Location,
    Origin,
    bundled_catalog_path,
    open_catalog,
    open_reader,
    scratch_catalog,
    sqlite_failure,
)

_SORT_COLUMNS: dict[Sort, str] = {
    Sort.ID: "s.id",
    Sort.YEAR: "d.year",
    Sort.DRAMA: "d.title COLLATE NOCASE",
    Sort.TITLE: "s.title COLLATE NOCASE",
    Sort.RATING: "s.rating",
}

_BATCH = 500
# A search's scene, as its row of the index names it (the rowid is the scene's id).
_MATCHED = f"{search.TABLE}.rowid"

# One scene as the JSON object of Scene.to_dict, keys in the same order, for a query
# over ``scenes s JOIN dramas d``. json() keeps the cast arrays JSON (not quoted text)
# as they come out of their subqueries; the subqueries' ORDER BY gives the cast order.
_SCENE_JSON_TEMPLATE = """json_object(
    'id', s.id, 'title', s.title, 'drama', d.title, 'drama_korean', d.title_korean,
    'year', d.year, 'network', d.network,
    'actors', json((SELECT json_group_array(name) FROM (
        SELECT p.name FROM scene_people sp JOIN people p ON p.id = sp.person_id
        WHERE sp.scene_id = s.id ORDER BY sp.position))),
    'characters', json((SELECT json_group_array(json_object(
            'name', name, 'actor', actor, 'name_korean', name_korean,
            'actor_korean', actor_korean, 'aliases', json(aliases))) FROM (
        SELECT c.name, p.name AS actor, c.name_korean, p.name_korean AS actor_korean,
            (SELECT json_group_array(alias) FROM (
                SELECT alias FROM character_aliases WHERE character_id = c.id ORDER BY alias))
            AS aliases
        FROM scene_characters sc JOIN characters c ON c.id = sc.character_id
        JOIN people p ON p.id = c.person_id
        WHERE sc.scene_id = s.id ORDER BY sc.position))),
    'description', s.description, 'rank', s.rank,
    'source', (SELECT name FROM sources WHERE id = s.source_id),
    'source_title', (SELECT title FROM sources WHERE id = s.source_id),
    'source_credit', (SELECT credit FROM sources WHERE id = s.source_id),
    'favorite', json(CASE WHEN s.favorite = 1 THEN 'true' ELSE 'false' END),
    'rating', s.rating,
    'drama_aliases', json((SELECT json_group_array(alias) FROM (
        SELECT alias FROM drama_aliases WHERE drama_id = d.id ORDER BY alias))),
    'actors_korean', json((SELECT json_group_array(name_korean) FROM (
        SELECT p.name_korean FROM scene_people sp JOIN people p ON p.id = sp.person_id
        WHERE sp.scene_id = s.id ORDER BY sp.position))),
    'actor_aliases', json((SELECT json_group_array(json(aliases)) FROM (
        SELECT (SELECT json_group_array(alias) FROM (
            SELECT alias FROM person_aliases WHERE person_id = sp.person_id ORDER BY alias))
            AS aliases
        FROM scene_people sp WHERE sp.scene_id = s.id ORDER BY sp.position))),
    'episode', s.episode, 'time', s.time,
    'urls', {urls}, 'tags', {tags}, 'note', s.note)"""
# A scene's clip links and tags, in order, as JSON arrays; the empty array itself when
# the catalog has none at all (most catalogs, and every big one so far), which saves a
# million lookups of nothing in an export.
_URLS_JSON = """json((SELECT json_group_array(url) FROM (
        SELECT url FROM scene_urls WHERE scene_id = s.id ORDER BY position)))"""
_TAGS_JSON = """json((SELECT json_group_array(name) FROM (
        SELECT t.name FROM scene_tags st JOIN tags t ON t.id = st.tag_id
        WHERE st.scene_id = s.id ORDER BY st.position)))"""
_NO_ITEMS = "json_array()"
_FEW_PICKS = 16
_TRIES_PER_PICK = 32


class _NameTable(NamedTuple):
    """Where the names of one kind, and their keys, are stored."""

    keys: str
    key_id: str
    table: str
    name: str
    korean: str


_NAME_TABLES = {
    NameKind.ACTOR: _NameTable("person_keys", "person_id", "people", "name", "name_korean"),
    NameKind.CHARACTER: _NameTable(
        "character_keys", "character_id", "characters", "name", "name_korean"
    ),
    NameKind.DRAMA: _NameTable("drama_keys", "drama_id", "dramas", "title", "title_korean"),
}
_SUGGESTION_CUTOFF = 75
# The counts ``info`` gives, by key, and the table each counts: people are
# ``actors``, as ``kdrama stats`` calls them.
_COUNTED_TABLES = {
    "scenes": "scenes",
    "dramas": "dramas",
    "actors": "people",
    "characters": "characters",
}

_TEXT = ("text",)
_TEXT_OR_NULL = ("text", "null")
_INTEGER = ("integer",)
_INTEGER_OR_NULL = ("integer", "null")
# The types kdrama stores in each column that holds what a fan typed or chose; another
# program may have stored others (SQLite lets it), which ``db check`` names.
_COLUMN_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "scenes": {
        "title": _TEXT,
        "description": _TEXT,
        "rank": _INTEGER_OR_NULL,
        "favorite": _INTEGER,
        "rating": _INTEGER_OR_NULL,
        "episode": _INTEGER_OR_NULL,
        "time": _INTEGER_OR_NULL,
        "note": _TEXT_OR_NULL,
    },
    "dramas": {
        "title": _TEXT,
        "title_korean": _TEXT_OR_NULL,
        "year": _INTEGER,
        "network": _TEXT_OR_NULL,
    },
    "people": {"name": _TEXT, "name_korean": _TEXT_OR_NULL},
    "characters": {"name": _TEXT, "name_korean": _TEXT_OR_NULL},
    "sources": {"name": _TEXT, "title": _TEXT_OR_NULL, "credit": _TEXT_OR_NULL},
    "drama_aliases": {"alias": _TEXT},
    "person_aliases": {"alias": _TEXT},
    "character_aliases": {"alias": _TEXT},
    "scene_urls": {"url": _TEXT},
    "tags": {"name": _TEXT, "key": _TEXT},
}
# Tables without a rowid, and the column that names a row of them in ``db check``.
_ROW_OF = {"scene_urls": ("scene_id", "scene")}

_MARKS = (names.SOUND, names.LATIN, names.POPULAR, names.LOOSE)


def _kind_of(key: str) -> str:
    """The mark a key begins with (see names.py), or "" for an exact key."""
    return key[0] if key.startswith(_MARKS) else ""


def _order(sort: Sort, descending: bool) -> str:
    """The ORDER BY terms of ``sort``: ties go by id, and unrated scenes come last
    whichever way ratings go."""
    direction = "DESC" if descending else "ASC"
    order = f"{_SORT_COLUMNS[sort]} {direction}, s.id {direction}"
    return "s.rating IS NULL, " + order if sort is Sort.RATING else order


class Query:
    """A scene query under construction: SQL fragments and their bound parameters."""

    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: dict[str, Any] = {}
        self.needs_drama = False

    def sql(self, columns: str = "s.id", *, with_drama: bool = False) -> str:
        """The query; dramas are joined only when a filter or the sort needs them, so
        counting and picking at random stay on the scenes table and its indexes."""
        where = " AND ".join(self.where) or "1"
        join = " JOIN dramas d ON d.id = s.drama_id" if with_drama or self.needs_drama else ""
        return f"SELECT {columns} FROM scenes s{join} WHERE {where}"


def _keys(param: str, table: str) -> str:
    """SQL for the keys to look up in ``table``: the first tier's, bound as a JSON
    array to ``param``, or, when no row has any of them, the second tier's, bound to
    ``param``_more (see names.py). The choice is one index probe, made once."""
    return (
        f"(SELECT value FROM json_each(CASE WHEN EXISTS (SELECT 1 FROM {table}"
        f" WHERE key IN (SELECT value FROM json_each(:{param})))"
        f" THEN :{param} ELSE :{param}_more END))"
    )


def _key_params(param: str, text: str) -> dict[str, str]:
    """The parameters of ``_keys(param, ...)`` for typed ``text``."""
    return {
        param: json.dumps(names.query_keys(text), ensure_ascii=False),
        f"{param}_more": json.dumps(names.popular_keys(text), ensure_ascii=False),
    }


def _year_terms(years: YearRange, params: dict[str, Any]) -> list[str]:
    """The terms on ``d.year`` (dramas d) that ``years`` asks for, their parameters
    put in ``params``."""
    terms: list[str] = []
    if years.start is not None:
        terms.append("d.year >= :year_start")
        params["year_start"] = years.start
    if years.end is not None:
        terms.append("d.year <= :year_end")
        params["year_end"] = years.end
    return terms


def filter_query(filters: SceneFilter) -> Query:
    query = Query()
    for i, actor in enumerate(filters.actors):
        query.where.append(
            "s.id IN (SELECT sp.scene_id FROM person_keys k"
            " JOIN scene_people sp ON sp.person_id = k.person_id"
            f" WHERE k.key IN {_keys(f'actor{i}', 'person_keys')})"
        )
        query.params.update(_key_params(f"actor{i}", actor))
    for i, character in enumerate(filters.characters):
        query.where.append(
            "s.id IN (SELECT sc.scene_id FROM character_keys k"
            " JOIN scene_characters sc ON sc.character_id = k.character_id"
            f" WHERE k.key IN {_keys(f'character{i}', 'character_keys')})"
        )
        query.params.update(_key_params(f"character{i}", character))
    if filters.drama is not None:
        query.where.append(
            "s.drama_id IN (SELECT drama_id FROM drama_keys"
            f" WHERE key IN {_keys('drama', 'drama_keys')})"
        )
        query.params.update(_key_params("drama", filters.drama))
    query.needs_drama = filters.years != YearRange()
    query.where += _year_terms(filters.years, query.params)
    if filters.favorites:
        query.where.append("s.favorite = 1")
    if filters.min_rating is not None:
        query.where.append("s.rating >= :min_rating")
        query.params["min_rating"] = filters.min_rating
    if filters.episode is not None:
        query.where.append("s.episode = :episode")
        query.params["episode"] = filters.episode
    for i, tag in enumerate(dict.fromkeys(map(moments.tag_key, filters.tags))):
        # The tag's scenes, read in scene order from the scene_tags_tag index.
        query.where.append(
            "s.id IN (SELECT st.scene_id FROM scene_tags st"
            f" WHERE st.tag_id = (SELECT id FROM tags WHERE key = :tag{i}))"
        )
        query.params[f"tag{i}"] = tag
    return query


def _search_sql(
    text: str, filters: SceneFilter | None, columns: str, *, index_alone: bool
) -> tuple[str, dict[str, Any]]:
    """The SELECT of ``columns`` over the scenes that hold every word of ``text``
    among those ``filters`` selects, unordered, and its parameters. The index's rowid
    is the scene's id, so ``scene_search.rowid`` names the scene in either form.

    Without a filter, and with ``index_alone`` (the index in step with the scenes, so
    that each of its rows is a scene), the index answers alone: joining each match to
    its scene took a third of the time of a word that 130,000 scenes of a million
    hold. A year is looked up as the ids of its dramas, once, through the year index,
    rather than as each match's drama: 130 to 90 ms for that word and a range of six
    years."""
    filters = filters or SceneFilter()
    query = filter_query(filters._replace(years=YearRange()))
    if filters.years != YearRange():
        years = " AND ".join(_year_terms(filters.years, query.params))
        query.where.append(f"s.drama_id IN (SELECT d.id FROM dramas d WHERE {years})")
    matched = search.TABLE
    if query.where or not index_alone:
        matched += f" JOIN scenes s ON s.id = {search.TABLE}.rowid"
    query.where.insert(0, f"{search.TABLE} MATCH :match")
    query.params["match"] = search.match_expression(search.parse_query(text))
    return f"SELECT {columns} FROM {matched} WHERE {' AND '.join(query.where)}", query.params


def scene_json_sql(conn: sqlite3.Connection) -> str:
    """The SQL of a scene's JSON object (``Catalog.list_scenes_json``) for a query over
    ``scenes s JOIN dramas d`` of this catalog: its links and tags are read only when the
    catalog has some."""

    def some(table: str) -> bool:
        return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None

    return _SCENE_JSON_TEMPLATE.format(
        urls=_URLS_JSON if some("scene_urls") else _NO_ITEMS,
        tags=_TAGS_JSON if some("scene_tags") else _NO_ITEMS,
    )


def _take_in_bundled_scenes(conn: sqlite3.Connection) -> None:
    """Copy into a user catalog the bundled scenes it lacks (``storage.open_catalog`` calls
    this). bundle is imported here, when a user catalog is opened, so that reading any
    other catalog never loads it or the writer it uses."""
    from .bundle import take_in_bundled_scenes

    take_in_bundled_scenes(conn)


def _load_scenes(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Scene]:
    """``scenes.load_scenes``, refusing a scene that holds binary data (a BLOB, which
    another program may have written) where text belongs: no format can show it as
    it is, so the error names it instead."""
    scenes = load_scenes(conn, ids)
    for scene in scenes:
        if _may_hold_bytes(scene):
            for field, value in zip(Scene._fields, scene, strict=True):
                if _holds_bytes(value):
                    raise CatalogError(
                        f"the catalog is damaged: scene {scene.id} holds binary data (a BLOB)"
                        f" in its {field.replace('_', ' ')}, which kdrama never stores"
                    )
    return scenes


def _json_texts(
    conn: sqlite3.Connection,
    sql: str,
    params: dict[str, Any],
    as_scenes: Callable[[], Iterator[Scene]],
) -> Iterator[str]:
    """The JSON texts ``sql`` (built with ``scene_json_sql``) selects. SQLite's json()
    stops at binary data without saying where: the same scenes are then read as Scenes
    (``as_scenes``), which stops at it naming the scene and field."""
    try:
        for (text,) in conn.execute(sql, params):
            yield text
    except sqlite3.OperationalError as error:
        if "BLOB" not in str(error):
            raise
        for _ in as_scenes():
            pass
        raise


def _may_hold_bytes(scene: Scene) -> bool:
    """A quick look (a million scenes are read for an export): false when no value of
    the scene is bytes."""
    return (
        bytes in map(type, scene)
        or bytes in map(type, scene.actors)
        or bytes in map(type, scene.actors_korean)
        or bytes in map(type, scene.drama_aliases)
        or any(
            bytes in map(type, role) or bytes in map(type, role.aliases)
            for role in scene.characters
        )
        or any(bytes in map(type, aliases) for aliases in scene.actor_aliases)
        or bytes in map(type, scene.urls)
        or bytes in map(type, scene.tags)
    )


def _holds_bytes(value: object) -> bool:
    if isinstance(value, tuple):
        return any(_holds_bytes(item) for item in value)
    return isinstance(value, bytes)


def _refused(
    column: str,
    kind: str,
    owner: str,
    rows: Iterator[tuple[int, str]],
    check: Callable[[str], str],
) -> list[str]:
    """A line for the values of ``rows`` (an owner's id and a value) that ``check``
    refuses, if any: how many, and the first with the reason."""
    count, first = 0, ""
    for row_id, value in rows:
        try:
            check(value)
        except ValueError as error:
            count += 1
            first = first or f"{owner} {row_id}: {error}"
    if not count:
        return []
    return [f"{column} holds {count:,} {kind}(s) that kdrama refuses, the first of {first}"]


class Catalog:
    """A kdrama catalog file, opened for reading."""

    def __init__(self, conn: sqlite3.Connection, location: Location) -> None:
        self.conn = conn
        self.location = location

    @property
    def path(self) -> Path:
        return self.location.path

    @classmethod
    def open(
        cls,
        where: Path | Location,
        *,
        write: bool = False,
        create: bool = False,
        as_is: bool = False,
    ) -> Catalog:
        """Open a catalog: a file, or a ``Location`` from ``storage.locate``.

        ``write`` prepares it for changes (the user catalog is created on the first);
        ``create`` also makes a new, empty catalog where there is none; ``as_is`` opens
        it read-only and leaves an older schema as it is. CatalogError says what is
        wrong, in one line.
        """
        location = where if isinstance(where, Location) else Location(where, Origin.OPTION)
        conn = open_catalog(
            location, write=write, create=create, as_is=as_is, take_in=_take_in_bundled_scenes
        )
        return cls(conn, location)

    @classmethod
    def scratch(cls, location: Location) -> Catalog:
        """The catalog that a first change would create at ``location``, made in memory
        and gone when closed: a dry run's stand-in for a catalog that does not exist."""
        return cls(scratch_catalog(location, take_in=_take_in_bundled_scenes), location)

    @classmethod
    def open_bundled(cls) -> Catalog:
        """Open the catalog shipped with kdrama, read-only."""
        return cls.open(Location(bundled_catalog_path(), Origin.BUNDLED))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def list_scenes(
        self,
        filters: SceneFilter | None = None,
        sort: Sort = Sort.ID,
        limit: int | None = None,
        *,
        descending: bool = False,
        offset: int = 0,
    ) -> Iterator[Scene]:
        """The scenes that match ``filters``, sorted, at most ``limit`` of them after
        the first ``offset`` (a page of a longer list, as ``kdrama tui`` reads it).

        Scenes are read in batches as the iterator is consumed, so memory stays flat
        whatever the size of the catalog.
        """
        sql, params = self._list_sql(filters, sort, limit, descending, "s.id", with_drama=False)
        if offset:
            sql += " OFFSET :offset" if limit is not None else " LIMIT -1 OFFSET :offset"
            params["offset"] = offset
        cursor = self.conn.execute(sql, params)
        while batch := [row[0] for row in cursor.fetchmany(_BATCH)]:
            yield from _load_scenes(self.conn, batch)

    def list_scenes_json(
        self,
        filters: SceneFilter | None = None,
        sort: Sort = Sort.ID,
        limit: int | None = None,
        *,
        descending: bool = False,
    ) -> Iterator[str]:
        """The scenes ``list_scenes`` gives, each as compact JSON text built by SQLite:
        exactly ``json.dumps(scene.to_dict(), ensure_ascii=False, separators=(",", ":"))``,
        without making a Scene. Bulk output (export, JSON Lines) is several times
        faster this way; it streams from one query, so memory stays flat."""
        scene_json = scene_json_sql(self.conn)
        if limit is None:
            sql, params = self._list_sql(
                filters, sort, limit, descending, scene_json, with_drama=True
            )
        else:
            # The scenes first, then JSON for those alone: with the JSON in the query
            # that sorts, SQLite builds it for every scene that ties on the sort
            # column (a whole year, for --sort year) before it keeps ``limit``.
            picked, params = self._list_sql(
                filters, sort, limit, descending, "s.id", with_drama=False
            )
            query = Query()
            query.where.append(f"s.id IN ({picked})")
            sql = f"{query.sql(scene_json, with_drama=True)} ORDER BY {_order(sort, descending)}"
        yield from _json_texts(
            self.conn,
            sql,
            params,
            lambda: self.list_scenes(filters, sort, limit, descending=descending),
        )

    def _list_sql(
        self,
        filters: SceneFilter | None,
        sort: Sort,
        limit: int | None,
        descending: bool,
        columns: str,
        *,
        with_drama: bool,
    ) -> tuple[str, dict[str, Any]]:
        query = filter_query(filters or SceneFilter())
        with_drama = with_drama or sort in (Sort.YEAR, Sort.DRAMA)
        sql = f"{query.sql(columns, with_drama=with_drama)} ORDER BY {_order(sort, descending)}"
        if limit is not None:
            sql += " LIMIT :limit"
            query.params["limit"] = limit
        return sql, query.params

    def search_scenes(
        self,
        text: str,
        filters: SceneFilter | None = None,
        limit: int | None = None,
        *,
        offset: int = 0,
    ) -> Iterator[Scene]:
        """Scenes whose titles, description, drama's titles or cast's names hold every
        word of ``text``, best matches first, among those ``filters`` selects: at most
        ``limit`` of them after the first ``offset``. ValueError when ``text`` has
        nothing to search for (see ``search.parse_query``).

        >>> with Catalog.open_bundled() as catalog:
        ...     [scene.drama for scene in catalog.search_scenes("the one with the wine")]
        ['Descendants of the Sun']
        """
        in_step = self._index_in_step()
        sql, params = _search_sql(text, filters, _MATCHED, index_alone=in_step)
        sql += f" ORDER BY {search.rank_sql()}, {_MATCHED}"
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = limit
        if offset:
            sql += " OFFSET :offset" if limit is not None else " LIMIT -1 OFFSET :offset"
            params["offset"] = offset
        cursor = self.conn.execute(sql, params)
        while batch := [row[0] for row in cursor.fetchmany(_BATCH)]:
            yield from _load_scenes(self.conn, batch)

    def search_scenes_json(
        self, text: str, filters: SceneFilter | None = None, limit: int | None = None
    ) -> Iterator[str]:
        """The scenes ``search_scenes`` gives, in its order, each as compact JSON text
        built by SQLite, as ``list_scenes_json`` builds it: bulk output of a search
        (``kdrama search --json`` piped) without making a Scene of each match."""
        in_step = self._index_in_step()
        rank = search.rank_sql()
        found, params = _search_sql(
            text, filters, f"{_MATCHED} AS id, {rank} AS score", index_alone=in_step
        )
        found += " ORDER BY score, id"
        if limit is not None:
            found += " LIMIT :limit"
            params["limit"] = limit
        sql = (
            f"SELECT {scene_json_sql(self.conn)} FROM ({found}) f"
            " JOIN scenes s ON s.id = f.id JOIN dramas d ON d.id = s.drama_id"
            " ORDER BY f.score, f.id"
        )
        yield from _json_texts(
            self.conn, sql, params, lambda: self.search_scenes(text, filters, limit)
        )

    def count_search(self, text: str, filters: SceneFilter | None = None) -> int:
        """How many scenes ``search_scenes(text, filters)`` gives without a limit.
        Without a filter, and with the index in step with the scenes (none waits to be
        indexed again), the index alone answers: a tenth of the time, on a word that
        a hundred thousand scenes hold, of joining each match to its scene."""
        in_step = self._index_in_step()
        sql, params = _search_sql(text, filters, "count(*)", index_alone=in_step)
        return int(self.conn.execute(sql, params).fetchone()[0])

    def _index_in_step(self) -> bool:
        """Whether the search index holds every scene as it is: none waits to be
        indexed again (``search.refresh``)."""
        return self.conn.execute("SELECT 1 FROM search_stale LIMIT 1").fetchone() is None

    def count_scenes(self, filters: SceneFilter | None = None) -> int:
        """How many scenes match ``filters``. Every scene, where the catalog keeps each
        drama's count (``counts``): their sum, a row a drama, rather than a walk of a
        million scenes' index (the note under a screenful asks on every ``list``)."""
        query = filter_query(filters or SceneFilter())
        if not query.where and are_kept(self.conn, "drama_counts"):
            total = self.conn.execute("SELECT sum(scenes) FROM drama_counts").fetchone()[0]
            return int(total or 0)
        if filters is not None and filters.tags and filters == SceneFilter(tags=filters.tags):
            return self._count_tagged(filters.tags)
        return int(self.conn.execute(query.sql("count(*)"), query.params).fetchone()[0])

    def _count_tagged(self, tags: Sequence[str]) -> int:
        """How many scenes have every one of ``tags``, from the tags' own rows: the kept
        count of one tag, or a walk of the rarest tag's rows in the scene_tags_tag index
        (ten times quicker, on a tag of 80,000 scenes, than finding each scene)."""
        keys = list(dict.fromkeys(map(moments.tag_key, tags)))
        if are_kept(self.conn, "tag_counts"):
            kept = {
                key: self.conn.execute(
                    "SELECT c.scenes FROM tags t JOIN tag_counts c ON c.tag_id = t.id"
                    " WHERE t.key = ?",
                    (key,),
                ).fetchone()
                for key in keys
            }
            if len(keys) == 1 or not all(kept.values()):
                return min(int(row[0]) if row else 0 for row in kept.values())
            keys.sort(key=lambda key: int(kept[key][0]))  # the rarest tag's rows first
        params = {f"tag{i}": key for i, key in enumerate(keys)}
        tag_id = "(SELECT id FROM tags WHERE key = :tag{})".format
        also = "".join(
            f" AND EXISTS (SELECT 1 FROM scene_tags x WHERE x.tag_id = {tag_id(i)}"
            " AND x.scene_id = st.scene_id)"
            for i in range(1, len(keys))
        )
        sql = f"SELECT count(*) FROM scene_tags st WHERE st.tag_id = {tag_id(0)}{also}"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def random_scenes(
        self, filters: SceneFilter | None = None, count: int = 1, seed: int | None = None
    ) -> list[Scene]:
        """Up to ``count`` different scenes drawn uniformly from those that match.

        The same ``seed`` on the same catalog always draws the same scenes.
        NothingToPick is raised when no scene matches.
        """
        query = filter_query(filters or SceneFilter())
        draw = random.Random(seed)
        if not query.where and count <= _FEW_PICKS:
            drawn = self._draw_ids(draw, count)
            if drawn is not None:
                return self.get_scenes(drawn)
        total = self.count_scenes(filters)
        if not total:
            raise NothingToPick("no scene matches, so there is nothing to pick from")
        positions = draw.sample(range(total), min(count, total))
        ordered = query.sql() + " ORDER BY s.id"
        if len(positions) <= _FEW_PICKS:
            # A few picks: fetch each by its position, not every matching id.
            at = ordered + " LIMIT 1 OFFSET :position"
            picked = [
                self.conn.execute(at, {**query.params, "position": p}).fetchone()[0]
                for p in positions
            ]
        else:
            ids = [row[0] for row in self.conn.execute(ordered, query.params)]
            picked = [ids[p] for p in positions]
        return self.get_scenes(picked)

    def _draw_ids(self, draw: random.Random, count: int) -> list[int] | None:
        """``count`` different scene ids drawn uniformly from the whole catalog by
        trying ids between the lowest and the highest, each found through the primary
        key: counting a million scenes and stepping to a position take longer than the
        rest of ``random``. None when too few tries find a scene (ids far apart, or
        fewer scenes than ``count``), for the caller to count and step instead."""
        low, high = self.conn.execute(  # each alone, so each reads one end of the key
            "SELECT (SELECT min(id) FROM scenes), (SELECT max(id) FROM scenes)"
        ).fetchone()
        if low is None:
            return None
        drawn: list[int] = []
        for _ in range(_TRIES_PER_PICK * count):
            candidate = draw.randint(low, high)
            exists = "SELECT 1 FROM scenes WHERE id = ?"
            if candidate not in drawn and self.conn.execute(exists, (candidate,)).fetchone():
                drawn.append(candidate)
                if len(drawn) == count:
                    return drawn
        return None

    def get_scene(self, scene_id: int) -> Scene:
        """The scene with this id; SceneNotFound if there is none."""
        scenes = self.get_scenes([scene_id])
        if not scenes:
            raise SceneNotFound(scene_id)
        return scenes[0]

    def get_scenes(self, ids: Sequence[int]) -> list[Scene]:
        """The scenes with these ids, in the order given; unknown ids are left out."""
        return [
            scene
            for start in range(0, len(ids), _BATCH)
            for scene in _load_scenes(self.conn, ids[start : start + _BATCH])
        ]

    def info(self) -> dict[str, object]:
        """Where this catalog is, why it is the one in use, its schema, its counts."""
        from .migrations import schema_version

        facts: dict[str, object] = {
            "path": str(self.path),
            "origin": self.location.origin.value,
            "schema_version": schema_version(self.conn),
        }
        # Plain counts, which a view (another program's doing) answers as well as a table.
        facts |= {key: self._count(f'"{table}"') for key, table in _COUNTED_TABLES.items()}
        facts["favorites"] = self._count("scenes WHERE favorite = 1")
        facts["rated"] = self._count("scenes WHERE rating IS NOT NULL")
        return facts

    def _count(self, rows: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {rows}").fetchone()[0])

    def problems(self) -> list[str]:
        """What SQLite's integrity and foreign key checks find wrong with this file, and
        how its tables, views and columns differ from those kdrama makes, a line each;
        none for a sound catalog. Each check runs even when another cannot finish (a
        table that became a view stops the foreign key check). Only reads."""
        from .migrations import schema_differences

        def integrity() -> list[str]:
            rows = self.conn.execute("PRAGMA integrity_check(100)")
            return [row[0] for row in rows if row[0] != "ok"]

        def links() -> list[str]:
            return [
                f"row {rowid} of {table} refers to a missing row of {parent}"
                for table, rowid, parent, _ in self.conn.execute("PRAGMA foreign_key_check")
            ]

        found: list[str] = []
        checks = (integrity, lambda: schema_differences(self.conn), links, self._wrong_types)
        for check in (*checks, self._bad_moments):
            try:
                found += check()
            except sqlite3.DatabaseError as error:
                if getattr(error, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
                    raise sqlite_failure(error, self.path) from None
                if str(error) not in found:  # damage that stops this check itself
                    found.append(str(error))
        return found

    def _wrong_types(self) -> list[str]:
        """A line for each column holding values of a type kdrama never stores there
        (text in a year, binary data in a title), with the first such row."""
        found = []
        for table, columns in _COLUMN_TYPES.items():
            present = {row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')}
            for column, types in columns.items():
                if column not in present:
                    continue  # the schema check names it
                allowed = ", ".join(f"'{name}'" for name in types)
                row, what = _ROW_OF.get(table, ("rowid", "row"))
                count, rowid = self.conn.execute(
                    f'SELECT count(*), min({row}) FROM "{table}"'
                    f' WHERE typeof("{column}") NOT IN ({allowed})'
                ).fetchone()
                if count:
                    found.append(
                        f"{table}.{column} holds {count:,} value(s) that are not"
                        f" {' or '.join(types)}, the first in {what} {rowid}"
                    )
        return found

    def _bad_moments(self) -> list[str]:
        """A line for each kind of episode, time, link or tag that kdrama would refuse
        (another program may have written it), with the first such row; values of the
        wrong type are ``_wrong_types``' to name. None for a catalog from before
        schema 6 (checked as it is), which has none of them."""
        tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master")}
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(scenes)")}
        if not {"scene_urls", "tags", "scene_tags"} <= tables or "episode" not in columns:
            return []
        found = []
        for column, bad in (
            ("episode", "episode < 1"),
            ("time", f"(time < 0 OR time > {moments.LONGEST_TIME})"),
        ):
            count, first = self.conn.execute(
                f"SELECT count(*), min(id) FROM scenes WHERE typeof({column}) = 'integer' AND {bad}"
            ).fetchone()
            if count:
                found.append(
                    f"scenes.{column} holds {count:,} value(s) out of range, the first in"
                    f" scene {first}"
                )
        links = self.conn.execute(
            "SELECT scene_id, url FROM scene_urls WHERE typeof(url) = 'text' ORDER BY scene_id"
        )
        found += _refused("scene_urls.url", "link", "scene", links, moments.check_url)
        tags = self.conn.execute(
            "SELECT id, name FROM tags WHERE typeof(name) = 'text' AND typeof(key) = 'text'"
            " ORDER BY id"
        )
        found += _refused("tags.name", "tag", "tag", tags, moments.clean_tag)
        count, first = 0, None
        for tag_id, name, key in self.conn.execute(
            "SELECT id, name, key FROM tags WHERE typeof(name) = 'text'"
            " AND typeof(key) = 'text' ORDER BY id"
        ):
            if key != moments.tag_key(name):
                count, first = count + 1, first or tag_id
        if count:
            found.append(
                f"tags.key holds {count:,} key(s) that are not their tag's name case-folded,"
                f" the first of tag {first}"
            )
        count, first = self.conn.execute(
            "SELECT count(*), min(id) FROM tags"
            " WHERE NOT EXISTS (SELECT 1 FROM scene_tags WHERE tag_id = tags.id)"
        ).fetchone()
        if count:
            found.append(f"tags holds {count:,} tag(s) that no scene has, the first is tag {first}")
        return found

    def names_in(self, filters: SceneFilter) -> list[tuple[NameKind, str]]:
        """Each name a filter asks for, with its kind, in the order given."""
        wanted = [(NameKind.ACTOR, name) for name in filters.actors]
        wanted += [(NameKind.CHARACTER, name) for name in filters.characters]
        if filters.drama is not None:
            wanted.append((NameKind.DRAMA, filters.drama))
        return wanted

    def unmatched_names(self, filters: SceneFilter, limit: int = 3) -> list[Unmatched]:
        """The names in ``filters`` that match nothing in the catalog, each with up to
        ``limit`` suggestions: the catalog's names whose keys are closest."""
        return [
            Unmatched(kind, text, tuple(self.suggest(kind, text, limit)))
            for kind, text in self.names_in(filters)
            if not self._matches_any(kind, text)
        ]

    def unknown_tags(self, filters: SceneFilter, limit: int = 3) -> list[UnknownTag]:
        """The tags in ``filters`` that no scene has, each with up to ``limit``
        suggestions: the catalog's tags closest to it, whatever their case."""
        unknown = []
        for text in dict.fromkeys(filters.tags):
            key = moments.tag_key(text)
            if self.conn.execute("SELECT 1 FROM tags WHERE key = ?", (key,)).fetchone() is None:
                unknown.append(UnknownTag(text, tuple(self._near_tags(key, limit))))
        return unknown

    def _near_tags(self, key: str, limit: int) -> list[str]:
        from rapidfuzz import fuzz, process

        rows = [
            (name, tag_key)
            for name, tag_key in self.conn.execute("SELECT name, key FROM tags")
            if isinstance(name, str) and isinstance(tag_key, str)
        ]
        found = process.extract(
            key,
            [tag_key for _, tag_key in rows],
            scorer=fuzz.ratio,
            score_cutoff=_SUGGESTION_CUTOFF,
            limit=limit,
        )
        return [rows[index][0] for _, _, index in found]

    def tags_of(self, scene_id: int) -> tuple[str, ...]:
        """The scene's tags, in order, in the form first typed; SceneNotFound if there
        is no such scene."""
        if self.conn.execute("SELECT 1 FROM scenes WHERE id = ?", (scene_id,)).fetchone() is None:
            raise SceneNotFound(scene_id)
        rows = self.conn.execute(
            "SELECT t.name FROM scene_tags st JOIN tags t ON t.id = st.tag_id"
            " WHERE st.scene_id = ? ORDER BY st.position",
            (scene_id,),
        )
        return tuple(row[0] for row in rows)

    def complete_tags(self, incomplete: str, limit: int = 50) -> list[str]:
        """The catalog's tags that begin with ``incomplete`` (whatever its case),
        sorted, in the form first typed."""
        prefix = moments.tag_key(incomplete)
        rows = self.conn.execute(
            "SELECT name FROM tags WHERE key >= :low AND key < :high ORDER BY key LIMIT :limit",
            {"low": prefix, "high": prefix + "\U0010ffff", "limit": limit},
        )
        return [row[0] for row in rows if isinstance(row[0], str)]

    def _matches_any(self, kind: NameKind, text: str) -> bool:
        t = _NAME_TABLES[kind]
        sql = f"SELECT 1 FROM {t.keys} WHERE key IN {_keys('keys', t.keys)} LIMIT 1"
        return self.conn.execute(sql, _key_params("keys", text)).fetchone() is not None

    def find_names(self, kind: NameKind, text: str) -> list[str]:
        """The catalog's names of this kind that ``text`` names, in any spelling, sorted."""
        t = _NAME_TABLES[kind]
        rows = self.conn.execute(
            f"SELECT DISTINCT e.{t.name} FROM {t.keys} k JOIN {t.table} e ON e.id = k.{t.key_id}"
            f" WHERE k.key IN {_keys('keys', t.keys)} ORDER BY e.{t.name}",
            _key_params("keys", text),
        )
        return [row[0] for row in rows if isinstance(row[0], str)]

    def suggest(self, kind: NameKind, text: str, limit: int = 3) -> list[str]:
        """Names of this kind closest to ``text``, best first, compared by their keys.

        Keys are compared with those that begin like the typed text's (an index range),
        and with all of them only when none does; ties go to the closer spelling. Both
        tiers' keys are compared (the text matched neither).
        """
        from rapidfuzz import fuzz, process

        t = _NAME_TABLES[kind]
        queries = names.query_keys(text) + names.popular_keys(text)
        rows = (
            self._keys_near(t, queries)
            or self.conn.execute(f"SELECT key, {t.key_id} FROM {t.keys}").fetchall()
        )
        # A query is compared with the keys of its own kind (exact, sound, popular):
        # across kinds the marks differ, and the keys of a kind are a fraction of all.
        kinds: dict[str, tuple[list[str], list[int]]] = {}
        for key, key_id in dict.fromkeys(rows):
            if isinstance(key, str):
                choices, ids = kinds.setdefault(_kind_of(key), ([], []))
                choices.append(key)
                ids.append(key_id)
        best: dict[int, float] = {}
        for query in dict.fromkeys(queries):
            choices, ids = kinds.get(_kind_of(query), ([], []))
            for _, score, index in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=_SUGGESTION_CUTOFF, limit=50
            ):
                best[ids[index]] = max(score, best.get(ids[index], 0.0))
        found = {
            row_id: name
            for row_id, name in self.conn.execute(
                f"SELECT id, {t.name} FROM {t.table} WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(best)),),
            )
            if isinstance(name, str)  # binary data (damage) is no name to suggest
        }
        typed = names.name_key(text)

        def rank(row_id: int) -> tuple[float, float, str]:
            spelling = fuzz.ratio(typed, names.name_key(found[row_id]))
            return (-best[row_id], -spelling, found[row_id])

        ranked = dict.fromkeys(found[row_id] for row_id in sorted(found, key=rank))
        return list(ranked)[:limit]

    def _keys_near(self, t: _NameTable, queries: list[str]) -> list[tuple[str, int]]:
        """Keys that share their first two letters with one of ``queries``; each range
        read once, however many queries begin alike."""
        rows: list[tuple[str, int]] = []
        prefixes = dict.fromkeys(
            query[:3] if query.startswith(_MARKS) else query[:2] for query in queries
        )
        for prefix in prefixes:
            rows += self.conn.execute(
                f"SELECT key, {t.key_id} FROM {t.keys} WHERE key >= ? AND key < ?",
                (prefix, prefix + "\U0010ffff"),
            ).fetchall()
        return rows

    def complete_names(
        self, kind: NameKind, incomplete: str, limit: int = 50, *, drama_id: int | None = None
    ) -> list[tuple[str, str | None]]:
        """Names of this kind that ``incomplete`` begins, each with its Korean form
        when the catalog has one. Names spelled as typed come first, sorted. Then come
        the other names whose sound it begins (other spellings, Hangul romanized), also
        sorted: all of them when no name is spelled as typed, and otherwise only once
        a surname and the start of a given name are typed in Latin letters ("Park Bo"
        offers Park Bo Gum, then Bak Bo Young; "So" alone would offer every name with
        a given name sounding "so…"). Only when neither finds a name, popular
        spellings (the second tier). With ``drama_id``, characters of that drama only."""
        found = self._names_by_prefix(kind, [names.name_key(incomplete)], limit, drama_id)
        prefixes = names.prefix_keys(incomplete)
        if found and incomplete.isascii():  # the readings with a surname and a given name
            prefixes = [prefix for prefix in prefixes if names.JOIN in prefix]
        elif found:
            prefixes = []
        if prefixes and len(found) < limit:
            sounding = self._names_by_prefix(kind, prefixes, limit, drama_id)
            found += [name for name in sounding if name not in found][: limit - len(found)]
        if not found:
            popular = names.popular_prefix_keys(incomplete)
            found = self._names_by_prefix(kind, popular, limit, drama_id)
        return found

    def complete_roles(
        self, drama_id: int, incomplete: str, limit: int = 50
    ) -> list[tuple[str, str]]:
        """The characters of one drama that ``incomplete`` begins, in any spelling (as
        ``complete_names`` finds them), each with the name of who plays them."""
        found = self.complete_names(NameKind.CHARACTER, incomplete, limit, drama_id=drama_id)
        rows = self.conn.execute(
            "SELECT c.name, p.name FROM characters c JOIN people p ON p.id = c.person_id"
            " WHERE c.drama_id = ? ORDER BY c.id",
            (drama_id,),
        )
        actors: dict[str, str] = {}
        for character, actor in rows:
            if isinstance(character, str) and isinstance(actor, str):
                actors.setdefault(character, actor)
        return [(name, actors[name]) for name, _ in found if name in actors]

    def _names_by_prefix(
        self, kind: NameKind, prefixes: list[str], limit: int, drama_id: int | None = None
    ) -> list[tuple[str, str | None]]:
        t = _NAME_TABLES[kind]
        params: dict[str, Any] = {"limit": limit}
        ranges = []
        for i, prefix in enumerate(prefixes):
            ranges.append(f"(k.key >= :p{i} AND k.key < :q{i})")
            params[f"p{i}"], params[f"q{i}"] = prefix, prefix + "\U0010ffff"
        if not ranges:
            return []
        within = ""
        if drama_id is not None and kind is NameKind.CHARACTER:
            within, params["drama_id"] = " AND e.drama_id = :drama_id", drama_id
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                f"SELECT DISTINCT e.{t.name}, e.{t.korean} FROM {t.keys} k"
                f" JOIN {t.table} e ON e.id = k.{t.key_id} WHERE ({' OR '.join(ranges)})"
                f"{within} ORDER BY e.{t.name} LIMIT :limit",
                params,
            )
            if isinstance(row[0], str) and isinstance(row[1], (str, type(None)))
        ]


_T = TypeVar("_T")


class Superseded(Exception):
    """A read given up, or stopped half-way, because a newer one replaced it
    (``Reader.supersede``): its answer is wanted by no one."""


class Reader:
    """A catalog's second, read-only connection, for an app that reads in worker
    threads so that its event loop stays free (``kdrama tui``): one read at a time,
    from any thread, and a read made stale by a newer one stops at once.

    Each read is made for a ticket, taken on the app's thread; ``supersede`` takes a
    new one and interrupts the statement running (``sqlite3.Connection.interrupt``),
    so a read for an older ticket raises Superseded instead of giving its answer,
    whether it was waiting for its turn or half-way. SQLite interrupts only what runs:
    a statement of an old read that starts after the interrupt runs to its end, and
    is then dropped."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = Catalog(open_reader(catalog.location), catalog.location)
        self._turn = threading.Lock()
        self.ticket = 0
        self._closed = False

    def supersede(self) -> int:
        """A new ticket, which every read for an older one gives way to."""
        self.ticket += 1
        self.catalog.conn.interrupt()
        return self.ticket

    def read(self, ticket: int, do: Callable[[Catalog], _T]) -> _T:
        """``do(catalog)`` on this connection, in the caller's thread, once no other
        read runs; Superseded when ``ticket`` is no longer the newest, before or after."""
        with self._turn:
            if ticket != self.ticket or self._closed:
                raise Superseded
            try:
                answer = do(self.catalog)
            except (sqlite3.Error, KdramaError):
                if ticket != self.ticket:  # interrupted, as the library may have said it
                    raise Superseded from None
                raise
            if ticket != self.ticket:
                raise Superseded
            return answer

    def close(self) -> None:
        """Stop the read running, if any, and close the connection."""
        self.supersede()
        with self._turn:
            self._closed = True
            self.catalog.close()
