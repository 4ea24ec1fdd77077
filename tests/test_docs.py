"""Help and README: every command explains itself with an example, and the README's
commands are the ones the tool really has."""

from __future__ import annotations

import re

import pytest
from typer.main import get_group

from kdrama_cli.cli import app

from .conftest import ROOT, Invoke


def command_paths() -> list[str]:
    """Every runnable command, as typed after ``kdrama`` ("list", "db path")."""
    paths = []
    for name, command in get_group(app).commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths += [f"{name} {sub}" for sub in subcommands]
        else:
            paths.append(name)
    return sorted(paths)


COMMANDS = command_paths()
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_commands_are_registered() -> None:
    assert COMMANDS == [
        "actors", "add", "browse", "character edit", "db check", "db info", "db path",
        "drama edit", "dramas", "edit", "export", "fav", "import", "list", "note", "open",
        "person edit", "random", "rate", "rm", "search", "show", "stats", "tag", "tags",
        "tui", "unfav", "unrate",
        "years",
    ]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(kdrama: Invoke, command: str) -> None:
    run = kdrama(*command.split(), "--help")
    assert run.exit_code == 0
    assert "Examples" in run.stdout
    assert f"kdrama {command}" in run.stdout


def test_help_shows_options_by_panel_with_their_defaults(kdrama: Invoke) -> None:
    out = kdrama("list", "--help").stdout
    filters, output = out.index("─ Filters "), out.index("─ Output ")
    assert filters < out.index("│ --actor ") < output < out.index("│ --format ")
    flat = " ".join(out.replace("│", " ").split())
    assert "[default: id]" in flat and "[default: table]" in flat


def test_help_lists_commands_with_the_first_line_of_their_help(kdrama: Invoke) -> None:
    out = kdrama("--help").stdout
    summary = "Search scenes, dramas and names for words, best matches first."
    assert re.search(rf"search +{re.escape(summary)}", out)
    assert out.index(" list ") < out.index(" search ") < out.index(" add ") < out.index(" db ")


def test_kdrama_alone_prints_help(kdrama: Invoke) -> None:
    run = kdrama()
    assert run.exit_code == 0
    assert "Usage: kdrama" in run.stdout
    for command in COMMANDS:
        assert command.split()[0] in run.stdout


def test_version_option(kdrama: Invoke) -> None:
    from kdrama_cli import __version__

    assert kdrama("--version").stdout == f"kdrama {__version__}\n"


def test_readme_quick_start_is_exactly_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(uv run .+)$", quick_start, flags=re.MULTILINE)
    assert commands == ['uv run kdrama list --actor "Son Ye Jin"', "uv run pytest"]


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_shows_every_command(command: str) -> None:
    assert f"kdrama {command}" in README


def test_readme_documents_every_json_key(kdrama: Invoke) -> None:
    for key in kdrama("show", "1", "--format", "json").json():
        assert f"`{key}`" in README


def options_help(command: str) -> list[str]:
    """The help of each option of a command, as written in the source."""
    found = get_group(app)
    for word in command.split():
        found = found.commands[word]  # type: ignore[attr-defined]
    return [getattr(param, "help", None) or "" for param in found.params]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_word_of_option_help_is_shown(kdrama: Invoke, command: str) -> None:
    """Option help is read as Rich markup, so a bracket left unescaped vanishes."""
    shown = " ".join(kdrama(*command.split(), "--help").stdout.replace("│", " ").split())
    for text in options_help(command):
        plain = " ".join(text.replace("\\[", "[").split())
        assert plain in shown, plain
