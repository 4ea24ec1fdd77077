"""Options shared by several commands, declared once."""

from pathlib import Path
from typing import Annotated

import typer

from . import moments, names
from .models import (
    EARLIEST_YEAR,
    DetailFormat,
    OutputFormat,
    SceneFields,
    Sort,
    YearRange,
    latest_year,
)

FILTERS = "Filters"
OUTPUT = "Output"


def name_to_match(value: str) -> str:
    """Refuse names that could never match, instead of silently finding nothing."""
    if not names.name_key(value):
        raise typer.BadParameter(f"{value!r} has no letters or digits to match")
    return value


def positive_int(value: str) -> int:
    """A whole number of at least 1, or a usage error that names the value."""
    number = whole_number(value)
    if number < 1:
        raise typer.BadParameter(f"{value!r} is not a positive whole number")
    return number


def year(value: str) -> int:
    """A year a drama can have, as import takes it, or a usage error naming it."""
    number = whole_number(value)
    latest = latest_year()
    if not EARLIEST_YEAR <= number <= latest:
        raise typer.BadParameter(f"{value!r} is not a year from {EARLIEST_YEAR} to {latest}")
    return number


def rating(value: str) -> int:
    """A rating from 1 to 5, or a usage error that names the value."""
    number = whole_number(value)
    if not 1 <= number <= 5:
        raise typer.BadParameter(f"{value!r} is not a rating from 1 to 5")
    return number


_SQLITE_INTEGERS = range(-(2**63), 2**63)


def whole_number(value: str) -> int:
    """A whole number SQLite can hold, or a usage error that names the value."""
    try:
        number = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a whole number") from None
    if number not in _SQLITE_INTEGERS:
        raise typer.BadParameter(f"{value!r} is too large a number")
    return number


def tag(value: str) -> str:
    """A tag as kdrama keeps them (see ``moments.clean_tag``), or a usage error naming it."""
    try:
        return moments.clean_tag(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def episode(value: str) -> int:
    """An episode number, or a usage error naming the value."""
    try:
        return moments.check_episode(whole_number(value))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _year_range(value: str) -> YearRange:
    try:
        return YearRange.parse(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _fields(value: str) -> SceneFields:
    try:
        return SceneFields.parse(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Actor = Annotated[
    list[str] | None,
    typer.Option(
        "--actor",
        "-a",
        metavar="NAME",
        parser=name_to_match,
        help="Scenes with this actor; repeat to require several.",
        rich_help_panel=FILTERS,
    ),
]
Character = Annotated[
    list[str] | None,
    typer.Option(
        "--character",
        "-c",
        metavar="NAME",
        parser=name_to_match,
        help="Scenes with this character; repeat to require several.",
        rich_help_panel=FILTERS,
    ),
]
Drama = Annotated[
    str | None,
    typer.Option(
        "--drama",
        "-d",
        metavar="TITLE",
        parser=name_to_match,
        help="Scenes from this drama (English or Korean title, alias, or a run of its words).",
        rich_help_panel=FILTERS,
    ),
]
Year = Annotated[
    YearRange | None,
    typer.Option(
        "--year",
        "-y",
        metavar="Y|A..B",
        parser=_year_range,
        help="A year (2018) or an inclusive range (2016..2018, 2019.., ..2017).",
        rich_help_panel=FILTERS,
    ),
]
Tag = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="WORD",
        parser=tag,
        help="Scenes with this tag (in any case); repeat to require several.",
        rich_help_panel=FILTERS,
    ),
]
Episode = Annotated[
    int | None,
    typer.Option(
        "--episode",
        metavar="N",
        parser=episode,
        help="Scenes from episode N of their drama.",
        rich_help_panel=FILTERS,
    ),
]
Format = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table for people; lines (tab-separated, the default when piped), json, jsonl,"
        " csv or tsv for programs.",
        rich_help_panel=OUTPUT,
    ),
]
DetailFormatOption = Annotated[
    DetailFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table for people; json (one object) for programs.",
        rich_help_panel=OUTPUT,
    ),
]
Json = Annotated[
    bool,
    typer.Option("--json", help="Same as --format json.", rich_help_panel=OUTPUT),
]
SortBy = Annotated[
    Sort,
    typer.Option("--sort", "-s", case_sensitive=False, help="Sort by this field."),
]
Descending = Annotated[bool, typer.Option("--desc", help="Sort in descending order.")]
Limit = Annotated[
    int | None,
    typer.Option("--limit", "-n", metavar="N", parser=positive_int, help="Show at most N results."),
]
# A screenful, as gh shows: a fixed number rather than the terminal's height, so the
# same command shows the same rows in any window (and tests can count them).
SCREENFUL = 30
All = Annotated[
    bool,
    typer.Option(
        "--all",
        help=f"Show every result (a table on a terminal shows {SCREENFUL} unless asked).",
        rich_help_panel=OUTPUT,
    ),
]
Db = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="PATH",
        # storage says what is wrong with a file it cannot open, as for $KDRAMA_DB
        readable=False,
        help="Catalog file to use (else $KDRAMA_DB, else yours, else the bundled one).",
    ),
]
Favorites = Annotated[
    bool,
    typer.Option("--favorites", help="Only scenes marked as favourites.", rich_help_panel=FILTERS),
]
MinRating = Annotated[
    int | None,
    typer.Option(
        "--min-rating",
        metavar="N",
        parser=rating,
        help="Only scenes rated N (1-5) or more.",
        rich_help_panel=FILTERS,
    ),
]
Fields = Annotated[
    SceneFields | None,
    typer.Option(
        "--fields",
        metavar="LIST",
        parser=_fields,
        help="Only these scene fields, comma-separated, in this order (id,drama,year): the"
        " table's columns, the JSON keys, the CSV/TSV columns.",
        rich_help_panel=OUTPUT,
    ),
]
SceneId = Annotated[int, typer.Argument(metavar="ID", parser=positive_int, help="The scene's id.")]
