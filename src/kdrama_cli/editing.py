"""Changing a catalog: adding, editing, removing and importing scenes, favourites,
ratings and tags.

Every change is one transaction, which takes the write lock before it reads anything
the change depends on (the scenes it names, the ids in use), so changes made at the
same time compose, and a scene removed meanwhile is SceneNotFound, never a half-made
change. A bad id or a bad row changes nothing, and an interrupted import (Ctrl-C, a
killed process) leaves the catalog as it was. An import reads, checks and writes its
records as they come, so its memory does not grow with its file; the first bad record
rolls the whole import back.

A scene in the file whose id the catalog already uses for another scene is never
settled silently: the import stops, naming those ids, unless the caller says what to do
with them (:class:`Existing`). A scene identical to the stored one is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial
from typing import Any, NamedTuple

from . import counts, moments, search
from .caches import exact_key
from .catalog import Catalog
from .errors import KdramaError, SceneNotFound
from .importfile import RecordError
from .models import Role, Scene, SceneRecord
from .moments import tag_key
from .storage import broken_reference, transaction
from .writer import Links, Writer, unique_ids

_BATCH = 500
_BATCH_CAST = 20_000  # actors and characters in one batch
_BULK = 1_000
_MANY = 1000
_DRAMA_FIELDS = {"drama", "year", "drama_korean", "network", "drama_aliases"}
_CAST_FIELDS = {"actors", "characters", "actors_korean", "actor_aliases"}
_SOURCE_FIELDS = {"source", "source_title", "source_credit"}
_SHOWN_IDS = 5


class Existing(str, Enum):
    """What an import does with a scene whose id the catalog uses for another scene."""

    UPDATE = "update"  # the file's fields replace the stored scene's
    SKIP = "skip"  # the stored scene is left as it is
    NEW_IDS = "new-ids"  # the file's scene is added as a new scene, with a new id


class IdConflict(KdramaError):
    """Scenes in an import file have ids the catalog uses for other scenes, and the
    caller did not say what to do with them."""

    def __init__(self, count: int, ids: Sequence[int]) -> None:
        shown = ", ".join(str(i) for i in ids)
        more = f" and {count - len(ids):,} more" if count > len(ids) else ""
        super().__init__(
            f"{count:,} scene(s) in the file have ids that scenes of the catalog already"
            f" use, with other content: {shown}{more}; add --update to replace them with"
            " the file's, --skip-existing to keep the catalog's, or --new-ids to add the"
            " file's as new scenes"
        )
        self.count = count
        self.ids = tuple(ids)


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do), with the first few ids of
    each kind of change."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    unchanged: int = 0
    examples: dict[str, list[int]] = field(default_factory=dict)

    def count(self, what: str, scene_id: int) -> None:
        setattr(self, what, getattr(self, what) + 1)
        shown = self.examples.setdefault(what, [])
        if len(shown) < _SHOWN_IDS:
            shown.append(scene_id)

    @property
    def read(self) -> int:
        """How many records the import read."""
        return self.added + self.updated + self.skipped + self.unchanged


Progress = Callable[[int], None]
Step = Callable[[str], None]


def add_scene(catalog: Catalog, record: SceneRecord, *, new_drama: bool = False) -> int:
    """Add one scene; return its id. Dramas and people are found or created; a drama
    that names one of the catalog's with another year is refused unless ``new_drama``
    (NearDuplicateDrama)."""
    _, ids = _write(catalog, [record], existing=None, new_dramas=new_drama)
    return ids[0]


def edit_scene(
    catalog: Catalog, scene_id: int, record: SceneRecord, *, new_drama: bool = False
) -> None:
    """Change the fields ``record`` gives of an existing scene."""
    edit = replace(record, id=scene_id, given=record.given | {"id"})
    _write(catalog, [edit], existing=Existing.UPDATE, new_dramas=new_drama, must_exist=[scene_id])


def remove_scenes(catalog: Catalog, scene_ids: Sequence[int]) -> int:
    """Remove scenes; an unknown id removes nothing. Return how many were removed."""
    ids = list(dict.fromkeys(scene_ids))
    with transaction(catalog.conn):
        existing_ids(catalog, ids)
        Writer(catalog.conn).delete_scenes(ids)
    return len(ids)


def set_favorite(catalog: Catalog, scene_ids: Sequence[int], favorite: bool) -> int:
    """Mark or unmark scenes as favourites; an unknown id changes nothing."""
    ids = list(dict.fromkeys(scene_ids))
    with transaction(catalog.conn):
        existing_ids(catalog, ids)
        catalog.conn.executemany(
            "UPDATE scenes SET favorite = ? WHERE id = ?", [(int(favorite), i) for i in ids]
        )
    return len(ids)


def set_rating(catalog: Catalog, scene_id: int, rating: int | None) -> None:
    """Rate a scene from 1 to 5, or clear its rating with None."""
    if rating is not None and not 1 <= rating <= 5:
        raise ValueError("a rating is a whole number from 1 to 5")
    with transaction(catalog.conn):
        existing_ids(catalog, [scene_id])
        catalog.conn.execute("UPDATE scenes SET rating = ? WHERE id = ?", (rating, scene_id))


class TagChange(NamedTuple):
    """A scene's tags before and after ``change_tags``, in the form first typed."""

    scene_id: int
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        had = {moments.tag_key(tag) for tag in self.before}
        return tuple(tag for tag in self.after if moments.tag_key(tag) not in had)

    @property
    def removed(self) -> tuple[str, ...]:
        has = {moments.tag_key(tag) for tag in self.after}
        return tuple(tag for tag in self.before if moments.tag_key(tag) not in has)


def change_tags(
    catalog: Catalog, scene_ids: Sequence[int], add: Sequence[str] = (), remove: Sequence[str] = ()
) -> list[TagChange]:
    """Add tags to and remove tags from each scene, matched without regard to case (a
    tag the catalog has keeps the form first typed). All in one transaction: an
    unknown id (SceneNotFound) or a tag that is not one (ValueError, see
    ``moments.clean_tag``) changes nothing."""
    add = [moments.clean_tag(tag) for tag in add]
    remove = [moments.clean_tag(tag) for tag in remove]
    ids = list(dict.fromkeys(scene_ids))
    changes = []
    with transaction(catalog.conn):
        existing_ids(catalog, ids)
        writer = Writer(catalog.conn)
        for scene_id in ids:
            before = writer.tags_of(scene_id)
            after = writer.change_tags(scene_id, add, remove) if add or remove else before
            changes.append(TagChange(scene_id, before, after))
    return changes


def import_records(
    catalog: Catalog,
    records: Iterable[SceneRecord],
    progress: Progress | None = None,
    *,
    existing: Existing | None = None,
    new_dramas: bool = False,
    dry_run: bool = False,
    step: Step | None = None,
) -> ImportSummary:
    """Add scenes, as they are read: a record with no id, or with an id the catalog
    does not use, adds a scene (with that id). A record whose id the catalog uses is
    left alone when it would change nothing; otherwise ``existing`` says what to do,
    and when it is None the import stops with IdConflict. All or nothing.

    A drama that names one of the catalog's with another year stops the import unless
    ``new_dramas``. ``dry_run`` checks and counts everything and writes nothing.
    ``progress`` is told how many records were read, ``step`` what the import does
    once they all are.
    """
    summary, _ = _write(
        catalog,
        records,
        existing=existing,
        new_dramas=new_dramas,
        dry_run=dry_run,
        progress=progress,
        step=step,
        bulk=True,
    )
    return summary


def existing_ids(catalog: Catalog, scene_ids: Sequence[int]) -> set[int]:
    """The given ids, after checking that each names a scene (SceneNotFound if not)."""
    found = _present(catalog, scene_ids)
    for scene_id in scene_ids:
        if scene_id not in found:
            raise SceneNotFound(scene_id)
    return found


def _present(catalog: Catalog, scene_ids: Iterable[int]) -> set[int]:
    rows = catalog.conn.execute(
        "SELECT id FROM scenes WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(scene_ids)),),
    )
    return {row[0] for row in rows}


def _write(
    catalog: Catalog,
    records: Iterable[SceneRecord],
    *,
    existing: Existing | None,
    new_dramas: bool,
    dry_run: bool = False,
    progress: Progress | None = None,
    step: Step | None = None,
    must_exist: Sequence[int] = (),
    bulk: bool = False,
) -> tuple[ImportSummary, list[int]]:
    """Check and write records, batch by batch, in one transaction. Everything they
    depend on is read inside it, under the write lock: the scenes ``must_exist`` names
    (SceneNotFound if one does not), the ids in use, the scenes they change.

    ``bulk`` (an import): into a catalog without scenes (a new one, most often), the
    rows are written with SQLite's foreign key checks off and all their references
    checked at once at the end (see _ForeignKeysLater)."""
    write = partial(
        _write_once,
        catalog,
        records,
        existing=existing,
        new_dramas=new_dramas,
        dry_run=dry_run,
        progress=progress,
        step=step,
        must_exist=must_exist,
    )
    if not bulk or _has_scenes(catalog):
        return write(later=None)
    try:
        with _ForeignKeysLater(catalog) as later:
            return write(later=later)
    except _GainedScenes:  # meanwhile: written as into any catalog, no record read yet
        return write(later=None)


def _write_once(
    catalog: Catalog,
    records: Iterable[SceneRecord],
    *,
    existing: Existing | None,
    new_dramas: bool,
    dry_run: bool,
    progress: Progress | None,
    step: Step | None,
    must_exist: Sequence[int],
    later: _ForeignKeysLater | None,
) -> tuple[ImportSummary, list[int]]:
    conn = catalog.conn
    with transaction(conn, step=step, rollback=dry_run):
        if later is not None and _has_scenes(catalog):
            raise _GainedScenes
        existing_ids(catalog, must_exist)
        importer = _Importer(catalog, Writer(conn, new_dramas=new_dramas), existing)
        for batch in _batches(records):
            importer.write(batch)
            if progress is not None:
                progress(importer.summary.read + importer.conflict_count)
        importer.finish(step)
        if later is not None:
            later.check(step)
    return importer.summary, importer.ids


def _has_scenes(catalog: Catalog) -> bool:
    return catalog.conn.execute("SELECT 1 FROM scenes LIMIT 1").fetchone() is not None


class _GainedScenes(Exception):
    """A catalog that had no scenes when an import began had some once it took the
    write lock (another process wrote them meanwhile)."""


class _ForeignKeysLater:
    """SQLite's foreign key checks off while an import fills a catalog that has no
    scenes, and every reference checked at once before it commits.

    Checked row by row, each scene and cast row looked up its drama, person or
    character as it was inserted (about a tenth of a large import's time); one pass at
    the end does the same lookups in order. Only for a catalog without scenes: such an
    import deletes no drama, person or character, so no ON DELETE CASCADE goes
    missing. SQLite turns the checks on and off only outside a transaction: they are
    turned off before the import's transaction begins and on again after it ends, and
    should the catalog have gained scenes by the time the write lock is taken, the
    import starts again with them on (_GainedScenes)."""

    def __init__(self, catalog: Catalog) -> None:
        self.conn = catalog.conn

    def __enter__(self) -> _ForeignKeysLater:
        self.conn.execute("PRAGMA foreign_keys = OFF")
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("PRAGMA foreign_keys = ON")

    def check(self, step: Step | None) -> None:
        """Refuse the import when a row it wrote refers to one that does not exist (a
        bug of kdrama's: the checks, had they been on, would have stopped it too)."""
        if step is not None:
            step("Checking references")
        broken = broken_reference(self.conn)
        if broken is not None:
            raise KdramaError(
                f"the import would leave a row naming one not there ({broken}); nothing was written"
            )


def _batches(records: Iterable[SceneRecord]) -> Iterator[list[SceneRecord]]:
    """Records in batches of ``_BATCH``, or fewer when their casts are large: a batch
    is held whole, and 500 scenes of 500 actors each would be a quarter of a million
    names."""
    batch: list[SceneRecord] = []
    cast = 0
    for record in records:
        batch.append(record)
        cast += len(record.actors) + len(record.characters)
        if len(batch) >= _BATCH or cast >= _BATCH_CAST:
            yield batch
            batch, cast = [], 0
    if batch:
        yield batch


class _Importer:
    """Writes records in batches, keeping what an import must know as it goes: which
    ids it has used (in a temporary table, so memory stays flat), which scenes it
    changed, and what it did."""

    def __init__(self, catalog: Catalog, writer: Writer, existing: Existing | None) -> None:
        self.catalog = catalog
        self.conn = catalog.conn
        self.writer = writer
        self.existing = existing
        self.summary = ImportSummary()
        self.ids: list[int] = []  # for a single change, the scene it wrote
        self.conflicts: list[int] = []
        self.conflict_count = 0
        self.links = Links()
        self.used: dict[int, int] = {}  # ids the batch's records name: 1 if chosen here
        self.fresh: dict[int, int] = {}  # ids taken during the batch
        self.bulk = _Bulk(catalog, writer)
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_ids (id INTEGER PRIMARY KEY, auto INTEGER)"
        )
        self.conn.execute("DELETE FROM temp.import_ids")
        writer.start_ids()

    def write(self, batch: list[SceneRecord]) -> None:
        """Check and write one batch of records."""
        given_ids = [record.id for record in batch if record.id is not None]
        self.used = dict(
            self.conn.execute(
                "SELECT id, auto FROM temp.import_ids WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(given_ids),),
            ).fetchall()
        )
        self.fresh = {}
        stored = self._stored([i for i in given_ids if i not in self.used])
        for record in batch:
            scene_id = _apply(self, record, stored)
            if scene_id is not None and len(self.ids) < _MANY:
                self.ids.append(scene_id)
        self.conn.executemany(
            "INSERT INTO temp.import_ids (id, auto) VALUES (?, ?)", self.fresh.items()
        )
        self.bulk.after(self.summary.added)

    def take(self, scene_id: int, *, auto: bool) -> None:
        """Note that this import uses ``scene_id`` (``auto``: an id it chose)."""
        self.used[scene_id] = self.fresh[scene_id] = int(auto)

    def renumber(self, scene_id: int) -> None:
        """Give the scene this import added with ``scene_id`` (an id it chose) another
        one, since a record of the file asks for that id."""
        new_id = self.writer.new_id()
        self.writer.renumber_scene(scene_id, new_id)
        if self.fresh.pop(scene_id, None) is None:
            self.conn.execute("DELETE FROM temp.import_ids WHERE id = ?", (scene_id,))
        del self.used[scene_id]
        self.take(new_id, auto=True)

    def _stored(self, ids: list[int]) -> dict[int, Scene]:
        """The catalog's scenes among ``ids``, as they were before the import."""
        if not ids:
            return {}
        return {
            scene.id: scene
            for scene in self.catalog.get_scenes(sorted(_present(self.catalog, ids)))
        }

    def finish(self, step: Step | None) -> None:
        """Refuse the import if it met conflicts; otherwise write what is left."""
        if self.conflict_count:
            raise IdConflict(self.conflict_count, self.conflicts)
        self.writer.flush()
        self.bulk.end(step)
        self.writer.prune(self.links)
        self.conn.execute("DELETE FROM temp.import_ids")

    # Each kind of record ----------------------------------------------------------

    def add(self, record: SceneRecord, scene_id: int | None) -> int:
        """Write a record as a new scene, with ``scene_id`` or the next free id."""
        if missing := record.missing_for_new():
            raise RecordError(record.where, f"field {missing!r}: needed for a new scene")
        if scene_id is None:
            scene_id = self.writer.new_id()
            self.take(scene_id, auto=True)
        else:
            self.writer.take_id(scene_id)
            self.take(scene_id, auto=False)
        _add(self.writer, record, scene_id)
        self.summary.count("added", scene_id)
        return scene_id

    def update(self, record: SceneRecord, scene: Scene) -> None:
        links = self.writer.links_of([scene.id])
        for kind in ("dramas", "people", "characters", "sources"):
            getattr(self.links, kind).update(getattr(links, kind))
        _update(self.writer, record, scene)
        self.summary.count("updated", scene.id)

    def conflict(self, scene_id: int) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < _SHOWN_IDS:
            self.conflicts.append(scene_id)


def _apply(importer: _Importer, record: SceneRecord, stored: dict[int, Scene]) -> int | None:
    """Write one checked record; return the id of the scene it is about, if any."""
    scene_id = record.id
    if scene_id is None:
        return importer.add(record, None)
    if scene_id in importer.used:
        if not importer.used[scene_id]:
            raise RecordError(record.where, f"field 'id': {scene_id} appears twice")
        importer.renumber(scene_id)
        return importer.add(record, scene_id)
    scene = stored.get(scene_id)
    if scene is None:
        return importer.add(record, scene_id)
    if importer.existing is Existing.NEW_IDS and _changes(record, scene):
        return importer.add(record, None)
    importer.take(scene_id, auto=False)
    if not _changes(record, scene):
        importer.summary.count("unchanged", scene_id)
    elif importer.existing is None:
        importer.conflict(scene_id)
    elif importer.existing is Existing.UPDATE:
        importer.update(record, scene)
    else:
        importer.summary.count("skipped", scene_id)
    return scene_id


class _Bulk:
    """For an import that outweighs the catalog, writing in bulk: once it has added
    as many scenes as the catalog had, the scene and cast indexes are dropped and built
    again at the end, since sorting once beats updating them row by row (about a
    quarter faster); and the search index's and the scene counts' insert triggers are
    dropped, the scenes written being marked stale at once and every scene counted
    once instead. Inside the import's transaction, so a failure restores them all."""

    def __init__(self, catalog: Catalog, writer: Writer) -> None:
        self.conn = catalog.conn
        self.writer = writer
        self.threshold = max(_BULK, catalog.count_scenes())
        self.indexes: list[tuple[str, str]] = []
        self.triggers: list[tuple[str, str]] = []
        self.active = False

    def after(self, added: int) -> None:
        """Switch to bulk writing once enough scenes were added."""
        if self.active or added < self.threshold:
            return
        self.active = True
        self.writer.flush()
        self.indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('scenes', 'scene_people', 'scene_characters')"
        ).fetchall()
        self.triggers = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND name IN (SELECT value FROM json_each(?))",
            (json.dumps([*search.INSERT_TRIGGERS, *counts.INSERT_TRIGGERS]),),
        ).fetchall()
        for name, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        for name, _ in self.triggers:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        self.writer.start_marking()

    def end(self, step: Step | None) -> None:
        """Build again what bulk writing dropped."""
        if not self.active:
            return
        if step is not None:
            step("Building indexes")
        for _, sql in [*self.indexes, *self.triggers]:
            self.conn.execute(sql)
        search.mark_stale(self.conn, self.writer.stop_marking())
        if any(name in counts.INSERT_TRIGGERS for name, _ in self.triggers):
            counts.count_all(self.conn)


def _changes(record: SceneRecord, scene: Scene) -> bool:
    """Whether writing ``record`` over ``scene`` would change anything: a field given
    with another value, a Korean name where the scene has another, an alias it lacks.
    (A Korean name given as null asks for no change.)"""
    given = record.given
    for name in ("title", "drama", "year", "rank", "rating", *_SOURCE_FIELDS):
        if name in given and getattr(record, name) != getattr(scene, name):
            return True
    if "description" in given and (record.description or "") != scene.description:
        return True
    if "favorite" in given and bool(record.favorite) != scene.favorite:
        return True
    if _moment_changes(record, scene):
        return True
    for name in ("drama_korean", "network"):
        if getattr(record, name) not in (None, getattr(scene, name)):
            return True
    if not set(record.drama_aliases) <= set(scene.drama_aliases):
        return True
    return bool(given & _CAST_FIELDS) and _cast_changes(record, scene)


def _moment_changes(record: SceneRecord, scene: Scene) -> bool:
    """Whether the record gives an episode, time, links, tags or note other than the
    scene's. Tags differ when their words or order do, not their case alone (a tag
    keeps the form first typed)."""
    given = record.given
    for name in ("episode", "time", "urls"):
        if name in given and getattr(record, name) != getattr(scene, name):
            return True
    if "note" in given and (record.note or None) != scene.note:
        return True
    return "tags" in given and [tag_key(t) for t in record.tags] != [tag_key(t) for t in scene.tags]


def _cast_changes(record: SceneRecord, scene: Scene) -> bool:
    if record.actors != scene.actors:
        return True
    if [(r.name, r.actor) for r in record.characters] != [
        (r.name, r.actor) for r in scene.characters
    ]:
        return True
    for ours, theirs in zip(record.characters, scene.characters, strict=True):
        if ours.name_korean not in (None, theirs.name_korean):
            return True
        if not set(ours.aliases) <= set(theirs.aliases):
            return True
    for korean, stored in zip(record.actors_korean, scene.actors_korean, strict=False):
        if korean not in (None, stored):
            return True
    return any(
        not set(ours) <= set(theirs)
        for ours, theirs in zip(record.actor_aliases, scene.actor_aliases, strict=False)
    )


def _add(writer: Writer, record: SceneRecord, scene_id: int) -> None:
    """Write a checked record as a new scene, with every field (this is most of a
    large import, so it is written out rather than merged and compared)."""
    assert record.title is not None and record.drama is not None and record.year is not None
    drama_id = writer.drama(
        record.drama,
        record.year,
        korean=record.drama_korean,
        network=record.network,
        aliases=record.drama_aliases,
        strict=True,
        where=record.where,
    )
    writer.insert_scene(
        scene_id,
        drama_id=drama_id,
        title=record.title,
        description=record.description or "",
        rank=record.rank,
        source_id=_source_id(writer, record),
        favorite=bool(record.favorite),
        rating=record.rating,
        episode=record.episode,
        time=record.time,
        note=record.note or None,
        urls=record.urls,
        tags=record.tags,
    )
    # The cast's ids, remembered by the writer (the scenes of a drama mostly share a
    # cast), without repeats: queued as they are. A record read from JSON names its
    # cast with a string already (the same object for the same cast).
    cast = None if record.cast_key is not None else _Cast.of(record)
    key = (drama_id, record.cast_key) if cast is None else cast.key(drama_id, strict=True)
    ids = writer.casts.get(key)
    if ids is None:
        ids = writer.casts[key] = _cast_ids(writer, cast or _Cast.of(record), drama_id, True)
    writer.queue_cast(scene_id, *ids)


def _update(writer: Writer, record: SceneRecord, scene: Scene) -> None:
    """Write the fields a checked record gives over those of ``scene``.

    Moving the scene to another drama changes which drama it belongs to and nothing
    else: the old drama's Korean title, network and aliases stay with it, and the
    cast's characters are found or made in the new drama.
    """
    given = record.given
    columns: dict[str, Any] = {
        name: getattr(record, name) for name in ("title", "rank", "rating") if name in given
    }
    if "description" in given:
        columns["description"] = record.description or ""
    if "favorite" in given:
        columns["favorite"] = bool(record.favorite)
    columns |= {name: getattr(record, name) for name in ("episode", "time") if name in given}
    if "note" in given:
        columns["note"] = record.note or None
    old_drama = writer.conn.execute(
        "SELECT drama_id FROM scenes WHERE id = ?", (scene.id,)
    ).fetchone()[0]
    drama_id = old_drama
    if given & _DRAMA_FIELDS:
        drama_id = writer.drama(
            record.drama if "drama" in given and record.drama else scene.drama,
            record.year if "year" in given and record.year else scene.year,
            korean=record.drama_korean,
            network=record.network,
            aliases=record.drama_aliases,
            strict=True,
            where=record.where,
        )
        if drama_id != old_drama:
            columns["drama_id"] = drama_id
    if given & _SOURCE_FIELDS:
        merged = replace(
            record,
            **{name: getattr(scene, name) for name in _SOURCE_FIELDS if name not in given},
        )
        columns["source_id"] = _source_id(writer, merged)
    writer.update_scene(scene.id, **columns)
    if "urls" in given:
        writer.set_urls(scene.id, record.urls)
    if "tags" in given:
        writer.set_tags(scene.id, record.tags)
    if given & _CAST_FIELDS:
        _set_cast(writer, scene.id, _Cast.of(record), drama_id, new=False, strict=True)
    elif drama_id != old_drama:
        _set_cast(writer, scene.id, _Cast.of(scene), drama_id, new=False, strict=False)


def _source_id(writer: Writer, record: SceneRecord) -> int | None:
    if not record.source:
        return None
    return writer.source(record.source, title=record.source_title, credit=record.source_credit)


class _Cast(NamedTuple):
    """A scene's cast as it is written: actors with their Hangul names and aliases,
    and characters. Hashable: the scenes of a drama mostly share one."""

    actors: tuple[str, ...]
    korean: tuple[str | None, ...]
    aliases: tuple[tuple[str, ...], ...]
    roles: tuple[Role, ...]

    @classmethod
    def of(cls, scene: SceneRecord | Scene) -> _Cast:
        count = len(scene.actors)
        return cls(
            scene.actors,
            scene.actors_korean if len(scene.actors_korean) == count else (None,) * count,
            scene.actor_aliases if len(scene.actor_aliases) == count else ((),) * count,
            scene.characters,
        )

    def key(self, drama_id: int, strict: bool) -> str:
        """The cast in one string (``caches.exact_key``), for the writer's cache of
        casts, which a large import fills with one for every drama."""
        parts: list[str | None] = [str(drama_id), str(strict), str(len(self.actors))]
        parts += self.actors
        parts += self.korean
        for aliases in self.aliases:
            parts += (str(len(aliases)), *aliases)
        for role in self.roles:
            parts += (role.name, role.actor, role.name_korean, role.actor_korean)
            parts += (str(len(role.aliases)), *role.aliases)
        return exact_key(parts)


def _set_cast(
    writer: Writer, scene_id: int, cast: _Cast, drama_id: int, *, new: bool, strict: bool
) -> None:
    """Write a scene's actors and characters, finding or creating each in the drama."""
    key = cast.key(drama_id, strict)
    ids = writer.casts.get(key)
    if ids is None:
        # Remembered by the writer, since the scenes of a drama mostly share a cast.
        ids = writer.casts[key] = _cast_ids(writer, cast, drama_id, strict)
    writer.set_cast(scene_id, ids[0], ids[1], new=new)


def _cast_ids(
    writer: Writer, cast: _Cast, drama_id: int, strict: bool
) -> tuple[Sequence[int], Sequence[int]]:
    """The people and characters of a cast, found or created, without repeats."""
    people = {
        name: writer.person(name, korean=korean, aliases=aliases)
        for name, korean, aliases in zip(cast.actors, cast.korean, cast.aliases, strict=True)
    }
    for role in cast.roles:
        if role.actor not in people:
            people[role.actor] = writer.person(role.actor, korean=role.actor_korean)
    characters = [
        writer.character(
            role.name,
            drama_id=drama_id,
            person_id=people[role.actor],
            korean=role.name_korean,
            aliases=role.aliases,
            strict=strict,
        )
        for role in cast.roles
    ]
    return unique_ids(list(people.values())), unique_ids(characters)
