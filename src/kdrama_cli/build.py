"""Build a catalog database from its reviewable TOML source.

    uv run python -m kdrama_cli.build data/scenes.toml data/scenes.db

The build is deterministic: the same source always gives the same rows and ids
(scene ids are written in the source; other ids follow the order of the file).
The database is written beside the target and renamed over it only when complete.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from .errors import CatalogSourceError, KdramaError
from .storage import transaction, write_new_catalog
from .writer import Writer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


def load_source(path: Path) -> dict[str, Any]:
    """Read the TOML source of a catalog."""
    with path.open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    return data


def build_catalog(source: Path, target: Path) -> None:
    """Write the catalog described by ``source`` to ``target``, replacing it atomically."""
    data = load_source(source)

    def fill(conn: sqlite3.Connection) -> None:
        with transaction(conn):
            writer = Writer(conn)
            _write(writer, data)
            writer.flush()
        conn.execute("VACUUM")

    write_new_catalog(target, fill, replace=True, mode=0o644)


def _write(writer: Writer, data: dict[str, Any]) -> None:
    sources = {
        s["key"]: writer.source(s["name"], title=s.get("title"), credit=s.get("credit"))
        for s in data.get("sources", [])
    }
    people = {
        p["name"]: writer.person(p["name"], korean=p.get("name_ko"), aliases=p.get("aliases", []))
        for p in data.get("people", [])
    }
    dramas: dict[str, int] = {}
    characters: dict[tuple[str, str], tuple[int, int]] = {}
    for drama in data.get("dramas", []):
        title = drama["title"]
        dramas[title] = writer.drama(
            title,
            drama["year"],
            korean=drama.get("title_ko"),
            network=drama.get("network"),
            aliases=drama.get("aliases", []),
        )
        for character in drama.get("characters", []):
            person_id = _lookup(people, character["actor"], "actor")
            character_id = writer.character(
                character["name"],
                drama_id=dramas[title],
                person_id=person_id,
                korean=character.get("name_ko"),
                aliases=character.get("aliases", []),
            )
            characters[(title, character["name"])] = (character_id, person_id)
    seen_ids: set[int] = set()
    for scene in data.get("scenes", []):
        scene_id = scene["id"]
        if scene_id in seen_ids:
            raise CatalogSourceError(f"scene id {scene_id} is used twice")
        seen_ids.add(scene_id)
        drama = scene["drama"]
        roles = [_lookup(characters, (drama, name), "character") for name in scene["characters"]]
        actor_ids = [_lookup(people, name, "actor") for name in scene.get("actors", [])]
        writer.insert_scene(
            scene_id,
            drama_id=_lookup(dramas, drama, "drama"),
            title=scene["title"],
            description=scene.get("description", ""),
            rank=scene.get("rank"),
            source_id=_lookup(sources, scene["source"], "source") if "source" in scene else None,
        )
        writer.set_cast(scene_id, [*(p for _, p in roles), *actor_ids], [c for c, _ in roles])


def _lookup(table: dict[Any, Any], key: Any, what: str) -> Any:
    try:
        return table[key]
    except KeyError:
        raise CatalogSourceError(f"unknown {what} {key!r} in the catalog source") from None


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m kdrama_cli.build SOURCE.toml TARGET.db``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m kdrama_cli.build SOURCE.toml TARGET.db", file=sys.stderr)
        return 2
    try:
        build_catalog(Path(args[0]), Path(args[1]))
    except (OSError, tomllib.TOMLDecodeError, KdramaError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"Built {args[1]} from {args[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
