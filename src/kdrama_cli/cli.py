"""The kdrama command line: parse options, call the catalog API, render the result.

Rich and the renderers are imported inside the functions that draw, not at the top:
shell completion loads this module on every TAB, and must answer quickly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from . import __version__, options
from .catalog import Catalog, resolve_catalog_path
from .errors import ExitCode, KdramaError, NothingToPick
from .models import DetailFormat, OutputFormat, SceneFilter, Sort, Unmatched, YearRange

if TYPE_CHECKING:
    from .models import Scene


def note(message: str, style: str = "dim") -> None:
    """Tell the person at the terminal something, on stderr, so pipes stay clean."""
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True, highlight=False, emoji=False)
    console.print(Text(message, style=style), soft_wrap=True)


def _silence_stdout() -> None:
    """After the reader of a pipe has gone, drop further output instead of failing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _KdramaGroup(TyperGroup):
    """The one place expected failures end: the library's errors become one line on
    stderr and exit 1; a reader closing the pipe early ends the command quietly."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KdramaError as error:
            note(f"Error: {error}", style="red")
            raise typer.Exit(ExitCode.RUNTIME_ERROR) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(ExitCode.BROKEN_PIPE) from None


app = typer.Typer(
    cls=_KdramaGroup,
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
) -> None:
    """A catalog of memorable K-drama scenes: find, filter, pick at random, pipe as JSON.

    Try: [bold]kdrama list --actor "Son Ye Jin"[/bold] or [bold]kdrama random[/bold].
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def _filters(
    actor: list[str] | None,
    character: list[str] | None,
    drama: str | None,
    year: YearRange | None,
) -> SceneFilter:
    return SceneFilter(
        actors=tuple(actor or ()),
        characters=tuple(character or ()),
        drama=drama,
        years=year or YearRange(),
    )


def _output_format(ctx: typer.Context, fmt: OutputFormat, json_flag: bool) -> OutputFormat:
    """--json is a shortcut for --format json; asking for both json and another clashes."""
    if not json_flag:
        return fmt
    source = ctx.get_parameter_source("fmt")
    if source is not None and source.name != "DEFAULT" and fmt is not OutputFormat.json:
        raise typer.BadParameter(
            f"--json clashes with --format {fmt.value}; use one of them", param_hint="'--json'"
        )
    return OutputFormat.json


def _show_scenes(scenes: Iterable[Scene], fmt: OutputFormat) -> int:
    from .render import render_scenes

    return render_scenes(scenes, fmt, sys.stdout)


def _suggest(unmatched: list[Unmatched]) -> None:
    """Say which names matched nothing, and what the catalog has that is close."""
    for name in unmatched:
        message = f"No {name.kind.value} matches {name.text!r}."
        if name.suggestions:
            message += f" Did you mean: {', '.join(name.suggestions)}?"
        note(message, style="yellow")


def _explain_empty(catalog: Catalog, filters: SceneFilter, fmt: OutputFormat) -> None:
    """After an empty result: name what matched nothing, or say plainly that no scene
    matched (under a table, where an empty stdout would look like a failure)."""
    unmatched = catalog.unmatched_names(filters)
    if unmatched:
        _suggest(unmatched)
    elif fmt is OutputFormat.table:
        note("No scenes match.")


@app.command("list")
def list_(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    sort: options.SortBy = Sort.ID,
    desc: options.Descending = False,
    limit: options.Limit = None,
    fmt: options.Format = OutputFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """List scenes, filtered and sorted.

    [bold]Examples[/bold]

      kdrama list --actor "Son Ye Jin"
      kdrama list --actor 손예진 --drama CLOY
      kdrama list --drama "Secretary Kim" --year 2016..2018 --sort year
      kdrama list --json | jq '.[].title'
    """
    fmt = _output_format(ctx, fmt, json_)
    filters = _filters(actor, character, drama, year)
    with Catalog.open(resolve_catalog_path(db)) as catalog:
        if not _show_scenes(catalog.list_scenes(filters, sort, limit, descending=desc), fmt):
            _explain_empty(catalog, filters, fmt)


@app.command()
def random(
    ctx: typer.Context,
    actor: options.Actor = None,
    character: options.Character = None,
    drama: options.Drama = None,
    year: options.Year = None,
    count: Annotated[
        int,
        typer.Option(
            "--count",
            "-n",
            metavar="N",
            parser=options.positive_int,
            help="How many scenes to pick.",
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
    db: options.Db = None,
) -> None:
    """Pick scenes at random (different ones) for tonight.

    [bold]Examples[/bold]

      kdrama random
      kdrama random --actor "Song Hye Kyo" --count 2
      kdrama random --year 2018.. --seed 7 --json
    """
    fmt = _output_format(ctx, fmt, json_)
    filters = _filters(actor, character, drama, year)
    with Catalog.open(resolve_catalog_path(db)) as catalog:
        try:
            scenes = catalog.random_scenes(filters, count, seed)
        except NothingToPick:
            _suggest(catalog.unmatched_names(filters))
            raise
    if len(scenes) < count:
        note(f"Only {len(scenes)} scene(s) match; showing all of them.")
    _show_scenes(scenes, fmt)


@app.command()
def show(
    scene_id: Annotated[
        int, typer.Argument(metavar="ID", parser=options.positive_int, help="The scene's id.")
    ],
    fmt: Annotated[
        DetailFormat,
        typer.Option("--format", "-f", case_sensitive=False, help="table or json."),
    ] = DetailFormat.table,
    db: options.Db = None,
) -> None:
    """Show one scene in full: drama, network, year, cast, description and source.

    [bold]Examples[/bold]

      kdrama show 6
      kdrama show 6 --format json
    """
    from .render import render_scene_detail

    with Catalog.open(resolve_catalog_path(db)) as catalog:
        scene = catalog.get_scene(scene_id)
    render_scene_detail(scene, fmt, sys.stdout)


def main() -> NoReturn:
    """Console-script entry point: run the app; end quietly when a pipe closes early."""
    try:
        app()
    except SystemExit as done:
        code = done.code
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        code = ExitCode.BROKEN_PIPE
    sys.exit(code)
