"""Help screens: usage, the docstring, then options, filters and commands in panels.

Typer draws help with ``typer.rich_utils``, which imports Rich's Markdown (markdown-it)
and traceback (Pygments) support first: about 130 ms on every ``--help``, more than
the rest of kdrama's start-up. Help is drawn here from the same Click objects with the
Rich pieces kdrama's tables already use. Only docstrings and option help, which are
ours, are read as Rich markup; nothing from a catalog is ever shown here.
"""

from enum import Enum
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument

from .render_rich import console

_OPTIONS = "Options"
_ARGUMENTS = "Arguments"


def print_help(command: Any, ctx: Any, commands: list[tuple[str, str]] | None = None) -> None:
    """Print the help of ``command`` (a Typer command or group, in context ``ctx``);
    a group's help lists ``commands``, each name with its help."""
    parts: list[RenderableType] = [Padding(Text(command.get_usage(ctx)), (1, 1, 0, 1))]
    if command.help:
        parts.append(Padding(Text.from_markup(command.help.strip()), (1, 1, 1, 1)))
    else:
        parts.append(Text())
    screen = console()
    for title, rows in _parameter_panels(command, ctx).items():
        parts.append(_panel(title, rows, screen.width))
    if commands:
        rows = [[Text(name, style="bold cyan"), _summary(help)] for name, help in commands]
        parts.append(_panel("Commands", rows, screen.width))
    screen.print(Group(*parts))


def _parameter_panels(command: Any, ctx: Any) -> dict[str, list[list[Text]]]:
    """Rows for each panel, Arguments and Options first, then the panels options name."""
    panels: dict[str, list[list[Text]]] = {_ARGUMENTS: [], _OPTIONS: []}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, TyperArgument):
            panels[_ARGUMENTS].append(_argument_row(param, ctx))
            continue
        panel = getattr(param, "rich_help_panel", None) or _OPTIONS
        panels.setdefault(panel, []).append(_option_row(param, ctx))
    return {title: rows for title, rows in panels.items() if rows}


def _argument_row(param: Any, ctx: Any) -> list[Text]:
    name = Text(param.make_metavar(ctx), style="bold cyan")
    return [name, Text(), Text(), _help_text(param)]


def _option_row(param: Any, ctx: Any) -> list[Text]:
    opts = [*param.opts, *param.secondary_opts]
    long = ", ".join(opt for opt in opts if opt.startswith("--"))
    short = ", ".join(opt for opt in opts if not opt.startswith("--"))
    metavar = "" if param.is_flag else param.make_metavar(ctx)
    return [
        Text(long, style="bold cyan"),
        Text(short, style="bold green"),
        Text(metavar, style="bold yellow"),
        _help_text(param),
    ]


def _help_text(param: Any) -> Text:
    """The option's help, then its default when it has one worth saying, and whether
    it is required."""
    text = Text.from_markup(param.help or "")
    default = param.default
    if not getattr(param, "is_flag", False) and default not in (None, (), []):
        shown = default.value if isinstance(default, Enum) else default
        text.append(f" [default: {shown}]", style="dim")
    if param.required:
        text.append(" [required]", style="dim red")
    return text


def _summary(help: str) -> Text:
    """The first paragraph of a command's help, for the list of commands."""
    return Text.from_markup(help.strip().split("\n\n")[0])


# A panel's border and padding take 4 columns; its columns are 2 apart. Where the
# names (option, short option, metavar) leave the help fewer than _HELP_MINIMUM
# columns, each row is drawn as two: the names, then the help indented below them,
# so that no name is cut short ("--so…") and no word of help is broken.
_PANEL_EDGES = 4
_GAP = 2
_HELP_MINIMUM = 20
_HELP_INDENT = 4


def _panel(title: str, rows: list[list[Text]], width: int) -> Panel:
    names = [max(row[i].cell_len for row in rows) for i in range(len(rows[0]) - 1)]
    used = _PANEL_EDGES + sum(names) + _GAP * len(names)
    body = _rows(rows) if used + _HELP_MINIMUM <= width else _stacked(rows)
    return Panel(body, title=title, title_align="left", border_style="dim", box=box.ROUNDED)


def _rows(rows: list[list[Text]]) -> Table:
    """Names in columns side by side, the help in the last one."""
    table = Table.grid(padding=(0, _GAP))
    for _ in rows[0][:-1]:
        table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for row in rows:
        table.add_row(*row)
    return table


def _stacked(rows: list[list[Text]]) -> Group:
    """For a narrow terminal: each row's names on one line, its help indented below."""
    lines: list[RenderableType] = []
    for *names, help in rows:
        lines.append(Text(" ").join(name for name in names if name))
        if help:
            lines.append(Padding(help, (0, 0, 0, _HELP_INDENT)))
    return Group(*lines)
