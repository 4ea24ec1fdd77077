"""Full-text search: how scenes are indexed, and how a typed query becomes a safe one.

The index is an FTS5 table, ``scene_search``, with one row per scene (its rowid is the
scene's id) and six columns: the scene's title, its drama's titles, the names of its
actors and characters, its description, its tags and the fan's note. SQLite's
``unicode61`` tokenizer splits Latin text into words and folds case and accents.
Hangul (and other CJK text, which has no spaces inside words) is indexed as
overlapping pairs of characters, the classic bigram approach: 도깨비가 is
stored as 도깨 깨비 비가 가, so 도깨비, 깨비 and 가 are all found inside it.
FTS5's trigram tokenizer would do this too, but it was measured at 24 s to index
100,000 scenes, against 4 s for words and pairs, and it cannot match
terms shorter than three characters at all.

Triggers on every table the index reads mark the scenes a write touches in
``search_stale``; ``refresh`` re-indexes exactly those before the write commits
(``storage.transaction`` calls it), so the index is always in step with the catalog.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache

TABLE = "scene_search"

# Hangul jamo and syllables, kana, and CJK ideographs: scripts written without spaces
# between the parts of a word, indexed as pairs of characters.
_WIDE_RUN = (
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
_WORD = re.compile(r"[^\W_]+")


@cache
def _wide() -> re.Pattern[str]:
    """A run of wide script, as a group (so that ``split`` keeps the runs). Compiled on
    first use: the class of ranges takes about 3 ms, which every start would pay."""
    return re.compile(f"({_WIDE_RUN})")


# Little words that say nothing about a scene ("the one with the wine"). They are
# skipped when a query has other words, and searched for when it has only these.
_FILLER = frozenset(
    {
        *("a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with"),
        *("from", "by", "is", "are", "was", "were", "it", "its", "this", "that"),
        *("where", "when", "who", "one", "ones", "scene", "scenes"),
    }
)

# Columns of the index, in order, and their weights in the ranking (bm25). Schema 3
# made the index with the first four; schema 6 added tags and notes.
COLUMNS = ("title", "drama", "names", "description", "tags", "note")
COLUMNS_V3 = COLUMNS[:4]
_WEIGHTS = (4.0, 3.0, 3.0, 1.0, 2.0, 1.0)


@lru_cache(maxsize=1 << 13)
def index_text(text: str | None) -> str | None:
    """Text as it is put in the index: NFC, with runs of wide script split into
    overlapping pairs of characters (and the last character alone). Cached: the
    scenes of a drama share its titles and mostly its cast."""
    if not text:
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    wide = _wide()
    if wide.search(text) is None:
        return text
    return wide.sub(lambda run: f" {_pairs(run.group(), last=True)} ", text)


def _pairs(run: str, *, last: bool) -> str:
    """Overlapping pairs of a run; with ``last``, its final character alone too."""
    end = len(run) if last else max(len(run) - 1, 1)
    return " ".join(run[i : i + 2] for i in range(end))


@dataclass(frozen=True)
class Term:
    """One word of a query, as FTS5 will look for it."""

    phrase: str
    prefix: bool

    def expression(self) -> str:
        """The term as an FTS5 string: always quoted, so it can never be syntax."""
        quoted = '"' + self.phrase.replace('"', '""') + '"'
        return quoted + (" *" if self.prefix else "")


def parse_query(query: str) -> list[Term]:
    """The terms to look for. ValueError, with a message for the user, when the query
    has nothing to search for.

    Each whitespace-separated word becomes one quoted term, and all must match. Latin
    words match whole words, in any English form: the index stems them (Porter), so
    "tears" finds "tear" and "kissing" finds "kisses", while "son" does not find
    "song". Wide-script words match anywhere inside a word: they are looked up as the
    phrase of their pairs of characters, and one character alone as a prefix.
    """
    if not query.strip():
        raise ValueError("the query is empty; say what to look for, e.g. 'rain'")
    words = [_term(word) for word in query.split()]
    terms = [term for term in words if term is not None]
    if not terms:
        raise ValueError(f"{query.strip()!r} has no letters or digits to search for")
    telling = [term for term in terms if term.phrase not in _FILLER]
    return list(dict.fromkeys(telling or terms))


def _term(word: str) -> Term | None:
    tokens: list[str] = []
    prefix = False
    for part in _WORD.findall(unicodedata.normalize("NFC", word).lower()):
        for run in _wide().split(part):
            if not run:
                continue
            wide = _wide().fullmatch(run) is not None
            tokens.append(_pairs(run, last=False) if wide else run)
            prefix = wide and len(run) == 1
    if not tokens:
        return None
    return Term(" ".join(tokens), prefix)


def match_expression(terms: list[Term]) -> str:
    """The FTS5 query that all ``terms`` must match."""
    return " AND ".join(term.expression() for term in terms)


def highlight_pattern(terms: list[Term]) -> re.Pattern[str]:
    """A pattern for the matched text in what a scene shows, to highlight it: Latin
    words with the common English endings the index's stemming ignores, and
    wide-script words wherever they are."""
    parts: list[str] = []
    for term in terms:
        for token in term.phrase.split(" "):
            if not _wide().search(token):
                root = re.escape(_ROOT.sub("", token) if len(token) > 3 else token)
                parts.append(rf"(?<![^\W_]){root}(?:{_ENDINGS})?(?![^\W_])")
        parts += [re.escape(run) for run in _wide_runs(term)]
    return re.compile("|".join(sorted(set(parts), key=len, reverse=True)), re.IGNORECASE)


_ROOT = re.compile(r"(?:e?s|ing|ed|e)$")
_ENDINGS = "e|s|es|ed|d|ing|er|ers|ful|y|ies|ied|'s"


def _wide_runs(term: Term) -> list[str]:
    """The wide-script words of a term, put back together from their pairs."""
    runs: list[str] = []
    current = ""
    for token in term.phrase.split(" "):
        if not _wide().fullmatch(token):
            if current:
                runs.append(current)
            current = ""
        elif not current:
            current = token
        else:
            current += token[-1]
    if current:
        runs.append(current)
    return runs


def rank_sql() -> str:
    """The ranking of a match, best first when sorted ascending."""
    weights = ", ".join(str(w) for w in _WEIGHTS)
    return f"bm25({TABLE}, {weights})"


# Index maintenance ----------------------------------------------------------------

_SCENE_NAMES = """
    SELECT p.name || ' ' || coalesce(p.name_korean, '') AS n FROM scene_people sp
        JOIN people p ON p.id = sp.person_id WHERE sp.scene_id = s.id
    UNION ALL SELECT pa.alias FROM scene_people sp
        JOIN person_aliases pa ON pa.person_id = sp.person_id WHERE sp.scene_id = s.id
    UNION ALL SELECT c.name || ' ' || coalesce(c.name_korean, '') FROM scene_characters sc
        JOIN characters c ON c.id = sc.character_id WHERE sc.scene_id = s.id
    UNION ALL SELECT ca.alias FROM scene_characters sc
        JOIN character_aliases ca ON ca.character_id = sc.character_id WHERE sc.scene_id = s.id
"""

# The stale scenes, each with the ids of its drama and of its cast: the text of a
# drama and of a cast is read once however many scenes share them (_texts).
_STALE_SCENES = """
    SELECT s.id, s.title, s.description, s.drama_id,
        (SELECT group_concat(person_id) FROM scene_people WHERE scene_id = s.id),
        (SELECT group_concat(character_id) FROM scene_characters WHERE scene_id = s.id),
        (SELECT group_concat(t.name, ' ') FROM scene_tags st JOIN tags t ON t.id = st.tag_id
            WHERE st.scene_id = s.id),
        s.note
    FROM search_stale st JOIN scenes s ON s.id = st.scene_id JOIN dramas d ON d.id = s.drama_id
"""
# The indexed text of some dramas, by id, and of the casts of some scenes, by scene id.
_DRAMA_TEXTS = """
    SELECT d.id, d.title || ' ' || coalesce(d.title_korean, '') || ' ' || coalesce(
            (SELECT group_concat(alias, ' ') FROM drama_aliases WHERE drama_id = d.id), '')
    FROM dramas d WHERE d.id IN (SELECT value FROM json_each(?))
"""
_CAST_TEXTS = f"""
    SELECT s.id, (SELECT group_concat(n, ' ') FROM ({_SCENE_NAMES}))
    FROM scenes s WHERE s.id IN (SELECT value FROM json_each(?))
"""
_BATCH = 5000

_Cast = tuple[str | None, str | None]


def refresh(conn: sqlite3.Connection) -> int:
    """Re-index the scenes marked stale, inside the caller's transaction; return how
    many were marked. Deleted scenes leave the index here too."""
    stale = conn.execute("SELECT count(*) FROM search_stale").fetchone()[0]
    if not stale:
        return 0
    # A scene above the highest indexed id is not in the index (new scenes, most of a
    # large import): only the others are looked up, one by one, to be taken out.
    conn.execute(
        f"DELETE FROM {TABLE} WHERE rowid IN (SELECT scene_id FROM search_stale"
        f" WHERE scene_id <= (SELECT rowid FROM {TABLE} ORDER BY rowid DESC LIMIT 1))"
    )
    if stale >= _MANY_STALE:
        with _merging_less(conn):
            _insert_many_stale(conn)
    else:
        _insert_stale(conn)
    conn.execute("DELETE FROM search_stale")
    return int(stale)


# From this many stale scenes on (a large import), they are indexed by SQLite in one
# statement (_insert_many_stale), and the index merges its segments less often while
# they are (_merging_less).
_MANY_STALE = 50_000
_AUTOMERGE_WHILE_MANY = 16
_AUTOMERGE_DEFAULT = 4  # FTS5's own


@contextmanager
def _merging_less(conn: sqlite3.Connection) -> Iterator[None]:
    """FTS5's ``automerge`` raised while the body writes, then set back as it was:
    merging segments once 16 of a size are there, rather than 4, writes each entry of
    the index fewer times over (inserting a million scenes' rows: 14.3 to 11.7 s).
    Queries read a few more segments until later writes merge them."""
    row = conn.execute(f"SELECT v FROM {TABLE}_config WHERE k = 'automerge'").fetchone()
    was = int(row[0]) if row else _AUTOMERGE_DEFAULT
    set_automerge = f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('automerge', ?)"
    conn.execute(set_automerge, (_AUTOMERGE_WHILE_MANY,))
    yield
    conn.execute(set_automerge, (was,))


def _insert_stale(conn: sqlite3.Connection) -> None:
    """Index the stale scenes (the index holds none of them)."""
    marks = ", ".join("?" for _ in COLUMNS)
    insert = f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (?, {marks})"
    dramas: dict[int, str | None] = {}
    casts: dict[_Cast, str | None] = {}
    cursor = conn.execute(_STALE_SCENES)
    while rows := cursor.fetchmany(_BATCH):
        dramas.update(_texts(conn, _DRAMA_TEXTS, {row[3] for row in rows} - dramas.keys()))
        new_casts: dict[_Cast, int] = {}
        for row in rows:
            if (row[4], row[5]) not in casts:
                new_casts.setdefault((row[4], row[5]), row[0])
        by_scene = _texts(conn, _CAST_TEXTS, new_casts.values())
        casts.update((cast, by_scene[scene_id]) for cast, scene_id in new_casts.items())
        # Plain ASCII, most scenes' own text, is indexed as it is.
        conn.executemany(
            insert,
            [
                (
                    scene_id,
                    title if title.isascii() else index_text(title),
                    dramas[drama_id],
                    casts[people, characters],
                    description if description.isascii() else index_text(description),
                    index_text(tags),
                    index_text(note),
                )
                for scene_id, title, description, drama_id, people, characters, tags, note in rows
            ],
        )


# The ids of a stale scene's cast, '' for none, as two columns ``people, characters``.
_CAST_IDS = """
    coalesce((SELECT group_concat(person_id) FROM scene_people WHERE scene_id = s.id), '')
        AS people,
    coalesce((SELECT group_concat(character_id) FROM scene_characters WHERE scene_id = s.id), '')
        AS characters
"""
_STALE = "search_stale st JOIN scenes s ON s.id = st.scene_id"
# A stale scene's tags, as one text.
_TAG_TEXT = """(SELECT group_concat(t.name, ' ') FROM scene_tags x JOIN tags t ON t.id = x.tag_id
    WHERE x.scene_id = s.id) AS tags"""
# Whether a scene's own text is plain ASCII (as many bytes as characters), which the
# index takes as it is: index_text changes none of it. Its tags are left out: a scene
# with tags is indexed the Python way, as one whose text is not plain (few have tags
# in a large import).
_PLAIN = (
    "length(CAST(s.title AS BLOB)) = length(s.title)"
    " AND length(CAST(s.description AS BLOB)) = length(s.description)"
    " AND coalesce(length(CAST(s.note AS BLOB)) = length(s.note), 1)"
)
# Each stale scene's drama, cast ids, tags and whether its own text is plain, read
# once for grouping the dramas and casts and for making the rows.
_STALE_CASTS = f"""
    INSERT INTO temp.search_stale_casts (id, drama_id, people, characters, tags, plain)
    SELECT s.id, s.drama_id, {_CAST_IDS}, {_TAG_TEXT}, coalesce({_PLAIN}, 0) FROM {_STALE}
"""
# The stale scenes' rows for the index, their drama's and cast's texts put together.
_MANY_ROWS = """
    SELECT x.id, s.title, d.text, c.text, s.description, x.tags, s.note
    FROM temp.search_stale_casts x JOIN scenes s ON s.id = x.id
        JOIN temp.search_drama_texts d ON d.id = x.drama_id
        JOIN temp.search_cast_texts c ON c.people = x.people AND c.characters = x.characters
"""
_INSERT = f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)})"


def _insert_many_stale(conn: sqlite3.Connection) -> None:
    """Index many stale scenes (the index holds none of them), as ``_insert_stale``
    does, with the text of each drama and cast put together once in Python, and the
    scenes' rows made and inserted by SQLite in one statement: Python no longer
    handles a row a scene, except those whose title or description is not plain ASCII.
    """
    conn.execute("CREATE TEMP TABLE search_drama_texts (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute(
        "CREATE TEMP TABLE search_cast_texts"
        " (people TEXT, characters TEXT, text TEXT, PRIMARY KEY (people, characters))"
    )
    # Each stale scene's cast ids, read once for both grouping the casts and making
    # the rows (reading them twice was a fifth of this function's time).
    conn.execute(
        "CREATE TEMP TABLE search_stale_casts (id INTEGER PRIMARY KEY, drama_id INTEGER,"
        " people TEXT, characters TEXT, tags TEXT, plain INTEGER)"
    )
    try:
        conn.execute(_STALE_CASTS)
        dramas = conn.execute("SELECT DISTINCT drama_id FROM temp.search_stale_casts").fetchall()
        for start in range(0, len(dramas), _BATCH):
            ids = [row[0] for row in dramas[start : start + _BATCH]]
            conn.executemany(
                "INSERT INTO temp.search_drama_texts (id, text) VALUES (?, ?)",
                _texts(conn, _DRAMA_TEXTS, ids).items(),
            )
        casts = conn.execute(
            "SELECT people, characters, min(id) FROM temp.search_stale_casts"
            " GROUP BY people, characters"
        ).fetchall()
        for start in range(0, len(casts), _BATCH):
            batch = casts[start : start + _BATCH]
            texts = _texts(conn, _CAST_TEXTS, [scene_id for _, _, scene_id in batch])
            conn.executemany(
                "INSERT INTO temp.search_cast_texts (people, characters, text) VALUES (?, ?, ?)",
                [(people, characters, texts[scene_id]) for people, characters, scene_id in batch],
            )
        conn.execute(f"{_INSERT} {_MANY_ROWS} WHERE x.plain AND x.tags IS NULL")
        cursor = conn.execute(f"{_MANY_ROWS} WHERE NOT (x.plain AND x.tags IS NULL)")
        while rows := cursor.fetchmany(_BATCH):
            conn.executemany(
                f"{_INSERT} VALUES (?, {', '.join('?' for _ in COLUMNS)})",
                [
                    (scene_id, index_text(title), drama, cast, index_text(description))
                    + (index_text(tags), index_text(note))
                    for scene_id, title, drama, cast, description, tags, note in rows
                ],
            )
    finally:
        conn.execute("DROP TABLE temp.search_drama_texts")
        conn.execute("DROP TABLE temp.search_cast_texts")
        conn.execute("DROP TABLE temp.search_stale_casts")


def _texts(conn: sqlite3.Connection, sql: str, ids: Collection[int]) -> dict[int, str | None]:
    """The indexed text that ``sql`` reads for each of ``ids``."""
    if not ids:
        return {}
    found = conn.execute(sql, ("[" + ",".join(str(row_id) for row_id in ids) + "]",))
    return {row_id: index_text(text) for row_id, text in found}


# The triggers that mark a scene stale when it or a member of its cast is inserted.
# A bulk import drops them while it writes and marks the scenes itself, at once
# (mark_stale): firing them row by row took a twentieth of a 100,000-scene import.
INSERT_TRIGGERS = (
    "search_scenes_insert",
    "search_scene_people_insert",
    "search_scene_characters_insert",
    "search_scene_tags_insert",
)


def mark_stale(conn: sqlite3.Connection, scene_ids: Iterable[int]) -> None:
    """Mark scenes for re-indexing before the commit, as the triggers do."""
    conn.executemany(
        "INSERT OR IGNORE INTO search_stale (scene_id) VALUES (?)", ((i,) for i in scene_ids)
    )


def _stale_for(when: str, table: str, scenes: str) -> str:
    """A trigger that marks the scenes a change to ``table`` touches as stale."""
    name = f"search_{table}_{when.split()[0].lower()}"
    return (
        f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN"
        f" INSERT OR IGNORE INTO search_stale (scene_id) {scenes}; END;"
    )


def _scenes_of_person(row: str) -> str:
    return (
        f"SELECT scene_id FROM scene_people WHERE person_id = {row}.person_id"
        " UNION SELECT sc.scene_id FROM characters c JOIN scene_characters sc"
        f" ON sc.character_id = c.id WHERE c.person_id = {row}.person_id"
    )


def index_table(columns: Iterable[str] = COLUMNS) -> str:
    """The index itself, as SQL."""
    return (
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        f"{', '.join(columns)}, tokenize = 'porter unicode61 remove_diacritics 2');"
    )


def schema_v3() -> str:
    """The index, the stale list and the triggers that keep the list, as schema 3
    made them (``migrations.m003``): frozen, since a catalog at version 3 has them."""
    statements = [
        index_table(COLUMNS_V3),
        "CREATE TABLE search_stale (scene_id INTEGER PRIMARY KEY);",
        _stale_for("INSERT", "scenes", "VALUES (NEW.id)"),
        _stale_for("UPDATE OF title, description, drama_id", "scenes", "VALUES (NEW.id)"),
        _stale_for("DELETE", "scenes", "VALUES (OLD.id)"),
    ]
    for table in ("scene_people", "scene_characters"):
        statements.append(_stale_for("INSERT", table, "VALUES (NEW.scene_id)"))
        statements.append(_stale_for("DELETE", table, "VALUES (OLD.scene_id)"))
    statements += [
        _stale_for(
            "UPDATE OF title, title_korean",
            "dramas",
            "SELECT id FROM scenes WHERE drama_id = NEW.id",
        ),
        _stale_for(
            "UPDATE OF name, name_korean",
            "people",
            _scenes_of_person("NEW").replace("NEW.person_id", "NEW.id"),
        ),
        _stale_for(
            "UPDATE OF name, name_korean",
            "characters",
            "SELECT scene_id FROM scene_characters WHERE character_id = NEW.id",
        ),
    ]
    for when, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        statements += [
            _stale_for(
                when, "drama_aliases", f"SELECT id FROM scenes WHERE drama_id = {row}.drama_id"
            ),
            _stale_for(when, "person_aliases", _scenes_of_person(row)),
            _stale_for(
                when,
                "character_aliases",
                f"SELECT scene_id FROM scene_characters WHERE character_id = {row}.character_id",
            ),
        ]
    return "\n".join(statements)


def tag_and_note_triggers() -> str:
    """The triggers schema 6 added or changed, which mark the scenes whose tags or
    note change (the scenes' own update trigger now watches the note too)."""
    statements = [
        _stale_for("INSERT", "scene_tags", "VALUES (NEW.scene_id)"),
        _stale_for("DELETE", "scene_tags", "VALUES (OLD.scene_id)"),
        "DROP TRIGGER search_scenes_update;",
        _stale_for("UPDATE OF title, description, drama_id, note", "scenes", "VALUES (NEW.id)"),
        _stale_for(
            "UPDATE OF name",
            "tags",
            "SELECT scene_id FROM scene_tags WHERE tag_id = NEW.id",
        ),
    ]
    return "\n".join(statements)
