"""Changing what dramas, people and characters are called: a drama's Korean title,
network and aliases, a person's or character's Hangul name and aliases.

The row to change is found with the catalog's name matching, in any spelling. When
the text matches several rows, those it names whole (a title, Korean title or alias;
a name, Hangul name or alias, in either order) are preferred over those it names only
in part: "Rain" is a run of the words of "Something in the Rain", and a character's
given name alone is part of their name.

A new alias or Korean name that already names another drama (another person, another
character of the same drama) is refused: lookups could no longer tell the two apart.
Each edit is one transaction that finds the row, checks, and writes, rewriting the
row's keys, so every lookup, completion and the search index (its triggers watch
names and aliases) use the change at once.

>>> from kdrama_cli.catalog import Catalog
>>> with Catalog.open_bundled() as catalog:
...     str(find_drama(catalog, "CLOY")), str(find_character(catalog, "Se Ri"))
('Crash Landing on You (2020)', 'Yoon Se Ri (윤세리) in Crash Landing on You (2020)')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import names
from .catalog import Catalog
from .errors import KdramaError
from .models import NameKind
from .storage import transaction
from .writer import Writer

# What a message calls each kind of row.
NOUNS = {NameKind.DRAMA: "drama", NameKind.ACTOR: "person", NameKind.CHARACTER: "character"}
_PLURALS = {NameKind.DRAMA: "dramas", NameKind.ACTOR: "people", NameKind.CHARACTER: "characters"}
_LISTED = 5  # rows named in one message; the rest are counted


class NameNotFound(KdramaError):
    """No drama, person or character matches the text given."""


class AmbiguousName(KdramaError):
    """The text given matches several rows equally well."""


class NameTaken(KdramaError):
    """A new alias or Korean name already names another row of the same kind."""


class AliasNotFound(KdramaError):
    """An alias to remove is not one of the row's."""


@dataclass(frozen=True)
class Named:
    """A drama, person or character, as messages name it."""

    kind: NameKind
    id: int
    name: str
    korean: str | None
    year: int | None = None  # a drama's year, or a character's drama's
    drama: str | None = None  # a character's drama's title
    drama_id: int | None = None  # a character's drama
    network: str | None = None  # a drama's

    def __str__(self) -> str:
        """As messages show it: "Crash Landing on You (2020)", "Hyun Bin (현빈)",
        "Yoon Se Ri (윤세리) in Crash Landing on You (2020)"."""
        if self.kind is NameKind.DRAMA:
            return f"{self.name} ({self.year})"
        shown = f"{self.name} ({self.korean})" if self.korean else self.name
        if self.kind is NameKind.CHARACTER:
            shown += f" in {self.drama} ({self.year})"
        return shown


@dataclass(frozen=True)
class NameChange:
    """What to change of one row's names. None leaves a value as it is and "" clears
    it; ``network`` is for dramas only. Aliases to remove are matched as names are
    (case, spaces and punctuation aside), and removed before the new ones are added,
    so removing "Cloy" and adding "CLOY" corrects its spelling."""

    korean: str | None = None
    network: str | None = None
    add_aliases: tuple[str, ...] = ()
    remove_aliases: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return (
            self.korean is not None
            or self.network is not None
            or bool(self.add_aliases or self.remove_aliases)
        )


@dataclass(frozen=True)
class Edited:
    """A row after an edit, whether the edit changed anything, and the aliases left
    out because the row already has them as names (spelled alike but for case,
    spaces and punctuation, which lookups ignore)."""

    row: Named
    changed: bool
    already: tuple[str, ...] = ()


# Finding ---------------------------------------------------------------------------


def find_drama(catalog: Catalog, text: str, *, year: int | None = None) -> Named:
    """The one drama ``text`` names (of ``year``, when given)."""
    return _find(Writer(catalog.conn), catalog, NameKind.DRAMA, text, year=year)


def find_person(catalog: Catalog, text: str) -> Named:
    """The one person ``text`` names."""
    return _find(Writer(catalog.conn), catalog, NameKind.ACTOR, text)


def find_character(catalog: Catalog, text: str, *, drama: str | None = None) -> Named:
    """The one character ``text`` names (in a drama ``drama`` matches, when given)."""
    return _find(Writer(catalog.conn), catalog, NameKind.CHARACTER, text, drama=drama)


def _find(
    writer: Writer,
    catalog: Catalog,
    kind: NameKind,
    text: str,
    *,
    year: int | None = None,
    drama: str | None = None,
) -> Named:
    """The one row of this kind ``text`` names, preferring whole names to parts;
    NameNotFound or AmbiguousName otherwise."""
    keys = names.query_keys(text)
    ids = writer.ids_with_keys(kind, keys)
    if not ids:  # the second tier, popular spellings, only when the first finds none
        keys = names.popular_keys(text)
        ids = writer.ids_with_keys(kind, keys)
    rows = [_load(catalog, kind, row_id) for row_id in ids]
    within, where = rows, ""
    if year is not None:
        within, where = [row for row in rows if row.year == year], f" from {year}"
    if drama is not None:
        dramas = set(writer.ids_with_keys(NameKind.DRAMA, names.query_keys(drama)))
        if not dramas:
            raise NameNotFound(_no_match(catalog, NameKind.DRAMA, drama))
        within, where = [row for row in rows if row.drama_id in dramas], f" of {drama!r}"
    if not within:
        if rows:
            there = "there is" if len(rows) == 1 else "there are"
            raise NameNotFound(
                f"no {NOUNS[kind]}{where} matches {text!r}; {there} {_listing(rows)}"
            )
        raise NameNotFound(_no_match(catalog, kind, text))
    whole = [row for row in within if set(keys) & _whole_keys(kind, writer.names_of(kind, row.id))]
    found = whole or within
    if len(found) > 1:
        raise AmbiguousName(f"{text!r} matches {len(found)} {_PLURALS[kind]}: {_listing(found)}")
    return found[0]


def _no_match(catalog: Catalog, kind: NameKind, text: str) -> str:
    """The message for text that names nothing, with the catalog's closest names."""
    message = f"no {NOUNS[kind]} matches {text!r}"
    suggestions = catalog.suggest(kind, text) if names.name_key(text) else []
    if suggestions:
        message += f". Did you mean: {', '.join(suggestions)}?"
    return message


def _listing(rows: Sequence[Named]) -> str:
    """Rows for a one-line message, sorted, the first few by name, the rest counted."""
    shown = sorted(str(row) for row in rows)
    listing = ", ".join(shown[:_LISTED])
    if len(shown) > _LISTED:
        listing += f" and {len(shown) - _LISTED} more"
    return listing


def _whole_keys(kind: NameKind, texts: Iterable[str]) -> set[str]:
    """The keys that name a row whole: not a run of a title's words, nor a
    character's given name alone."""
    if kind is NameKind.DRAMA:
        return names.whole_title_keys(texts)
    return names.person_keys(texts)


def _load(catalog: Catalog, kind: NameKind, row_id: int) -> Named:
    """One row, as messages name it."""
    conn = catalog.conn
    if kind is NameKind.DRAMA:
        title, korean, year, network = conn.execute(
            "SELECT title, title_korean, year, network FROM dramas WHERE id = ?", (row_id,)
        ).fetchone()
        return Named(kind, row_id, title, korean, year=year, network=network)
    if kind is NameKind.ACTOR:
        name, korean = conn.execute(
            "SELECT name, name_korean FROM people WHERE id = ?", (row_id,)
        ).fetchone()
        return Named(kind, row_id, name, korean)
    name, korean, drama_id, title, year = conn.execute(
        "SELECT c.name, c.name_korean, c.drama_id, d.title, d.year"
        " FROM characters c JOIN dramas d ON d.id = c.drama_id WHERE c.id = ?",
        (row_id,),
    ).fetchone()
    return Named(kind, row_id, name, korean, year=year, drama=title, drama_id=drama_id)


# Editing ---------------------------------------------------------------------------


def edit_drama(
    catalog: Catalog, title: str, change: NameChange, *, year: int | None = None
) -> Edited:
    """Change the Korean title, network or aliases of the drama ``title`` names."""
    with transaction(catalog.conn):
        writer = Writer(catalog.conn)
        drama = _find(writer, catalog, NameKind.DRAMA, title, year=year)
        return _edit(writer, catalog, drama, change)


def edit_person(catalog: Catalog, name: str, change: NameChange) -> Edited:
    """Change the Hangul name or aliases of the person ``name`` names."""
    with transaction(catalog.conn):
        writer = Writer(catalog.conn)
        person = _find(writer, catalog, NameKind.ACTOR, name)
        return _edit(writer, catalog, person, change)


def edit_character(
    catalog: Catalog, name: str, change: NameChange, *, drama: str | None = None
) -> Edited:
    """Change the Hangul name or aliases of the character ``name`` names."""
    with transaction(catalog.conn):
        writer = Writer(catalog.conn)
        character = _find(writer, catalog, NameKind.CHARACTER, name, drama=drama)
        return _edit(writer, catalog, character, change)


def _edit(writer: Writer, catalog: Catalog, row: Named, change: NameChange) -> Edited:
    """Check the whole change against the catalog, then write it."""
    kind = row.kind
    if change.network is not None and kind is not NameKind.DRAMA:
        raise ValueError("only a drama has a network")
    removed = _aliases_to_remove(writer, row, change.remove_aliases)
    korean = row.korean if change.korean is None else change.korean or None
    network = row.network if change.network is None else change.network or None
    kept = [alias for alias in writer.aliases_of(kind, row.id) if alias not in removed]
    own = {names.name_key(text) for text in [row.name, korean or "", *kept]}
    added: dict[str, str] = {}
    already: list[str] = []
    for alias in change.add_aliases:
        key = names.name_key(alias)
        if key in own:
            already.append(alias)
        else:
            added.setdefault(key, alias)
    new_names = [*([korean] if korean and korean != row.korean else []), *added.values()]
    for text in new_names:
        _refuse_if_taken(writer, catalog, row, text)
    if removed:
        writer.remove_aliases(kind, row.id, removed)
    if korean != row.korean:
        writer.set_korean_name(kind, row.id, korean)
    if network != row.network:
        writer.set_network(row.id, network)
    if added:
        writer.add_aliases(kind, row.id, list(added.values()))
    changed = bool(removed or added) or (korean, network) != (row.korean, row.network)
    return Edited(_load(catalog, kind, row.id), changed, tuple(dict.fromkeys(already)))


def _aliases_to_remove(writer: Writer, row: Named, aliases: Sequence[str]) -> list[str]:
    """The row's stored aliases that ``aliases`` name; AliasNotFound for one it has not."""
    current = writer.aliases_of(row.kind, row.id)
    removed: list[str] = []
    for alias in aliases:
        matching = [a for a in current if names.name_key(a) == names.name_key(alias)]
        if not matching:
            has = f"its aliases: {', '.join(current)}" if current else "it has none"
            raise AliasNotFound(f"{row} has no alias {alias!r} ({has})")
        removed += [a for a in matching if a not in removed]
    return removed


def _refuse_if_taken(writer: Writer, catalog: Catalog, row: Named, text: str) -> None:
    """NameTaken when looking ``text`` up already finds another row of the kind (for a
    character, another character of the same drama): "Rain" names Something in the
    Rain, so it cannot become another drama's alias."""
    kind = row.kind
    others = [
        _load(catalog, kind, other_id)
        for other_id in writer.ids_with_keys(kind, names.query_keys(text))
        if other_id != row.id
    ]
    if kind is NameKind.CHARACTER:
        others = [other for other in others if other.drama_id == row.drama_id]
    if others:
        which = f"another {NOUNS[kind]}" if len(others) == 1 else f"other {_PLURALS[kind]}"
        raise NameTaken(
            f"{text!r} already names {which}, {_listing(others)}; lookups could not tell them apart"
        )
