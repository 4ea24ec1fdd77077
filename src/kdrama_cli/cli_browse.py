"""`kdrama browse`: the catalog in Datasette, in a web browser (the web extra)."""

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from . import options
from .catalog import Catalog
from .cli_core import command_set, note
from .errors import KdramaError
from .storage import Origin, locate
from .text import visible

if TYPE_CHECKING:
    import socket

commands = command_set()


def _port(value: str) -> int:
    """A TCP port number, or a usage error that names the value."""
    number = options.whole_number(value)
    if not 1 <= number <= 65535:
        raise typer.BadParameter(f"{value!r} is not a port number (1-65535)")
    return number


def _listen(host: str, port: int) -> "socket.socket":
    """A socket bound to ``host:port``, taken before saying where the catalog is served,
    so that a port in use is a one-line error rather than a promise then a failure."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise KdramaError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)  # connections wait from the moment the URL is given
    except OSError as error:
        sock.close()
        raise KdramaError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def _serve(asgi_app: Any, sock: "socket.socket") -> None:
    """Serve ``asgi_app`` on ``sock`` until Ctrl-C; tests put a stand-in here.

    What Datasette and uvicorn print meanwhile holds what any web page can send: a
    SQL error quotes the query's table name as it was typed, escape sequences and all.
    It reaches the terminal written out (``text.visible``), as catalog text does."""
    import uvicorn

    with _written_out():
        uvicorn.Server(uvicorn.Config(asgi_app, log_level="warning")).run(sockets=[sock])


class _Visible(io.TextIOBase):
    """A text stream writing to another with control characters written out."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False  # so that nothing adds colour codes, which would be written out

    def fileno(self) -> int:
        return self._stream.fileno()


@contextlib.contextmanager
def _written_out() -> Iterator[None]:
    """While serving, stdout and stderr write control characters out. Set before
    uvicorn configures its logging, whose handlers keep the streams they find."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Visible(sys.stdout), _Visible(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


@commands.command()
def browse(
    host: Annotated[
        str, typer.Option("--host", metavar="HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", metavar="PORT", parser=_port, help="Port to listen on.")
    ] = 8001,
    open_browser: Annotated[
        bool | None,
        typer.Option(
            "--open/--no-open",
            help="Open a web browser at the catalog \\[default: only on a terminal].",
            show_default=False,
        ),
    ] = None,
    db: options.Db = None,
) -> None:
    """Browse the catalog in Datasette, read-only, in a web browser (needs kdrama\\[web]).

    [bold]Examples[/bold]

      kdrama browse
      kdrama browse --db friends.db --port 8002 --no-open
    """
    from . import web

    location = locate(db)
    Catalog.open(location).close()  # checks the catalog, and upgrades it like any command
    datasette = web.make_datasette(location.path, immutable=location.origin is Origin.BUNDLED)
    sock = _listen(host, port)
    url = _url(host, port)
    note(f"Serving {location.path} read-only at {url} (Ctrl-C stops it).")
    if open_browser is None:
        open_browser = sys.stdout.isatty()
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    with sock:
        _serve(datasette.app(), sock)
