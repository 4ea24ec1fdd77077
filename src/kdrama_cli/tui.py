"""`kdrama tui`: the catalog full-screen in the terminal, with Textual (the tui
extra). A search box that narrows as you type, a scene list read a page at a time,
the scene in full beside it, and keys to mark, rate, open, pick and copy.

All data goes through the Python API (``Catalog``, ``editing``, ``notes``): the app
holds no SQL. Catalog text reaches the screen as ``rich.text.Text`` made from
``text.visible``, never as markup.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Callable
from functools import partial
from typing import ClassVar, TypeVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from . import editing, notes, tui_query
from .catalog import Catalog, Reader, Superseded
from .errors import CatalogError, KdramaError
from .models import OutputFormat, Scene
from .render import render_scene_detail
from .render_rich import marks, scene_panel
from .storage import Location, Origin
from .text import visible

_T = TypeVar("_T")

# Rows read at a time, and how near the end of them the cursor comes before the next
# page is read.
PAGE = 50
_AHEAD = 15
# How long the search box waits after a keystroke before it asks the catalog, so that
# typing "kiss" asks once, not four times. A small catalog answers in a few
# milliseconds, so the box asks almost at once. On a large one a query takes up to
# about 100 ms (a word of 130,000 scenes among a million); it runs in a thread and
# the next keystroke interrupts it, so a query asked between two keys no longer holds
# the second up, and costs only the CPU it used until then. The pause is there to
# spare that CPU: 60 ms outlasts most of the gaps between the keys of a word typed
# quickly (fast typists leave 60 to 120 ms), so a word typed at speed mostly asks
# once, and it is half the 120 ms the box waited when a query could not be stopped.
QUICK_DEBOUNCE = 0.03
DEBOUNCE = 0.06
LARGE_CATALOG = 100_000


def debounce_for(scenes: int) -> float:
    """The search box's pause for a catalog of this many scenes."""
    return DEBOUNCE if scenes >= LARGE_CATALOG else QUICK_DEBOUNCE


HELP = """\
Search box (/ to go there, Enter or ↓ to the list):
  words            full-text search, as kdrama search (every word must match)
  actor:NAME       a: also; any spelling: actor:son yejin, actor:손예진
  character:NAME   char: also
  drama:NAME       d: also; drama:CLOY, drama:"Crash Landing"
  year:2018        y: also; a range: year:2016..2019, year:2018..
  tag:kiss         t: also; several tags must all be there
  fav              favourites only
  rating>=4        rated 4 or more (rating:4 too)
  ep:3             episode 3
Words come first; a filter's value runs to the next filter (or quote it).
Filters show as chips under the box.

In the list:
  ↑ ↓ j k          move          Enter   the scene in full (Esc: back)
  f                favourite on/off
  1 … 5            rate          0       unrate
  o                open the clip link in a web browser
  r                a random scene among all the query selects
  y                copy the scene's JSON
  ?                this help     q       quit
"""


_COLUMNS = ("id", "marks", "title", "drama")


def _cell(text: str, style: str = "") -> Text:
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")


def _row(scene: Scene) -> tuple[Text, ...]:
    return (
        Text(str(scene.id), justify="right"),
        marks(scene, "utf-8", separator=""),
        _cell(scene.title),
        _cell(f"{scene.drama} ({scene.year})", "cyan"),
    )


def _chips(query: tui_query.Query, count: int | None, error: str | None) -> Text:
    """The line under the search box: a chip for each filter, then how many scenes
    match (None: still counting), or what is wrong with the query."""
    line = Text()
    for key, value in query.chips:
        label = key if key == "fav" else f"{key}: {value}"
        line.append(f" {visible(label)} ", style="reverse")
        line.append(" ")
    if error is not None:
        line.append(visible(error), style="yellow")
    elif count is None:
        line.append(f"{PAGE}+ scenes, counting…", style="dim")
    else:
        line.append(f"{count:,} scene{'' if count == 1 else 's'}", style="dim")
    return line


def _page(
    catalog: Catalog, query: tui_query.Query, offset: int, size: int | None = None
) -> list[Scene]:
    """The scenes ``query`` selects, ``size`` of them (a page) after ``offset``."""
    size = PAGE if size is None else size
    if query.words:
        return list(catalog.search_scenes(query.words, query.filters, size, offset=offset))
    return list(catalog.list_scenes(query.filters, limit=size, offset=offset))


def _count(catalog: Catalog, query: tui_query.Query) -> int:
    if query.words:
        return catalog.count_search(query.words, query.filters)
    return catalog.count_scenes(query.filters)


def _first(catalog: Catalog, query: tui_query.Query) -> tuple[list[Scene] | None, str | None]:
    """The first page ``query`` selects, and why it is empty if it is; or None and
    what the catalog said went wrong."""
    try:
        page = _page(catalog, query, 0)
    except (KdramaError, ValueError) as error:
        return None, str(error)
    return page, None if page else _why_empty(catalog, query)


def _why_empty(catalog: Catalog, query: tui_query.Query) -> str | None:
    """What in ``query`` matched nothing, with the catalog's closest names, as
    ``list`` says it: the first such name or tag, else None."""
    for name in catalog.unmatched_names(query.filters, limit=3):
        message = f"No {name.kind.value} matches {name.text!r}."
        return message + (f" Did you mean {', '.join(name.suggestions)}?" * bool(name.suggestions))
    for tag in catalog.unknown_tags(query.filters, limit=3):
        message = f"No scene has the tag {tag.text!r}."
        return message + (f" Did you mean {', '.join(tag.suggestions)}?" * bool(tag.suggestions))
    return None


class SceneTable(DataTable[Text]):
    """The scene list; j and k move as the arrows do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class HelpScreen(ModalScreen[None]):
    """The keys and the search box's filters."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(Text(HELP), id="help-text"), id="help")


class SceneScreen(Screen[None]):
    """One scene in full, as ``kdrama show`` shows it. Not modal: the app's keys
    (f, 1-5, 0, o, r, y) act on the scene shown."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss", "Close")]

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene = scene

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(Static(scene_panel(self.scene), id="scene-text"), id="scene-full")
        yield Footer()

    def show(self, scene: Scene) -> None:
        self.scene = scene
        self.query_one("#scene-text", Static).update(scene_panel(scene))


class KdramaApp(App[None]):
    """Browse, search and pick scenes from one catalog."""

    TITLE = "kdrama"
    ENABLE_COMMAND_PALETTE = False
    # Below this width the list takes the whole screen; Enter shows a scene in full.
    NARROW = 100
    CSS = """
    #chips { height: 1; padding: 0 1; }
    #scenes { width: 3fr; }
    #detail { width: 2fr; border-left: solid $primary-darken-2; padding: 0 1; }
    .narrow #detail { display: none; }
    HelpScreen { align: center middle; }
    #help { width: 90%; height: 90%; background: $surface; border: round $primary; }
    #scene-full { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search"),
        Binding("f", "favourite", "Fav"),
        Binding("1", "rate(1)", "Rate 1-5"),
        *(Binding(str(n), f"rate({n})", show=False) for n in range(2, 6)),
        Binding("0", "rate(0)", "Unrate", show=False),
        Binding("o", "open_clip", "Open"),
        Binding("r", "random", "Random"),
        Binding("y", "copy_json", "Copy"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, catalog: Catalog, *, read_only: bool, why: str = "") -> None:
        super().__init__()
        self.catalog = catalog
        self.read_only = read_only
        self.why_read_only = why
        self.debounce = debounce_for(catalog.count_scenes())
        # The catalog's own connection for the list's reads, made in worker threads;
        # the keys' changes go through ``catalog``.
        self.reader = Reader(catalog)
        self.query_ = tui_query.Query()
        self.scenes: list[Scene] = []
        # How many scenes the query selects: None while they are being counted.
        self.total: int | None = 0
        self.more = False  # whether rows remain to be read
        # Bumped by each new query, so a page read for an older one is dropped.
        self.generation = 0
        # Set each time the screen answers what was typed (tests and the benchmark
        # wait on it), and how many times it has.
        self.updated = asyncio.Event()
        self.queries_shown = 0
        # The scene the detail pane shows, as a 1-tuple (None: "No scene matches."),
        # or () before it shows any.
        self._detail_shown: tuple[Scene | None, ...] = ()
        where = catalog.location
        shown = "the catalog shipped with kdrama" if where.origin is Origin.BUNDLED else where.path
        self.sub_title = visible(str(shown)) + (" (read-only)" if read_only else "")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Search: words, actor:NAME drama:NAME year:2018 tag:kiss fav rating>=4",
            id="search",
        )
        yield Static(id="chips")
        with Horizontal():
            table = SceneTable(id="scenes", cursor_type="row", zebra_stripes=True)
            for key, label, width in zip(
                _COLUMNS, ("#", "", "Scene", "Drama"), (None, 6, 26, 22), strict=True
            ):
                table.add_column(label, key=key, width=width)
            yield table
            yield VerticalScroll(Static(id="detail-text"), id="detail")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "narrow")

    def on_mount(self) -> None:
        # The first page of every scene, read at once (the quickest read there is), so
        # the first frame shows the list.
        query = tui_query.Query()
        self._show(query, *self.reader.read(self.reader.supersede(), partial(_first, query=query)))
        self.query_one(SceneTable).focus()

    def on_unmount(self) -> None:
        self.reader.close()

    # The search box: debounced; the catalog is read in a worker thread, and each
    # keystroke stops the read it makes stale (Reader.supersede), whether the list's,
    # its count's or a next page's, and cancels the query waiting out its pause.

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reader.supersede()
        self.search(event.value, self.debounce)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.reader.supersede()
        self.search(event.value, 0)
        self.query_one(SceneTable).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key in ("down", "escape") and self.query_one("#search", Input).has_focus:
            self.query_one(SceneTable).focus()

    @work(exclusive=True, group="query")
    async def search(self, text: str, wait: float) -> None:
        """Read the box's ``text`` and show what it selects, once ``wait`` seconds
        pass without another keystroke: each keystroke starts a new worker, which
        cancels this one (exclusive) while it waits or reads."""
        await asyncio.sleep(wait)
        try:
            query = tui_query.parse(text)
        except ValueError as error:  # the list stays as it was, the error said instead
            self.query_one("#chips", Static).update(_chips(self.query_, None, str(error)))
        else:
            ticket = self.reader.supersede()
            try:
                found = await asyncio.to_thread(
                    self.reader.read, ticket, partial(_first, query=query)
                )
            except Superseded:  # a newer query is on its way
                return
            self._show(query, *found)
        self.queries_shown += 1
        self.updated.set()

    def _show(self, query: tui_query.Query, page: list[Scene] | None, message: str | None) -> None:
        """Show the first page of what ``query`` selects (None: the catalog could not
        say, and ``message`` says why), or why it is empty, then count the scenes."""
        self.generation += 1
        self.query_ = query
        self.query_one(SceneTable).clear()
        self.scenes = []
        if page is None:
            self.total, self.more = 0, False
            self.query_one("#chips", Static).update(_chips(query, None, message))
            self._show_detail()
            return
        self._add_rows(page)
        # A page not full is all there is; else the list is shown first and the
        # scenes counted after (a search among filters counts for 100 ms and more
        # on a million scenes).
        self.more = len(page) == PAGE
        self.total = None if self.more else len(page)
        self.query_one("#chips", Static).update(_chips(query, self.total, message))
        self._show_detail()
        if self.more:
            self.count_later(self.generation)

    @work(exclusive=True, group="count")
    async def count_later(self, generation: int) -> None:
        """Count what the query selects once the list is drawn, and say it."""
        answer = await self._read(partial(_count, query=self.query_))
        if answer is not None and generation == self.generation:
            self.total = answer[0]
            self.query_one("#chips", Static).update(_chips(self.query_, self.total, None))

    async def _read(self, do: Callable[[Catalog], _T]) -> tuple[_T] | None:
        """``do(catalog)`` on the reader connection, in a worker thread, for the query
        shown now: its answer as a 1-tuple, or None when a newer query superseded it or
        the catalog refused (which a notification says)."""
        ticket = self.reader.ticket
        try:
            return (await asyncio.to_thread(self.reader.read, ticket, do),)
        except Superseded:
            return None
        except (KdramaError, ValueError) as error:
            self.notify(visible(str(error)), severity="error", markup=False)
            return None

    def _add_rows(self, scenes: list[Scene]) -> None:
        table = self.query_one(SceneTable)
        for scene in scenes:
            table.add_row(*_row(scene), key=str(scene.id))
        self.scenes += scenes

    # The list: the detail pane follows the cursor, and the next page is read as
    # the cursor nears the end of those read.

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        if event.cursor_row >= len(self.scenes) - _AHEAD and self.more:
            self.next_page(self.generation, len(self.scenes))

    @work(exclusive=True, group="page")
    async def next_page(self, generation: int, offset: int) -> None:
        if generation != self.generation or offset != len(self.scenes):
            return
        answer = await self._read(partial(_page, query=self.query_, offset=offset))
        if answer is not None and generation == self.generation and offset == len(self.scenes):
            self._add_rows(answer[0])
            self.more = len(answer[0]) == PAGE

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        scene = self.current()
        if scene is not None:
            self.push_screen(SceneScreen(scene))

    def current(self) -> Scene | None:
        """The scene the keys act on: the one shown in full, else the one under the
        cursor."""
        if isinstance(self.screen, SceneScreen):
            return self.screen.scene
        table = self.query_one(SceneTable)
        if not self.scenes or not 0 <= table.cursor_row < len(self.scenes):
            return None
        return self.scenes[table.cursor_row]

    def _show_detail(self) -> None:
        """Show the scene under the cursor beside the list, unless it is shown already
        as it is (a new list whose first scene is the one shown, and the cursor's
        move to the top that each new list makes, redraw nothing)."""
        scene = self.current()
        if self._detail_shown == (scene,):
            return
        self._detail_shown = (scene,)
        detail: RenderableType = Text("No scene matches.", style="dim")
        if scene is not None:
            detail = scene_panel(scene)
        self.query_one("#detail-text", Static).update(Group(detail))

    def _replace(self, scene: Scene) -> None:
        """Show ``scene`` as it now is, in the list and in full."""
        if isinstance(self.screen, SceneScreen) and self.screen.scene.id == scene.id:
            self.screen.show(scene)
        table = self.query_one(SceneTable)
        for row, shown in enumerate(self.scenes):
            if shown.id == scene.id:
                self.scenes[row] = scene
                for column, value in zip(_COLUMNS, _row(scene), strict=True):
                    table.update_cell(str(scene.id), column, value)
        self._show_detail()

    # The keys.

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def _writable(self) -> Scene | None:
        """The scene under the cursor, when the catalog may be changed."""
        if self.read_only:
            self.notify(
                f"This catalog is read-only{self.why_read_only}: nothing was changed.",
                severity="warning",
                markup=False,
            )
            return None
        return self.current()

    def action_favourite(self) -> None:
        scene = self._writable()
        if scene is None:
            return
        self._change(lambda: editing.set_favorite(self.catalog, [scene.id], not scene.favorite))
        self._reread(scene)

    def action_rate(self, stars: int) -> None:
        scene = self._writable()
        if scene is None:
            return
        self._change(lambda: editing.set_rating(self.catalog, scene.id, stars or None))
        self._reread(scene)

    def _change(self, change: Callable[[], object]) -> None:
        try:
            change()
        except KdramaError as error:
            self.notify(visible(str(error)), severity="error", markup=False)

    def _reread(self, scene: Scene) -> None:
        try:
            self._replace(self.catalog.get_scene(scene.id))
        except KdramaError as error:
            self.notify(visible(str(error)), severity="error", markup=False)

    def action_open_clip(self) -> None:
        scene = self.current()
        if scene is None:
            return
        try:
            link = notes.clip_to_open(self.catalog, scene.id)
        except KdramaError as error:
            self.notify(visible(str(error)), severity="warning", markup=False)
            return
        if notes.open_in_browser(link):
            self.notify(f"Opened {visible(link)}", markup=False)
        else:
            message = f"No browser could be started; the link is {visible(link)}"
            self.notify(message, severity="warning", markup=False)

    def action_random(self) -> None:
        """A scene drawn from all those the query selects, as ``kdrama random`` draws
        (a search's, by its place among the results): the cursor goes to it when its
        row has been read, else it is shown in full."""
        if not self.scenes:
            self.notify("No scene is shown, so there is none to pick.", severity="warning")
            return
        if self.query_.words:
            self.pick_from_search(self.generation)
        else:
            self._go_to_picked(self.catalog.random_scenes(self.query_.filters))

    @work(exclusive=True, group="random")
    async def pick_from_search(self, generation: int) -> None:
        """Draw a scene of a search, read in a worker thread as pages are: counting
        and ranking the matches of a common word takes a tenth of a second and more on
        a million scenes, which the keys and the screen must not wait for."""
        query = self.query_

        def pick(catalog: Catalog) -> tuple[int, list[Scene]]:
            # The count, if it came while this read waited for its turn. (A newer
            # query's would not do, but this read is then superseded.)
            total = self.total
            count = _count(catalog, query) if total is None else total
            return count, _page(catalog, query, random.randrange(count), 1) if count else []

        answer = await self._read(pick)
        if answer is not None and generation == self.generation:
            self.total, picked = answer[0]
            self._go_to_picked(picked)

    def _go_to_picked(self, picked: list[Scene]) -> None:
        """Put the cursor on the drawn scene if its row was read, else show it."""
        if not picked:
            return
        rows = {scene.id: row for row, scene in enumerate(self.scenes)}
        if picked[0].id in rows:
            if isinstance(self.screen, SceneScreen):
                self.screen.dismiss()
            self.query_one(SceneTable).move_cursor(row=rows[picked[0].id])
        elif isinstance(self.screen, SceneScreen):
            self.screen.show(picked[0])
        else:
            self.push_screen(SceneScreen(picked[0]))

    def action_copy_json(self) -> None:
        scene = self.current()
        if scene is None:
            return
        out = io.StringIO()
        render_scene_detail(scene, OutputFormat.json, out)
        self.copy_to_clipboard(out.getvalue().rstrip("\n"))
        self.notify(f"Copied scene {scene.id}'s JSON.", markup=False)


def open_for_tui(location: Location) -> tuple[Catalog, bool, str]:
    """The catalog at ``location`` opened for changes where it may be changed, else
    read-only: the catalog, whether it is read-only, and why (for the message)."""
    if location.origin is Origin.BUNDLED:
        why = " (the catalog shipped with kdrama; a command such as kdrama fav ID makes your own)"
        return Catalog.open(location), True, why
    try:
        return Catalog.open(location, write=True), False, ""
    except CatalogError as error:
        if not str(error).startswith("cannot write"):
            raise
    return Catalog.open(location), True, " (no permission to write it)"
