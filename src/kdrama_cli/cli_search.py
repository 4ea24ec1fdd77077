"""The ``search`` command: full-text search over the catalog (see search.py)."""

import sys
from typing import Annotated

import typer

from . import options, search
from .catalog import Catalog
from .cli import output_format, scene_filter, suggest_names
from .cli_core import command_set, note
from .models import NameKind, OutputFormat, SceneFilter
from .storage import locate

commands = command_set()


def _words(words: list[str]) -> list[str]:
    """The query's words as typed; a query with nothing to look for is a usage error."""
    try:
        search.parse_query(" ".join(words))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    return words


@commands.command("search")
def search_(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            callback=_words,
            help="Words to find, in English or Korean; every word must match.",
            show_default=False,
        ),
    ],
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    limit: options.Limit = None,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """Search scenes, dramas and names for words, best matches first.

    Looks in scene titles and descriptions, drama titles (English, Korean and other
    titles) and the names of actors and characters. Korean words are found inside
    longer words; English words in any form ("tears" finds "tear").

    [bold]Examples[/bold]

      kdrama search wine
      kdrama search 도깨비
      kdrama search the tears scene --actor "Son Ye Jin"
      kdrama search kiss --year 2016.. --json | jq '.[].title'
    """
    fmt = output_format(ctx, fmt, json_)
    text = " ".join(query)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating)
    from .render import render_scenes

    with Catalog.open(locate(db)) as catalog:
        found = render_scenes(
            catalog.search_scenes(text, filters, limit),
            fmt,
            sys.stdout,
            highlight=search.highlight_pattern(search.parse_query(text)),
        )
        if not found:
            _explain_no_match(catalog, text, filters, fmt)


def _explain_no_match(catalog: Catalog, text: str, filters: SceneFilter, fmt: OutputFormat) -> None:
    """Say that nothing matched, and point at a name filter when the query names an
    actor, character or drama in a spelling the text does not use."""
    unmatched = catalog.unmatched_names(filters)
    if unmatched:
        suggest_names(unmatched)
        return
    if fmt is OutputFormat.table:
        note(f"No scene matches {text!r}.")
    for kind, option in ((NameKind.ACTOR, "--actor"), (NameKind.DRAMA, "--drama")):
        found = catalog.find_names(kind, text)
        if found:
            note(f"{text!r} names the {kind.value} {found[0]}: try kdrama list {option} {text!r}")
            return
