"""`kdrama drama edit`, `person edit`, `character edit`: the names things are found by.

Each writes to the catalog ``cli_write.writable`` picks (never the bundled one); the
finding, checking and writing is ``naming``'s. Each says what it changed inside the
``writable`` block, so that Ctrl-C during the commit cannot hide a saved change.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from . import names, naming, options
from .cli_core import command_set, note, usage_error
from .cli_write import stored, writable

drama_app = command_set(
    name="drama", help="Change the titles and network a drama is known by.", no_args_is_help=True
)
person_app = command_set(
    name="person", help="Change the names a person is known by.", no_args_is_help=True
)
character_app = command_set(
    name="character", help="Change the names a character is known by.", no_args_is_help=True
)
commands = command_set()
for _group in (drama_app, person_app, character_app):
    commands.add_typer(_group)

Aliases = Annotated[
    list[str] | None,
    typer.Option("--alias", metavar="TEXT", help="Another name to find it by; repeat for more."),
]
RemovedAliases = Annotated[
    list[str] | None,
    typer.Option("--remove-alias", metavar="TEXT", help="An alias to take off; repeat for more."),
]
Hangul = Annotated[
    str | None,
    typer.Option("--hangul", metavar="TEXT", help='The name in Hangul; "" clears it.'),
]


@drama_app.command("edit")
def edit_drama(
    title: Annotated[
        str,
        typer.Argument(
            metavar="TITLE",
            parser=options.name_to_match,
            help="The drama: any of its titles or aliases, in any spelling.",
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", metavar="Y", parser=options.year, help="The drama's year, to say which."
        ),
    ] = None,
    korean: Annotated[
        str | None,
        typer.Option("--korean", metavar="TEXT", help='The Korean title; "" clears it.'),
    ] = None,
    network: Annotated[
        str | None,
        typer.Option("--network", metavar="TEXT", help='The network that aired it; "" clears it.'),
    ] = None,
    alias: Aliases = None,
    remove_alias: RemovedAliases = None,
    db: options.Db = None,
) -> None:
    """Change a drama's Korean title, network or aliases.

    Every lookup finds it by the new names at once.

    [bold]Examples[/bold]

      kdrama drama edit CLOY --alias "Love's Emergency Landing"
      kdrama drama edit CLOY --remove-alias "Love's Emergency Landing"
    """
    change = _change(alias, remove_alias, "--korean", korean, network=network)
    with _narrowed_by("add --year, or give more of the title"), writable(db) as catalog:
        edited = naming.edit_drama(catalog, title, change, year=year)
        _report(edited)


@person_app.command("edit")
def edit_person(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            parser=options.name_to_match,
            help="The person: their name, Hangul name or an alias, in any spelling.",
        ),
    ],
    hangul: Hangul = None,
    alias: Aliases = None,
    remove_alias: RemovedAliases = None,
    db: options.Db = None,
) -> None:
    """Change a person's Hangul name or aliases.

    Every lookup finds them by the new names at once.

    [bold]Examples[/bold]

      kdrama person edit "Hyun Bin" --alias "Kim Tae Pyung"
      kdrama person edit 현빈 --remove-alias "Kim Tae Pyung"
    """
    change = _change(alias, remove_alias, "--hangul", hangul)
    with _narrowed_by("give the Hangul name to say which"), writable(db) as catalog:
        edited = naming.edit_person(catalog, name, change)
        _report(edited)


@character_app.command("edit")
def edit_character(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            parser=options.name_to_match,
            help="The character: their name, given name, Hangul name or an alias.",
        ),
    ],
    drama: Annotated[
        str | None,
        typer.Option(
            "--drama",
            "-d",
            metavar="TITLE",
            parser=options.name_to_match,
            help="The character's drama, to say which.",
        ),
    ] = None,
    hangul: Hangul = None,
    alias: Aliases = None,
    remove_alias: RemovedAliases = None,
    db: options.Db = None,
) -> None:
    """Change a character's Hangul name or aliases.

    Every lookup finds them by the new names at once.

    [bold]Examples[/bold]

      kdrama character edit "Ri Jeong Hyeok" --alias "Captain Ri"
      kdrama character edit "Grim Reaper" -d Goblin --remove-alias "Kim Woo Bin"
    """
    change = _change(alias, remove_alias, "--hangul", hangul)
    with _narrowed_by("add --drama, or give the full name"), writable(db) as catalog:
        edited = naming.edit_character(catalog, name, change, drama=drama)
        _report(edited)


def _change(
    aliases: list[str] | None,
    removed: list[str] | None,
    korean_option: str,
    korean: str | None,
    *,
    network: str | None = None,
) -> naming.NameChange:
    """The change the options ask for, each value checked as it will be stored; a bad
    value, or none at all, is a usage error. ``korean_option`` names the option that
    gives the Korean name: --korean for a drama, --hangul for a person or character."""
    change = naming.NameChange(
        korean=None if korean is None else _findable(korean, korean_option, blank=True),
        network=None if network is None else stored(network, "--network"),
        add_aliases=tuple(_findable(text, "--alias") for text in aliases or ()),
        remove_aliases=tuple(
            stored(text, "--remove-alias", required=True) for text in removed or ()
        ),
    )
    if not change:
        usage_error(
            f"nothing to change: give at least one option, such as --alias or {korean_option}"
        )
    return change


def _findable(value: str, option: str, *, blank: bool = False) -> str:
    """A name as it will be stored, which lookups must be able to find: it has a
    letter or digit (blank only where ``blank`` allows it, to clear the value)."""
    text = stored(value, option, required=not blank)
    if text and not names.name_key(text):
        raise typer.BadParameter(
            f"{text!r} has no letters or digits to match", param_hint=f"'{option}'"
        )
    return text


@contextmanager
def _narrowed_by(hint: str) -> Iterator[None]:
    """Say how to narrow a name that matches several rows."""
    try:
        yield
    except naming.AmbiguousName as error:
        raise naming.AmbiguousName(f"{error}; {hint}") from None


def _report(edited: naming.Edited) -> None:
    """Say in one line what changed, and which aliases were already names."""
    row = f"{naming.NOUNS[edited.row.kind]} {edited.row}"
    already = ", ".join(repr(alias) for alias in edited.already)
    if edited.changed:
        note(f"Updated {row}" + (f"; it was already called {already}." if already else "."))
    elif already:
        note(f"Nothing changed: {row} is already called {already}.")
    else:
        note(f"Nothing changed: {row} already has those values.")
