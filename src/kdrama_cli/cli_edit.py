"""Commands that change a catalog: add, edit, rm, import, fav, unfav, rate, unrate, tag.

Each writes to the catalog ``storage.locate_for_writing`` picks: never the bundled one.
"""

import functools
import gc
import itertools
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TypeVar

import typer

from . import completion, editing, moments, naming, options
from .catalog import Catalog
from .cli_core import command_set, confirm, note, usage_error
from .cli_prompt import ask_until
from .cli_write import stored, writable
from .errors import ExitCode, KdramaError
from .importfile import ImportFormat, ImportInput, RecordError, guess_format
from .models import NameKind, Role, SceneRecord
from .records import ControlCharacterError, ControlStripper, iter_records
from .storage import Location, locate, locate_for_writing
from .writer import NearDuplicateDrama

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
Episode = Annotated[
    str | None,
    typer.Option("--episode", metavar="N", help="The episode the scene is in (1 or more)."),
]
Time = Annotated[
    str | None,
    typer.Option("--time", metavar="M:SS", help="Where in the episode, e.g. 42:13 or 1:02:07."),
]


def _url(value: str) -> str:
    try:
        return moments.check_url(value.strip())
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _tag(value: str) -> str:
    try:
        return moments.clean_tag(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Urls = Annotated[
    list[str] | None,
    typer.Option(
        "--url", metavar="URL", parser=_url, help="A link to the clip (http or https); repeat."
    ),
]
Tags = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", metavar="WORD", parser=_tag, help="A word for the kind of moment; repeat for more."
    ),
]
Note = Annotated[str | None, typer.Option("--note", help="Your own note about the scene.")]
SceneIds = Annotated[
    list[int],
    typer.Argument(metavar="IDS...", parser=options.positive_int, help="One or more scene ids."),
]
SceneId = Annotated[int, typer.Argument(metavar="ID", parser=options.positive_int)]
NewDrama = Annotated[
    bool,
    typer.Option(
        "--new-drama",
        help="Make a new drama even when the catalog has a drama of that name from another"
        " year (a remake); otherwise kdrama asks, or stops.",
    ),
]


def _interactive() -> bool:
    """Whether a person is at the keyboard to answer questions."""
    return sys.stdin.isatty()


def _on_terminal() -> bool:
    """Whether a person both types the answers and sees the questions."""
    return sys.stdin.isatty() and sys.stdout.isatty()


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


def _episode(value: str) -> int | None:
    """An --episode value: a number from 1 up, or blank for none."""
    text = value.strip()
    if not text:
        return None
    try:
        number = options.whole_number(text)
    except typer.BadParameter as error:
        raise typer.BadParameter(error.message, param_hint="'--episode'") from None
    try:
        return moments.check_episode(number)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--episode'") from None


def _time(value: str) -> int | None:
    """A --time value in seconds, or None for blank."""
    if not value.strip():
        return None
    try:
        return moments.parse_time(value)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--time'") from None


class Moment(NamedTuple):
    """The options that say where a scene is and what the fan keeps about it, as typed
    (``urls``/``tags`` None when not given; ``no_urls``/``no_tags`` clear them)."""

    episode: str | None = None
    time: str | None = None
    urls: list[str] | None = None
    tags: list[str] | None = None
    note: str | None = None
    no_urls: bool = False
    no_tags: bool = False

    def given(self) -> tuple[object, ...]:
        """The values of the options, None for those not given (the --no- flags aside)."""
        return self.episode, self.time, self.urls, self.tags, self.note

    def fields(self) -> dict[str, Any]:
        """The record fields these options give, checked; links and tags each once
        (tags without regard to case), in the order given."""
        given: dict[str, Any] = {}
        if self.episode is not None:
            given["episode"] = _episode(self.episode)
        if self.time is not None:
            given["time"] = _time(self.time)
        for values, clear, name in (
            (self.urls, self.no_urls, "url"),
            (self.tags, self.no_tags, "tag"),
        ):
            if values and clear:
                usage_error(f"--{name} and --no-{name} cannot be given together")
            if values or clear:
                key = moments.tag_key if name == "tag" else str
                kept: dict[str, str] = {}
                for value in values or []:
                    kept.setdefault(key(value), value)
                given[f"{name}s"] = tuple(kept.values())
        if self.note is not None:
            given["note"] = _stored(self.note, "--note") or None
        return given


def _record(
    *,
    title: str | None = None,
    drama: str | None = None,
    year: int | None = None,
    actors: list[str] | None = None,
    roles: tuple[Role, ...] = (),
    description: str | None = None,
    source: str | None = None,
    moment: Moment = Moment(),
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
    moments_given = moment.fields()
    return SceneRecord(
        where="",
        given=frozenset(field for field, value in values.items() if value is not None)
        | frozenset(moments_given),
        title=title,
        drama=drama,
        year=year,
        description=description,
        source=source,
        actors=names,
        characters=roles,
        **moments_given,
    )


_T = TypeVar("_T")


def _missing(option: str, prompt: str, check: Callable[[str], _T]) -> _T:
    """Ask for a missing required option on a terminal until the answer passes the
    option's own ``check``, saying after a bad answer why, in the check's words, so
    the answers already given are kept; elsewhere, fail naming the option."""
    if not _interactive():
        usage_error(f"missing option {option} (not on a terminal, so it cannot be asked for)")
    return ask_until(prompt, check)


def _text(option: str) -> Callable[[str], str]:
    """The check of a text option, for an answer typed for it."""
    return lambda answer: _stored(answer, option)


# Asking for a whole scene ------------------------------------------------------------

_SKIP = " (Enter to skip)"


def _asked_scene(db: Path | None) -> SceneRecord:
    """Every field of a new scene, asked in turn on a terminal (see ``add``), each
    answer checked as its option is: the record ``add`` builds of the same options,
    with a new drama's Korean title and network when given."""
    location = locate(db)
    drama, year, known = _asked_drama(location)
    korean = network = ""
    if known is None:
        korean = ask_until("Korean title" + _SKIP, _text("--korean"))
        network = ask_until("Network" + _SKIP, _text("--network"))
    title = ask_until("Scene title", _text("--title"))
    actors, roles = _asked_cast(location, known)
    episode = ask_until("Episode" + _SKIP, _as_typed(_episode))
    at = ask_until("Time in the episode, e.g. 42:13" + _SKIP, _as_typed(_time))
    urls = _asked_links()
    tags = ask_until(
        "Tags, separated by spaces" + _SKIP,
        lambda answer: [_tag(word) for word in answer.split()],
        lambda _, word: [tag for tag, _ in completion.tags(word, location)],
        delims=" ",
    )
    description = ask_until("Description" + _SKIP, _text("--description")) or None
    record = _record(
        title=title,
        drama=drama,
        year=year,
        actors=actors,
        roles=roles,
        description=description,
        moment=Moment(episode, at, urls or None, tags or None),
    )
    if korean or network:
        given = {"drama_korean"} if korean else set()
        given |= {"network"} if network else set()
        record = replace(
            record, drama_korean=korean or None, network=network or None, given=record.given | given
        )
    note(_summary(record))
    return record


def _asked_drama(location: Location) -> tuple[str, int, naming.Named | None]:
    """The drama's title and year, and what the catalog knows of it: a drama it has
    is said and its year taken; for a new one (or one of several of that name) the
    year is asked."""
    typed = ask_until(
        "Drama",
        _text("--drama"),
        lambda _, word: [name for name, _ in completion.candidates(NameKind.DRAMA, word, location)],
    )
    try:
        known = _known_drama(location, typed)
    except naming.AmbiguousName as several:
        note(f"{several}: which year?")
        year = ask_until("Year", options.year)
        known = _known_drama(location, typed, year)
        if known is None:
            return typed, year, None
    if known is None:
        return typed, ask_until("Year", options.year), None
    note(", ".join(filter(None, [_drama_name(known), str(known.year), known.network])))
    return known.name, known.year or 0, known


def _known_drama(location: Location, text: str, year: int | None = None) -> naming.Named | None:
    """The one drama of the catalog ``text`` names, or None (AmbiguousName when it
    names several)."""
    try:
        with Catalog.open(location) as catalog:
            return naming.find_drama(catalog, text, year=year)
    except naming.AmbiguousName:
        raise
    except KdramaError:  # no such drama, or no catalog yet: a new drama
        return None


def _drama_name(drama: naming.Named) -> str:
    return f"{drama.name} ({drama.korean})" if drama.korean else drama.name


def _asked_cast(
    location: Location, known: naming.Named | None
) -> tuple[list[str], tuple[Role, ...]]:
    """The cast, one "Character=Actor" or "Actor" a question, until an empty answer.
    TAB completes actors, and characters of a known drama (with who plays them)."""
    actors: list[str] = []
    roles: list[Role] = []

    def entry(answer: str) -> bool:
        if not answer.strip():
            if not (actors or roles):
                raise typer.BadParameter("give at least one actor")
            return False
        if "=" in answer:
            roles.extend(_roles([answer]))
        else:
            actors.append(_stored(answer.strip(), "--actor"))
        return True

    def cast(before: str, word: str) -> list[str]:
        word = word.lstrip()
        people = [name for name, _ in completion.candidates(NameKind.ACTOR, word, location)]
        if "=" in before or known is None:
            return people
        return [f"{c}={a}" for c, a in completion.roles(known.id, word, location)] + people

    prompt = "Cast: Character=Actor, or Actor"
    while ask_until(prompt, entry, cast, delims="="):
        prompt = "More cast (Enter when done)"
    return actors, tuple(roles)


def _asked_links() -> list[str]:
    """Links to the clip, one a question, until an empty answer."""
    urls: list[str] = []
    prompt = "Link to the clip" + _SKIP
    while url := ask_until(prompt, lambda answer: _url(answer) if answer.strip() else ""):
        urls.append(url)
        prompt = "Another link (Enter when done)"
    return urls


def _as_typed(check: Callable[[str], object]) -> Callable[[str], str | None]:
    """A check for an optional answer: the answer as typed, or None when blank."""
    return lambda answer: answer if check(answer) is not None else None


def _summary(record: SceneRecord) -> str:
    """A new scene in a line, before it is written."""
    cast = [f"{r.name}={r.actor}" for r in record.characters]
    cast += [a for a in record.actors if a not in {r.actor for r in record.characters}]
    parts = [f"{record.title!r}, {record.drama} ({record.year})", ", ".join(cast)]
    parts.append(moments.short_where(record.episode, record.time))
    if record.urls:
        parts.append(f"{len(record.urls)} link(s)")
    if record.tags:
        parts.append("tags " + " ".join(record.tags))
    return "Adding " + "; ".join(filter(None, parts)) + "."


@commands.command()
def add(
    title: Title = None,
    drama: DramaTitle = None,
    year: Year = None,
    actor: Actors = None,
    character: Characters = None,
    description: Description = None,
    source: Source = None,
    episode: Episode = None,
    time_: Time = None,
    url: Urls = None,
    tag: Tags = None,
    note_: Note = None,
    new_drama: NewDrama = False,
    db: options.Db = None,
) -> None:
    """Add a scene to your catalog and print its id.

    Dramas and people already in the catalog are found by name in any spelling. A
    drama of a known name with another year is taken for a typing mistake: on a
    terminal kdrama asks which drama you meant; elsewhere it stops, unless --new-drama.

    With no options, on a terminal, it asks for each field in turn: TAB completes
    dramas, actors and the drama's characters, Enter skips what is optional, a
    known drama's year is taken, and a bad answer is asked again. With some
    options it asks only for the missing ones it needs; off a terminal, nothing.

    [bold]Examples[/bold]

      kdrama add
      kdrama add -t "The piano duet" -d CLOY -y 2020 -c "Ri Jeong Hyeok=Hyun Bin"
      kdrama add -t "First snow" -d Goblin -y 2017 -a "Gong Yoo" -a "Kim Go Eun"
      kdrama add -t "Rain" -d Goblin -y 2017 -a "Gong Yoo" --episode 3 --time 42:13 --tag rain
    """
    moment = Moment(episode, time_, url, tag, note_)
    given = (title, drama, year, actor, character, description, source, *moment.given())
    if all(value is None for value in given) and _on_terminal():
        record = _asked_scene(db)
    else:
        record = _given_scene(title, drama, year, actor, character, description, source, moment)
    with writable(db, create=True) as catalog:
        scene_id = _asking_about_dramas(
            record, new_drama, lambda meant, new: editing.add_scene(catalog, meant, new_drama=new)
        )
        typer.echo(scene_id)


def _given_scene(
    title: str | None,
    drama: str | None,
    year: int | None,
    actor: list[str] | None,
    character: list[str] | None,
    description: str | None,
    source: str | None,
    moment: Moment,
) -> SceneRecord:
    """The scene ``add``'s options give, with the required ones not given asked for
    on a terminal (a usage error elsewhere)."""
    roles = _roles(character)
    # The options given are checked before anything is asked: a bad one would
    # otherwise be refused only after the questions had been answered.
    _record(
        title=title or None,
        drama=drama or None,
        actors=actor,
        roles=roles,
        description=description,
        source=source,
        moment=moment,
    )
    title = title or _missing("--title", "Scene title", _text("--title"))
    drama = drama or _missing("--drama", "Drama", _text("--drama"))
    year = year or _missing("--year", "Year", options.year)
    if not (actor or roles):
        actor = [_missing("--actor", "Actor", _text("--actor"))]
    return _record(
        title=title,
        drama=drama,
        year=year,
        actors=actor,
        roles=roles,
        description=description,
        source=source,
        moment=moment,
    )


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
    episode: Episode = None,
    time_: Time = None,
    url: Urls = None,
    no_url: Annotated[bool, typer.Option("--no-url", help="Remove the scene's links.")] = False,
    tag: Tags = None,
    no_tag: Annotated[bool, typer.Option("--no-tag", help="Remove the scene's tags.")] = False,
    note_: Note = None,
    new_drama: NewDrama = False,
    db: options.Db = None,
) -> None:
    """Change a scene: only the options given change.

    --actor and --character replace the scene's whole cast. --drama and --year move the
    scene to another drama; the drama it leaves keeps its Korean title, network and
    aliases (`kdrama drama edit` changes those). --url and --tag replace the scene's
    links and tags (--no-url and --no-tag remove them); an empty --episode, --time or
    --note clears it.

    [bold]Examples[/bold]

      kdrama edit 7 --title "The piano duet, at last"
      kdrama edit 7 --actor "Hyun Bin" --character "Ri Jeong Hyeok=Hyun Bin"
      kdrama edit 7 --episode 10 --time 42:13 --url https://youtu.be/XXXXXXXXXXX
    """
    record = _record(
        title=title,
        drama=drama,
        year=year,
        actors=actor,
        roles=_roles(character),
        description=description,
        source=source,
        moment=Moment(episode, time_, url, tag, note_, no_url, no_tag),
    )
    if not record.given:
        usage_error("nothing to change: give at least one option, such as --title")
    with writable(db) as catalog:
        _asking_about_dramas(
            record,
            new_drama,
            lambda meant, new: editing.edit_scene(catalog, scene_id, meant, new_drama=new),
        )
        note(f"Updated scene {scene_id}.")


def _asking_about_dramas(
    record: SceneRecord, new_drama: bool, write: Callable[[SceneRecord, bool], _T]
) -> _T:
    """Write ``record``; when its drama names one of the catalog's with another year,
    ask on a terminal whether that drama was meant (yes: the scene joins it; no: a new
    drama is made). Elsewhere the refusal stands, naming --new-drama."""
    try:
        return write(record, new_drama)
    except NearDuplicateDrama as near:
        if not _interactive():
            raise
        for title, year in near.known:
            if confirm(f"Did you mean {title} ({year})?", default=True):
                given = record.given | {"drama", "year"}
                return write(replace(record, drama=title, year=year, given=given), False)
        return write(record, True)


@commands.command()
def rm(
    scene_ids: SceneIds,
    # No short form: -y is --year in every other command (gh's `repo delete --yes` has none).
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
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
            if not confirm(f"Remove {titles}?"):
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
            help="json, jsonl, csv or tsv \\[default: from the extension (.json, .jsonl,"
            " .ndjson, .csv, .tsv), else from the content]",
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Scenes whose ids the catalog uses for other content: replace them with"
            " the file's (restoring or syncing your own export).",
        ),
    ] = False,
    skip_existing: Annotated[
        bool,
        typer.Option("--skip-existing", help="Those scenes: leave the catalog's as they are."),
    ] = False,
    new_ids: Annotated[
        bool,
        typer.Option("--new-ids", help="Those scenes: add the file's as new scenes, new ids."),
    ] = False,
    new_drama: NewDrama = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Check everything and say what would change; write nothing."
        ),
    ] = False,
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
    """Import scenes from JSON, JSON Lines, CSV or TSV, as `list` and `export` write them.

    Scenes are added, with their ids when the catalog does not use them. A scene
    whose id the catalog uses for another scene stops the import, unless --update,
    --skip-existing or --new-ids says what to do; one identical to the catalog's is
    left unchanged. Everything is checked as it is read: one bad row changes nothing.
    Text holding control characters is refused, unless --strip-controls is given.

    [bold]Examples[/bold]

      kdrama import friends-scenes.json
      kdrama import backup.jsonl --update
      kdrama import backup.json --db restored.db
      kdrama import scenes.csv --dry-run
      cat scenes.jsonl | kdrama import - --format jsonl
    """
    existing = _existing(update=update, skip_existing=skip_existing, new_ids=new_ids)
    strip = ControlStripper() if strip_controls else None
    with ImportInput(file) as source, _collector_paused():
        fmt = fmt or guess_format(source.name, source.head())
        try:
            records = _checked_first(iter_records(source, fmt, strip))
            with _target(db, dry_run=dry_run) as catalog:
                summary = _import_with_progress(
                    catalog,
                    records,
                    source,
                    functools.partial(
                        editing.import_records,
                        existing=existing,
                        new_dramas=new_drama,
                        dry_run=dry_run,
                    ),
                )
                # Said while the catalog is held: an interruption that came too late
                # to stop the import waits until it is said (see cli_write.writable).
                _report_import(summary, strip, dry_run=dry_run)
        except ControlCharacterError as error:
            raise RecordError("", f"{error}; --strip-controls removes them") from None


def _report_import(
    summary: editing.ImportSummary, strip: ControlStripper | None, *, dry_run: bool
) -> None:
    if strip is not None and strip.removed:
        note(f"Removed {strip.removed} control character(s) or escape sequence(s).")
    if dry_run:
        _report_dry_run(summary)
        return
    done = [f"{summary.added:,} added", f"{summary.updated:,} updated"]
    done += [f"{count:,} {what}" for what, count in _rest(summary) if count]
    note(f"Imported {summary.read:,} scene(s): {', '.join(done)}.", style="green")


def _rest(summary: editing.ImportSummary) -> list[tuple[str, int]]:
    return [("skipped", summary.skipped), ("unchanged", summary.unchanged)]


def _existing(*, update: bool, skip_existing: bool, new_ids: bool) -> editing.Existing | None:
    """What --update, --skip-existing or --new-ids asks for; at most one of them."""
    chosen = [
        choice
        for choice, flag in (
            (editing.Existing.UPDATE, update),
            (editing.Existing.SKIP, skip_existing),
            (editing.Existing.NEW_IDS, new_ids),
        )
        if flag
    ]
    if len(chosen) > 1:
        usage_error("--update, --skip-existing and --new-ids exclude each other; give one")
    return chosen[0] if chosen else None


def _checked_first(records: Iterator[SceneRecord]) -> Iterator[SceneRecord]:
    """The records, the first read (and checked) at once: a file refused at its start
    is refused before a catalog is opened, or created, for it."""
    first = next(records, None)
    return itertools.chain([first], records) if first is not None else iter(())


@contextmanager
def _target(db: Path | None, *, dry_run: bool) -> Iterator[Catalog]:
    """The catalog an import writes to; for a dry run of an import that would create
    it, the catalog it would create, made in memory only."""
    location = locate_for_writing(db)
    if dry_run and not location.path.exists():
        with Catalog.scratch(location) as catalog:
            yield catalog
        return
    with writable(db, create=True) as catalog:
        yield catalog


def _report_dry_run(summary: editing.ImportSummary) -> None:
    """Say what an import would do, on stdout: it is what was asked for."""
    for what, verb in (
        ("added", "Would add"),
        ("updated", "Would update"),
        ("skipped", "Would skip"),
        ("unchanged", "Would leave unchanged"),
    ):
        count = getattr(summary, what)
        shown = summary.examples.get(what, [])
        ids = ", ".join(str(i) for i in shown)
        more = f" and {count - len(shown):,} more" if count > len(shown) else ""
        typer.echo(f"{verb} {count:,} scene(s)" + (f": {ids}{more}." if shown else "."))
    note("Dry run: nothing was written.")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an import: it would otherwise walk
    the writer's caches again and again as they grow (a 100,000-scene import ran 2-3x
    slower). Records hold no cycles; reference counting frees them as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_with_progress(
    catalog: Catalog,
    records: Iterable[SceneRecord],
    source: ImportInput,
    run: Callable[..., editing.ImportSummary],
) -> editing.ImportSummary:
    """Import with ``run`` (``editing.import_records`` and the user's choices), with a
    progress bar on stderr when a person is watching it: rows done, rows a second,
    bytes read, then what the import does as it finishes."""
    if not sys.stderr.isatty():
        return run(catalog, records)
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.monotonic()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows  {task.fields[rate]:,.0f} rows/s"),
        DownloadColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Importing", total=source.size, rows=0, rate=0.0)

        def rows(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-3)
            progress.update(task, completed=source.bytes_read, rows=done, rate=rate)

        def step(what: str) -> None:
            progress.update(task, description=what, completed=source.bytes_read)

        return run(catalog, records, rows, step=step)


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


def _tag_words(words: list[str]) -> tuple[list[int], list[str], list[str]]:
    """The scene ids, then the tags to add (+word or word) and to remove (-word), of
    ``kdrama tag``'s arguments; a usage error for anything else."""
    ids: list[int] = []
    while words and words[0].isascii() and words[0].isdigit():
        ids.append(options.positive_int(words.pop(0)))
    if not ids:
        raise typer.BadParameter("give the id of a scene first", param_hint="'IDS...'")
    add: list[str] = []
    remove: list[str] = []
    for word in words:
        if word.startswith("--"):
            usage_error(f"no such option: {word}")
        wanted, text = (remove, word[1:]) if word.startswith("-") else (add, word)
        text = text.removeprefix("+") if wanted is add else text
        try:
            wanted.append(moments.clean_tag(text))
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="'WORD'") from None
    both = {moments.tag_key(tag) for tag in add} & {moments.tag_key(tag) for tag in remove}
    if both:
        usage_error(f"{min(both)!r} is both added and removed; say which")
    return ids, add, remove


@commands.command(
    # -word removes a tag: no short option may take it (-h after an id included; -h
    # first, where only an id may stand, is help).
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
)
def tag(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="IDS... [+|-]WORD...",
            help="Scene ids, then tags: +word or word adds, -word removes.",
            show_default=False,
        ),
    ],
    json_: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write each scene's id and tags afterwards as JSON.",
            rich_help_panel=options.OUTPUT,
        ),
    ] = False,
    db: options.Db = None,
) -> None:
    """Tag scenes: add (+word, or word) and remove (-word) tags, or list a scene's tags.

    Tags are single words (letters, digits, - _ . '), matched in any case and kept
    in the form first typed. What changed goes to stderr; --json writes the tags.

    [bold]Examples[/bold]

      kdrama tag 6 kiss rain
      kdrama tag 2 6 +first-meeting -comedy
      kdrama tag 6
      kdrama list --tag kiss
    """
    from .render import write_json, write_lines

    if words[0] == "-h":  # ids come first, so here it can only ask for help
        typer.echo(ctx.get_help())
        return
    ids, add, remove = _tag_words(list(words))
    if not (add or remove):
        if len(ids) > 1:
            usage_error("give tags to add (+word) or remove (-word), or one id to list its tags")
        with Catalog.open(locate(db)) as catalog:
            tags = catalog.tags_of(ids[0])
        if json_:
            write_json([{"id": ids[0], "tags": list(tags)}], sys.stdout)
        elif tags:
            write_lines([[tag] for tag in tags], sys.stdout)
        else:
            note(f"Scene {ids[0]} has no tags.")
        return
    with writable(db) as catalog:
        changes = editing.change_tags(catalog, ids, add, remove)
        for change in changes:
            note(_tag_change(change))
    if json_:
        write_json([{"id": c.scene_id, "tags": list(c.after)} for c in changes], sys.stdout)


def _tag_change(change: editing.TagChange) -> str:
    """What ``tag`` did to one scene, in a line."""
    done = [f"added {', '.join(change.added)}"] if change.added else []
    done += [f"removed {', '.join(change.removed)}"] if change.removed else []
    tags = ", ".join(change.after) or "none"
    return f"Scene {change.scene_id}: {'; '.join(done) or 'no change'}. Tags: {tags}."
