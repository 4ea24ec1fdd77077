"""`kdrama tui`: browse, search and pick scenes full-screen (the tui extra)."""

from . import options
from .cli_core import command_set
from .errors import MissingExtra
from .storage import locate

commands = command_set()


@commands.command()
def tui(db: options.Db = None) -> None:
    """Browse, search and pick scenes full-screen in the terminal (needs kdrama\\[tui]).

    Type in the search box to narrow the list (words, actor:NAME, drama:NAME,
    year:2018, tag:kiss, fav, rating>=4); f favourite, 1-5 rate, 0 unrate, o open the
    clip, r random, y copy JSON, ? help, q quit.

    [bold]Examples[/bold]

      kdrama tui
      kdrama tui --db friends.db
    """
    try:
        from .tui import KdramaApp, open_for_tui
    except ImportError as error:
        if (error.name or "").startswith("kdrama_cli"):
            raise  # kdrama's own: a bug, not a missing extra
        # Imported here: reading the install's metadata costs every --help 10 ms.
        from .install import Install, extra_hint

        raise MissingExtra(extra_hint("kdrama tui", "Textual", Install.current())) from None

    catalog, read_only, why = open_for_tui(locate(db))
    with catalog:
        KdramaApp(catalog, read_only=read_only, why=why).run()
