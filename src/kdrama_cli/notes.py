"""A scene's personal note and the clip links to watch it: what ``kdrama note`` and
``kdrama open`` read and write.

A note is checked as a description is (``records.clean_text``): control characters
refused, Windows line ends made line feeds, at most 20,000 characters, trimmed; blank
means no note. It is written through ``Writer.update_scene``, and the catalog's
triggers mark the scene for the search index, so ``kdrama search`` finds its words.

>>> from kdrama_cli.catalog import Catalog
>>> with Catalog.open_bundled() as catalog:
...     note_of(catalog, 6) is None, clip_links(catalog, 6)
(True, ())
"""

from __future__ import annotations

from typing import Final

from . import moments
from .catalog import Catalog
from .errors import KdramaError, SceneNotFound
from .importfile import RecordError
from .records import clean_text
from .storage import transaction
from .writer import Writer


class NoClipLink(KdramaError):
    """The scene has no clip link, or none at the place asked for."""


class NoteChanged(KdramaError):
    """The note changed between reading it and writing another (see ``set_note``)."""


class _Any:
    """Whatever note the scene has: ``set_note`` without ``expected``."""


ANY: Final = _Any()


def clean_note(text: str | None) -> str | None:
    """``text`` as a note is kept, None for no note (None, empty or blank). RecordError
    says what is wrong, as "the note has a control character (\\x1b) at character 4"."""
    if text is None:
        return None
    try:
        return clean_text(text, "note") or None
    except RecordError as error:
        raise RecordError("", f"the note {error}") from None


def note_of(catalog: Catalog, scene_id: int) -> str | None:
    """The scene's note, or None; SceneNotFound when there is no such scene."""
    row = catalog.conn.execute("SELECT note FROM scenes WHERE id = ?", (scene_id,)).fetchone()
    if row is None:
        raise SceneNotFound(scene_id)
    return None if row[0] is None else str(row[0])


def set_note(
    catalog: Catalog, scene_id: int, text: str | None, *, expected: str | None | _Any = ANY
) -> bool:
    """Make ``text`` the scene's note (checked by ``clean_note``; None or blank removes
    it); return whether the note changed. With ``expected``, the note read before the
    caller chose ``text`` (an editor session, say): when it is another by now, nothing
    is written and NoteChanged says so, so a change made meanwhile is never lost."""
    note = clean_note(text)
    with transaction(catalog.conn):
        current = note_of(catalog, scene_id)
        if not isinstance(expected, _Any) and current != expected:
            raise NoteChanged(
                f"the note of scene {scene_id} was changed elsewhere while you edited it;"
                " nothing was saved"
            )
        if current == note:
            return False
        Writer(catalog.conn).update_scene(scene_id, note=note)
    return True


def clip_links(catalog: Catalog, scene_id: int) -> tuple[str, ...]:
    """The scene's clip links, first first; SceneNotFound when there is no such scene."""
    return _links_and_time(catalog, scene_id)[0]


def clip_to_open(catalog: Catalog, scene_id: int, number: int = 1) -> str:
    """The scene's clip link ``number`` (1 is the first), at the scene's time where the
    site takes one in the link (``moments.at_time``: YouTube's ``t=``). NoClipLink when
    the scene has no link, or fewer than ``number``; SceneNotFound when there is no
    such scene. A link kdrama would not store (see ``moments.check_url``) is refused,
    not opened."""
    links, seconds = _links_and_time(catalog, scene_id)
    if not links:
        raise NoClipLink(
            f"scene {scene_id} has no clip link; add one with kdrama edit {scene_id} --url URL"
        )
    if not 1 <= number <= len(links):
        raise NoClipLink(
            f"scene {scene_id} has {len(links)} clip link(s), so none is number {number}"
        )
    link = links[number - 1]
    try:  # a catalog file from elsewhere may hold what kdrama never stores
        moments.check_url(link)
    except ValueError as error:
        raise NoClipLink(f"scene {scene_id}'s clip link is not one kdrama opens: {error}") from None
    return moments.at_time(link, seconds)


def _links_and_time(catalog: Catalog, scene_id: int) -> tuple[tuple[str, ...], int | None]:
    scene = catalog.get_scene(scene_id)
    return scene.urls, scene.time


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the browser (``$BROWSER``, else the system's); whether one took
    it. ``kdrama open`` and the tui's ``o`` say what to do with the link when none did."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
