"""Full scenes, with their cast, for a list of scene ids: how every reader of a catalog
turns the ids a query found into ``Scene`` values.

Below ``catalog`` (whose queries use it) and ``bundle`` (which copies the bundled
scenes with it), so that bundle need not import the catalog that imports it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from .models import Role, Scene


def load_scenes(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Scene]:
    """Full scenes for these ids, in the order given."""
    id_list = json.dumps(list(ids))
    actors: dict[int, list[str]] = {}
    for scene_id, name in conn.execute(
        "SELECT sp.scene_id, p.name FROM scene_people sp JOIN people p ON p.id = sp.person_id"
        " WHERE sp.scene_id IN (SELECT value FROM json_each(:ids))"
        " ORDER BY sp.scene_id, sp.position",
        {"ids": id_list},
    ):
        actors.setdefault(scene_id, []).append(name)
    roles: dict[int, list[Role]] = {}
    for scene_id, *role in conn.execute(
        "SELECT sc.scene_id, c.name, p.name, c.name_korean, p.name_korean"
        " FROM scene_characters sc JOIN characters c ON c.id = sc.character_id"
        " JOIN people p ON p.id = c.person_id"
        " WHERE sc.scene_id IN (SELECT value FROM json_each(:ids))"
        " ORDER BY sc.scene_id, sc.position",
        {"ids": id_list},
    ):
        roles.setdefault(scene_id, []).append(Role(*role))
    cursor = conn.execute(
        "SELECT s.id, s.title, d.title AS drama, d.year, s.description,"
        " d.title_korean AS drama_korean, d.network, s.rank, src.name AS source,"
        " s.favorite = 1 AS favorite, s.rating,"
        " src.title AS source_title, src.credit AS source_credit"
        " FROM scenes s JOIN dramas d ON d.id = s.drama_id"
        " LEFT JOIN sources src ON src.id = s.source_id"
        " WHERE s.id IN (SELECT value FROM json_each(:ids))",
        {"ids": id_list},
    )
    columns = [column[0] for column in cursor.description]
    scenes: dict[int, Scene] = {}
    for row in cursor:
        fields = dict(zip(columns, row, strict=True))
        fields["favorite"] = bool(fields["favorite"])
        scene_id = fields["id"]
        scenes[scene_id] = Scene(
            **fields,
            actors=tuple(actors.get(scene_id, ())),
            characters=tuple(roles.get(scene_id, ())),
        )
    return [scenes[i] for i in ids if i in scenes]
