"""The ``search`` command: full-text search over the catalog (see search.py)."""

import functools
import itertools
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from . import options, search
from .catalog import Catalog
from .cli import FOR_PEOPLE, note_more, output_format, scene_filter, screen_limit, suggest_unmatched
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
            metavar="QUERY...",
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
    tag: options.Tag = None,
    episode: options.Episode = None,
    limit: options.Limit = None,
    show_all: options.All = False,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    fields: options.Fields = None,
    db: options.Db = None,
) -> None:
    """Search scenes, dramas and names for words, best matches first.

    Looks in scene titles and descriptions, drama titles (English, Korean and other
    titles), the names of actors and characters, and tags. Korean words are found inside
    longer words; English words in any form ("tears" finds "tear"). Words that are
    an actor's or a drama's name in another spelling find that name's scenes.

    [bold]Examples[/bold]

      kdrama search wine
      kdrama search 도깨비
      kdrama search the tears scene --actor "Son Ye Jin"
      kdrama search kiss --year 2016.. --json | jq '.[].title'
    """
    fmt = output_format(ctx, fmt, json_)
    text = " ".join(query)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode)
    limit, capped = screen_limit(limit, show_all, fmt)
    from .render import json_is_pretty, render_scenes, write_json_array, write_json_lines

    # JSON Lines and compact JSON come encoded by SQLite, as list's do (export.py):
    # 13,000 matches among a million scenes, 920 to 310 ms.
    bulk = fields is None and (
        fmt is OutputFormat.jsonl or (fmt is OutputFormat.json and not json_is_pretty(sys.stdout))
    )
    with Catalog.open(locate(db)) as catalog:
        encoded = catalog.search_scenes_json(text, filters, limit) if bulk else iter(())
        first_encoded = next(encoded, None)
        scenes = iter(()) if bulk else catalog.search_scenes(text, filters, limit)
        first = None if bulk else next(scenes, None)
        total: Callable[[], int] = functools.partial(catalog.count_search, text, filters)
        if first_encoded is not None:
            lines = itertools.chain([first_encoded], encoded)
            write = write_json_lines if fmt is OutputFormat.jsonl else write_json_array
            found = write(lines, sys.stdout)
        else:
            if first is None and (named := _named_by(catalog, text, filters)):
                name_filters, name = named
                note(f"No scene has the words {text!r}; here are the scenes of the {name}.")
                scenes = catalog.list_scenes(name_filters, limit=limit)
                total = functools.partial(catalog.count_scenes, name_filters)
            elif first is not None:
                scenes = itertools.chain([first], scenes)
            found = render_scenes(
                scenes,
                fmt,
                sys.stdout,
                highlight=search.highlight_pattern(search.parse_query(text)),
                fields=fields.keys if fields else None,
            )
        if not found:
            _explain_no_match(catalog, text, filters, fmt)
        note_more(found, capped, total, "scenes")


def _named_by(catalog: Catalog, text: str, filters: SceneFilter) -> tuple[SceneFilter, str] | None:
    """When the whole query is an actor's or a drama's name in a spelling the catalog's
    text does not use ("Hyeon Bin", "Sohn Ye-jin"), the filter for that name's scenes
    and the name as stored; the search index matches words as written, names match
    in any romanization or in Hangul."""
    found = catalog.find_names(NameKind.ACTOR, text)
    if found:
        return filters._replace(actors=(*filters.actors, text)), f"actor {found[0]}"
    found = catalog.find_names(NameKind.DRAMA, text)
    if found and filters.drama is None:
        return filters._replace(drama=text), f"drama {found[0]}"
    return None


def _explain_no_match(catalog: Catalog, text: str, filters: SceneFilter, fmt: OutputFormat) -> None:
    """Say that nothing matched, naming any name filter that matched nothing."""
    if not suggest_unmatched(catalog, filters) and fmt in FOR_PEOPLE:
        note(f"No scene matches {text!r}.")
