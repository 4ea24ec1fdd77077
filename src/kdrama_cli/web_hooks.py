"""What kdrama adds to Datasette (a plugin that ``web.make_datasette`` registers):
search with kdrama's own query parser, and facets and an actor filter that read the
catalog's indexes and kept counts instead of the scene view.

The scene view (``scenes_with_cast``) builds each scene's actors as a JSON array, which
costs a few seconds over 200,000 scenes: Datasette's array facet and its
``actors__arraycontains`` filter both build it for every scene, and its column facets
read the whole view. Here:

- the ``counted`` facets (``{"counted": "actors"}``, ``"drama"`` or ``"year"`` in a
  table's metadata) count the scenes of each actor, drama or year from the kept counts
  (``counts.py``) when the page has no filter, and otherwise from the cast and scene
  tables, for the ids of the filtered scenes only;
- ``_actor=NAME`` selects the scenes of an actor through ``catalog.filter_query``, the
  filter ``kdrama list --actor`` uses, so names match as they do there (any spelling
  whose key matches, Hangul included); the drama and year facets select with
  Datasette's own column filters (``drama=…``, ``year=…``), which the indexes answer;
- ``escape_fts``, the SQL function Datasette wraps a ``_search`` in, becomes
  ``search.parse_query`` plus ``search.match_expression``: a search on the web page
  finds what ``kdrama search`` finds (stemmed words, Hangul inside words, filler words
  skipped). Results come in the page's order (by id), not ranked as ``search`` ranks.

Imported only once Datasette is known to be there; it registers itself into
Datasette's plugin manager once per process (``register``).
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.plugins import pm
from datasette.utils import path_with_added_args, path_with_removed_args

from . import counts, search
from .catalog import filter_query
from .models import SceneFilter

FACET = "counted"
"""The facet type, in a table's metadata: ``{"counted": "actors"}``."""

ACTOR = "_actor"
"""The query-string argument that selects the scenes of an actor."""

NOTHING = '""'
"""A match expression that matches no scene: FTS5's empty phrase."""


def register() -> None:
    """Add kdrama's hooks to Datasette's plugin manager, once per process."""
    if not pm.is_registered(KdramaPlugin):
        pm.register(KdramaPlugin, name="kdrama")


def match_expression(query: str | None) -> str:
    """The FTS5 expression ``kdrama search`` would look for with ``query``; for a
    query with nothing to look for, one that matches nothing."""
    try:
        return search.match_expression(search.parse_query(query or ""))
    except ValueError:
        return NOTHING


# How each counted facet counts: the argument a click adds, the kept counts it reads
# with no filter, the SQL for that, and the SQL among the rows the page selects
# ({rows}: the page's SQL, unordered, which has the scene's id, drama and year). With
# no filter the kept counts are read (a few thousand rows however many scenes);
# with one, an actor's scenes are counted per person first, from the cast index, then
# summed per name, which halves the time on a filter that keeps most scenes.
_COUNTS: dict[str, tuple[str, str, str, str]] = {
    "actors": (
        ACTOR,
        "person_counts",
        "SELECT p.name AS value, sum(k.scenes) AS count FROM person_counts k"
        " JOIN people p ON p.id = k.person_id GROUP BY p.name",
        "SELECT p.name AS value, sum(k.scenes) AS count FROM ("
        "SELECT sp.person_id, count(*) AS scenes FROM ({rows}) v"
        " JOIN scene_people sp ON sp.scene_id = v.id GROUP BY sp.person_id) k"
        " JOIN people p ON p.id = k.person_id GROUP BY p.name",
    ),
    "drama": (
        "drama",
        "drama_counts",
        "SELECT d.title AS value, sum(k.scenes) AS count FROM drama_counts k"
        " JOIN dramas d ON d.id = k.drama_id GROUP BY d.title",
        "SELECT drama AS value, count(*) AS count FROM ({rows}) GROUP BY drama",
    ),
    "year": (
        "year",
        "drama_counts",
        "SELECT d.year AS value, sum(k.scenes) AS count FROM drama_counts k"
        " JOIN dramas d ON d.id = k.drama_id GROUP BY d.year",
        "SELECT year AS value, count(*) AS count FROM ({rows}) GROUP BY year",
    ),
}

_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)


class CountedFacet(Facet):  # type: ignore[misc]  # Datasette has no types
    """A facet over a scene table or view by actor, drama or year, counted from the
    catalog's tables rather than from the rows Datasette selects (see the module)."""

    type = FACET

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source in self.get_configs():
            name = source["config"]["simple"]
            if name not in _COUNTS:
                continue
            try:
                rows = await self._count(name, size + 1)
            except QueryInterrupted:
                timed_out.append(name)
                continue
            argument = _COUNTS[name][0]
            results.append(
                {
                    "name": name,
                    "type": self.type,
                    "hideable": False,
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet": name})
                    ),
                    "results": [
                        self._value(argument, value, count, pairs) for value, count in rows[:size]
                    ],
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out

    async def _count(self, name: str, limit: int) -> list[tuple[Any, int]]:
        """The values of facet ``name`` with their numbers of scenes, most first."""
        _, kept, unfiltered, filtered = _COUNTS[name]
        params: dict[str, Any] = dict(self.params)
        kept_counts = not _WHERE.search(self.sql) and await self.ds.get_database(
            self.database
        ).execute_fn(lambda conn: counts.are_kept(conn, kept))
        sql = unfiltered if kept_counts else filtered.format(rows=self.sql)
        params["_facet_limit"] = limit
        found = await self.ds.execute(
            self.database,
            f"{sql} ORDER BY count DESC, value LIMIT :_facet_limit",
            params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )
        return [(row["value"], row["count"]) for row in found.rows]

    def _value(
        self, argument: str, value: Any, count: int, pairs: list[tuple[str, str]]
    ) -> dict[str, Any]:
        selected = (argument, str(value)) in pairs
        if selected:
            path = path_with_removed_args(self.request, {argument: str(value)})
        else:
            path = path_with_added_args(self.request, {argument: value})
        return {
            "value": value,
            "label": value,
            "count": count,
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
            "selected": selected,
        }


def _has_actor_facet(datasette: Any, database: str, table: str | None) -> bool:
    """Whether ``table`` is a scene table with the counted actor facet: the tables
    where ``_actor`` selects scenes."""
    if table is None:
        return False
    facets = (datasette.table_metadata(database, table) or {}).get("facets", [])
    return {FACET: "actors"} in facets


class KdramaPlugin:
    """The hooks kdrama adds to Datasette."""

    @staticmethod
    @hookimpl(trylast=True)  # type: ignore[untyped-decorator]  # after Datasette's own escape_fts
    def prepare_connection(conn: sqlite3.Connection) -> None:
        """Every connection Datasette opens in this process reads ``_search`` as
        ``kdrama search`` does: the process serves nothing but a kdrama catalog."""
        conn.create_function("escape_fts", 1, match_expression, deterministic=True)

    @staticmethod
    @hookimpl  # type: ignore[untyped-decorator]
    def register_facet_classes() -> list[type[Facet]]:
        return [CountedFacet]

    @staticmethod
    @hookimpl  # type: ignore[untyped-decorator]
    def filters_from_request(
        request: Any, database: str, table: str | None, datasette: Any
    ) -> FilterArguments | None:
        actors = [name for name in request.args.getlist(ACTOR) if name.strip()]
        if not actors or not _has_actor_facet(datasette, database, table):
            return None
        query = filter_query(SceneFilter(actors=tuple(actors)))
        return FilterArguments(
            [f"id IN ({query.sql()})"],
            query.params,
            [f'actor is "{name}"' for name in actors],
        )
