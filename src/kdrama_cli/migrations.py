"""The catalog schema, as named migrations applied in order.

An upgrade applies the missing migrations in one transaction, each with its version
bump; ``PRAGMA user_version`` records how many have been applied, and ``PRAGMA
application_id`` marks the file as a kdrama catalog so that any other SQLite file is
recognised and left alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x4B445241  # "KDRA"

Migration = Callable[[sqlite3.Connection], None]


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one, inside the caller's transaction.

    ``executescript()`` would commit first, breaking one-transaction-per-migration.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""


def m001_initial_schema(conn: sqlite3.Connection) -> None:
    """Dramas, people, characters and scenes, with name keys and an index per filter."""
    _run_script(
        conn,
        """
        CREATE TABLE dramas (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            title_korean TEXT,
            year INTEGER NOT NULL,
            network TEXT
        );
        CREATE TABLE drama_aliases (
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (drama_id, alias)
        );
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_korean TEXT
        );
        CREATE TABLE person_aliases (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (person_id, alias)
        );
        CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            name TEXT NOT NULL,
            name_korean TEXT
        );
        CREATE TABLE character_aliases (
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (character_id, alias)
        );
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            title TEXT,
            credit TEXT
        );
        CREATE TABLE scenes (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            rank INTEGER,
            source_id INTEGER REFERENCES sources(id)
        );
        CREATE TABLE scene_people (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, person_id)
        );
        CREATE TABLE scene_characters (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            character_id INTEGER NOT NULL REFERENCES characters(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, character_id)
        );

        -- Match keys (see names.py), derived from the names above when a row is written.
        CREATE TABLE drama_keys (
            key TEXT NOT NULL,
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            PRIMARY KEY (key, drama_id)
        ) WITHOUT ROWID;
        CREATE TABLE person_keys (
            key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (key, person_id)
        ) WITHOUT ROWID;
        CREATE TABLE character_keys (
            key TEXT NOT NULL,
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            PRIMARY KEY (key, character_id)
        ) WITHOUT ROWID;

        CREATE INDEX dramas_year ON dramas(year);
        CREATE INDEX dramas_title ON dramas(title);
        CREATE INDEX characters_drama ON characters(drama_id);
        CREATE INDEX characters_person ON characters(person_id);
        CREATE INDEX scenes_drama ON scenes(drama_id);
        CREATE INDEX scenes_title ON scenes(title);
        CREATE INDEX scenes_source ON scenes(source_id);
        CREATE INDEX scene_people_person ON scene_people(person_id, scene_id);
        CREATE INDEX scene_characters_character ON scene_characters(character_id, scene_id);
        CREATE INDEX drama_keys_drama ON drama_keys(drama_id);
        CREATE INDEX person_keys_person ON person_keys(person_id);
        CREATE INDEX character_keys_character ON character_keys(character_id);
        """,
    )


def m002_favorites_ratings_and_bundle(conn: sqlite3.Connection) -> None:
    """Favourites and 1-5 ratings on scenes, indexed for their filters; the record of
    which bundled scenes a user catalog has already taken in; and cast tables stored by
    their primary key (WITHOUT ROWID), which makes large imports a sixth faster."""
    for table, column, parent in [
        ("scene_people", "person_id", "people"),
        ("scene_characters", "character_id", "characters"),
    ]:
        _run_script(
            conn,
            f"""
            CREATE TABLE {table}_new (
                scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
                {column} INTEGER NOT NULL REFERENCES {parent}(id),
                position INTEGER NOT NULL,
                PRIMARY KEY (scene_id, {column})
            ) WITHOUT ROWID;
            INSERT INTO {table}_new SELECT scene_id, {column}, position FROM {table};
            DROP TABLE {table};
            ALTER TABLE {table}_new RENAME TO {table};
            CREATE INDEX {table}_{column.removesuffix("_id")} ON {table}({column}, scene_id);
            """,
        )
    _run_script(
        conn,
        """
        ALTER TABLE scenes ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0
            CHECK (favorite IN (0, 1));
        ALTER TABLE scenes ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 5);
        CREATE INDEX scenes_favorite ON scenes(id) WHERE favorite = 1;
        CREATE INDEX scenes_rating ON scenes(rating);
        CREATE TABLE bundled_scenes (scene_id INTEGER PRIMARY KEY);
        """,
    )


def m003_search_and_scene_view(conn: sqlite3.Connection) -> None:
    """The full-text index of scenes (see search.py), and ``scenes_with_cast``: one
    row per scene with its drama and its actors and characters as JSON arrays, for
    tools that read the file directly. The scenes already there are marked to be
    indexed; m006, which remakes the index, indexes them (an upgrade applies every
    migration at once)."""
    from . import search

    _run_script(conn, search.schema_v3())
    conn.execute("INSERT INTO search_stale (scene_id) SELECT id FROM scenes")
    _run_script(
        conn,
        """
        CREATE VIEW scenes_with_cast AS
        SELECT s.id, s.title, d.title AS drama, d.title_korean AS drama_korean, d.year,
            d.network,
            (SELECT json_group_array(name) FROM (
                SELECT p.name FROM scene_people sp JOIN people p ON p.id = sp.person_id
                WHERE sp.scene_id = s.id ORDER BY sp.position)) AS actors,
            (SELECT json_group_array(name) FROM (
                SELECT c.name || ' (' || p.name || ')' AS name FROM scene_characters sc
                JOIN characters c ON c.id = sc.character_id
                JOIN people p ON p.id = c.person_id
                WHERE sc.scene_id = s.id ORDER BY sc.position)) AS characters,
            s.description, s.favorite, s.rating, src.name AS source
        FROM scenes s JOIN dramas d ON d.id = s.drama_id
        LEFT JOIN sources src ON src.id = s.source_id;
        """,
    )


def m004_scene_counts(conn: sqlite3.Connection) -> None:
    """Each person's, drama's and character's number of scenes, kept up to date by
    triggers and a recount before each commit (see counts.py), so that counting
    actors and dramas reads a few rows instead of every scene; counted here for the
    scenes already there."""
    from . import counts

    _run_script(conn, counts.counts_schema(counts.KEPT_V4))
    counts.count_all(conn, counts.KEPT_V4)


# Each kind of named row: its table, name columns, aliases and keys (see names.py).
_NAMED = [
    ("dramas", "title", "title_korean", "drama_aliases", "drama_keys", "drama_id"),
    ("people", "name", "name_korean", "person_aliases", "person_keys", "person_id"),
    ("characters", "name", "name_korean", "character_aliases", "character_keys", "character_id"),
]


def m005_name_keys_v2(conn: sqlite3.Connection) -> None:
    """Every drama's, person's and character's match keys, recomputed with the rules of
    names v2 (see names.py): joins kept, Hangul exact, popular spellings a second tier.
    One pass per named row (not per scene). The keys go to a temporary table as they
    are made, and from it to the key table in key order, sorted by SQLite: that walks
    each key index once, and a million names' keys never sit in Python's memory."""
    from . import names

    keys_of = {
        "dramas": names.title_keys,
        "people": names.person_keys,
        "characters": names.character_keys,
    }
    for table, name, korean, aliases_table, keys, id_column in _NAMED:
        aliases: dict[int, list[str]] = {}
        for row_id, alias in conn.execute(f"SELECT {id_column}, alias FROM {aliases_table}"):
            if isinstance(alias, str):
                aliases.setdefault(row_id, []).append(alias)
        rows = conn.execute(f"SELECT id, {name}, {korean} FROM {table}")
        made = (
            (key, row_id)
            for row_id, own, own_korean in rows
            for key in keys_of[table](
                [t for t in (own, own_korean, *aliases.get(row_id, ())) if isinstance(t, str)]
            )
        )
        conn.execute("CREATE TEMP TABLE new_keys (key TEXT NOT NULL, row_id INTEGER NOT NULL)")
        conn.executemany("INSERT INTO temp.new_keys (key, row_id) VALUES (?, ?)", made)
        conn.execute(f"DELETE FROM {keys}")
        conn.execute(
            f"INSERT INTO {keys} (key, {id_column})"
            " SELECT key, row_id FROM temp.new_keys ORDER BY key, row_id"
        )
        conn.execute("DROP TABLE temp.new_keys")


def m006_episodes_links_tags_notes(conn: sqlite3.Connection) -> None:
    """Where a scene is (its episode, and the time in it in seconds), where to watch
    it (its clip links, in order), what kind of moment it is (tags, each kept in the
    form first typed and matched by its case-folded ``key``) and the fan's note; the
    tags' scene counts, kept like the others (counts.py); and the full-text index made
    again with two more columns, tags and note, for every scene (search.py)."""
    from . import counts, search

    _run_script(
        conn,
        """
        ALTER TABLE scenes ADD COLUMN episode INTEGER CHECK (episode >= 1);
        ALTER TABLE scenes ADD COLUMN time INTEGER CHECK (time >= 0);
        ALTER TABLE scenes ADD COLUMN note TEXT;
        CREATE INDEX scenes_episode ON scenes(episode) WHERE episode IS NOT NULL;
        CREATE TABLE scene_urls (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            PRIMARY KEY (scene_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE
        );
        CREATE TABLE scene_tags (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX scene_tags_tag ON scene_tags(tag_id, scene_id);
        """,
    )
    _run_script(conn, counts.counts_schema(counts.KEPT[len(counts.KEPT_V4) :]))
    conn.execute(f"DROP TABLE {search.TABLE}")
    _run_script(conn, search.index_table() + "\n" + search.tag_and_note_triggers())
    conn.execute("INSERT OR IGNORE INTO search_stale (scene_id) SELECT id FROM scenes")
    search.refresh(conn)


def m007_scene_ids_not_reused(conn: sqlite3.Connection) -> None:
    """The highest id of a removed scene, so that a new scene never takes it: an id
    once given names that scene for good, in a fan's scripts and notes and in older
    exports (restoring one with --update would otherwise write over the new scene).
    One row, raised by a trigger when a scene goes; the ids removed before this
    version are not known, so it starts at none."""
    _run_script(
        conn,
        """
        CREATE TABLE removed_scene_ids (highest INTEGER NOT NULL);
        INSERT INTO removed_scene_ids (highest) VALUES (0);
        CREATE TRIGGER scenes_delete_keeps_id AFTER DELETE ON scenes BEGIN
            UPDATE removed_scene_ids SET highest = OLD.id WHERE highest < OLD.id;
        END;
        """,
    )


MIGRATIONS: list[Migration] = [
    m001_initial_schema,
    m002_favorites_ratings_and_bundle,
    m003_search_and_scene_view,
    m004_scene_counts,
    m005_name_keys_v2,
    m006_episodes_links_tags_notes,
    m007_scene_ids_not_reused,
]
SCHEMA_VERSION = len(MIGRATIONS)
# The migrations that rewrite a row or more for every scene (the search index, the
# name keys): on a large catalog, they take a while.
_SLOW = (
    m003_search_and_scene_view,
    m004_scene_counts,
    m005_name_keys_v2,
    m006_episodes_links_tags_notes,
)


def takes_a_while(conn: sqlite3.Connection) -> bool:
    """Whether upgrading this catalog rewrites something for every scene."""
    return any(migration in _SLOW for migration in MIGRATIONS[schema_version(conn) :])


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied to this catalog."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    before: Callable[[sqlite3.Connection], object] | None = None,
) -> list[str]:
    """Apply the migrations this catalog lacks, up to version ``target``; name them.

    Each migration runs with its ``user_version`` bump, and all of them in one
    transaction, so an upgrade that fails anywhere leaves the file exactly as it was.
    ``before`` runs first, under the write lock: a check that the file may be written.
    The version is read again inside the transaction, so two processes upgrading the
    same catalog at once apply each migration exactly once.
    """
    if schema_version(conn) >= target:
        return []
    conn.execute("BEGIN IMMEDIATE")
    applied: list[str] = []
    try:
        if before is not None:
            before(conn)
        for version, migration in enumerate(MIGRATIONS[:target], start=1):
            if schema_version(conn) >= version:
                continue
            migration(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {version}")
            applied.append(migration.__name__)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied


def schema_differences(conn: sqlite3.Connection) -> list[str]:
    """How the catalog on ``conn`` differs from the schema its migrations create: each
    table, view, index and trigger, and each table's and view's columns with their
    declared types and primary key. One line each; none when it is as kdrama made it.
    Objects and columns kdrama does not know are left alone. Only reads."""
    expected = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(expected, target=min(schema_version(conn), SCHEMA_VERSION))
        return _differences(expected, conn)
    finally:
        expected.close()


def _differences(expected: sqlite3.Connection, actual: sqlite3.Connection) -> list[str]:
    found: list[str] = []
    have = _schema_objects(actual)
    for name, kind in _schema_objects(expected).items():
        if name not in have:
            found.append(f"the {kind} {name} is missing")
        elif have[name] != kind:
            found.append(f"{name} is a {have[name]} where kdrama expects a {kind}")
        elif kind in ("table", "view"):
            try:
                columns = _columns(actual, name)
            except sqlite3.Error as error:  # a view over a table that is missing, say
                found.append(f"the {kind} {name} cannot be read: {error}")
                continue
            found += _column_differences(name, _columns(expected, name), columns)
    return found


def _column_differences(
    table: str, expected: dict[str, tuple[str, int]], actual: dict[str, tuple[str, int]]
) -> list[str]:
    found: list[str] = []
    missing = [column for column in expected if column not in actual]
    if missing:
        found.append(f"{table} lacks the column(s) {', '.join(missing)}")
    for column, (kind, key) in expected.items():
        if column in actual and actual[column] != (kind, key):
            found.append(
                f"{table}.{column} is declared {_declared(*actual[column])} where kdrama"
                f" expects {_declared(kind, key)}"
            )
    return found


def _declared(kind: str, key: int) -> str:
    return repr(kind or "untyped") + (" PRIMARY KEY" if key else "")


def _schema_objects(conn: sqlite3.Connection) -> dict[str, str]:
    """Each table, view, index and trigger by name (SQLite's own and automatic indexes
    aside), with its kind."""
    return dict(
        conn.execute(
            "SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
    )


def _columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, int]]:
    """A table's or view's columns: name, declared type (upper case), primary key."""
    return {
        name: (str(kind).upper(), int(key))
        for name, kind, key in conn.execute(
            "SELECT name, type, pk FROM pragma_table_xinfo(?)", (table,)
        )
    }
