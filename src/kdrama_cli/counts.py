"""The scene counts a catalog keeps: each person's, drama's and character's number
of scenes, so that counting actors and dramas reads a few rows instead of every scene.

Counting a large catalog's every actor or drama would read all its cast rows, so the
catalog keeps each person's, drama's and character's number of scenes (tables
``person_counts`` and ``drama_counts``, indexed most first, and ``character_counts``).
Triggers mark those a write touches in ``person_counts_stale`` and the like;
``refresh_counts`` counts exactly those again, from their indexes, before the write
commits (``storage.transaction`` calls it), so the kept counts always equal a count from
scratch. ``facets`` reads them to answer the questions without a filter.

Kept apart from ``facets`` (which counts through ``Catalog``) so that ``storage`` and
``migrations``, below the catalog, can keep the counts without importing it.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple


class _Kept(NamedTuple):
    """A kept count: its table, the column it is kept by, the table whose rows it
    counts, and whether it is indexed most first (for the top rows)."""

    table: str
    key: str
    counted: str
    ranked: bool


KEPT = (
    _Kept("person_counts", "person_id", "scene_people", ranked=True),
    _Kept("drama_counts", "drama_id", "scenes", ranked=True),
    _Kept("character_counts", "character_id", "scene_characters", ranked=False),
    _Kept("tag_counts", "tag_id", "scene_tags", ranked=True),
)
# Schema 4 kept the first three; schema 6 added the tags' counts.
KEPT_V4 = KEPT[:3]


def _trigger(kept: str, event: str, counted: str) -> str:
    return f"{kept}_{counted}_{event.split()[0].lower()}"


# The triggers that mark counts stale when a scene or a member of its cast is inserted.
# A bulk write may drop them while it writes, then call count_all.
INSERT_TRIGGERS = tuple(_trigger(kept.table, "INSERT", kept.counted) for kept in KEPT)


def counts_schema(kept: tuple[_Kept, ...] = KEPT) -> str:
    """The tables of scenes per person, drama, character and tag (or those of
    ``kept``), the lists of those to count again, and the triggers that keep the
    lists, as SQL."""
    statements: list[str] = []
    for table, key, counted, ranked in kept:
        statements += [
            f"CREATE TABLE {table} ({key} INTEGER PRIMARY KEY, scenes INTEGER NOT NULL);",
            *([f"CREATE INDEX {table}_most ON {table}(scenes DESC);"] if ranked else []),
            f"CREATE TABLE {table}_stale ({key} INTEGER PRIMARY KEY);",
            _stale_for(table, key, "INSERT", counted, "NEW"),
            _stale_for(table, key, "DELETE", counted, "OLD"),
            _stale_for(
                table,
                key,
                f"UPDATE OF {key}",
                counted,
                "OLD",
                "NEW",
                when=f"OLD.{key} IS NOT NEW.{key}",
            ),
        ]
    return "\n".join(statements)


def _stale_for(
    table: str, key: str, event: str, counted: str, *rows: str, when: str | None = None
) -> str:
    """A trigger that marks the ``key`` of the rows a change to ``counted`` touches."""
    name = _trigger(table, event, counted)
    condition = f" WHEN {when}" if when else ""
    values = ", ".join(f"({row}.{key})" for row in rows)
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {counted}{condition} BEGIN"
        f" INSERT OR IGNORE INTO {table}_stale ({key}) VALUES {values}; END;"
    )


def refresh_counts(conn: sqlite3.Connection) -> None:
    """Count again the scenes of the people, dramas and characters marked stale,
    inside the caller's transaction: one pass over their rows in the cast and scene
    indexes. Those left with no scene leave the counts."""
    for table, key, counted, _ in KEPT:
        stale = f"SELECT {key} FROM {table}_stale"
        if conn.execute(stale + " LIMIT 1").fetchone() is None:
            continue
        conn.execute(f"DELETE FROM {table} WHERE {key} IN ({stale})")
        conn.execute(
            f"INSERT INTO {table} ({key}, scenes) SELECT {key}, count(*) FROM {counted}"
            f" WHERE {key} IN ({stale}) GROUP BY {key}"
        )
        conn.execute(f"DELETE FROM {table}_stale")


def count_all(conn: sqlite3.Connection, kept: tuple[_Kept, ...] = KEPT) -> None:
    """Count every person's, drama's, character's and tag's scenes (or those of
    ``kept``) from scratch, inside the caller's transaction: for a catalog that had no
    counts, or was written in bulk."""
    for table, key, counted, _ in kept:
        conn.execute(f"DELETE FROM {table}")
        conn.execute(
            f"INSERT INTO {table} ({key}, scenes) SELECT {key}, count(*) FROM {counted}"
            f" GROUP BY {key}"
        )
        conn.execute(f"DELETE FROM {table}_stale")


def are_kept(conn: sqlite3.Connection, table: str) -> bool:
    """Whether this catalog keeps the counts of ``table`` and none waits to be counted
    again: catalogs older than schema 4, and those written by other programs since
    kdrama last wrote them, are counted from scratch."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (f"{table}_stale",)
    ).fetchone()
    return bool(has_table) and not conn.execute(f"SELECT 1 FROM {table}_stale LIMIT 1").fetchone()
