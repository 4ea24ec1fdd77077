"""Commands that change a catalog: add, edit, rm, import, fav, unfav, rate, unrate.

Each writes to the catalog ``storage.locate_for_writing`` picks: never the bundled one.
"""

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from . import editing, options
from .catalog import Catalog
from .cli_core import command_set, note, usage_error
from .cli_write import stored, writable
from .errors import ExitCode
from .models import Role, SceneRecord
from .records import (
    ControlCharacterError,
    ControlStripper,
    ImportFormat,
    RecordError,
    guess_format,
    read_input,
    read_records,
)

commands = command_set()

Title = Annotated[str | None, typer.Option("--title", "-t", help="A one-line name for the scene.")]
DramaTitle = Annotated[
    str | None, typer.Option("--drama", "-d", metavar="TITLE", help="The drama's English title.")
]
Year = Annotated[
    int | None,
    typer.Option("--year", "-y", metavar="Y", parser=options.year, help="The drama's year."),
]
Actors = Annotated[
    list[str] | None,
    typer.Option("--actor", "-a", metavar="NAME", help="An actor in the scene; repeat for more."),
]
Characters = Annotated[
    list[str] | None,
    typer.Option(
        "--character",
        "-c",
        metavar="NAME=ACTOR",
        help='A character and who plays them, e.g. "Yoon Se Ri=Son Ye Jin"; repeat for more.',
    ),
]
Description = Annotated[
    str | None, typer.Option("--description", help="What happens, in a line or two.")
]
Source = Annotated[str | None, typer.Option("--source", help="Where the scene comes from.")]
SceneIds = Annotated[
    list[int], typer.Argument(metavar="ID", parser=options.positive_int, help="Scene ids.")
]
SceneId = Annotated[int, typer.Argument(metavar="ID", parser=options.positive_int)]


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer questions."""
    return sys.stdin.isatty()


def _roles(specs: list[str] | None) -> tuple[Role, ...]:
    """Read "Name=Actor" character options."""
    roles = []
    for spec in specs or []:
        name, equals, actor = (part.strip() for part in spec.partition("="))
        if not (equals and name and actor):
            raise typer.BadParameter(
                f'{spec!r} is not NAME=ACTOR, e.g. "Yoon Se Ri=Son Ye Jin"',
                param_hint="'--character'",
            )
        roles.append(Role(_stored(name, "--character"), _stored(actor, "--character")))
    return tuple(roles)


# Options a scene cannot do without: blank is refused, as import refuses it.
_REQUIRED = {"--title", "--drama", "--actor", "--character"}


def _stored(value: str, option: str) -> str:
    """An option's text as it will be stored (see ``cli_write.stored``)."""
    return stored(value, option, required=option in _REQUIRED)


def _stored_or_none(value: str | None, option: str) -> str | None:
    return None if value is None else _stored(value, option)


def _record(
    *,
    title: str | None = None,
    drama: str | None = None,
    year: int | None = None,
    actors: list[str] | None = None,
    roles: tuple[Role, ...] = (),
    description: str | None = None,
    source: str | None = None,
) -> SceneRecord:
    """A record of the options given; a character's actor joins the actors."""
    title = _stored_or_none(title, "--title")
    drama = _stored_or_none(drama, "--drama")
    description = _stored_or_none(description, "--description")
    source = _stored_or_none(source, "--source")
    names = tuple(_stored(name, "--actor") for name in actors or ())
    names += tuple(dict.fromkeys(r.actor for r in roles if r.actor not in names))
    values: dict[str, object] = {
        "title": title,
        "drama": drama,
        "year": year,
        "description": description,
        "source": source,
        "actors": names or None,
        "characters": roles or None,
    }
    return SceneRecord(
        where="options",
        given=frozenset(field for field, value in values.items() if value is not None),
        title=title,
        drama=drama,
        year=year,
        description=description,
        source=source,
        actors=names,
        characters=roles,
    )


def _year(text: str) -> int:
    try:
        return options.year(text)
    except typer.BadParameter as error:
        raise typer.BadParameter(str(error.message), param_hint="'--year'") from None


def _missing(option: str, prompt: str) -> str:
    """Ask for a missing required option on a terminal; elsewhere, fail naming it."""
    if not _interactive():
        usage_error(f"missing option {option} (not on a terminal, so it cannot be asked for)")
    answer: str = typer.prompt(prompt)
    return answer


@commands.command()
def add(
    title: Title = None,
    drama: DramaTitle = None,
    year: Year = None,
    actor: Actors = None,
    character: Characters = None,
    description: Description = None,
    source: Source = None,
    db: options.Db = None,
) -> None:
    """Add a scene to your catalog and print its id.

    Dramas and people already in the catalog are found by name in any spelling.

    [bold]Examples[/bold]

      kdrama add -t "The piano duet" -d CLOY -y 2020 -c "Ri Jeong Hyeok=Hyun Bin"
      kdrama add -t "First snow" -d Goblin -y 2017 -a "Gong Yoo" -a "Kim Go Eun"
    """
    roles = _roles(character)
    title = title or _missing("--title", "Scene title")
    drama = drama or _missing("--drama", "Drama")
    year = year or _year(_missing("--year", "Year"))
    if not (actor or roles):
        actor = [_missing("--actor", "Actor")]
    record = _record(
        title=title,
        drama=drama,
        year=year,
        actors=actor,
        roles=roles,
        description=description,
        source=source,
    )
    with writable(db, create=True) as catalog:
        scene_id = editing.add_scene(catalog, record)
    typer.echo(scene_id)


@commands.command()
def edit(
    scene_id: SceneId,
    title: Title = None,
    drama: DramaTitle = None,
    year: Year = None,
    actor: Actors = None,
    character: Characters = None,
    description: Description = None,
    source: Source = None,
    db: options.Db = None,
) -> None:
    """Change a scene: only the options given change.

    --actor and --character replace the scene's whole cast.

    [bold]Examples[/bold]

      kdrama edit 7 --title "The piano duet, at last"
      kdrama edit 7 --actor "Hyun Bin" --character "Ri Jeong Hyeok=Hyun Bin"
    """
    record = _record(
        title=title,
        drama=drama,
        year=year,
        actors=actor,
        roles=_roles(character),
        description=description,
        source=source,
    )
    if not record.given:
        usage_error("nothing to change: give at least one option, such as --title")
    with writable(db) as catalog:
        editing.edit_scene(catalog, scene_id, record)
    note(f"Updated scene {scene_id}.")


@commands.command()
def rm(
    scene_ids: SceneIds,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: options.Db = None,
) -> None:
    """Remove scenes from your catalog.

    On a terminal it asks first; elsewhere it needs --yes.

    [bold]Examples[/bold]

      kdrama rm 7
      kdrama rm 7 8 9 --yes
    """
    with writable(db) as catalog:
        editing.existing_ids(catalog, scene_ids)
        if not yes:
            if not _interactive():
                usage_error("not on a terminal, so nothing is removed without --yes")
            titles = ", ".join(f"#{s.id} {s.title}" for s in catalog.get_scenes(scene_ids))
            if not typer.confirm(f"Remove {titles}?"):
                note("Nothing removed.")
                raise typer.Exit(ExitCode.RUNTIME_ERROR)
        removed = editing.remove_scenes(catalog, scene_ids)
    note(f"Removed {removed} scene(s).")


@commands.command("import")
def import_(
    file: Annotated[str, typer.Argument(metavar="FILE|-", help="A file, or - for stdin.")],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="json, jsonl or csv \\[default: from the extension, else from the content]",
        ),
    ] = None,
    strip_controls: Annotated[
        bool,
        typer.Option(
            "--strip-controls",
            help="Remove control characters and terminal escape sequences from the text"
            " instead of refusing the file.",
        ),
    ] = False,
    db: options.Db = None,
) -> None:
    """Import scenes from JSON, JSON Lines or CSV, as `list` and `export` write them.

    A scene whose id is in the catalog is updated; any other is added. Everything
    is checked first: one bad row changes nothing. Text holding control characters
    is refused, unless --strip-controls is given.

    [bold]Examples[/bold]

      kdrama import my-scenes.json
      kdrama export --format csv -o scenes.csv && kdrama import scenes.csv
      cat scenes.jsonl | kdrama import - --format jsonl
    """
    text = read_input(file)
    fmt = fmt or guess_format(None if file == "-" else file, text[:200])
    strip = ControlStripper() if strip_controls else None
    with _collector_paused():
        try:
            records = read_records(text, fmt, strip)
        except ControlCharacterError as error:
            raise RecordError("", f"{error}; --strip-controls removes them") from None
        if strip is not None and strip.removed:
            note(f"Removed {strip.removed} control character(s) or escape sequence(s).")
        del text  # the records hold all of it; free the file's text while writing
        with writable(db, create=True) as catalog:
            summary = _import_with_progress(catalog, records)
        count = len(records)
        # Freed before the collector resumes, or its first pass walks them all.
        del records
    note(
        f"Imported {count} scene(s): {summary.added} added, {summary.updated} updated.",
        style="green",
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an import: it would otherwise walk
    every record again and again as they pile up (a 100,000-scene import ran 2-3x
    slower). Records hold no cycles; reference counting frees them as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_with_progress(catalog: Catalog, records: list[SceneRecord]) -> editing.ImportSummary:
    """Import, with a progress bar on stderr when a person is watching it."""
    if not sys.stderr.isatty() or len(records) < 1000:
        return editing.import_records(catalog, records)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Importing", total=len(records))
        return editing.import_records(
            catalog, records, lambda done: progress.update(task, completed=done)
        )


@commands.command()
def fav(scene_ids: SceneIds, db: options.Db = None) -> None:
    """Mark scenes as favourites.

    [bold]Examples[/bold]

      kdrama fav 2 6
      kdrama list --favorites
    """
    with writable(db) as catalog:
        count = editing.set_favorite(catalog, scene_ids, True)
    note(f"Marked {count} scene(s) as favourite.")


@commands.command()
def unfav(scene_ids: SceneIds, db: options.Db = None) -> None:
    """Unmark scenes as favourites.

    [bold]Examples[/bold]

      kdrama unfav 2
    """
    with writable(db) as catalog:
        count = editing.set_favorite(catalog, scene_ids, False)
    note(f"Unmarked {count} scene(s).")


@commands.command()
def rate(
    scene_id: SceneId,
    stars: Annotated[int, typer.Argument(metavar="N", parser=options.rating, help="From 1 to 5.")],
    db: options.Db = None,
) -> None:
    """Rate a scene from 1 to 5.

    [bold]Examples[/bold]

      kdrama rate 6 5
      kdrama list --min-rating 4 --sort rating --desc
    """
    with writable(db) as catalog:
        editing.set_rating(catalog, scene_id, stars)
    note(f"Rated scene {scene_id}: {stars}/5.")


@commands.command()
def unrate(scene_id: SceneId, db: options.Db = None) -> None:
    """Clear a scene's rating.

    [bold]Examples[/bold]

      kdrama unrate 6
    """
    with writable(db) as catalog:
        editing.set_rating(catalog, scene_id, None)
    note(f"Cleared the rating of scene {scene_id}.")
