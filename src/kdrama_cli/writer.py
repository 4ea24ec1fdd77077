"""Writing catalog rows, with the name keys every lookup relies on.

Each function writes one entity and its derived keys together, so a name can never
be stored without being findable. Callers own the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from . import names


def add_drama(
    db: sqlite_utils.Database,
    title: str,
    year: int,
    *,
    title_korean: str | None = None,
    network: str | None = None,
    aliases: Sequence[str] = (),
) -> int:
    """Insert a drama with its alternative titles; return its id."""
    drama_id = _insert(
        db,
        "dramas",
        {"title": title, "title_korean": title_korean, "year": year, "network": network},
    )
    db.table("drama_aliases").insert_all(
        {"drama_id": drama_id, "alias": alias} for alias in aliases
    )
    keys = names.title_keys([title, *([title_korean] if title_korean else []), *aliases])
    db.table("drama_keys").insert_all({"key": key, "drama_id": drama_id} for key in sorted(keys))
    return drama_id


def add_person(
    db: sqlite_utils.Database,
    name: str,
    *,
    name_korean: str | None = None,
    aliases: Sequence[str] = (),
) -> int:
    """Insert a person (an actor) with their aliases; return their id."""
    person_id = _insert(db, "people", {"name": name, "name_korean": name_korean})
    db.table("person_aliases").insert_all({"person_id": person_id, "alias": a} for a in aliases)
    keys = names.person_keys([name, *([name_korean] if name_korean else []), *aliases])
    db.table("person_keys").insert_all({"key": key, "person_id": person_id} for key in sorted(keys))
    return person_id


def add_character(
    db: sqlite_utils.Database,
    name: str,
    *,
    drama_id: int,
    person_id: int,
    name_korean: str | None = None,
    aliases: Sequence[str] = (),
) -> int:
    """Insert a character of a drama, played by a person; return its id."""
    character_id = _insert(
        db,
        "characters",
        {"drama_id": drama_id, "person_id": person_id, "name": name, "name_korean": name_korean},
    )
    db.table("character_aliases").insert_all(
        {"character_id": character_id, "alias": alias} for alias in aliases
    )
    keys = names.character_keys([name, *([name_korean] if name_korean else []), *aliases])
    db.table("character_keys").insert_all(
        {"key": key, "character_id": character_id} for key in sorted(keys)
    )
    return character_id


def add_source(
    db: sqlite_utils.Database, name: str, *, title: str | None = None, credit: str | None = None
) -> int:
    """Insert where scenes come from (a publication, an article); return its id."""
    return _insert(db, "sources", {"name": name, "title": title, "credit": credit})


def add_scene(
    db: sqlite_utils.Database,
    *,
    scene_id: int | None,
    drama_id: int,
    title: str,
    description: str = "",
    rank: int | None = None,
    source_id: int | None = None,
    person_ids: Sequence[int] = (),
    character_ids: Sequence[int] = (),
) -> int:
    """Insert a scene with its actors and characters, in billing order; return its id."""
    row: dict[str, object] = {
        "drama_id": drama_id,
        "title": title,
        "description": description,
        "rank": rank,
        "source_id": source_id,
    }
    if scene_id is not None:
        row["id"] = scene_id
    new_id = _insert(db, "scenes", row)
    db.table("scene_people").insert_all(
        {"scene_id": new_id, "person_id": pid, "position": i} for i, pid in enumerate(person_ids)
    )
    db.table("scene_characters").insert_all(
        {"scene_id": new_id, "character_id": cid, "position": i}
        for i, cid in enumerate(character_ids)
    )
    return new_id


def _insert(db: sqlite_utils.Database, table: str, row: dict[str, object]) -> int:
    last_pk = db.table(table).insert(row).last_pk
    assert isinstance(last_pk, int)
    return last_pk
