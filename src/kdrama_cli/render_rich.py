"""Output for people: Rich tables, the scene panel and the stats charts.

Kept apart from ``render.py`` so that machine formats never import Rich, which is a
large part of a command's start-up. Everything here is built from ``Text`` objects,
so catalog text is never read as markup.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple, TextIO

from rich.box import SQUARE, Box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from .models import Scene
from .moments import format_time, long_where, short_where
from .text import HEART, visible

if TYPE_CHECKING:
    from .facets import Stats
    from .text import Column, Row


class _Console(Console):
    """Rich's console, but a reader closing the pipe early is left to the CLI's one
    place for it, which ends with 141 as every other output does (Rich exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def console(out: TextIO | None = None) -> Console:
    """The console everything for people on stdout (or ``out``) is drawn with."""
    # highlight=False: numbers and quotes in catalog text are not to be recoloured.
    return _Console(file=out, highlight=False, emoji=False)


def json_writer(out: TextIO) -> Callable[[str], object]:
    """What writes pretty JSON text, already made safe (see ``render._for_terminal``),
    to ``out``: coloured by Rich's JSON highlighter where Rich colours (a terminal,
    without NO_COLOR or TERM=dumb), else as it is. Only colour codes are added: the text
    is not read as markup, wrapped or changed."""
    screen = console(out)
    if screen.color_system is None or screen.no_color or not screen.is_terminal:
        return out.write
    from rich.highlighter import JSONHighlighter

    highlight = JSONHighlighter()

    def write(text: str) -> None:
        screen.print(highlight(Text(text)), soft_wrap=True, end="")

    return write


def write_table(
    scenes: Iterable[Scene],
    out: TextIO,
    highlight: re.Pattern[str] | None = None,
    fields: Sequence[str] | None = None,
) -> int:
    screen = console(out)
    if fields is not None:
        return _write_chosen(scenes, screen, highlight, fields)
    if screen.width < CARDS_BELOW:
        return _write_cards(scenes, screen, highlight)
    where = screen.width >= WHERE_FROM
    rows = (_scene_cells(scene, screen.encoding, highlight, where) for scene in scenes)
    return _draw(screen, _SCENE_COLUMNS, rows, show_lines=True)


# From this width on, the table shows where a scene is ("E10 42:13") under its drama;
# it is the first thing a narrower table leaves out (cards leave it out too).
WHERE_FROM = 100


def _scene_cells(
    scene: Scene, encoding: str, highlight: re.Pattern[str] | None, where: bool = False
) -> list[Text]:
    """A scene's row of the table: id and marks, drama (and, with ``where``, the
    episode and time under it), year, scene, cast."""
    drama = _marked(scene.drama, highlight)
    if where and (scene.episode is not None or scene.time is not None):
        drama.append("\n")
        drama.append(visible(short_where(scene.episode, scene.time)), style="dim")
    return [
        _id_cell(scene, encoding),
        drama,
        Text(str(scene.year)),
        _scene_cell(scene, highlight),
        _marked("\n".join(scene.cast_lines()), highlight),
    ]


# Tables drawn in pages. A table of up to PAGE rows is drawn as Rich lays it out, from
# its content; a longer one is drawn PAGE rows at a time, each page a Rich table of the
# same fixed column widths (taken from the first page and the terminal's width), its
# borders joined to the page before, so that the pages read as one table with one
# header. Rows are read as they are drawn, one row ahead: memory stays flat, and the
# first rows appear as soon as their page is drawn, however many follow.
PAGE = 50
# In a long table the id column is at least this wide, so that a later page's ids,
# up to 9,999,999, fit the width the first page's took; a longer one wraps, never cut.
_PAGED_ID_WIDTH = 7


class _Col(NamedTuple):
    """A column of a drawn table: its heading and justification; ``ratio`` shares out
    the room among the columns that wrap (None: a narrow column, never wrapped, as wide
    as its widest cell, at least ``least`` in a long table); ``min_width`` for those."""

    heading: str
    justify: Literal["left", "center", "right"] = "left"
    ratio: int | None = None
    min_width: int | None = None
    least: int = 0


_SCENE_COLUMNS = (
    _Col("ID", "right", least=_PAGED_ID_WIDTH),
    _Col("Drama", ratio=2, min_width=10),
    _Col("Year"),
    _Col("Scene", ratio=3, min_width=12),
    _Col("Cast", ratio=3, min_width=12),
)


def _draw(
    screen: Console,
    columns: Sequence[_Col],
    rows: Iterable[list[Text]],
    *,
    show_lines: bool,
    widths: list[int | None] | None = None,
) -> int:
    """Draw ``rows`` as one table, in pages when there are more than PAGE (see above);
    return how many rows were drawn. ``widths``, where each is given, fixes the widths
    of the columns, else they are laid out from the first page."""
    rows = iter(rows)
    page = list(itertools.islice(rows, PAGE))
    if not page:
        return 0
    following = next(rows, None)
    if following is None:
        screen.print(_table(columns, page, widths, show_lines=show_lines))
        return len(page)
    pages = itertools.chain([page], _chunks(itertools.chain([following], rows)))
    fixed = (
        [w for w in widths if w is not None]
        if widths is not None and None not in widths
        else _page_widths(columns, page, screen.width)
    )
    if fixed is None:  # too many columns to fit: each page a table of its own
        count = 0
        for chunk in pages:
            screen.print(_table(columns, chunk, None, show_lines=show_lines))
            count += len(chunk)
        return count
    # The first page is a Rich table, header and all, but for its bottom border; the
    # rows after it are drawn the way Rich draws a table's rows, in the same widths.
    table = _table(columns, page, fixed, show_lines=show_lines)
    *lines, bottom = screen.render_lines(table, pad=False, new_lines=True)
    screen.print(Segments(itertools.chain.from_iterable(lines)), crop=False)
    box = (table.box or SQUARE).substitute(screen.options, safe=screen.safe_box)
    box = box.get_plain_headed_box()
    count = len(page)
    for chunk in _chunks(itertools.chain([following], rows)):
        justify = [column.justify for column in columns]
        drawn = _body_rows(screen, chunk, fixed, justify, box, show_lines=show_lines)
        screen.print(Segments(drawn), crop=False)
        count += len(chunk)
    screen.print(Segments(bottom), crop=False)
    return count


def _body_rows(
    screen: Console,
    rows: Sequence[list[Text]],
    widths: Sequence[int],
    justify: Sequence[Literal["left", "center", "right"]],
    box: Box,
    *,
    show_lines: bool,
) -> Iterator[Segment]:
    """The segments of ``rows`` as Rich draws the rows of a table of these column
    ``widths``, ``box`` and lines between rows, below a row of the same table: each cell
    wrapped and justified in its width, padded by a space either side, topped. Several
    times faster than a Rich table of the same rows, for the same text."""
    left = Segment(box.mid_left + " ")
    middle = Segment(" " + box.mid_vertical + " ")
    right = Segment(" " + box.mid_right)
    between = Segment(box.get_row([width + 2 for width in widths], "row"))
    blank = [Segment(" " * width) for width in widths]
    for row in rows:
        if show_lines:
            yield between
            yield Segment.line()
        cells = [
            cell.wrap(screen, width, justify=how, overflow="fold")
            for cell, width, how in zip(row, widths, justify, strict=True)
        ]
        for i in range(max(len(lines) for lines in cells)):
            yield left
            for n, lines in enumerate(cells):
                if n:
                    yield middle
                if i < len(lines):
                    yield from lines[i].render(screen)
                else:
                    yield blank[n]
            yield right
            yield Segment.line()


def _chunks(rows: Iterator[list[Text]]) -> Iterator[list[list[Text]]]:
    while chunk := list(itertools.islice(rows, PAGE)):
        yield chunk


def _table(
    columns: Sequence[_Col],
    rows: Sequence[list[Text]],
    widths: Sequence[int | None] | None,
    *,
    show_lines: bool,
    header: bool = True,
) -> Table:
    """A Rich table of ``rows``: laid out from its content, or with ``widths``."""
    table = Table(show_lines=show_lines, show_header=header)
    for i, column in enumerate(columns):
        width = widths[i] if widths is not None else None
        if width is not None:
            table.add_column(column.heading, justify=column.justify, overflow="fold", width=width)
        elif column.ratio is None:
            table.add_column(column.heading, justify=column.justify, no_wrap=True)
        else:
            table.add_column(
                column.heading,
                justify=column.justify,
                overflow="fold",
                min_width=column.min_width,
                ratio=column.ratio,
            )
    for row in rows:
        table.add_row(*row)
    return table


def _page_widths(
    columns: Sequence[_Col], page: Sequence[list[Text]], width: int
) -> list[int] | None:
    """Fixed widths for a long table: a narrow column as wide as its widest cell in the
    first page (and its heading, and ``least``), the room left within ``width`` shared
    by ratio among the others (at least their ``min_width``); None when they cannot fit."""
    widths = [
        max(
            len(column.heading),
            column.least,
            *(line.cell_len for row in page for line in row[i].split("\n")),
        )
        if column.ratio is None
        else 0
        for i, column in enumerate(columns)
    ]
    room = width - 1 - _CELL_EDGES * len(columns) - sum(widths)
    ratios = [column.ratio or 0 for column in columns]
    if not any(ratios):
        return widths if room >= 0 else None
    for i, ratio in enumerate(ratios):
        widths[i] += room * ratio // sum(ratios)
    last = max(i for i, ratio in enumerate(ratios) if ratio)
    widths[last] += width - 1 - _CELL_EDGES * len(columns) - sum(widths)
    for w, column in zip(widths, columns, strict=True):
        if column.ratio and w < (column.min_width or 1):
            return None
    return widths


# Below this width the five columns no longer fit without breaking words inside a
# word (or Rich dropping the Cast column), so each scene is drawn as a card instead.
CARDS_BELOW = 80
_CARD_INDENT = 2


def _write_cards(
    scenes: Iterable[Scene], screen: Console, highlight: re.Pattern[str] | None
) -> int:
    """One small block a scene, for narrow terminals: the id and marks, the drama and
    its year, the scene (and description, for search results), then the cast indented.
    Every line wraps between words, so nothing is cut or dropped."""
    from rich.padding import Padding

    count = 0
    for scene in scenes:
        if count:
            screen.print()
        count += 1
        heading = Text(f"#{scene.id}", style="bold")
        scene_marks = marks(scene, screen.encoding)
        if scene_marks:
            heading.append(" ")
            heading.append_text(scene_marks)
        drama = _marked(scene.drama, highlight, style="bold")
        drama.append(f" ({scene.year})")
        cast = _marked("\n".join(scene.cast_lines()), highlight)
        screen.print(
            Group(
                heading,
                drama,
                _scene_cell(scene, highlight),
                Padding(cast, (0, 0, 0, _CARD_INDENT), expand=False),
            )
        )
    return count


# A table of the fields --fields chose, in their order. A field with a column of the
# usual table has its heading; ``actors`` lists the actors, ``characters`` each
# character as "Actor as Character", ``favorite`` and ``rating`` are the marks (see
# ``marks``) in columns of their own; any other field is a column headed by its key,
# a list one item a line. The id then stands alone, without the marks under it.
# Below CARDS_BELOW columns each scene is a card of the chosen fields, one a line.
_HEADINGS = {
    "id": "ID",
    "title": "Scene",
    "drama": "Drama",
    "year": "Year",
    "actors": "Actors",
    "characters": "Cast",
    "description": "Description",
    "favorite": "Fav",
    "rating": "Rating",
    "episode": "Ep",
    "time": "Time",
    "urls": "Links",
    "tags": "Tags",
    "note": "Note",
}
_NARROW = {"id", "year", "favorite", "rating", "rank", "episode", "time"}
_SEARCHED = {
    "title",
    "drama",
    "drama_korean",
    "description",
    "actors",
    "characters",
    "tags",
    "note",
}


def _field_cell(
    scene: Scene,
    whole: dict[str, object],
    key: str,
    encoding: str,
    highlight: re.Pattern[str] | None,
) -> Text:
    """What a table shows of one field of a scene (``whole`` is its ``to_dict()``)."""
    if key == "favorite":
        return marks(scene._replace(rating=None), encoding)
    if key == "rating":
        return marks(scene._replace(favorite=False), encoding)
    if key == "characters":
        lines = [f"{role.actor} as {role.name}" for role in scene.characters]
        return _marked("\n".join(lines), highlight)
    if key == "time" and isinstance(scene.time, int) and scene.time >= 0:
        return Text(format_time(scene.time))
    value = whole[key]
    if isinstance(value, list):
        items = [", ".join(v) if isinstance(v, list) else v for v in value]
        text = "\n".join("" if item is None else str(item) for item in items)
    else:
        text = "" if value is None else str(value)
    return _marked(text, highlight if key in _SEARCHED else None)


def _write_chosen(
    scenes: Iterable[Scene],
    screen: Console,
    highlight: re.Pattern[str] | None,
    fields: Sequence[str],
) -> int:
    headings = [_HEADINGS.get(key, key) for key in fields]
    cells = (
        [_field_cell(scene, scene.to_dict(), key, screen.encoding, highlight) for key in fields]
        for scene in scenes
    )
    if screen.width >= CARDS_BELOW:
        columns = [
            _Col(heading, "right", least=_PAGED_ID_WIDTH if key == "id" else 0)
            if key in ("id", "rank")
            else _Col(heading)
            if key in _NARROW
            else _Col(heading, ratio=2, min_width=10)
            for key, heading in zip(fields, headings, strict=True)
        ]
        return _draw(screen, columns, cells, show_lines=True)
    count = 0
    for row in cells:
        if count:
            screen.print()
        # A card starts with the id, in bold, where it is the first field chosen.
        first_alone = fields[0] == "id"
        screen.print(_row_cards([Text(h) for h in headings], [row], first_alone=first_alone))
        count += 1
    return count


# Your marks: favourite and rating, for people only (machine formats carry them as
# ``favorite`` and ``rating``). They go under the scene's id rather than in a column of
# their own, so a catalog without marks draws the table it always did, a page of rows
# never needs to know whether a later row is marked, and no width is spent on a heading.
_STAR, _NO_STAR = "★", "☆"
_MAXIMUM_RATING = 5


def marks(scene: Scene, encoding: str, separator: str = " ") -> Text:
    """A scene's marks: "♥ ★★★★☆", or "fav 4/5" where ``encoding`` cannot encode the
    glyphs (PYTHONIOENCODING=ascii), the two joined by ``separator``; empty for a scene
    with neither mark."""
    glyphs = _can_encode(HEART + _STAR + _NO_STAR, encoding)
    text = Text()
    if scene.favorite:
        text.append(HEART if glyphs else "fav", style="red")
    if scene.rating is not None:
        text.append(separator if text else "")
        if glyphs:
            stars = _STAR * scene.rating + _NO_STAR * (_MAXIMUM_RATING - scene.rating)
        else:
            stars = f"{scene.rating}/{_MAXIMUM_RATING}"
        text.append(stars, style="yellow")
    return text


def _id_cell(scene: Scene, encoding: str) -> Text:
    """The id, with the scene's marks below it, one a line, so that they widen the
    column by as little as they can (to 5, the stars; a 10,000-scene catalog's ids are
    as wide)."""
    cell = Text(str(scene.id))
    scene_marks = marks(scene, encoding, separator="\n")
    if scene_marks:
        cell.append("\n")
        cell.append_text(scene_marks)
    return cell


def _scene_cell(scene: Scene, highlight: re.Pattern[str] | None) -> Text:
    """A scene's title; for search results, with its description below, since that is
    where most words are found."""
    cell = _marked(scene.title, highlight)
    if highlight is not None and scene.description:
        cell.append("\n")
        cell.append_text(_marked(scene.description, highlight, style="dim"))
    return cell


def _marked(text: str, highlight: re.Pattern[str] | None, style: str = "") -> Text:
    """Catalog text as a Text (never markup), with what ``highlight`` matches marked.
    Compared in NFC, so text stored decomposed is marked too."""
    if highlight is None:
        return Text(visible(text), style=style)
    marked = Text(visible(unicodedata.normalize("NFC", text)), style=style)
    marked.highlight_regex(highlight, style="bold reverse")
    return marked


def scene_panel(scene: Scene, encoding: str = "utf-8") -> RenderableType:
    """One scene in full; its marks (see ``marks``) drawn for ``encoding``."""
    drama = " · ".join(
        part
        for part in (
            f"{scene.drama} ({scene.drama_korean})" if scene.drama_korean else scene.drama,
            scene.network,
            str(scene.year),
        )
        if part
    )
    body: list[Text] = [Text(visible(drama), style="bold")]
    scene_marks = marks(scene, encoding)
    if scene_marks:
        body.append(scene_marks)
    where = long_where(scene.episode, scene.time)
    if where:
        body.append(Text(visible(where)))
    body.append(Text(""))
    body += [Text(visible(line)) for line in scene.cast_lines(korean=True)]
    if scene.description:
        body += [Text(""), Text(visible(scene.description))]
    body += _kept_lines(scene)
    source = _source_line(scene)
    if source:
        body += [Text(""), Text(visible(source), style="dim")]
    return _ScenePanel(scene, body)


class _ScenePanel:
    """The scene panel, its title in the top border where the whole of it fits there;
    on a narrower terminal the border holds the id and the title wraps as the first
    line inside, rather than being cut."""

    # The border around a panel's title: "╭─ " before it and " ─╮" after.
    _BORDER = 6

    def __init__(self, scene: Scene, body: list[Text]) -> None:
        self.scene = scene
        self.body = body

    def __rich_console__(self, screen: Console, options: ConsoleOptions) -> RenderResult:
        from rich.panel import Panel

        title = Text(visible(f"#{self.scene.id} {self.scene.title}"), style="bold")
        body = self.body
        if title.cell_len + self._BORDER > options.max_width:
            title = Text(f"#{self.scene.id}", style="bold")
            body = [Text(visible(self.scene.title), style="bold"), *body]
        yield Panel(Group(*body), title=title, title_align="left")


def _kept_lines(scene: Scene) -> list[Text]:
    """What the fan keeps about a scene, for ``show``: the note (its lines as
    written), the tags, and each clip link on a line of its own."""
    lines: list[Text] = []
    if scene.note:
        lines += [Text(""), Text("Note: ", style="bold") + Text(visible(str(scene.note)))]
    if scene.tags or scene.urls:
        lines.append(Text(""))
    if scene.tags:
        tags = ", ".join(visible(str(tag)) for tag in scene.tags)
        lines.append(Text("Tags: ", style="bold") + Text(tags))
    lines += [Text("Link: ", style="bold") + Text(visible(str(url))) for url in scene.urls]
    return lines


def _source_line(scene: Scene) -> str:
    if not scene.source:
        return ""
    line = f"Source: {scene.source}"
    if scene.source_title:
        line += f', "{scene.source_title}"'
    if scene.rank is not None:
        line += f" (#{scene.rank})"
    if scene.source_credit:
        line += f"; credit: {scene.source_credit}"
    return line


def write_rows_table(rows: Iterable[Row], columns: Sequence[Column], out: TextIO) -> int:
    """Draw counted rows as a table whose columns break no word (see ``_word_widths``),
    in pages (see ``_draw``); as cards where even the longest words do not fit."""
    cells = (
        [Text("" if value is None else visible(str(value))) for value in values]
        for values in ([getattr(row, column.attribute) for column in columns] for row in rows)
    )
    page = list(itertools.islice(cells, PAGE))
    if not page:
        return 0
    screen = console(out)
    headings = [Text(column.heading) for column in columns]
    widths = _word_widths([headings, *page], screen.width)
    if widths is None:
        count = 0
        for chunk in itertools.chain([page], _chunks(cells)):
            if count:
                screen.print()
            screen.print(_row_cards(headings, chunk))
            count += len(chunk)
        return count
    # Numbers stay on one line; text columns share what room is left in a long table,
    # each at least as wide as its longest word in the first page.
    drawn = [
        _Col(
            column.heading,
            column.justify,
            ratio=None if _numeric(page, i) else 1,
            min_width=_longest_word(page, i),
        )
        for i, column in enumerate(columns)
    ]
    return _draw(screen, drawn, itertools.chain(page, cells), show_lines=False, widths=widths)


def _numeric(page: Sequence[list[Text]], i: int) -> bool:
    return all(row[i].plain.isdigit() for row in page)


def _longest_word(page: Sequence[list[Text]], i: int) -> int:
    return max((Text(word).cell_len for row in page for word in row[i].plain.split()), default=1)


# A table's borders take a column before each column and one after the last; each
# cell is padded by a space on either side.
_CELL_EDGES = 3


def _word_widths(rows: list[list[Text]], width: int) -> list[int | None] | None:
    """Widths for the columns of ``rows`` within ``width`` that break no word: None for
    each column (Rich's own layout) where every line fits whole; else at least each
    column's longest word, the room left going to the columns that wrap most. None
    when even the longest words do not fit side by side."""
    lines = [
        max((len(row[i].plain) and row[i].cell_len) for row in rows) for i in range(len(rows[0]))
    ]
    longest = [
        max((Text(word).cell_len for row in rows for word in row[i].plain.split()), default=1)
        for i in range(len(rows[0]))
    ]
    room = width - 1 - _CELL_EDGES * len(lines)
    if sum(lines) <= room:
        return [None] * len(lines)
    if sum(longest) > room:
        return None
    widths = list(longest)
    for _ in range(room - sum(widths)):
        wanting = max(range(len(widths)), key=lambda i: lines[i] - widths[i])
        if lines[wanting] <= widths[wanting]:
            break
        widths[wanting] += 1
    return list(widths)


def _row_cards(headings: list[Text], cells: list[list[Text]], *, first_alone: bool = True) -> Group:
    """Rows too wide for a table side by side: a block a row, its first cell in bold,
    then each other cell after its heading, indented; or, not ``first_alone``, every
    cell after its heading."""
    from rich.padding import Padding

    blocks: list[RenderableType] = []
    skip = 1 if first_alone else 0
    for row in cells:
        if blocks:
            blocks.append(Text())
        if first_alone:
            blocks.append(Text(row[0].plain, style="bold"))
        for heading, cell in zip(headings[skip:], row[skip:], strict=True):
            line = Text(f"{heading.plain}: ", style="dim")
            line.append_text(cell)
            blocks.append(Padding(line, (0, 0, 0, _CARD_INDENT), expand=False))
    return Group(*blocks)


# `kdrama stats`: totals and bar charts.

_BAR = "█"
_BAR_ASCII = "#"
_BAR_STYLE = "cyan"
_BAR_WIDTH = 40
_LABEL_WIDTH = 32
_INDENT = "  "


def write_stats(stats: Stats, out: TextIO) -> None:
    """Draw ``stats`` for people: the totals, then a bar chart for each count, with
    "█" bars ("#" where the output cannot encode it).

    Charts are lines of Text built here, not tables, so that no line ends in padding.
    """
    screen = console(out)
    glyph = _BAR if _can_encode(_BAR, screen.encoding) else _BAR_ASCII
    average = "-" if stats.average_rating is None else f"{stats.average_rating:.2f}"
    lines = _totals(
        [
            [("Scenes", stats.scenes), ("Favourites", stats.favorites)],
            [("Dramas", stats.dramas), ("Rated", stats.rated)],
            [("Actors", stats.actors), ("Average rating", average)],
            [("Characters", stats.characters), ("Tags", stats.tags)],
        ]
    )
    charts = [
        ("Scenes per year", [(str(row.year), row.count) for row in stats.years]),
        ("Top actors", [(row.name, row.count) for row in stats.top_actors]),
        ("Top dramas", [(f"{row.name} ({row.year})", row.count) for row in stats.top_dramas]),
        ("Top tags", [(row.name, row.count) for row in stats.top_tags]),
        (
            "Favourites and ratings",
            [("favourites", stats.favorites)]
            + [(f"rated {row.rating}", row.count) for row in reversed(stats.ratings)],
        ),
    ]
    for title, rows in charts:
        lines += [Text(""), Text(title, style="bold")]
        lines += _bar_chart(rows, glyph, screen.width)
    screen.print(Group(*lines), no_wrap=True, overflow="ellipsis")


def _can_encode(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _totals(rows: list[list[tuple[str, object]]]) -> list[Text]:
    """A line for each row of (label, value) pairs, the pairs lined up in columns:
    labels in bold and left-aligned, values right-aligned."""
    columns = range(max(len(row) for row in rows))
    label_widths = [max(len(row[i][0]) for row in rows if len(row) > i) for i in columns]
    value_widths = [max(len(str(row[i][1])) for row in rows if len(row) > i) for i in columns]
    lines = []
    for row in rows:
        line = Text()
        for i, (label, value) in enumerate(row):
            line.append("    " if i else "")
            line.append(label.ljust(label_widths[i] + 1), style="bold")
            line.append(str(value).rjust(value_widths[i]))
        lines.append(line)
    return lines


def _bar_chart(rows: Sequence[tuple[str, int]], glyph: str, width: int) -> list[Text]:
    """A line a row: label, count, and a bar scaled to the largest count. Labels are
    catalog text, so Text, never markup; long ones end in an ellipsis."""
    if not rows:
        return [Text(_INDENT + "none", style="dim")]
    largest = max(count for _, count in rows)
    count_width = len(str(largest))
    label_width = min(
        max(Text(visible(label)).cell_len for label, _ in rows),
        _LABEL_WIDTH,
        max(8, width - len(_INDENT) - count_width - 12),
    )
    bar_width = max(1, min(_BAR_WIDTH, width - len(_INDENT) - label_width - count_width - 2))
    lines = []
    for label, count in rows:
        line = Text(_INDENT)
        name = Text(visible(label))
        name.truncate(label_width, overflow="ellipsis", pad=True)
        line.append_text(name)
        line.append(" " + str(count).rjust(count_width))
        length = max(1, round(count * bar_width / largest)) if count else 0
        if length:
            line.append(" ")
            line.append(glyph * length, style=_BAR_STYLE)
        lines.append(line)
    return lines
