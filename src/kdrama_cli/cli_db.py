"""`kdrama db`: which catalog is in use, and what it holds."""

import os
import sys

import typer

from . import options
from .catalog import Catalog
from .cli import json_or_format
from .cli_core import command_set, note
from .errors import ExitCode
from .models import DetailFormat
from .storage import locate
from .text import visible

db_app = command_set(
    name="db", help="Which catalog kdrama uses, and what it holds.", no_args_is_help=True
)
commands = command_set()
commands.add_typer(db_app)


@db_app.command()
def path(db: options.Db = None) -> None:
    """Print the path of the catalog in use; say why on stderr.

    [bold]Examples[/bold]

      kdrama db path
      cp "$(kdrama db path)" backup.db
    """
    location = locate(db)
    # The path's bytes exactly, for scripts: typer.echo would drop escape sequences.
    sys.stdout.flush()
    sys.stdout.buffer.write(os.fsencode(location.path) + b"\n")
    note(f"This is {location.origin.value}.")


@db_app.command()
def info(
    ctx: typer.Context,
    fmt: options.DetailFormatOption = DetailFormat.table,
    json_: options.Json = False,
    db: options.Db = None,
) -> None:
    """Show the catalog in use: where it is, its schema version, and its counts.

    --json (or --format json) writes them as one JSON object.

    [bold]Examples[/bold]

      kdrama db info
      kdrama db info --json
    """
    fmt = json_or_format(ctx, fmt, json_)
    with Catalog.open(locate(db)) as catalog:
        facts = catalog.info()
    if fmt is DetailFormat.json:
        from .render import write_json

        write_json(facts, sys.stdout)
        return
    from rich.table import Table
    from rich.text import Text

    from .render_rich import console

    table = Table(show_header=False, box=None)
    table.add_column()
    table.add_column(overflow="fold")  # a long path is folded, never cut short
    for key, value in facts.items():
        table.add_row(Text(key.replace("_", " ")), Text(visible(str(value))))
    console().print(table)


@db_app.command()
def check(db: options.Db = None) -> None:
    """Check the catalog file with SQLite's integrity check, and its tables and columns
    against those kdrama makes; change nothing.

    [bold]Examples[/bold]

      kdrama db check
      kdrama db check --db backup.db
    """
    location = locate(db)
    with Catalog.open(location, as_is=True) as catalog:
        problems = catalog.problems()
    if not problems:
        typer.echo(
            visible(
                f"{location.path} passed SQLite's integrity check and has the tables and"
                " columns kdrama needs."
            )
        )
        return
    for problem in problems:
        note(problem, style="yellow")
    note(
        f"Error: {location.path} is damaged. Save what it still holds with"
        f" `kdrama export -o scenes.json --db {location.path}`, or take your last export,"
        " then `kdrama import` it into a new catalog.",
        style="red",
    )
    raise typer.Exit(ExitCode.RUNTIME_ERROR)
