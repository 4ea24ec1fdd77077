"""The catalog in Datasette, read-only: what ``kdrama browse`` serves.

Datasette is an optional extra (``kdrama[web]``: ``install_hint`` says how to add it to
kdrama as it was installed) and is imported only when a Datasette is made. The metadata
gives the site its title and descriptions (the home page links to the scene view and
searches it), hides the catalog's internal tables, and sets up the ``scenes_with_cast``
view (one row per scene, its actors as a JSON array): the search box searches the index
``kdrama search`` uses, and facets by actor, drama, year and tag are counted from the
kept counts and indexes, so that they answer on a catalog of any size (``web_hooks``,
the plugin this module registers, says how, and how links, tags, times and notes are
shown).

The scene view served has the catalog's ``scenes_with_cast`` columns and, after them,
each scene's episode, time, clip links, tags and note, in the order of the JSON
contract: every connection to the catalog gets a temporary view of that name (which
SQLite reads before the file's own) that adds them to the file's view. The file's view
is left as it is for the tools that read the file.

Nothing served can change the file: every connection Datasette opens to it is
read-only (``immutable=1`` for the bundled catalog, ``mode=ro`` for the others, even
the one Datasette would use for writes), and Datasette 0.65 has no write API.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import search
from .errors import CatalogError, MissingExtra
from .install import Install, extra_hint
from .migrations import SCHEMA_VERSION
from .storage import check_is_catalog

if TYPE_CHECKING:
    from datasette.app import Datasette

DATABASE = "scenes"
"""The database's name in Datasette, and so in its URLs, whatever the file is called."""

VIEW = "scenes_with_cast"

# The full-text index and its shadow tables, the scenes waiting to be re-indexed, the
# name keys, the record of bundled scenes taken in and the kept scene counts (with
# those waiting to be counted again): kdrama's machinery, not data.
_INTERNAL = re.compile(r"scene_search(_.*)?|search_stale|.*_keys|bundled_scenes|.*_counts(_stale)?")

# The scene view as served: the file's view, then where the moment is, where to watch
# it, its tags and the note, one row per scene still (joined on the scene's key).
_SCENE_VIEW = f"""CREATE TEMP VIEW {VIEW} AS
SELECT v.*, s.episode, s.time,
    (SELECT json_group_array(url) FROM (
        SELECT u.url FROM main.scene_urls u WHERE u.scene_id = s.id ORDER BY u.position
    )) AS urls,
    (SELECT json_group_array(name) FROM (
        SELECT t.name FROM main.scene_tags st JOIN main.tags t ON t.id = st.tag_id
        WHERE st.scene_id = s.id ORDER BY st.position
    )) AS tags,
    s.note
FROM main.{VIEW} v JOIN main.scenes s ON s.id = v.id"""

_TABLES: dict[str, dict[str, Any]] = {
    VIEW: {
        "description": (
            "One row per scene, with its drama, its cast, where it is, its clip links "
            "and tags. Search as kdrama search does, click an actor, drama, year or tag "
            "to narrow the scenes down, or filter any column with the filters above."
        ),
        # Counted from the catalog's indexes and kept counts (web_hooks.CountedFacet),
        # not from the view, whose actors cost seconds to build for every scene.
        "facets": [
            {"counted": "actors"},
            {"counted": "drama"},
            {"counted": "year"},
            {"counted": "tags"},
        ],
        # kdrama's search index, one row per scene (its rowid is the scene's id), read
        # with kdrama's own query parser (web_hooks.match_expression).
        "fts_table": search.TABLE,
        "fts_pk": "id",
        "sort": "id",
        "label_column": "title",
        "columns": {
            "title": "A one-line name for the scene",
            "drama": "The drama's English title",
            "drama_korean": "The drama's Korean title",
            "year": "The drama's year",
            "network": "The network that aired it",
            "actors": "The actors in the scene, in billing order (a JSON array)",
            "characters": 'The characters in the scene, as "Character (Actor)"',
            "description": "What happens, in one line",
            "favorite": "1 if you marked the scene as a favourite",
            "rating": "Your rating, 1 to 5",
            "source": "Where the scene comes from",
            "episode": "The episode the scene is in",
            "time": "When in the episode it starts, in seconds (shown as 42:13)",
            "urls": "Links to watch the clip (a JSON array)",
            "tags": "What kind of moment it is (a JSON array); click one to see its scenes",
            "note": "Your note about the scene",
        },
    },
    "scenes": {
        "description": (
            "The scenes themselves; their cast is in scene_people and scene_characters,"
            " their clip links in scene_urls and their tags in scene_tags."
        ),
        "label_column": "title",
        "sort": "id",
    },
    "dramas": {
        "description": "Dramas, with their Korean titles, years and networks.",
        "label_column": "title",
        "sort": "title",
    },
    "people": {
        "description": "Actors, with their names in Hangul.",
        "label_column": "name",
        "sort": "name",
    },
    "characters": {
        "description": "Characters: each belongs to one drama and is played by one person.",
        "label_column": "name",
        "sort": "name",
    },
    "sources": {
        "description": "The articles the scenes come from, and whom they credit.",
        "label_column": "name",
    },
    "scene_people": {"description": "Which actors are in which scene, in billing order."},
    "scene_characters": {"description": "Which characters are in which scene, in order."},
    "scene_urls": {"description": "The links to watch each scene's clip, in order."},
    "tags": {
        "description": "Tags, in the form first typed; key is what makes Kiss and kiss one tag.",
        "label_column": "name",
        "sort": "name",
    },
    "scene_tags": {"description": "Which tags each scene has, in order."},
    "drama_aliases": {"description": "Other titles a drama is known by (CLOY, Dokkaebi…)."},
    "person_aliases": {"description": "Other spellings of a person's name."},
    "character_aliases": {"description": "Other spellings of a character's name."},
}


# The home page's introduction: a link to the scene view and a search over it (relative
# URLs, so that they hold under any base URL).
_HOME = f"""<p>A catalog of memorable K-drama scenes, served read-only by kdrama browse.
Start with <a href="{DATABASE}/{VIEW}">{VIEW}</a>: every scene with its drama and cast.</p>
<form action="{DATABASE}/{VIEW}" method="get">
<label for="kdrama-search">Search the scenes</label>
<input type="search" id="kdrama-search" name="_search" placeholder="rain, Son Ye Jin, 도깨비">
<input type="submit" value="Search">
</form>"""


# Datasette counts a page's rows with "select count(*) from <view> <where>". With no
# filter, over the scene view, that reads every scene's row (a quarter of a second for
# 200,000 scenes); the same count from the scenes and dramas tables reads two indexes.
# It is the same number: the view joins each scene to its drama, and to at most one
# source (by primary key) with a LEFT JOIN, which never adds or drops a row.
_SAME_COUNT = {
    f"select count(*) from {VIEW} ": (
        "SELECT count(*) FROM scenes s JOIN dramas d ON d.id = s.drama_id"
    ),
}


def metadata(tables: list[str], sources: list[str]) -> dict[str, Any]:
    """Datasette metadata for a catalog with these tables and views and these sources
    (one line each): titles and descriptions, the internal tables hidden, and the scene
    view's facets, sort and column descriptions set up in advance."""
    settings: dict[str, dict[str, Any]] = {
        name: dict(_TABLES[name]) for name in tables if name in _TABLES
    }
    for name in tables:
        if _INTERNAL.fullmatch(name):
            settings[name] = {"hidden": True}
    site: dict[str, Any] = {
        "title": "kdrama",
        "description_html": _HOME,
        "databases": {
            DATABASE: {
                "description": "The kdrama catalog: scenes, dramas, people and characters.",
                "tables": settings,
            }
        },
    }
    if sources:
        site["source"] = "; ".join(sources)
    return site


def install_hint(install: Install) -> str:
    """One line saying how to add Datasette to kdrama as ``install`` has it."""
    return extra_hint("kdrama browse", "Datasette", install)


def make_datasette(path: Path, *, immutable: bool) -> Datasette:
    """A Datasette that serves the catalog at ``path`` read-only, named ``scenes``.

    ``immutable`` is for a file nothing will change while it is served (the bundled
    catalog): Datasette then counts its rows once. Otherwise every page reads the file
    as it is, so changes made with kdrama meanwhile show on the next page.
    Raises MissingExtra without Datasette, CatalogError for a file that is not a
    current kdrama catalog.
    """
    try:
        from datasette.app import Datasette
        from datasette.database import Database
    except ImportError:
        raise MissingExtra(install_hint(Install.current())) from None
    from . import web_hooks

    web_hooks.register()
    _plain_error_pages()

    tables, sources = _read_catalog(path)

    class ReadOnlyDatabase(Database):  # type: ignore[misc]  # Datasette has no types
        """Datasette's database, with every connection opened read-only (the one for
        writes too, so that no plugin can write either) through a proper file URI, so
        any path works, ``#`` or ``?`` or ``%`` in it included."""

        def connect(self, write: bool = False) -> sqlite3.Connection:
            mode = "mode=ro" if self.is_mutable else "immutable=1"
            conn = sqlite3.connect(
                f"{Path(self.path).as_uri()}?{mode}", uri=True, check_same_thread=False
            )
            conn.execute(_SCENE_VIEW)  # in the connection's own temporary schema
            self._all_file_connections.append(conn)
            return conn

        async def get_view_definition(self, view: str) -> str | None:
            """The file's view, and for the scene view the one served over it."""
            stored: str | None = await super().get_view_definition(view)
            if view != VIEW or stored is None:
                return stored
            return (
                f"{stored}\n\n-- Served with more columns, from a temporary view:\n{_SCENE_VIEW};"
            )

        async def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
            """Datasette's, with the scene view's unfiltered count read from the tables."""
            return await super().execute(_SAME_COUNT.get(sql, sql), *args, **kwargs)

    # No suggested facets: the scene view has its own, and each suggestion reads the
    # whole view, which on a large catalog costs a second a page for nothing shown.
    # The templates: a scene's own page shows its clip links and tags (web_hooks).
    datasette = Datasette(
        metadata=metadata(tables, sources),
        settings={"suggest_facets": False},
        template_dir=str(Path(__file__).parent / "templates"),
    )
    datasette.remove_database("_memory")
    resolved = str(path.resolve())
    datasette.add_database(
        ReadOnlyDatabase(datasette, resolved, is_mutable=not immutable), DATABASE
    )
    return datasette


def _plain_error_pages() -> None:
    """Keep Datasette from printing error pages with Rich.

    Datasette 0.65 prints the exception behind every error page with Rich whenever Rich
    can be imported, and kdrama always has Rich: each 400 would fill the terminal with a
    traceback and its locals, and each 404 (raised from no ``except`` block) makes Rich
    itself fail, so that the 404 becomes a 500. Without Rich, Datasette prints only real
    failures, plainly. (Imported after ``datasette.app``, which registers this module as
    a plugin: importing it first would register it half-loaded.)
    """
    import datasette.handle_exception as error_pages

    error_pages.rich = None


def _read_catalog(path: Path) -> tuple[list[str], list[str]]:
    """The catalog's tables and views, and its sources one line each, read without
    writing; refuses a file that is not a kdrama catalog of the current schema."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise CatalogError(f"cannot open {path}: {error}") from None
    try:
        if check_is_catalog(conn, path) < SCHEMA_VERSION:
            raise CatalogError(f"{path} needs an upgrade first; any kdrama command does it")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
            )
        ]
        sources = [
            _source_line(name, title, credit)
            for name, title, credit in conn.execute(
                "SELECT name, title, credit FROM sources ORDER BY id"
            )
        ]
    finally:
        conn.close()
    return tables, sources


def _source_line(name: str, title: str | None, credit: str | None) -> str:
    """``Cosmopolitan, "6 Most Romantic Scenes…" (credit: SCMP…)``."""
    line = f'{name}, "{title}"' if title else name
    return f"{line} (credit: {credit})" if credit else line
