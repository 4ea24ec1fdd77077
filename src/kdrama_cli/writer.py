"""Writing catalog rows, with the name keys every lookup relies on.

A drama, person or character is always written together with its keys, so a name
can never be stored without being findable. Dramas, people and characters are found
before they are created, with the name-matching rules, so "Son Ye-jin" joins
"Son Ye Jin" instead of becoming a second actress.

The ``Writer`` runs plain SQL on the caller's connection and never commits: the
caller owns the transaction (see ``storage.transaction``), so a whole import is
written or not at all. It remembers what it found, which keeps large imports fast.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from . import moments, names
from .caches import Bounded, exact_key
from .errors import KdramaError
from .models import NameKind

_KeysOf = Callable[[Iterable[str]], set[str]]
_SCENE_COLUMNS = (
    "drama_id, title, description, rank, source_id, favorite, rating, episode, time, note"
)
_INSERT_SCENE = f"INSERT INTO scenes (id, {_SCENE_COLUMNS}) VALUES ({', '.join('?' * 11)})"
_INSERT_URL = "INSERT INTO scene_urls (scene_id, position, url) VALUES (?, ?, ?)"
_INSERT_TAG = "INSERT INTO scene_tags (scene_id, tag_id, position) VALUES (?, ?, ?)"


# How many new keys wait to be written: little enough to keep an import of a million
# scenes within a hundred or so megabytes.
_PENDING_KEYS = 50_000
# How many new scenes wait to be written, and how many rows of their casts: a file
# of scenes with hundreds of actors each fills the second long before the first.
_QUEUED = 5_000
_QUEUED_CAST_ROWS = 50_000
# The cache of casts holds 100,000 casts of two actors and two characters, or fewer
# larger ones (see _weigh_cast): about 40 MB either way.
_CAST_CACHE_UNITS = 100_000


def _weigh_cast(key: object, ids: tuple[Sequence[int], Sequence[int]]) -> int:
    """A cached cast's size in units of a cast of two actors and two characters (a key
    of about 100 characters and four ids)."""
    text = sum(len(part) for part in key if isinstance(part, str)) if isinstance(key, tuple) else 0
    if isinstance(key, str):
        text = len(key)
    return max(1, (text + 25 * (len(ids[0]) + len(ids[1]))) // 200)


@dataclass(frozen=True)
class _Entity:
    """How one kind of named row is stored: its table, alias table and key table."""

    table: str
    name: str
    korean: str
    aliases: str
    keys: str
    id_column: str


_DRAMA = _Entity("dramas", "title", "title_korean", "drama_aliases", "drama_keys", "drama_id")
_PERSON = _Entity("people", "name", "name_korean", "person_aliases", "person_keys", "person_id")
_CHARACTER = _Entity(
    "characters", "name", "name_korean", "character_aliases", "character_keys", "character_id"
)
_KEY_COLUMNS = {entity.keys: entity.id_column for entity in (_DRAMA, _PERSON, _CHARACTER)}


class WriteConflict(KdramaError):
    """What a change asks for contradicts the catalog; the message says how, and
    ``where`` (a line of an import file, say) where the change came from."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


class NearDuplicateDrama(WriteConflict):
    """A new drama would have the name of one in the catalog, with another year: most
    likely that drama was meant ("CLOY" 2019 for Crash Landing on You, 2020)."""

    def __init__(self, title: str, year: int, known: Sequence[tuple[str, int]], where: str = ""):
        shown = " and ".join(f"{name} ({known_year})" for name, known_year in known)
        super().__init__(
            f"{title!r} ({year}) names {shown} of the catalog; did you mean"
            f" {'it' if len(known) == 1 else 'one of them'}? (--new-drama makes a new drama"
            f" {title} ({year}) anyway)",
            where,
        )
        self.title = title
        self.year = year
        self.known = tuple(known)


@dataclass
class Links:
    """Rows that scenes refer to, gathered before a change that may orphan them."""

    dramas: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    characters: set[int] = field(default_factory=set)
    sources: set[int] = field(default_factory=set)
    tags: set[int] = field(default_factory=set)


def unique_ids(ids: Sequence[int]) -> Sequence[int]:
    """The ids without repeats, in order (a cast usually has none)."""
    return ids if len(set(ids)) == len(ids) else list(dict.fromkeys(ids))


def _same_name(stored: Iterable[str | None], name: str) -> bool:
    """Whether ``name`` is one of the stored names, by exact or by sound key."""
    exact, sound = names.name_key(name), names.sound_key(name)
    return any(n and (names.name_key(n) == exact or names.sound_key(n) == sound) for n in stored)


class Writer:
    """Finds or creates the rows a scene needs, and writes scenes."""

    def __init__(self, conn: sqlite3.Connection, *, new_dramas: bool = True) -> None:
        """``new_dramas``: whether a new drama may have the name of one in the catalog
        with another year (see NearDuplicateDrama)."""
        self.conn = conn
        self.new_dramas = new_dramas
        # What this writer found or made, by the exact arguments it was asked with.
        # Bounded, so that a large import's memory does not grow with the catalog; the
        # catalog itself is the truth, asked again after a cache is emptied.
        # A large import meets each drama and its cast many times, a person or a
        # character once per cast: those are cached in full, these a little.
        self._done: dict[str, Bounded[object, int]] = {
            kind: Bounded(size)
            for kind, size in (("drama", 100_000), ("person", 10_000), ("character", 10_000))
        }
        self._done["source"] = Bounded(10_000)
        # The ids of casts, without repeats, by a key that names the cast and its drama:
        # a string (or a drama's id and a string), which takes less memory than a tuple.
        self.casts: Bounded[object, tuple[Sequence[int], Sequence[int]]] = Bounded(
            _CAST_CACHE_UNITS, _weigh_cast
        )
        self._known: Bounded[tuple[str, int], tuple[str | None, frozenset[str]]] = Bounded(10_000)
        self._networks: Bounded[int, str | None] = Bounded(10_000)
        # Dramas from this id on were made by this writer.
        self._first_new_drama = (conn.execute("SELECT max(id) FROM dramas").fetchone()[0] or 0) + 1
        # Keys of new rows, written sorted in bulk (random inserts into the large key
        # indexes were most of a large import), and meanwhile looked up here as well.
        self._pending_keys: dict[str, list[tuple[str, int]]] = {}
        self._pending_index: dict[tuple[str, str], list[int]] = {}
        self._pending_rows: dict[tuple[str, int], set[str]] = {}  # a row's pending keys
        self._pending_count = 0
        self._next_id: int | None = None
        self._queued_scenes: list[tuple[object, ...]] = []
        self._queued_people: list[tuple[int, int, int]] = []
        self._queued_characters: list[tuple[int, int, int]] = []
        self._queued_urls: list[tuple[int, int, str]] = []
        self._queued_tags: list[tuple[int, int, int]] = []
        # Tags' ids by key, as found or made (a catalog has a few hundred tags).
        self._tag_ids: dict[str, int] = {}
        # While the search index's insert triggers are dropped (a bulk import), the
        # scenes whose rows this writer inserts, for the caller to mark stale: an array,
        # since a large import writes a million.
        self.unmarked: array[int] | None = None

    # Dramas, people, characters, sources -------------------------------------------

    def drama(
        self,
        title: str,
        year: int,
        *,
        korean: str | None = None,
        network: str | None = None,
        aliases: Sequence[str] = (),
        strict: bool = False,
        where: str = "",
    ) -> int:
        """The id of the drama with this title (in any spelling) and year, created if
        there is none. A Korean title and network are recorded on a drama that has
        none, and aliases added; a drama's own Korean title or network is never
        replaced: ``strict`` makes a different one a WriteConflict (naming ``where``).
        """
        done_key = exact_key([title, str(year), korean, network, str(strict), *aliases])
        if (done := self._done["drama"].get(done_key)) is not None:
            return done
        candidates = self._candidates(_DRAMA, title)
        drama_id = self._find_drama(candidates, title, year)
        if drama_id is None:
            if not self.new_dramas:
                self._refuse_near_duplicate(candidates, title, year, where)
            drama_id = self._insert(
                "INSERT INTO dramas (title, title_korean, year, network) VALUES (?, ?, ?, ?)",
                (title, korean, year, network),
            )
            self._name_new(_DRAMA, drama_id, [title, korean], aliases, names.title_keys)
        else:
            if strict:
                self._check_drama(drama_id, korean, network, where)
            self._amend(_DRAMA, drama_id, korean, aliases, names.title_keys)
            if network and self._network(drama_id) is None:
                self.conn.execute("UPDATE dramas SET network = ? WHERE id = ?", (network, drama_id))
                self._networks[drama_id] = network
        self._done["drama"][done_key] = drama_id
        return drama_id

    def _network(self, drama_id: int) -> str | None:
        if drama_id not in self._networks:
            self._networks[drama_id] = self.conn.execute(
                "SELECT network FROM dramas WHERE id = ?", (drama_id,)
            ).fetchone()[0]
        return self._networks[drama_id]

    def _check_drama(
        self, drama_id: int, korean: str | None, network: str | None, where: str
    ) -> None:
        """Refuse a Korean title or network other than the drama's own."""
        title, year = self.conn.execute(
            "SELECT title, year FROM dramas WHERE id = ?", (drama_id,)
        ).fetchone()
        stored_korean = self._state(_DRAMA, drama_id)[0]
        for field_name, given, stored, what in (
            ("drama_korean", korean, stored_korean, "Korean title"),
            ("network", network, self._network(drama_id), "network"),
        ):
            if given and stored and given != stored:
                raise WriteConflict(
                    f"field {field_name!r}: {title} ({year}) has the {what} {stored!r} in the"
                    f" catalog, not {given!r}; `kdrama drama edit` changes it",
                    where,
                )

    def _refuse_near_duplicate(
        self, candidates: list[int], title: str, year: int, where: str
    ) -> None:
        """Raise NearDuplicateDrama when ``title`` is the whole name (title, Korean
        title or alias, in any spelling) of a drama of another year that was in the
        catalog before this writer began; a new drama of the same import is not one."""
        known = []
        for drama_id in candidates:
            if drama_id >= self._first_new_drama:
                continue
            row = self.conn.execute(
                "SELECT title, title_korean, year FROM dramas WHERE id = ?", (drama_id,)
            ).fetchone()
            if _same_name([row[0], row[1], *self._aliases(_DRAMA, drama_id)], title):
                known.append((row[0], row[2]))
        if known:
            raise NearDuplicateDrama(title, year, sorted(known, key=lambda k: k[1]), where)

    def _find_drama(self, candidates: list[int], title: str, year: int) -> int | None:
        for drama_id in candidates:
            row = self.conn.execute(
                "SELECT title, title_korean, year FROM dramas WHERE id = ?", (drama_id,)
            ).fetchone()
            if row[2] == year and _same_name(
                [row[0], row[1], *self._aliases(_DRAMA, drama_id)], title
            ):
                return drama_id
        return None

    def person(self, name: str, *, korean: str | None = None, aliases: Sequence[str] = ()) -> int:
        """The id of the person with this name in any spelling, created if there is
        none. Two people whose Hangul names differ are never taken for one."""
        done_key = (name, korean, tuple(aliases))
        if (done := self._done["person"].get(done_key)) is not None:
            return done
        person_id = self._find_person(name, korean)
        if person_id is None:
            person_id = self._insert(
                "INSERT INTO people (name, name_korean) VALUES (?, ?)", (name, korean)
            )
            self._name_new(_PERSON, person_id, [name, korean], aliases, names.person_keys)
        else:
            self._amend(_PERSON, person_id, korean, aliases, names.person_keys)
        self._done["person"][done_key] = person_id
        return person_id

    def _find_person(self, name: str, korean: str | None) -> int | None:
        for person_id in self._candidates(_PERSON, name):
            stored_korean = self.conn.execute(
                "SELECT name_korean FROM people WHERE id = ?", (person_id,)
            ).fetchone()[0]
            if not (korean and stored_korean) or names.name_key(korean) == names.name_key(
                stored_korean
            ):
                return person_id
        return None

    def character(
        self,
        name: str,
        *,
        drama_id: int,
        person_id: int,
        korean: str | None = None,
        aliases: Sequence[str] = (),
        strict: bool = False,
    ) -> int:
        """The id of this drama's character of this name played by this person,
        created if there is none. A Korean name is recorded on a character that has
        none; ``strict`` makes another one than the character's a WriteConflict."""
        done_key = (name, drama_id, person_id, korean, tuple(aliases), strict)
        if (done := self._done["character"].get(done_key)) is not None:
            return done
        character_id = self._find_character(name, drama_id, person_id)
        if character_id is None:
            character_id = self._insert(
                "INSERT INTO characters (drama_id, person_id, name, name_korean)"
                " VALUES (?, ?, ?, ?)",
                (drama_id, person_id, name, korean),
            )
            self._name_new(_CHARACTER, character_id, [name, korean], aliases, names.character_keys)
        else:
            stored = self._state(_CHARACTER, character_id)[0]
            if strict and korean and stored and korean != stored:
                raise WriteConflict(
                    f"character {name!r} has the Korean name {stored!r} in the catalog,"
                    f" not {korean!r}; `kdrama character edit` changes it"
                )
            self._amend(_CHARACTER, character_id, korean, aliases, names.character_keys)
        self._done["character"][done_key] = character_id
        return character_id

    def _find_character(self, name: str, drama_id: int, person_id: int) -> int | None:
        """This drama's character that ``name`` names, played by this person: among
        the drama's characters of this person (an index lookup, and rarely more than
        one), the one whose keys ``name`` has."""
        ids = [
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM characters WHERE drama_id = ? AND person_id = ? ORDER BY id",
                (drama_id, person_id),
            )
        ]
        if not ids:
            return None
        wanted = set(names.query_keys(name))
        return next((i for i in ids if wanted & self._keys_of(_CHARACTER, i)), None)

    def source(self, name: str, *, title: str | None = None, credit: str | None = None) -> int:
        """The id of the source with exactly this name, title and credit."""
        cache_key = (name, title, credit)
        source_id = self._done["source"].get(cache_key)
        if source_id is None:
            row = self.conn.execute(
                "SELECT id FROM sources WHERE name = ? AND title IS ? AND credit IS ?",
                (name, title, credit),
            ).fetchone()
            source_id = (
                row[0]
                if row
                else self._insert(
                    "INSERT INTO sources (name, title, credit) VALUES (?, ?, ?)",
                    (name, title, credit),
                )
            )
        self._done["source"][cache_key] = source_id
        return source_id

    # Scenes -------------------------------------------------------------------------

    def insert_scene(
        self,
        scene_id: int | None,
        *,
        drama_id: int,
        title: str,
        description: str = "",
        rank: int | None = None,
        source_id: int | None = None,
        favorite: bool = False,
        rating: int | None = None,
        episode: int | None = None,
        time: int | None = None,
        note: str | None = None,
        urls: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> int:
        """Insert a scene (with this id, or the next free one) with its clip links and
        tags (checked, see ``moments``); return its id.

        After ``start_ids``, the scene is queued and written in bulk by ``flush``.
        """
        row = (
            *(scene_id, drama_id, title, description, rank, source_id, int(favorite), rating),
            *(episode, time, note or None),
        )
        if self._next_id is None:
            if scene_id is None:
                row = (self._free_id(), *row[1:])
            scene_id = self._insert(_INSERT_SCENE, row)
        else:
            if scene_id is None:
                scene_id = self.new_id()
            else:
                self.take_id(scene_id)
            self._queued_scenes.append((scene_id, *row[1:]))
        self._queued_urls += [(scene_id, position, url) for position, url in enumerate(urls)]
        self._queued_tags += [
            (scene_id, tag_id, position) for position, tag_id in enumerate(self.tag_ids(tags))
        ]
        if self._next_id is None:
            self.flush()
        if self.unmarked is not None:
            self.unmarked.append(scene_id)
        return scene_id

    def start_ids(self) -> None:
        """Number new scenes from here on without asking the database each time, and
        queue them for ``flush``: the next id is one above the largest in use or given."""
        self._next_id = self._free_id()

    def _free_id(self) -> int:
        """One above the largest id in use or ever removed: a new scene never takes
        the id of one that is gone (``m007``)."""
        row = self.conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM scenes), 0),"
            " coalesce((SELECT max(highest) FROM removed_scene_ids), 0))"
        ).fetchone()
        return int(row[0]) + 1

    def new_id(self) -> int:
        """The next free scene id (after ``start_ids``)."""
        assert self._next_id is not None
        scene_id = self._next_id
        self._next_id += 1
        return scene_id

    def take_id(self, scene_id: int) -> None:
        """Note that a scene takes ``scene_id``: new ids go above it."""
        assert self._next_id is not None
        self._next_id = max(self._next_id, scene_id + 1)

    def renumber_scene(self, old: int, new: int) -> None:
        """Give the scene ``old`` the id ``new``, with its cast."""
        self.flush()
        columns = _SCENE_COLUMNS
        self.conn.execute(
            f"INSERT INTO scenes (id, {columns}) SELECT ?, {columns} FROM scenes WHERE id = ?",
            (new, old),
        )
        for table in ("scene_people", "scene_characters", "scene_urls", "scene_tags"):
            self.conn.execute(f"UPDATE {table} SET scene_id = ? WHERE scene_id = ?", (new, old))
        self.conn.execute("DELETE FROM scenes WHERE id = ?", (old,))
        if self.unmarked is not None:
            self.unmarked.append(new)

    def start_marking(self) -> None:
        """Remember the scenes written from here on (the search index's insert
        triggers are dropped)."""
        self.unmarked = array("q")

    def stop_marking(self) -> array[int]:
        """The scenes written since ``start_marking``, some perhaps more than once."""
        self.flush()
        marked, self.unmarked = self.unmarked or array("q"), None
        return marked

    def update_scene(self, scene_id: int, **columns: object) -> None:
        """Set some of a scene's own columns (not its cast)."""
        allowed = {
            *("drama_id", "title", "description", "rank", "source_id", "favorite", "rating"),
            *("episode", "time", "note"),
        }
        unknown = set(columns) - allowed
        if unknown:
            raise ValueError(f"not scene columns: {sorted(unknown)}")
        if columns:
            assignments = ", ".join(f"{column} = :{column}" for column in columns)
            self.conn.execute(
                f"UPDATE scenes SET {assignments} WHERE id = :id", {**columns, "id": scene_id}
            )

    def set_cast(
        self,
        scene_id: int,
        person_ids: Sequence[int],
        character_ids: Sequence[int],
        *,
        new: bool = False,
    ) -> None:
        """Replace a scene's actors and characters, keeping their billing order.

        A new scene's cast is only queued, and written in bulk by ``flush``.
        """
        if new:
            self.queue_cast(scene_id, unique_ids(person_ids), unique_ids(character_ids))
            return
        people = [(scene_id, pid, i) for i, pid in enumerate(unique_ids(person_ids))]
        characters = [(scene_id, cid, i) for i, cid in enumerate(unique_ids(character_ids))]
        self.flush()
        self.conn.execute("DELETE FROM scene_people WHERE scene_id = ?", (scene_id,))
        self.conn.execute("DELETE FROM scene_characters WHERE scene_id = ?", (scene_id,))
        self._write_cast(people, characters, new_scenes=False)

    def queue_cast(
        self, scene_id: int, person_ids: Sequence[int], character_ids: Sequence[int]
    ) -> None:
        """Queue a new scene's cast, its ids without repeats, for ``flush``."""
        self._queued_people += [(scene_id, pid, i) for i, pid in enumerate(person_ids)]
        self._queued_characters += [(scene_id, cid, i) for i, cid in enumerate(character_ids)]
        queued_rows = len(self._queued_people) + len(self._queued_characters)
        queued_rows += len(self._queued_urls) + len(self._queued_tags)
        if len(self._queued_scenes) >= _QUEUED or queued_rows >= _QUEUED_CAST_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the queued new scenes, their casts, links and tags, and the new rows'
        keys."""
        self._flush_keys()
        self.conn.executemany(_INSERT_SCENE, self._queued_scenes)
        self._write_cast(self._queued_people, self._queued_characters, new_scenes=True)
        self.conn.executemany(_INSERT_URL, self._queued_urls)
        self.conn.executemany(_INSERT_TAG, self._queued_tags)
        self._queued_scenes, self._queued_people, self._queued_characters = [], [], []
        self._queued_urls, self._queued_tags = [], []

    def _write_cast(
        self,
        people: list[tuple[int, int, int]],
        characters: list[tuple[int, int, int]],
        *,
        new_scenes: bool,
    ) -> None:
        """Insert cast rows; those of scenes already there mark them for re-indexing
        while the triggers are dropped (new scenes were marked as they were queued)."""
        if self.unmarked is not None and not new_scenes:
            self.unmarked.extend({row[0] for row in [*people, *characters]})
        self.conn.executemany(
            "INSERT INTO scene_people (scene_id, person_id, position) VALUES (?, ?, ?)", people
        )
        self.conn.executemany(
            "INSERT INTO scene_characters (scene_id, character_id, position) VALUES (?, ?, ?)",
            characters,
        )

    def delete_scenes(self, scene_ids: Sequence[int]) -> None:
        """Delete scenes, then the dramas, characters and people no scene needs."""
        links = self.links_of(scene_ids)
        self.conn.executemany("DELETE FROM scenes WHERE id = ?", [(i,) for i in scene_ids])
        self.prune(links)

    def links_of(self, scene_ids: Iterable[int]) -> Links:
        """What these scenes refer to: the rows that may be left unused by a change."""
        self.flush()
        links = Links()
        for scene_id in scene_ids:
            links.dramas.update(self._ids("SELECT drama_id FROM scenes WHERE id = ?", scene_id))
            links.sources.update(self._ids("SELECT source_id FROM scenes WHERE id = ?", scene_id))
            links.people.update(
                self._ids("SELECT person_id FROM scene_people WHERE scene_id = ?", scene_id)
            )
            links.characters.update(
                self._ids("SELECT character_id FROM scene_characters WHERE scene_id = ?", scene_id)
            )
            links.tags.update(
                self._ids("SELECT tag_id FROM scene_tags WHERE scene_id = ?", scene_id)
            )
        return links

    def prune(self, links: Links) -> None:
        """Delete the rows among ``links`` that no scene uses any more, so they stop
        turning up in completion and suggestions. Each check is one index lookup."""
        self.flush()
        for character_id in links.characters:
            links.people.update(
                self._ids("SELECT person_id FROM characters WHERE id = ?", character_id)
            )
            self.conn.execute(
                "DELETE FROM characters WHERE id = ?1 AND NOT EXISTS"
                " (SELECT 1 FROM scene_characters WHERE character_id = ?1)",
                (character_id,),
            )
        for person_id in links.people:
            self.conn.execute(
                "DELETE FROM people WHERE id = ?1"
                " AND NOT EXISTS (SELECT 1 FROM scene_people WHERE person_id = ?1)"
                " AND NOT EXISTS (SELECT 1 FROM characters WHERE person_id = ?1)",
                (person_id,),
            )
        for drama_id in links.dramas:
            self.conn.execute(
                "DELETE FROM dramas WHERE id = ?1 AND NOT EXISTS"
                " (SELECT 1 FROM scenes WHERE drama_id = ?1)"
                " AND NOT EXISTS (SELECT 1 FROM characters WHERE drama_id = ?1)",
                (drama_id,),
            )
        for source_id in links.sources:
            self.conn.execute(
                "DELETE FROM sources WHERE id = ?1 AND NOT EXISTS"
                " (SELECT 1 FROM scenes WHERE source_id = ?1)",
                (source_id,),
            )
        self._prune_tags(links.tags)
        self._forget()

    # Clip links and tags --------------------------------------------------------------

    def set_urls(self, scene_id: int, urls: Sequence[str]) -> None:
        """Make ``urls`` (already checked, see ``moments.check_url``) the scene's clip
        links, in this order."""
        self.flush()
        self.conn.execute("DELETE FROM scene_urls WHERE scene_id = ?", (scene_id,))
        self.conn.executemany(
            _INSERT_URL, [(scene_id, position, url) for position, url in enumerate(urls)]
        )

    def tag_ids(self, tags: Iterable[str]) -> list[int]:
        """The ids of these tags (checked, see ``moments.clean_tag``), each once, in
        order; a tag the catalog does not have yet is made in the form given here, and
        one it has keeps the form first typed."""
        ids: dict[int, None] = {}
        for tag in tags:
            key = moments.tag_key(tag)
            tag_id = self._tag_ids.get(key)
            if tag_id is None:
                found = self.conn.execute("SELECT id FROM tags WHERE key = ?", (key,)).fetchone()
                tag_id = (
                    int(found[0])
                    if found is not None
                    else self._insert("INSERT INTO tags (name, key) VALUES (?, ?)", (tag, key))
                )
                self._tag_ids[key] = tag_id
            ids[tag_id] = None
        return list(ids)

    def set_tags(self, scene_id: int, tags: Sequence[str]) -> None:
        """Make ``tags`` the scene's tags, in this order; tags no scene has any more
        leave the catalog."""
        self.flush()
        old = set(self._ids("SELECT tag_id FROM scene_tags WHERE scene_id = ?", scene_id))
        self.conn.execute("DELETE FROM scene_tags WHERE scene_id = ?", (scene_id,))
        self.conn.executemany(
            "INSERT INTO scene_tags (scene_id, tag_id, position) VALUES (?, ?, ?)",
            [(scene_id, tag_id, position) for position, tag_id in enumerate(self.tag_ids(tags))],
        )
        self._prune_tags(old)

    def change_tags(
        self, scene_id: int, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> tuple[str, ...]:
        """Add and remove some of a scene's tags (matched without regard to case);
        return its tags afterwards, in order. Added tags go after those it had."""
        gone = {moments.tag_key(tag) for tag in remove}
        kept = [tag for tag in self.tags_of(scene_id) if moments.tag_key(tag) not in gone]
        have = {moments.tag_key(tag) for tag in kept}
        kept += [tag for tag in add if moments.tag_key(tag) not in have | gone]
        self.set_tags(scene_id, kept)
        return self.tags_of(scene_id)

    def tags_of(self, scene_id: int) -> tuple[str, ...]:
        """A scene's tags, in order, in their kept form."""
        rows = self.conn.execute(
            "SELECT t.name FROM scene_tags st JOIN tags t ON t.id = st.tag_id"
            " WHERE st.scene_id = ? ORDER BY st.position",
            (scene_id,),
        )
        return tuple(row[0] for row in rows)

    def _prune_tags(self, tag_ids: Iterable[int]) -> None:
        self._tag_ids.clear()
        self.conn.executemany(
            "DELETE FROM tags WHERE id = ?1 AND NOT EXISTS"
            " (SELECT 1 FROM scene_tags WHERE tag_id = ?1)",
            [(tag_id,) for tag_id in tag_ids],
        )

    def _forget(self) -> None:
        """Empty the caches: after rows were deleted or renamed, what was found by a
        name may be gone."""
        for done in self._done.values():
            done.clear()
        self.casts.clear()
        self._known.clear()
        self._networks.clear()

    def _ids(self, sql: str, *params: object) -> list[int]:
        return [row[0] for row in self.conn.execute(sql, params) if row[0] is not None]

    # Names and keys -----------------------------------------------------------------

    def _candidates(self, entity: _Entity, name: str) -> list[int]:
        """Ids of rows of this kind whose keys match ``name``, oldest first."""
        keys = names.query_keys(name)
        if not keys:
            return []
        marks = ", ".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT DISTINCT {entity.id_column} FROM {entity.keys} WHERE key IN ({marks})"
            f" ORDER BY {entity.id_column}",
            keys,
        )
        found = [row[0] for row in rows]
        if self._pending_index:
            pending = self._pending_index
            found += [i for key in keys for i in pending.get((entity.keys, key), ())]
            found = sorted(set(found))
        return found

    def _keys_of(self, entity: _Entity, row_id: int) -> set[str]:
        """The keys a row has, written or pending."""
        rows = self.conn.execute(
            f"SELECT key FROM {entity.keys} WHERE {entity.id_column} = ?", (row_id,)
        )
        keys = {row[0] for row in rows}
        keys.update(self._pending_rows.get((entity.keys, row_id), ()))
        return keys

    def _flush_keys(self) -> None:
        """Write the pending keys, each table's sorted: a sorted run of inserts walks
        the index once instead of jumping about it. Sorted by key alone (rows of one key
        stay in the order they came, ids rising), which is a third quicker than
        comparing the pairs."""
        for table, rows in self._pending_keys.items():
            column = _KEY_COLUMNS[table]
            rows.sort(key=itemgetter(0))
            self.conn.executemany(f"INSERT INTO {table} (key, {column}) VALUES (?, ?)", rows)
        self._pending_keys.clear()
        self._pending_index.clear()
        self._pending_rows.clear()
        self._pending_count = 0

    def _aliases(self, entity: _Entity, row_id: int) -> list[str]:
        rows = self.conn.execute(
            f"SELECT alias FROM {entity.aliases} WHERE {entity.id_column} = ? ORDER BY alias",
            (row_id,),
        )
        return [row[0] for row in rows]

    def _names(self, entity: _Entity, row_id: int) -> list[str]:
        """All the names of one row: its name, its Korean name, its aliases."""
        name, korean = self.conn.execute(
            f"SELECT {entity.name}, {entity.korean} FROM {entity.table} WHERE id = ?", (row_id,)
        ).fetchone()
        return [name, *([korean] if korean else []), *self._aliases(entity, row_id)]

    def _name_new(
        self,
        entity: _Entity,
        row_id: int,
        own: Sequence[str | None],
        aliases: Sequence[str],
        keys_of: _KeysOf,
    ) -> None:
        """Write the aliases and keys of a row just inserted with names ``own``; the
        keys wait in memory to be written in bulk."""
        self._add_aliases(entity, row_id, aliases)
        keys = keys_of([n for n in [*own, *aliases] if n])
        pending = self._pending_keys.setdefault(entity.keys, [])
        for key in keys:
            pending.append((key, row_id))
            self._pending_index.setdefault((entity.keys, key), []).append(row_id)
        self._pending_rows[(entity.keys, row_id)] = keys
        self._pending_count += len(keys)
        if self._pending_count > _PENDING_KEYS:
            self._flush_keys()

    def _add_aliases(self, entity: _Entity, row_id: int, aliases: Sequence[str]) -> None:
        if aliases:
            self.conn.executemany(
                f"INSERT OR IGNORE INTO {entity.aliases} ({entity.id_column}, alias) VALUES (?, ?)",
                [(row_id, alias) for alias in aliases],
            )

    def _amend(
        self,
        entity: _Entity,
        row_id: int,
        korean: str | None,
        aliases: Sequence[str],
        keys_of: _KeysOf,
    ) -> None:
        """Record a Korean name on an existing row that has none, or new aliases, and
        rekey it; do nothing when they are already there (the usual case in an
        import). A row's own Korean name is never replaced here."""
        known_korean, known_aliases = self._state(entity, row_id)
        korean = korean if known_korean is None else None
        if not korean and known_aliases.issuperset(aliases):
            return
        if korean:
            self.conn.execute(
                f"UPDATE {entity.table} SET {entity.korean} = ? WHERE id = ?", (korean, row_id)
            )
        self._add_aliases(entity, row_id, aliases)
        self._write_keys(entity, row_id, keys_of)
        self._known[(entity.table, row_id)] = (
            korean or known_korean,
            known_aliases | frozenset(aliases),
        )

    def _state(self, entity: _Entity, row_id: int) -> tuple[str | None, frozenset[str]]:
        """A row's Korean name and aliases, as last read or written."""
        known = self._known.get((entity.table, row_id))
        if known is None:
            korean = self.conn.execute(
                f"SELECT {entity.korean} FROM {entity.table} WHERE id = ?", (row_id,)
            ).fetchone()[0]
            known = (korean, frozenset(self._aliases(entity, row_id)))
            self._known[(entity.table, row_id)] = known
        return known

    def _write_keys(self, entity: _Entity, row_id: int, keys_of: _KeysOf) -> None:
        self._flush_keys()
        self.conn.execute(f"DELETE FROM {entity.keys} WHERE {entity.id_column} = ?", (row_id,))
        self.conn.executemany(
            f"INSERT INTO {entity.keys} (key, {entity.id_column}) VALUES (?, ?)",
            [(key, row_id) for key in sorted(keys_of(self._names(entity, row_id)))],
        )

    def _insert(self, sql: str, params: Sequence[object]) -> int:
        row_id = self.conn.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    # Changing the names of existing rows (kdrama drama/person/character edit) --------
    #
    # Each change rewrites the row's keys before it returns, as every write here does,
    # so a name is never stored without being findable, nor findable once removed.

    def ids_with_keys(self, kind: NameKind, keys: Iterable[str]) -> list[int]:
        """Ids of the rows of this kind that have any of ``keys``, oldest first."""
        entity = _KINDS[kind][0]
        wanted = sorted(set(keys))
        if not wanted:
            return []
        self._flush_keys()
        marks = ", ".join("?" * len(wanted))
        rows = self.conn.execute(
            f"SELECT DISTINCT {entity.id_column} FROM {entity.keys} WHERE key IN ({marks})"
            f" ORDER BY {entity.id_column}",
            wanted,
        )
        return [row[0] for row in rows]

    def names_of(self, kind: NameKind, row_id: int) -> list[str]:
        """All the names of one row: its name, its Korean name, its aliases."""
        return self._names(_KINDS[kind][0], row_id)

    def aliases_of(self, kind: NameKind, row_id: int) -> list[str]:
        """One row's aliases, sorted."""
        return self._aliases(_KINDS[kind][0], row_id)

    def set_korean_name(self, kind: NameKind, row_id: int, korean: str | None) -> None:
        """Set a row's Korean title or Hangul name, or clear it with None."""
        entity = _KINDS[kind][0]
        self.conn.execute(
            f"UPDATE {entity.table} SET {entity.korean} = ? WHERE id = ?", (korean, row_id)
        )
        self._rekey(kind, row_id)

    def set_network(self, drama_id: int, network: str | None) -> None:
        """Set a drama's network, or clear it with None (networks have no keys)."""
        self.conn.execute("UPDATE dramas SET network = ? WHERE id = ?", (network, drama_id))
        self._networks.pop(drama_id, None)

    def add_aliases(self, kind: NameKind, row_id: int, aliases: Sequence[str]) -> None:
        """Give a row more aliases (one it has already is left as it is)."""
        self._add_aliases(_KINDS[kind][0], row_id, aliases)
        self._rekey(kind, row_id)

    def remove_aliases(self, kind: NameKind, row_id: int, aliases: Sequence[str]) -> None:
        """Take these aliases, exactly as stored, off a row."""
        entity = _KINDS[kind][0]
        self.conn.executemany(
            f"DELETE FROM {entity.aliases} WHERE {entity.id_column} = ? AND alias = ?",
            [(row_id, alias) for alias in aliases],
        )
        self._rekey(kind, row_id)

    def _rekey(self, kind: NameKind, row_id: int) -> None:
        """Rewrite a row's keys from its names, and forget what was found by the old
        ones: a name taken off a row must not find it from this writer's memory."""
        entity, keys_of = _KINDS[kind]
        self._write_keys(entity, row_id, keys_of)
        self._forget()


# How each kind of name is stored, and the keys its names have.
_KINDS: dict[NameKind, tuple[_Entity, _KeysOf]] = {
    NameKind.DRAMA: (_DRAMA, names.title_keys),
    NameKind.ACTOR: (_PERSON, names.person_keys),
    NameKind.CHARACTER: (_CHARACTER, names.character_keys),
}
