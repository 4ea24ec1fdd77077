"""Bringing the bundled catalog's scenes into a user's own catalog.

A user catalog starts as a copy of the bundled scenes, and each newer kdrama may ship
more. ``bundled_scenes`` in the user catalog records every bundled id it has taken in,
so new ones are added once (with their id, when it is free) and nothing the user has
removed, edited, rated or added is touched.

``Catalog.open`` hands ``take_in_bundled_scenes`` to ``storage.open_catalog``, which
calls it for the user catalog; it reads the bundled catalog with storage and scenes,
below the catalog, so that nothing here imports the catalog that imports this.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from .models import Scene
from .scenes import load_scenes
from .writer import Writer


def take_in_bundled_scenes(conn: sqlite3.Connection) -> list[int]:
    """Add the bundled scenes this catalog has not yet taken in; return their ids."""
    from .storage import Location, Origin, bundled_catalog_path, open_catalog, transaction

    path = bundled_catalog_path()
    if not path.is_file():
        return []
    with closing(open_catalog(Location(path, Origin.BUNDLED))) as bundled:
        bundled_ids = [row[0] for row in bundled.execute("SELECT id FROM scenes")]
        if not set(bundled_ids) - _taken_in(conn):
            return []
        with transaction(conn):
            new_ids = [i for i in bundled_ids if i not in _taken_in(conn)]
            used = {row[0] for row in conn.execute("SELECT id FROM scenes")}
            # Scenes whose id is free keep it; the others are numbered after them.
            ordered = sorted(new_ids, key=lambda i: i in used)
            writer = Writer(conn)
            added = [
                _copy(writer, scene, keep_id=scene.id not in used)
                for scene in load_scenes(bundled, ordered)
            ]
            conn.executemany(
                "INSERT INTO bundled_scenes (scene_id) VALUES (?)", [(i,) for i in new_ids]
            )
    return added


def _taken_in(conn: sqlite3.Connection) -> set[int]:
    return {row[0] for row in conn.execute("SELECT scene_id FROM bundled_scenes")}


def _copy(writer: Writer, scene: Scene, *, keep_id: bool) -> int:
    """Write one bundled scene, with its drama's, people's and characters' names."""
    drama_id = writer.drama(
        scene.drama,
        scene.year,
        korean=scene.drama_korean,
        network=scene.network,
        aliases=scene.drama_aliases,
    )
    people = {
        name: writer.person(name, korean=korean, aliases=aliases)
        for name, korean, aliases in zip(
            scene.actors, scene.actors_korean, scene.actor_aliases, strict=True
        )
    }
    characters = [
        writer.character(
            role.name,
            drama_id=drama_id,
            person_id=people.get(role.actor) or writer.person(role.actor, korean=role.actor_korean),
            korean=role.name_korean,
            aliases=role.aliases,
        )
        for role in scene.characters
    ]
    scene_id = writer.insert_scene(
        scene.id if keep_id else None,
        drama_id=drama_id,
        title=scene.title,
        description=scene.description,
        rank=scene.rank,
        source_id=writer.source(scene.source, title=scene.source_title, credit=scene.source_credit)
        if scene.source
        else None,
        episode=scene.episode,
        time=scene.time,
        urls=scene.urls,
        tags=scene.tags,
    )
    writer.set_cast(scene_id, list(people.values()), characters)
    return scene_id
