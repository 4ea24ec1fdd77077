"""Changing a catalog: adding, editing, removing and importing scenes, favourites and
ratings.

Every operation checks everything it was given against the catalog first and only
then writes, in one transaction: a bad id or a bad row changes nothing, and an
interrupted import (Ctrl-C, a killed process) leaves the catalog as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from . import counts, search
from .catalog import Catalog
from .errors import SceneNotFound
from .models import Role, Scene, SceneRecord
from .records import RecordError
from .storage import transaction
from .writer import Writer

_REQUIRED_FOR_NEW = ("title", "drama", "year")
_MANY = 1000
_BULK = 10_000
_DRAMA_FIELDS = {"drama", "year", "drama_korean", "network"}
_CAST_FIELDS = {"actors", "characters"}
_SOURCE_FIELDS = {"source", "source_title", "source_credit"}
_SCENE_COLUMNS = ("title", "description", "rank", "favorite", "rating")


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    added: int
    updated: int


Progress = Callable[[int], None]


def add_scene(catalog: Catalog, record: SceneRecord) -> int:
    """Add one scene; return its id. Dramas and people are found or created."""
    _, ids = _write(catalog, [record], None)
    return ids[0]


def edit_scene(catalog: Catalog, scene_id: int, record: SceneRecord) -> None:
    """Change the fields ``record`` gives of an existing scene."""
    existing_ids(catalog, [scene_id])
    _write(catalog, [replace(record, id=scene_id, given=record.given | {"id"})], None)


def remove_scenes(catalog: Catalog, scene_ids: Sequence[int]) -> int:
    """Remove scenes; an unknown id removes nothing. Return how many were removed."""
    ids = list(dict.fromkeys(scene_ids))
    existing_ids(catalog, ids)
    with transaction(catalog.conn):
        Writer(catalog.conn).delete_scenes(ids)
    return len(ids)


def set_favorite(catalog: Catalog, scene_ids: Sequence[int], favorite: bool) -> int:
    """Mark or unmark scenes as favourites; an unknown id changes nothing."""
    ids = list(dict.fromkeys(scene_ids))
    existing_ids(catalog, ids)
    with transaction(catalog.conn):
        catalog.conn.executemany(
            "UPDATE scenes SET favorite = ? WHERE id = ?", [(int(favorite), i) for i in ids]
        )
    return len(ids)


def set_rating(catalog: Catalog, scene_id: int, rating: int | None) -> None:
    """Rate a scene from 1 to 5, or clear its rating with None."""
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError("a rating is a whole number from 1 to 5")
    existing_ids(catalog, [scene_id])
    with transaction(catalog.conn):
        catalog.conn.execute("UPDATE scenes SET rating = ? WHERE id = ?", (rating, scene_id))


def import_records(
    catalog: Catalog, records: Sequence[SceneRecord], progress: Progress | None = None
) -> ImportSummary:
    """Add or update scenes: a record whose id is in the catalog updates that scene,
    any other adds one (with its id, when it has one). All or nothing."""
    summary, _ = _write(catalog, records, progress)
    return summary


def existing_ids(catalog: Catalog, scene_ids: Sequence[int]) -> set[int]:
    """The given ids, after checking that each names a scene (SceneNotFound if not)."""
    found = _present(catalog, scene_ids)
    for scene_id in scene_ids:
        if scene_id not in found:
            raise SceneNotFound(scene_id)
    return found


def _present(catalog: Catalog, scene_ids: Sequence[int]) -> set[int]:
    rows = catalog.conn.execute(
        "SELECT id FROM scenes WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(scene_ids)),),
    )
    return {row[0] for row in rows}


def _write(
    catalog: Catalog, records: Sequence[SceneRecord], progress: Progress | None
) -> tuple[ImportSummary, list[int]]:
    """Check every record, then write them all in one transaction."""
    present = _present(catalog, [r.id for r in records if r.id is not None])
    _check(records, present)
    current = {scene.id: scene for scene in catalog.get_scenes(sorted(present))}
    ids: list[int] = []
    if len(records) > _MANY:
        # A large page cache keeps a big import's index pages in memory: about 20% faster.
        catalog.conn.execute("PRAGMA cache_size = -262144")
    with transaction(catalog.conn):
        writer = Writer(catalog.conn)
        links = writer.links_of(current)
        writer.reserve_ids(max((r.id for r in records if r.id is not None), default=0))
        with _in_bulk(catalog, writer, len(records)):
            for done, record in enumerate(records, start=1):
                scene = current.get(record.id) if record.id is not None else None
                ids.append(_apply(writer, record, scene))
                if progress is not None:
                    progress(done)
            writer.flush()
        writer.prune(links)
    updated = len(current)
    return ImportSummary(added=len(records) - updated, updated=updated), ids


@contextmanager
def _in_bulk(catalog: Catalog, writer: Writer, count: int) -> Iterator[None]:
    """For an import that outweighs the catalog, write the rows in bulk: drop the
    scene and cast indexes and build them again once the rows are in, since sorting
    once beats updating them row by row (about a quarter faster); and drop the search
    index's and the scene counts' insert triggers, marking the scenes written stale
    at once and counting every scene once instead. Inside the import's transaction,
    so a failure restores them all."""
    existing = catalog.count_scenes()
    if count < _BULK or count < existing:
        yield
        return
    conn = catalog.conn
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('scenes', 'scene_people', 'scene_characters')"
    ).fetchall()
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND name IN (SELECT value FROM json_each(?))",
        (json.dumps([*search.INSERT_TRIGGERS, *counts.INSERT_TRIGGERS]),),
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    writer.unmarked = set() if triggers else None
    yield
    for _, sql in [*indexes, *triggers]:
        conn.execute(sql)
    if writer.unmarked is not None:
        search.mark_stale(conn, sorted(writer.unmarked))
        writer.unmarked = None
    if any(name in counts.INSERT_TRIGGERS for name, _ in triggers):
        counts.count_all(conn)


def _check(records: Sequence[SceneRecord], present: set[int]) -> None:
    """Refuse the first record that cannot be written, before anything is."""
    seen: set[int] = set()
    for record in records:
        if record.id is not None:
            if record.id in seen:
                raise RecordError(record.where, f"field 'id': {record.id} appears twice")
            seen.add(record.id)
        if record.id in present:
            continue
        for field in _REQUIRED_FOR_NEW:
            if getattr(record, field) is None:
                raise RecordError(record.where, f"field {field!r}: needed for a new scene")


def _merged(record: SceneRecord, scene: Scene) -> SceneRecord:
    """The scene as it will be: the record's given fields over the scene's own."""
    own = SceneRecord(
        where=record.where,
        id=scene.id,
        title=scene.title,
        drama=scene.drama,
        drama_korean=scene.drama_korean,
        year=scene.year,
        network=scene.network,
        actors=scene.actors,
        characters=scene.characters,
        description=scene.description,
        rank=scene.rank,
        source=scene.source,
        source_title=scene.source_title,
        source_credit=scene.source_credit,
        favorite=scene.favorite,
        rating=scene.rating,
    )
    return replace(own, **{field: getattr(record, field) for field in record.given - {"id"}})


def _apply(writer: Writer, record: SceneRecord, scene: Scene | None) -> int:
    """Write one checked record: a new scene, or the given fields of ``scene``."""
    return _add(writer, record) if scene is None else _update(writer, record, scene)


def _add(writer: Writer, record: SceneRecord) -> int:
    """Write a checked record as a new scene, with every field (this is most of a
    large import, so it is written out rather than merged and compared)."""
    assert record.title is not None and record.drama is not None and record.year is not None
    drama_id = writer.drama(
        record.drama, record.year, korean=record.drama_korean, network=record.network
    )
    scene_id = writer.insert_scene(
        record.id,
        drama_id=drama_id,
        title=record.title,
        description=record.description or "",
        rank=record.rank,
        source_id=_source_id(writer, record),
        favorite=bool(record.favorite),
        rating=record.rating,
    )
    _set_cast(writer, scene_id, record.actors, record.characters, drama_id, new=True)
    return scene_id


def _update(writer: Writer, record: SceneRecord, scene: Scene) -> int:
    """Write the fields a checked record gives over those of ``scene``."""
    new = _merged(record, scene)
    assert new.title is not None and new.drama is not None and new.year is not None
    changed = record.given
    columns: dict[str, Any] = {
        column: getattr(new, column) for column in _SCENE_COLUMNS if column in changed
    }
    if "description" in columns:
        columns["description"] = new.description or ""
    if "favorite" in columns:
        columns["favorite"] = bool(new.favorite)
    drama_id: int | None = None
    if changed & _DRAMA_FIELDS:
        drama_id = writer.drama(new.drama, new.year, korean=new.drama_korean, network=new.network)
        columns["drama_id"] = drama_id
    if changed & _SOURCE_FIELDS:
        columns["source_id"] = _source_id(writer, new)
    writer.update_scene(scene.id, **columns)
    if drama_id is not None or changed & _CAST_FIELDS:
        if drama_id is None:
            drama_id = writer.conn.execute(
                "SELECT drama_id FROM scenes WHERE id = ?", (scene.id,)
            ).fetchone()[0]
        _set_cast(writer, scene.id, new.actors, new.characters, drama_id, new=False)
    return scene.id


def _source_id(writer: Writer, record: SceneRecord) -> int | None:
    if not record.source:
        return None
    return writer.source(record.source, title=record.source_title, credit=record.source_credit)


def _set_cast(
    writer: Writer,
    scene_id: int,
    actors: Sequence[str],
    roles: Sequence[Role],
    drama_id: int,
    *,
    new: bool,
) -> None:
    """Write a scene's actors and characters, finding or creating each in the drama."""
    cast = (tuple(actors), tuple(roles), drama_id)
    ids = writer.casts.get(cast)
    if ids is None:
        # Remembered by the writer, since the scenes of a drama mostly share a cast.
        ids = writer.casts[cast] = _cast_ids(writer, *cast)
    writer.set_cast(scene_id, ids[0], ids[1], new=new)


def _cast_ids(
    writer: Writer, actors: tuple[str, ...], roles: tuple[Role, ...], drama_id: int
) -> tuple[list[int], list[int]]:
    """The people and characters of a cast, found or created."""
    korean = {role.actor: role.actor_korean for role in roles if role.actor_korean}
    people = {name: writer.person(name, korean=korean.get(name)) for name in actors}
    for role in roles:
        if role.actor not in people:
            people[role.actor] = writer.person(role.actor, korean=role.actor_korean)
    characters = [
        writer.character(
            role.name, drama_id=drama_id, person_id=people[role.actor], korean=role.name_korean
        )
        for role in roles
    ]
    return list(people.values()), characters
