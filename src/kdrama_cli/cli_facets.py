"""Commands that count scenes: actors, dramas, years, tags and stats.

They take list's filters and count exactly the scenes ``list`` would show; the
counting is in ``facets.py``, the drawing in ``render.py``.
"""

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple

import typer

from . import options
from .catalog import Catalog
from .cli import (
    explain_empty,
    json_or_format,
    note_more,
    output_format,
    scene_filter,
    screen_limit,
    suggest_unmatched,
)
from .cli_core import command_set
from .models import DetailFormat, OutputFormat, SceneFilter
from .storage import locate

if TYPE_CHECKING:
    from .text import Row

commands = command_set()

Counting = Callable[[Catalog, SceneFilter, int | None], Iterable["Row"]]
Total = Callable[[Catalog, SceneFilter], int]
# Table columns: (row attribute, heading, justification).
ColumnSpec = tuple[str, str, Literal["left", "right"]]

_ACTOR_TABLE: list[ColumnSpec] = [
    ("name", "Actor", "left"),
    ("korean", "Hangul", "left"),
    ("count", "Scenes", "right"),
]
_DRAMA_TABLE: list[ColumnSpec] = [
    ("name", "Drama", "left"),
    ("korean", "Korean title", "left"),
    ("year", "Year", "left"),
    ("count", "Scenes", "right"),
]
_YEAR_TABLE: list[ColumnSpec] = [("year", "Year", "left"), ("count", "Scenes", "right")]
_TAG_TABLE: list[ColumnSpec] = [("name", "Tag", "left"), ("count", "Scenes", "right")]


def _show_counts(
    count: Counting,
    fields: Sequence[str],
    table: Sequence[ColumnSpec],
    *,
    total: Total,
    noun: str,
    filters: SceneFilter,
    limit: int | None,
    show_all: bool,
    fmt: OutputFormat,
    db: Path | None,
) -> None:
    """Count with ``count`` and render the rows; explain an empty result as list does,
    and a screenful that was cut as list does (``total`` counts the rows, ``noun``
    names them)."""
    from .render import render_rows
    from .text import Column

    limit, capped = screen_limit(limit, show_all, fmt)
    columns = [Column(attribute, heading, justify) for attribute, heading, justify in table]
    with Catalog.open(locate(db)) as catalog:
        shown = render_rows(count(catalog, filters, limit), fields, fmt, sys.stdout, table=columns)
        if not shown:
            explain_empty(catalog, filters, fmt)
        note_more(shown, capped, lambda: total(catalog, filters), noun)


class _Facet(NamedTuple):
    """One counting command: its name (also the noun for what it counts), its help,
    its table's columns, and its counting function, fields and total in ``facets``
    (imported when the command runs: it is not needed to start)."""

    name: str
    help: str
    table: list[ColumnSpec]
    parts: Callable[[ModuleType], tuple[Counting, Sequence[str], Total]]


_FACETS = [
    _Facet(
        "actors",
        """Count scenes by actor, most first.

[bold]Examples[/bold]

  kdrama actors
  kdrama actors --year 2018 --limit 3
  kdrama actors --drama Goblin --json""",
        _ACTOR_TABLE,
        lambda facets: (facets.count_actors, facets.ACTOR_FIELDS, facets.total_actors),
    ),
    _Facet(
        "dramas",
        """Count scenes by drama, most first.

[bold]Examples[/bold]

  kdrama dramas
  kdrama dramas --actor "Song Hye Kyo"
  kdrama dramas --favorites --format csv""",
        _DRAMA_TABLE,
        lambda facets: (facets.count_dramas, facets.DRAMA_FIELDS, facets.total_dramas),
    ),
    _Facet(
        "years",
        """Count scenes by the year of their drama, most first.

[bold]Examples[/bold]

  kdrama years
  kdrama years --actor "Son Ye Jin" --json
  kdrama years --year 2016..2018 --format csv""",
        _YEAR_TABLE,
        lambda facets: (facets.count_years, facets.YEAR_FIELDS, facets.total_years),
    ),
    _Facet(
        "tags",
        """Count scenes by tag, most first.

[bold]Examples[/bold]

  kdrama tags
  kdrama tags --actor "Son Ye Jin" --limit 5
  kdrama tags --tag kiss --json""",
        _TAG_TABLE,
        lambda facets: (facets.count_tags, facets.TAG_FIELDS, facets.total_tags),
    ),
]


def _add_facet_command(facet: _Facet) -> None:
    """Add the command that counts ``facet``, with list's filters, a limit and the
    output formats."""

    def count(
        ctx: typer.Context,
        actor: options.Actor = None,
        character: options.Character = None,
        drama: options.Drama = None,
        year: options.Year = None,
        favorites: options.Favorites = False,
        min_rating: options.MinRating = None,
        tag: options.Tag = None,
        episode: options.Episode = None,
        limit: options.Limit = None,
        show_all: options.All = False,
        fmt: options.Format = OutputFormat.table,
        json_: options.Json = False,
        db: options.Db = None,
    ) -> None:
        from . import facets

        counting, fields, total = facet.parts(facets)
        _show_counts(
            counting,
            fields,
            facet.table,
            total=total,
            noun=facet.name,
            filters=scene_filter(
                actor, character, drama, year, favorites, min_rating, tag, episode
            ),
            limit=limit,
            show_all=show_all,
            fmt=output_format(ctx, fmt, json_),
            db=db,
        )

    count.__doc__ = facet.help
    commands.command(facet.name)(count)


for _facet in _FACETS:
    _add_facet_command(_facet)


@commands.command()
def stats(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    tag: options.Tag = None,
    episode: options.Episode = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            metavar="N",
            parser=options.positive_int,
            help="How many actors, dramas and tags to rank.",
        ),
    ] = 5,
    fmt: options.DetailFormatOption = DetailFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """Show the catalog at a glance: totals, scenes per year, top actors, dramas and tags, ratings.

    --json (or --format json) writes the numbers as one JSON object.

    [bold]Examples[/bold]

      kdrama stats
      kdrama stats --actor "Son Ye Jin" --top 3
      kdrama stats --json | jq .average_rating
    """
    from . import facets
    from .render import render_stats

    fmt = json_or_format(ctx, fmt, json_)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode)
    with Catalog.open(locate(db)) as catalog:
        counted = facets.catalog_stats(catalog, filters, top)
        if not counted.scenes:
            suggest_unmatched(catalog, filters)
    render_stats(counted, sys.stdout, as_json=fmt is DetailFormat.json)
