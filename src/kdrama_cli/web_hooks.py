"""What kdrama adds to Datasette (a plugin that ``web.make_datasette`` registers):
search with kdrama's own query parser, facets and actor and tag filters that read the
catalog's indexes and kept counts instead of the scene view, and scene cells shown as
people read them (clip links with thumbnails, tags, times, notes).

The scene view (``scenes_with_cast``) builds each scene's actors as a JSON array, which
costs a few seconds over 200,000 scenes: Datasette's array facet and its
``actors__arraycontains`` filter both build it for every scene, and its column facets
read the whole view. Here:

- the ``counted`` facets (``{"counted": "actors"}``, ``"drama"``, ``"year"`` or
  ``"tags"`` in a table's metadata) count the scenes of each actor, drama, year or tag
  from the kept counts (``counts.py``) when the page has no filter, and otherwise from
  the cast, tag and scene tables, for the ids of the filtered scenes only;
- ``_actor=NAME`` selects the scenes of an actor through ``catalog.filter_query``, the
  filter ``kdrama list --actor`` uses, so names match as they do there (any spelling
  whose key matches, Hangul included); ``_tag=NAME`` the scenes with a tag, matched by
  its key (``moments.tag_key``: Kiss is kiss), through the ``scene_tags_tag`` index;
  each repeated means all of them; the drama and year facets select with Datasette's
  own column filters (``drama=…``, ``year=…``), which the indexes answer;
- ``render_cell`` shows the scene view's clip links as links (only those
  ``moments.check_url`` takes, checked again here since any program may have written
  the file; the others as text), each YouTube link with its thumbnail from YouTube's
  image server (``moments.thumbnail_url``: the browser loads it, kdrama downloads
  nothing); its tags as links that show the scenes with that tag; its episode and time
  as ``E10 42:13``; and notes, tags and links with their control characters written
  out (``text.visible``), all escaped: catalog text is never read as markup; a
  scene's own page (the ``scenes`` table's row page, template
  ``templates/row-scenes-scenes.html``) shows its clip links and tags the same way;
- ``escape_fts``, the SQL function Datasette wraps a ``_search`` in, becomes
  ``search.parse_query`` plus ``search.match_expression``: a search on the web page
  finds what ``kdrama search`` finds (stemmed words, Hangul inside words, filler words
  skipped). Results come in the page's order (by id), not ranked as ``search`` ranks.

Imported only once Datasette is known to be there; it registers itself into
Datasette's plugin manager once per process (``register``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.plugins import pm
from datasette.utils import path_with_added_args, path_with_removed_args, tilde_decode
from markupsafe import Markup, escape

from . import counts, moments, search
from .catalog import filter_query
from .models import SceneFilter
from .text import visible

FACET = "counted"
"""The facet type, in a table's metadata: ``{"counted": "actors"}``."""

ACTOR = "_actor"
"""The query-string argument that selects the scenes of an actor."""

TAG = "_tag"
"""The query-string argument that selects the scenes with a tag."""

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
    "tags": (
        TAG,
        "tag_counts",
        "SELECT t.name AS value, k.scenes AS count FROM tag_counts k"
        " JOIN tags t ON t.id = k.tag_id",
        "SELECT t.name AS value, k.scenes AS count FROM ("
        "SELECT st.tag_id, count(*) AS scenes FROM ({rows}) v"
        " JOIN scene_tags st ON st.scene_id = v.id GROUP BY st.tag_id) k"
        " JOIN tags t ON t.id = k.tag_id",
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
            "label": visible(value) if isinstance(value, str) else value,
            "count": count,
            "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
            "selected": selected,
        }


def _has_facet(datasette: Any, database: str, table: str | None, name: str) -> bool:
    """Whether ``table`` is a scene table with the counted facet ``name``: the tables
    where ``_actor`` (for "actors") or ``_tag`` (for "tags") selects scenes."""
    if table is None:
        return False
    facets = (datasette.table_metadata(database, table) or {}).get("facets", [])
    return {FACET: name} in facets


def _actor_filter(actors: Sequence[str]) -> tuple[list[str], dict[str, Any], list[str]]:
    query = filter_query(SceneFilter(actors=tuple(actors)))
    return (
        [f"id IN ({query.sql()})"],
        dict(query.params),
        [f'actor is "{name}"' for name in actors],
    )


def _tag_filter(tags: Sequence[str]) -> tuple[list[str], dict[str, Any], list[str]]:
    # One condition per tag, each answered from the scene_tags_tag index: all of them.
    where = [
        f"id IN (SELECT st.scene_id FROM scene_tags st JOIN tags t ON t.id = st.tag_id"
        f" WHERE t.key = :_kdrama_tag_{number})"
        for number in range(len(tags))
    ]
    params = {f"_kdrama_tag_{number}": moments.tag_key(tag) for number, tag in enumerate(tags)}
    return where, params, [f'tag is "{visible(tag)}"' for tag in tags]


# Cells shown differently in the scene view and the tables of the catalog, by table and
# column: see render_cell, which Datasette calls for every cell of every page.
_RENDERED = frozenset({"urls", "tags", "episode", "time", "note", "url"})
_CLIP_THUMBNAIL = (
    '<img src="{src}" alt="Thumbnail of the clip" loading="lazy"'
    ' referrerpolicy="no-referrer" width="160" height="120">'
)


def clip_links(urls: Sequence[str], seconds: int | None = None) -> Markup:
    """A scene's clip links as HTML: each link kdrama takes (``moments.check_url``) as
    a link that opens apart from the page (at ``seconds`` where the site takes a time),
    after its thumbnail for a YouTube video; any other text as text."""
    shown: list[Markup] = []
    for url in urls:
        try:
            moments.check_url(url)
        except ValueError:
            shown.append(Markup('<span class="kdrama-not-a-link">{}</span>').format(visible(url)))
            continue
        thumbnail = moments.thumbnail_url(url)
        image = Markup(_CLIP_THUMBNAIL).format(src=thumbnail) if thumbnail else Markup("")
        shown.append(
            Markup('<a class="kdrama-clip" href="{}" rel="noopener noreferrer">{}{}</a>').format(
                moments.at_time(url, seconds),
                image + Markup("<br>") if thumbnail else image,
                url,
            )
        )
    return Markup("<br>").join(shown)


def tag_links(tags: Sequence[str], table_path: str) -> Markup:
    """A scene's tags as HTML links, each to the scenes with that tag."""
    return Markup(", ").join(
        Markup('<a class="kdrama-tag" href="{}">{}</a>').format(
            f"{table_path}?{urlencode({TAG: tag})}", visible(tag)
        )
        for tag in tags
    )


def moment(episode: Any, seconds: Any) -> str | None:
    """Where a scene is, as tables show it: "E10 42:13", "E10", "42:13"; None for
    values that are not an episode and a time (a file another program wrote)."""
    parts: list[str] = []
    try:
        if episode is not None:
            parts.append(f"E{moments.check_episode(int(episode))}")
        if seconds is not None:
            parts.append(moments.format_time(moments.check_time(int(seconds))))
    except (TypeError, ValueError):
        return None
    return " ".join(parts) or None


def _tagged_table(datasette: Any, database: str) -> str | None:
    """The table or view whose tags facet a click on a tag filters: the scene view."""
    tables = datasette.metadata("tables", database=database) or {}
    return next((name for name in tables if _has_facet(datasette, database, name, "tags")), None)


async def scene_page_vars(datasette: Any, database: str, request: Any) -> dict[str, Markup]:
    """The clip links and tags of the scene whose row page is asked for, as HTML."""
    try:
        scene_id = int(tilde_decode(request.url_vars["pks"]))
    except (KeyError, ValueError):
        return {}
    db = datasette.get_database(database)
    urls = await db.execute(
        "SELECT url FROM scene_urls WHERE scene_id = ? ORDER BY position", [scene_id]
    )
    tags = await db.execute(
        "SELECT t.name FROM scene_tags st JOIN tags t ON t.id = st.tag_id"
        " WHERE st.scene_id = ? ORDER BY st.position",
        [scene_id],
    )
    found = (await db.execute("SELECT time FROM scenes WHERE id = ?", [scene_id])).first()
    seconds = found[0] if found is not None and isinstance(found[0], int) else None
    table = _tagged_table(datasette, database)
    shown: dict[str, Markup] = {}
    if urls.rows:
        shown["kdrama_links"] = clip_links([row[0] for row in urls.rows], seconds)
    if tags.rows and table is not None:
        shown["kdrama_tags"] = tag_links(
            [row[0] for row in tags.rows], datasette.urls.table(database, table)
        )
    return shown


def _strings(value: Any) -> list[str] | None:
    """A JSON array of strings from the view, or None for anything else."""
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return None
    return items


def _column(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (IndexError, KeyError):
        return None


def render_scene_cell(row: Any, value: Any, column: str, table_path: str) -> Markup | None:
    """How a cell of the scene view is shown, or None for Datasette's own way. A scene
    with no link or tag shows an empty cell, as for a missing value, not an empty JSON
    array."""
    if column == "urls":
        urls = _strings(value)
        if urls == []:
            return Markup("&nbsp;")  # Datasette takes an empty string as "not handled"
        seconds = _column(row, "time")
        at = seconds if isinstance(seconds, int) and seconds >= 0 else None
        return None if urls is None else clip_links(urls, at)
    if column == "tags":
        tags = _strings(value)
        if tags == []:
            return Markup("&nbsp;")  # Datasette takes an empty string as "not handled"
        return None if tags is None else tag_links(tags, table_path)
    if column == "episode" and value is not None:
        shown = moment(value, _column(row, "time"))
        return None if shown is None else escape(shown)
    if column == "time" and value is not None:
        shown = moment(None, value)
        return None if shown is None else escape(shown)
    if column == "note" and isinstance(value, str):
        return escape(visible(value))
    return None


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
        where: list[str] = []
        params: dict[str, Any] = {}
        shown: list[str] = []
        for argument, facet, make in ((ACTOR, "actors", _actor_filter), (TAG, "tags", _tag_filter)):
            values = [value for value in request.args.getlist(argument) if value.strip()]
            if values and _has_facet(datasette, database, table, facet):
                more_where, more_params, more_shown = make(values)
                where += more_where
                params.update(more_params)
                shown += more_shown
        return FilterArguments(where, params, shown) if where else None

    @staticmethod
    @hookimpl  # type: ignore[untyped-decorator]
    def extra_template_vars(
        database: str, table: str | None, view_name: str, request: Any, datasette: Any
    ) -> Any:
        if view_name != "row" or table != "scenes" or request is None:
            return None

        async def scene_vars() -> dict[str, Markup]:
            return await scene_page_vars(datasette, database, request)

        return scene_vars

    @staticmethod
    @hookimpl  # type: ignore[untyped-decorator]
    def render_cell(
        row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
    ) -> Markup | None:
        if table is None or column not in _RENDERED:  # most cells, at once
            return None
        if _has_facet(datasette, database, table, "tags"):
            return render_scene_cell(row, value, column, datasette.urls.table(database, table))
        if (table, column) == ("scene_urls", "url") and isinstance(value, str):
            return clip_links([value])
        if (table, column) == ("scenes", "time") and value is not None:
            shown = moment(None, value)
            return None if shown is None else escape(shown)
        if (table, column) == ("scenes", "note") and isinstance(value, str):
            return escape(visible(value))
        return None
