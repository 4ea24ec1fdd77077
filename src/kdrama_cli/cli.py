"""The kdrama command line: parse options, call the catalog API, render the result.

Here are the app, its list, random, show and export commands, the helpers several
commands share, and the process's entry point; ``cli_core`` holds the machinery
under every command, and the ``cli_*`` modules the other commands.

Rich and the renderers are imported inside the functions that draw, not at the top,
and the other command modules only when one of their commands runs: every run of
kdrama, and every TAB of shell completion, pays for what it uses and no more.
"""

import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from . import __version__, options
from .catalog import Catalog
from .cli_core import (
    DEBUG_KEY,
    Commands,
    KdramaGroup,
    never_fail_to_encode,
    note,
    utf8_stdout,
)
from .errors import ExitCode, NothingToPick
from .models import (
    ExportFormat,
    OutputFormat,
    SceneFilter,
    Sort,
    Unmatched,
    YearRange,
)
from .storage import locate
from .streams import OutputError, guard, silence_stdout

if TYPE_CHECKING:
    from .models import Scene


app = Commands(
    cls=KdramaGroup,
    name="kdrama",
    invoke_without_command=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kdrama {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the full traceback of an unexpected error (or KDRAMA_DEBUG=1)."
        ),
    ] = False,
) -> None:
    """A catalog of memorable K-drama scenes: find, filter, pick at random, pipe as JSON.

    Try: [bold]kdrama list --actor "Son Ye Jin"[/bold] or [bold]kdrama random[/bold].
    """
    ctx.meta[DEBUG_KEY] = debug
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def scene_filter(
    actor: list[str] | None,
    character: list[str] | None,
    drama: str | None,
    year: YearRange | None,
    favorites: bool = False,
    min_rating: int | None = None,
    tag: list[str] | None = None,
    episode: int | None = None,
) -> SceneFilter:
    """The filter that list's options describe."""
    return SceneFilter(
        actors=tuple(actor or ()),
        characters=tuple(character or ()),
        drama=drama,
        years=year or YearRange(),
        favorites=favorites,
        min_rating=min_rating,
        episode=episode,
        tags=tuple(tag or ()),
    )


def output_format(ctx: typer.Context, fmt: OutputFormat, json_flag: bool) -> OutputFormat:
    """--json is a shortcut for --format json; asking for both json and another clashes.
    Without either, a table goes to a terminal and lines (one record a line, tab-separated,
    see ``render.write_lines``) anywhere else, as gh does; --format table draws the table
    anywhere. Stdout is made ready for the format chosen (see ``utf8_stdout``)."""
    from .render import is_terminal

    source = ctx.get_parameter_source("fmt")
    chosen = source is not None and source.name != "DEFAULT"
    if not json_flag and not chosen and not is_terminal(sys.stdout):
        fmt = OutputFormat.lines
    return json_or_format(ctx, fmt, json_flag)


_Format = TypeVar("_Format", bound=Enum)


def json_or_format(ctx: typer.Context, fmt: _Format, json_flag: bool) -> _Format:
    """--json as a shortcut for --format json, for a command whose --format offers
    its own choices (``DetailFormat``, say): with another --format it clashes, as in
    ``output_format``. Stdout is made ready for any format but the table."""
    if json_flag:
        json_format = type(fmt)["json"]
        source = ctx.get_parameter_source("fmt")
        if source is not None and source.name != "DEFAULT" and fmt is not json_format:
            raise _json_clash(fmt)
        fmt = json_format
    if fmt.value != "table":
        utf8_stdout()
    return fmt


def _json_clash(fmt: Enum) -> typer.BadParameter:
    """The usage error of --json given with another --format."""
    return typer.BadParameter(
        f"--json clashes with --format {fmt.value}; use one of them", param_hint="'--json'"
    )


def export_format(fmt: ExportFormat | None, json_flag: bool, output: Path | None) -> ExportFormat:
    """The format export writes: --format (or --json), else the one -o's extension
    names, else JSON. An extension naming another format than --format clashes with
    it; one naming no format is refused unless --format says what to write."""
    if json_flag:
        if fmt not in (None, ExportFormat.json):
            raise _json_clash(fmt)
        fmt = ExportFormat.json
    try:
        named = ExportFormat.from_path(output)
    except ValueError as error:
        if fmt is not None:
            return fmt
        raise typer.BadParameter(
            f"{error}; name the file with one of them, or give --format", param_hint="'--output'"
        ) from None
    if fmt is not None and named is not None and fmt is not named:
        given = "--json" if json_flag else f"--format {fmt.value}"
        raise typer.BadParameter(
            f"{given} clashes with the file name {output}, which says {named.value};"
            f" drop {given.split()[0]}, or name the file .{fmt.value}",
            param_hint=f"'{given.split()[0]}'",
        )
    return fmt or named or ExportFormat.json


# The formats that say so when nothing matched (an empty stdout would look like a
# failure): the table, and the lines it becomes when piped.
FOR_PEOPLE = (OutputFormat.table, OutputFormat.lines)


def screen_limit(limit: int | None, show_all: bool, fmt: OutputFormat) -> tuple[int | None, bool]:
    """How many rows to fetch, and whether that is the default screenful: a table on a
    terminal shows ``options.SCREENFUL`` rows unless --limit or --all says otherwise;
    machine formats and piped output are cut only by --limit."""
    from .render import is_terminal

    if show_all and limit is not None:
        raise typer.BadParameter(
            "--all clashes with --limit; use one of them", param_hint="'--all'"
        )
    if limit is None and not show_all and fmt is OutputFormat.table and is_terminal(sys.stdout):
        return options.SCREENFUL, True
    return limit, False


def note_more(shown: int, capped: bool, total: Callable[[], int], noun: str) -> None:
    """Under a screenful that was cut, say how many there are and how to see them. The
    total is counted only when the screen is full: a shorter one holds them all."""
    if capped and shown >= options.SCREENFUL and (whole := total()) > shown:
        note(f"Showing {shown} of {whole:,} {noun}. Use --limit N or --all.")


def _show_scenes(
    scenes: Iterable["Scene"], fmt: OutputFormat, fields: Sequence[str] | None = None
) -> int:
    from .render import render_scenes

    return render_scenes(scenes, fmt, sys.stdout, fields=fields)


def suggest_names(unmatched: list[Unmatched]) -> None:
    """Say which names matched nothing, and what the catalog has that is close."""
    for name in unmatched:
        message = f"No {name.kind.value} matches {name.text!r}."
        if name.suggestions:
            message += f" Did you mean: {', '.join(name.suggestions)}?"
        note(message, style="yellow")


def suggest_unmatched(catalog: Catalog, filters: SceneFilter) -> bool:
    """Say which names and tags of ``filters`` matched nothing, with what the catalog
    has that is close; whether any did."""
    unmatched = catalog.unmatched_names(filters)
    suggest_names(unmatched)
    unknown = catalog.unknown_tags(filters)
    for tag in unknown:
        message = f"No scene has the tag {tag.text!r}."
        if tag.suggestions:
            message += f" Did you mean: {', '.join(tag.suggestions)}?"
        note(message, style="yellow")
    return bool(unmatched or unknown)


def explain_empty(catalog: Catalog, filters: SceneFilter, fmt: OutputFormat) -> None:
    """After an empty result: name what matched nothing, or say plainly that no scene
    matched (under a table, where an empty stdout would look like a failure)."""
    if not suggest_unmatched(catalog, filters) and fmt in FOR_PEOPLE:
        note("No scenes match.")


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    tag: options.Tag = None,
    episode: options.Episode = None,
    sort: options.SortBy = Sort.ID,
    desc: options.Descending = False,
    limit: options.Limit = None,
    show_all: options.All = False,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    fields: options.Fields = None,
    db: options.Db = None,
) -> None:
    """List scenes, filtered and sorted.

    [bold]Examples[/bold]

      kdrama list --actor "Son Ye Jin"
      kdrama list --actor 손예진 --drama CLOY
      kdrama list --drama "Secretary Kim" --year 2016..2018 --sort year
      kdrama list --json | jq '.[].title'
    """
    fmt = output_format(ctx, fmt, json_)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode)
    limit, capped = screen_limit(limit, show_all, fmt)
    from .export import write_scenes

    with Catalog.open(locate(db)) as catalog:
        keys = fields.keys if fields else None
        shown = write_scenes(
            catalog, filters, fmt, sys.stdout, sort, limit, descending=desc, fields=keys
        )
        if not shown:
            explain_empty(catalog, filters, fmt)
        note_more(shown, capped, lambda: catalog.count_scenes(filters), "scenes")


@app.command()
def random(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    tag: options.Tag = None,
    episode: options.Episode = None,
    count: Annotated[
        int,
        typer.Option(
            "--count",
            "--limit",
            "-n",
            metavar="N",
            parser=options.positive_int,
            # -n is --limit in every command: here the most scenes to pick.
            help="How many scenes to pick (--limit is the same).",
        ),
    ] = 1,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="S", parser=options.whole_number, help="Make the pick reproducible."
        ),
    ] = None,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    fields: options.Fields = None,
    db: options.Db = None,
) -> None:
    """Pick scenes at random (different ones) for tonight.

    [bold]Examples[/bold]

      kdrama random
      kdrama random --actor "Song Hye Kyo" --count 2
      kdrama random --year 2018.. --seed 7 --json
    """
    fmt = output_format(ctx, fmt, json_)
    filters = scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode)
    with Catalog.open(locate(db)) as catalog:
        try:
            scenes = catalog.random_scenes(filters, count, seed)
        except NothingToPick:
            suggest_unmatched(catalog, filters)
            raise
    if len(scenes) < count:
        note(f"Only {len(scenes)} scene(s) match; showing all of them.")
    _show_scenes(scenes, fmt, fields.keys if fields else None)


@app.command()
def show(
    ctx: typer.Context,
    scene_id: Annotated[
        int, typer.Argument(metavar="ID", parser=options.positive_int, help="The scene's id.")
    ],
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    fields: options.Fields = None,
    db: options.Db = None,
) -> None:
    """Show one scene in full: drama, network, year, cast, description and source.

    --json writes the scene as one JSON object; --format jsonl, csv and tsv
    write it as `list` does: one line, or one row under a header.

    [bold]Examples[/bold]

      kdrama show 6
      kdrama show 6 --json
      kdrama show 6 --format csv --fields id,drama,title
    """
    from .render import render_scene_detail

    fmt = json_or_format(ctx, fmt, json_)
    with Catalog.open(locate(db)) as catalog:
        scene = catalog.get_scene(scene_id)
    render_scene_detail(scene, fmt, sys.stdout, fields.keys if fields else None)


@app.command()
def export(
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    favorites: options.Favorites = False,
    min_rating: options.MinRating = None,
    tag: options.Tag = None,
    episode: options.Episode = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="json, jsonl, csv or tsv \\[default: from the -o file's extension, else json]",
            rich_help_panel=options.OUTPUT,
        ),
    ] = None,
    json_: options.Json = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE, not stdout; its extension (.json, .jsonl, .ndjson, .csv,"
            " .tsv) says the format.",
            rich_help_panel=options.OUTPUT,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace FILE if it exists.", rich_help_panel=options.OUTPUT),
    ] = False,
    fields: options.Fields = None,
    db: options.Db = None,
) -> None:
    """Export scenes, all or filtered, in a format `kdrama import` reads back.

    The format is --format's, else the one the -o file's extension names, else
    JSON. An extension of no format is refused, unless --format says what to
    write; one naming another format than --format clashes with it.

    [bold]Examples[/bold]

      kdrama export -o backup.json
      kdrama export --favorites --format csv > favourites.csv
      kdrama export --actor "Son Ye Jin" -o son-ye-jin.tsv
    """
    from .export import export_scenes

    fmt = export_format(fmt, json_, output)
    utf8_stdout()
    filters = scene_filter(actor, character, drama, year, favorites, min_rating, tag, episode)
    with Catalog.open(locate(db)) as catalog:
        count = export_scenes(
            catalog,
            filters,
            OutputFormat(fmt.value),
            output,
            force=force,
            fields=fields.keys if fields else None,
        )
    if output is not None:
        note(f"Exported {count} scene(s) to {output}.")


def main() -> NoReturn:
    """Console-script entry point: run the app; end quietly when a pipe closes early,
    with one line when stdout cannot be written, and with 130 whenever Ctrl-C was
    pressed."""
    guard()
    never_fail_to_encode()
    signal.signal(signal.SIGINT, _interrupt)
    try:
        app()
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:  # outside a command: while parsing, say
        code = ExitCode.INTERRUPTED
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        code = ExitCode.BROKEN_PIPE
    except OutputError as error:  # the last of the output, held until now
        silence_stdout()
        note(f"Error: {error}", style="red")
        code = ExitCode.RUNTIME_ERROR
    if _interrupted and code != ExitCode.INTERRUPTED:
        # Python drops an interrupt that lands in a finaliser or a callback, with a
        # message on stderr; the run was still interrupted.
        code = ExitCode.INTERRUPTED
    sys.exit(code)


_interrupted = False


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: remembered, then raised as Python's default handler does."""
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt
