"""Full scenes, with their cast, for a list of scene ids: how every reader of a catalog
turns the ids a query found into ``Scene`` values.

Below ``catalog`` (whose queries use it) and ``bundle`` (which copies the bundled
scenes with it), so that bundle need not import the catalog that imports it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from .models import Role, Scene


def load_scenes(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Scene]:
    """Full scenes for these ids, in the order given: with every name the catalog knows
    of their drama, actors and characters (Korean names and aliases), as a backup
    must hold them."""
    id_list = json.dumps(list(ids))
    actors: dict[int, list[tuple[str, str | None, int]]] = {}
    for scene_id, *person in conn.execute(
        "SELECT sp.scene_id, p.name, p.name_korean, p.id"
        " FROM scene_people sp JOIN people p ON p.id = sp.person_id"
        " WHERE sp.scene_id IN (SELECT value FROM json_each(:ids))"
        " ORDER BY sp.scene_id, sp.position",
        {"ids": id_list},
    ):
        actors.setdefault(scene_id, []).append((person[0], person[1], person[2]))
    roles: dict[int, list[tuple[Role, int]]] = {}
    for scene_id, *role, character_id in conn.execute(
        "SELECT sc.scene_id, c.name, p.name, c.name_korean, p.name_korean, c.id"
        " FROM scene_characters sc JOIN characters c ON c.id = sc.character_id"
        " JOIN people p ON p.id = c.person_id"
        " WHERE sc.scene_id IN (SELECT value FROM json_each(:ids))"
        " ORDER BY sc.scene_id, sc.position",
        {"ids": id_list},
    ):
        roles.setdefault(scene_id, []).append((Role(*role), character_id))
    cursor = conn.execute(
        "SELECT s.id, s.title, d.title AS drama, d.year, s.description,"
        " d.title_korean AS drama_korean, d.network, s.rank, src.name AS source,"
        " s.favorite = 1 AS favorite, s.rating,"
        " src.title AS source_title, src.credit AS source_credit, s.drama_id,"
        " s.episode, s.time, s.note"
        " FROM scenes s JOIN dramas d ON d.id = s.drama_id"
        " LEFT JOIN sources src ON src.id = s.source_id"
        " WHERE s.id IN (SELECT value FROM json_each(:ids))",
        {"ids": id_list},
    )
    columns = [column[0] for column in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor]
    aliases = _Aliases(conn, rows, actors.values(), roles.values())
    urls = _lists(conn, "SELECT scene_id, url FROM scene_urls", id_list)
    tags = _lists(conn, "SELECT scene_id, name FROM scene_tags JOIN tags ON id = tag_id", id_list)
    scenes: dict[int, Scene] = {}
    for fields in rows:
        fields["favorite"] = bool(fields["favorite"])
        scene_id = fields["id"]
        cast = actors.get(scene_id, [])
        scenes[scene_id] = Scene(
            **{name: value for name, value in fields.items() if name != "drama_id"},
            actors=tuple(name for name, _, _ in cast),
            characters=tuple(
                role._replace(aliases=aliases.characters.get(character_id, ()))
                for role, character_id in roles.get(scene_id, ())
            ),
            drama_aliases=aliases.dramas.get(fields["drama_id"], ()),
            actors_korean=tuple(korean for _, korean, _ in cast),
            actor_aliases=tuple(aliases.people.get(person_id, ()) for _, _, person_id in cast),
            urls=urls.get(scene_id, ()),
            tags=tags.get(scene_id, ()),
        )
    return [scenes[i] for i in ids if i in scenes]


def _lists(conn: sqlite3.Connection, select: str, id_list: str) -> dict[int, tuple[str, ...]]:
    """The clip links or tags of some scenes (``select`` gives a scene's id and one of
    them, from a table with a ``position``), in order, by scene id. One query for the
    batch, which finds nothing at once in a catalog without any."""
    found: dict[int, list[str]] = {}
    for scene_id, value in conn.execute(
        f"{select} WHERE scene_id IN (SELECT value FROM json_each(?)) ORDER BY scene_id, position",
        (id_list,),
    ):
        found.setdefault(scene_id, []).append(value)
    return {scene_id: tuple(values) for scene_id, values in found.items()}


class _Aliases:
    """The aliases of the dramas, people and characters of some scenes, sorted, by id."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        rows: Iterable[dict[str, Any]],
        actors: Iterable[list[tuple[str, str | None, int]]],
        roles: Iterable[list[tuple[Role, int]]],
    ) -> None:
        self.conn = conn
        self.dramas = self._of("drama_aliases", "drama_id", {row["drama_id"] for row in rows})
        people = {person_id for cast in actors for _, _, person_id in cast}
        self.people = self._of("person_aliases", "person_id", people)
        characters = {character_id for cast in roles for _, character_id in cast}
        self.characters = self._of("character_aliases", "character_id", characters)

    def _of(self, table: str, column: str, ids: set[int]) -> dict[int, tuple[str, ...]]:
        found: dict[int, list[str]] = {}
        if ids:
            for row_id, alias in self.conn.execute(
                f"SELECT {column}, alias FROM {table}"
                f" WHERE {column} IN (SELECT value FROM json_each(?)) ORDER BY {column}, alias",
                (json.dumps(sorted(ids)),),
            ):
                found.setdefault(row_id, []).append(alias)
        return {row_id: tuple(aliases) for row_id, aliases in found.items()}
