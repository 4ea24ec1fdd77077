"""Commands that count scenes: actors, dramas, years, tags and stats.

They take list's filters and count exactly the scenes ``list`` would show; the
counting is in ``facets.py``, the drawing in ``render.py``.
"""

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

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


@commands.command()
def actors(
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
    """Count scenes by actor, most first.

    [bold]Examples[/bold]

      kdrama actors
      kdrama actors --year 2018 --limit 3
      kdrama actors --drama Goblin --json
    """
    from . import facets

    _show_counts(
        facets.count_actors,
        facets.ACTOR_FIELDS,
        _ACTOR_TABLE,
        total=facets.total_actors,
        noun="actors",
        filters=scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode),
        limit=limit,
        show_all=show_all,
        fmt=output_format(ctx, fmt, json_),
        db=db,
    )


@commands.command()
def dramas(
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
    """Count scenes by drama, most first.

    [bold]Examples[/bold]

      kdrama dramas
      kdrama dramas --actor "Song Hye Kyo"
      kdrama dramas --favorites --format csv
    """
    from . import facets

    _show_counts(
        facets.count_dramas,
        facets.DRAMA_FIELDS,
        _DRAMA_TABLE,
        total=facets.total_dramas,
        noun="dramas",
        filters=scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode),
        limit=limit,
        show_all=show_all,
        fmt=output_format(ctx, fmt, json_),
        db=db,
    )


@commands.command()
def years(
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
    """Count scenes by the year of their drama, most first.

    [bold]Examples[/bold]

      kdrama years
      kdrama years --actor "Son Ye Jin" --json
      kdrama years --year 2016..2018 --format csv
    """
    from . import facets

    _show_counts(
        facets.count_years,
        facets.YEAR_FIELDS,
        _YEAR_TABLE,
        total=facets.total_years,
        noun="years",
        filters=scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode),
        limit=limit,
        show_all=show_all,
        fmt=output_format(ctx, fmt, json_),
        db=db,
    )


@commands.command()
def tags(
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
    """Count scenes by tag, most first.

    [bold]Examples[/bold]

      kdrama tags
      kdrama tags --actor "Son Ye Jin" --limit 5
      kdrama tags --tag kiss --json
    """
    from . import facets

    _show_counts(
        facets.count_tags,
        facets.TAG_FIELDS,
        _TAG_TABLE,
        total=facets.total_tags,
        noun="tags",
        filters=scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode),
        limit=limit,
        show_all=show_all,
        fmt=output_format(ctx, fmt, json_),
        db=db,
    )


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
