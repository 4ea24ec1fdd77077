"""Where catalogs live, and the one place that opens them.

A command uses, in order: ``--db PATH``, ``$KDRAMA_DB``, the user catalog in the
platform's user data folder, then the catalog bundled with kdrama. The bundled
catalog is only ever opened read-only; the first write creates the user catalog
from it. Every other catalog is checked to be a kdrama catalog before anything else
happens, upgraded by migrations when it is older, and refused when it is newer.
"""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from . import search
from .errors import CatalogError
from .migrations import APPLICATION_ID, SCHEMA_VERSION, migrate, schema_version, takes_a_while

ENV_VAR = "KDRAMA_DB"
BUSY_TIMEOUT_VAR = "KDRAMA_BUSY_TIMEOUT"
BUSY_TIMEOUT_SECONDS = 60.0
# Before its first write, a connection checks the whole file with PRAGMA quick_check up
# to this size (about 0.2 s; it reads every page: 5.5 s on a 1 GB, million-scene
# catalog), and above it the scenes table and its indexes, which every change writes
# (0.3 s on a million scenes), with SQLite's stricter checks of each page it reads.
WHOLE_CHECK_BYTES = 32 * 1024 * 1024


class Origin(str, Enum):
    """Why a catalog is the one in use."""

    OPTION = "given with --db"
    ENV = f"named by ${ENV_VAR}"
    USER = "your catalog"
    BUNDLED = "the catalog bundled with kdrama (read-only; your first change copies it)"


class Location(NamedTuple):
    """A catalog file and the reason it was chosen."""

    path: Path
    origin: Origin


def bundled_catalog_path() -> Path:
    """Where the catalog shipped with kdrama is: inside the installed package, or in
    the checkout's ``data/`` folder when running from source."""
    packaged = Path(__file__).with_name("data") / "scenes.db"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "scenes.db"


def user_catalog_path() -> Path:
    """The user's own catalog, in the platform's user data folder."""
    from platformdirs import user_data_path

    return user_data_path("kdrama", appauthor=False) / "scenes.db"


def locate(db: Path | None, environ: Mapping[str, str] = os.environ) -> Location:
    """The catalog a command reads: --db, $KDRAMA_DB, the user's, else the bundled one."""
    if db is not None:
        return Location(db, Origin.OPTION)
    if environ.get(ENV_VAR):
        return Location(Path(environ[ENV_VAR]), Origin.ENV)
    user = user_catalog_path()
    try:
        if user.is_file():
            return Location(user, Origin.USER)
    except OSError:  # a folder on the way may not be looked into: opening it will say so
        return Location(user, Origin.USER)
    return Location(bundled_catalog_path(), Origin.BUNDLED)


def locate_for_writing(db: Path | None, environ: Mapping[str, str] = os.environ) -> Location:
    """The catalog a command writes: as for reading, but never the bundled one."""
    location = locate(db, environ)
    if location.origin is Origin.BUNDLED:
        return Location(user_catalog_path(), Origin.USER)
    return location


class CatalogConnection(sqlite3.Connection):
    """A connection to a catalog file, which knows the file's path and whether the file
    was found sound before this connection's first write."""

    path: Path = Path()
    checked_for_writing: bool = False


def busy_timeout(environ: Mapping[str, str] = os.environ) -> float:
    """How long to wait for another process's write to end: ``$KDRAMA_BUSY_TIMEOUT``
    seconds, 60 by default."""
    text = environ.get(BUSY_TIMEOUT_VAR, "").strip()
    if not text:
        return BUSY_TIMEOUT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= 24 * 3600:
        raise CatalogError(
            f"${BUSY_TIMEOUT_VAR} must be a number of seconds from 0 to 86400, not {text!r}"
        )
    return seconds


def _connect(path: Path, mode: str, *, any_thread: bool = False) -> CatalogConnection:
    """A connection in autocommit mode (transactions are explicit), with foreign keys
    on and a busy timeout, so a second writer waits instead of failing. With
    ``any_thread``, threads other than this one may use it (open_reader)."""
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    timeout = busy_timeout()
    try:
        conn = sqlite3.connect(
            uri,
            uri=True,
            isolation_level=None,
            timeout=timeout,
            factory=CatalogConnection,
            check_same_thread=not any_thread,
        )
    except sqlite3.Error as error:
        raise sqlite_failure(error, path) from None
    conn.path = path
    conn.execute("PRAGMA foreign_keys = ON")
    if mode != "ro":
        # Each page a change reads is checked more strictly as it is read.
        conn.execute("PRAGMA cell_size_check = ON")
    return conn


class InterruptedWrite(CatalogError):
    """A write was killed half-way: its journal must be rolled back before reading."""


def sqlite_failure(error: sqlite3.Error, path: Path | None, doing: str = "read") -> CatalogError:
    """SQLite's error, in words that say what happened to the catalog at ``path``, for
    the errors the file's state or the machine can cause; any other is "cannot
    ``doing`` …", where anything but "read" is a write that SQLite rolled back."""
    name = getattr(error, "sqlite_errorname", "") or ""
    where = str(path) if path is not None else "the catalog"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return CatalogError(
            f"another kdrama is writing to this catalog ({where}); tried for"
            f" {busy_timeout():g} s; try again (${BUSY_TIMEOUT_VAR} sets how long to wait)"
        )
    if name.startswith("SQLITE_FULL") or "disk is full" in str(error):
        folder = path.absolute().parent if path is not None else "its disk"
        return CatalogError(f"no space left on the disk of {folder}; nothing was changed")
    if name == "SQLITE_READONLY_ROLLBACK":
        return InterruptedWrite(
            f"an interrupted write to {where} is to be rolled back, but this process may"
            " not write it or its folder; run kdrama as someone who may, to roll it back"
        )
    if name.startswith("SQLITE_CORRUPT"):
        return CatalogError(
            f"{where} is a damaged SQLite database ({error}); take your last export"
            " and `kdrama import` it into a new catalog"
        )
    if name.startswith("SQLITE_NOTADB"):
        return CatalogError(f"{where} is not a SQLite database")
    if doing == "read":
        return CatalogError(f"cannot read {where}: {error}")
    return CatalogError(f"cannot {doing} {where}: {error}; nothing was changed")


def check_is_catalog(conn: sqlite3.Connection, path: Path) -> int:
    """The catalog's schema version, after making sure it is a kdrama catalog that this
    kdrama can read. Only reads, so a refused file is left exactly as it was."""
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = schema_version(conn)
    except sqlite3.Error as error:
        raise sqlite_failure(error, path) from None
    if application_id != APPLICATION_ID:
        raise CatalogError(f"{path} is a SQLite database but not a kdrama catalog")
    if version > SCHEMA_VERSION:
        raise CatalogError("this catalog was written by a newer kdrama; upgrade kdrama")
    return version


def _take_in_nothing(conn: sqlite3.Connection) -> None:
    """What a user catalog opened without a ``take_in`` takes in (see open_catalog)."""


def open_catalog(
    location: Location,
    *,
    write: bool = False,
    create: bool = False,
    as_is: bool = False,
    take_in: Callable[[sqlite3.Connection], object] = _take_in_nothing,
) -> sqlite3.Connection:
    """Open the catalog at ``location``, ready for the current schema.

    Reading a missing file is an error and creates nothing. Writing the user catalog
    creates it from the bundled one; writing another missing file creates an empty
    catalog only when ``create`` is true (``add`` and ``import`` do). ``as_is`` opens
    it read-only, without upgrading it: to inspect a file that may be damaged. A
    catalog only read is opened read-only too, unless it must be upgraded or is the
    user catalog, which may take in new bundled scenes.

    ``take_in`` copies the bundled scenes into the user catalog: it fills a new one,
    and runs each time the user catalog is opened where it may change, so that a newer
    kdrama's scenes arrive. ``Catalog.open`` passes bundle's ``take_in_bundled_scenes``:
    bundle reads the bundled catalog through this module, so this module cannot import it.
    """
    path = location.path
    if location.origin is Origin.BUNDLED or as_is:
        if write:
            raise CatalogError(f"{path} is opened read-only")
        if not _exists(path):
            raise CatalogError(f"no catalog at {path}")
        _refuse_what_is_not_a_catalog_file(path)
        _check_access(path, write=False)
        conn, _ = _open(path, "ro")
        return conn
    if not _exists(path):
        if write and location.origin is Origin.USER:
            _create_user_catalog(path, take_in)
        elif write and create:
            _create_empty_catalog(path)
        else:
            raise CatalogError(f"no catalog at {path}")
    _refuse_what_is_not_a_catalog_file(path)
    _check_access(path, write=write)
    # Read-only unless this command writes, or the user catalog may take in new scenes.
    takes_in = location.origin is Origin.USER and (write or _may_change(path))
    conn, version = _open(path, "rw" if write or takes_in else "ro")
    if version < SCHEMA_VERSION:
        conn.close()
        conn, version = _open(path, "rw")  # an upgrade is a write
        if version < SCHEMA_VERSION:
            _upgrade(conn, path)
    if takes_in:
        take_in(conn)
    return conn


def open_reader(location: Location) -> CatalogConnection:
    """A second connection to a catalog that ``open_catalog`` has opened (so checked,
    upgraded and rolled back as needed), read-only, for reads made in other threads
    than this one, as ``kdrama tui`` makes them off its event loop. SQLite serializes
    the use of a connection; ``catalog.Reader`` also makes one read at a time, and
    stops one from another thread with ``interrupt``."""
    conn = _connect(location.path, "ro", any_thread=True)
    try:
        check_is_catalog(conn, location.path)
    except CatalogError:
        conn.close()
        raise
    return conn


def _open(path: Path, mode: str) -> tuple[CatalogConnection, int]:
    """A connection to the catalog at ``path`` and its schema version, once it is known
    to be a kdrama catalog. A write that was killed half-way is rolled back first, when
    this process may write the file."""
    conn = _connect(path, mode)
    try:
        return conn, check_is_catalog(conn, path)
    except InterruptedWrite:
        conn.close()
        if mode != "ro" or not _may_change(path):
            raise
    _roll_back_interrupted_write(path)
    conn = _connect(path, mode)
    return conn, _checked(conn, path)


def _roll_back_interrupted_write(path: Path) -> None:
    """Let SQLite roll back what a killed write left in the journal (it does so when a
    connection that may write reads the file), restoring the last committed catalog."""
    conn = _connect(path, "rw")
    try:
        _checked(conn, path)
    finally:
        conn.close()


def _refuse_what_is_not_a_catalog_file(path: Path) -> None:
    """Refuse, without opening it, what cannot be a catalog: a folder, a FIFO (opening
    it would wait for a writer), a device, an empty file; and a catalog with a
    write-ahead log beside it, which SQLite would read as part of it."""
    try:
        info = path.stat()
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {_reason(error)}") from None
    kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode))
    if kind is not None:
        raise CatalogError(f"{path} is {kind}, not a catalog file")
    if not stat.S_ISREG(info.st_mode):
        raise CatalogError(f"{path} is not a regular file, not a catalog file")
    if info.st_size == 0:
        raise CatalogError(f"{path} is an empty file, not a kdrama catalog")
    _refuse_a_write_ahead_log(path)


_FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _refuse_a_write_ahead_log(path: Path) -> None:
    """kdrama catalogs use a rollback journal and leave no ``-wal`` file that holds
    anything. One beside the catalog was put there by another program, and may belong
    to another database: SQLite would read its pages as the catalog's and, on closing,
    copy them into the catalog. So the catalog is refused untouched, naming what to
    move; and so is a catalog another program switched to WAL mode and still has
    changes for in its log (it may be writing it now)."""
    wal = Path(f"{path}-wal")
    try:
        if wal.lstat().st_size == 0:
            return  # an empty log holds nothing to read (a reader of a WAL file leaves one)
    except FileNotFoundError:
        return
    except OSError as error:
        raise CatalogError(f"cannot read {wal}: {_reason(error)}") from None
    try:
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {_reason(error)}") from None
    shm = Path(f"{path}-shm")
    aside = f"{wal} and {shm}" if os.path.lexists(shm) else f"{wal}"
    if header[18:20] == b"\x02\x02":
        raise CatalogError(
            f"{path} was switched to WAL mode by another program, and {wal} holds changes"
            " kdrama does not read; close that program, or if it left them, run"
            f" `sqlite3 {path} 'PRAGMA journal_mode=DELETE'` if {wal} is this file's,"
            f" else move {aside} aside; nothing was changed"
        )
    raise CatalogError(
        f"{path} has a write-ahead log {wal} beside it, which kdrama never makes: it"
        f" may be another database's; move {aside} aside and try again; nothing was changed"
    )


def scratch_catalog(
    location: Location, take_in: Callable[[sqlite3.Connection], object] = _take_in_nothing
) -> sqlite3.Connection:
    """The catalog that writing to ``location`` would create, made in memory only: for
    a dry run, which must not create a file. ``take_in`` fills it as the new user
    catalog would be filled."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    if location.origin is Origin.USER:
        take_in(conn)
    return conn


def _may_change(path: Path) -> bool:
    """Whether this process may change the catalog at ``path`` (the file, and its folder
    for the journal): newer bundled scenes wait for a catalog that may take them."""
    return os.access(path, os.W_OK) and os.access(path.absolute().parent, os.W_OK | os.X_OK)


def _exists(path: Path) -> bool:
    """Whether there is a file or folder at ``path``; a folder on the way that may not
    be looked into is an error that says so, not a missing catalog."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {_reason(error)}") from None
    return True


def _check_access(path: Path, *, write: bool) -> None:
    """Make sure the catalog can be read, and changed when ``write``, before SQLite is
    asked to: its own refusals ("unable to open database file", "attempt to write a
    readonly database") name neither the file nor the cause. Opening the file this way
    changes nothing in it."""
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise CatalogError(f"cannot read {path}: {_reason(error)}") from None
    if not write:
        return
    try:
        with open(path, "r+b"):
            pass
    except OSError as error:
        raise CatalogError(f"cannot write {path}: {_reason(error)}") from None
    # A change also writes a journal file beside the catalog, so its folder must take one.
    folder = path.absolute().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CatalogError(f"cannot write {path}: permission denied in its folder {folder}")


def _reason(error: OSError) -> str:
    """An OS error's reason for a message: "permission denied", "read-only file system"."""
    return (error.strerror or str(error)).lower()


def _checked(conn: sqlite3.Connection, path: Path) -> int:
    try:
        return check_is_catalog(conn, path)
    except BaseException:
        conn.close()
        raise


# Told, before a large catalog is upgraded in a way that rewrites something for every
# scene (re-indexing a million takes half a minute and more), its path and scene count:
# the command line sets this to say so on stderr, where the library prints nothing.
upgrade_notice: Callable[[Path, int], object] | None = None
LARGE_UPGRADE = 20_000


def _upgrade(conn: CatalogConnection, path: Path) -> None:
    """Apply the migrations the catalog lacks, all in one transaction, after checking
    the file is sound enough to be written; on failure the file is left as it was."""

    def check_sound(conn: sqlite3.Connection) -> None:
        assert isinstance(conn, CatalogConnection)
        _check_sound(conn)
        if upgrade_notice is not None and takes_a_while(conn):
            scenes = conn.execute("SELECT count(*) FROM scenes").fetchone()[0]
            if scenes >= LARGE_UPGRADE:
                upgrade_notice(path, scenes)

    try:
        migrate(conn, before=check_sound)
    except CatalogError:
        conn.close()
        raise
    except sqlite3.Error as error:
        conn.close()
        raise sqlite_failure(error, path, doing="upgrade") from None


@contextmanager
def transaction(
    conn: sqlite3.Connection,
    *,
    step: Callable[[str], object] | None = None,
    rollback: bool = False,
) -> Iterator[None]:
    """One write transaction: taken at once (so a second writer waits for the first
    to finish rather than failing half-way), committed whole or rolled back whole.
    The search index and the scene counts are brought up to date with the changes
    just before the commit; ``step`` is told when each begins, for a progress bar.
    ``rollback`` rolls everything back at the end: a dry run, which writes nothing."""
    from .counts import refresh_counts

    if _session is not None:  # what came after an earlier commit takes effect now
        _session.release()
    _begin_write(conn)
    try:
        yield
        if rollback:
            raise _DryRun
        for what, bring_up_to_date in (
            ("Updating the search index", search.refresh),
            ("Counting scenes", refresh_counts),
        ):
            if step is not None:
                step(what)
            bring_up_to_date(conn)
    except _DryRun:
        conn.execute("ROLLBACK")
        return
    except sqlite3.Error as error:
        _write_failed(conn, error)
    except BaseException:
        _roll_back(conn)
        raise
    if step is not None:
        step("Saving")
    _commit(conn)


def broken_reference(conn: sqlite3.Connection) -> str | None:
    """What ``PRAGMA foreign_key_check`` finds first, said in words ("scenes.drama_id
    7 names no row of dramas"), or None when every reference of the catalog names a
    row. For a writer that turned the checks off (a bulk import).

    Each distinct value of each foreign key column is looked up once, in order, along
    the column's index: on a million scenes 0.7 s, where the pragma, looking up every
    row's in the order of its table, took 2.7 s (and more with the cache cold)."""
    tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    for (table,) in tables:
        keys = conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,)).fetchall()
        if any(key[1] > 0 or key[4] is None for key in keys):  # of several columns, or implicit
            row = conn.execute(f'PRAGMA foreign_key_check("{table}")').fetchone()
            if row:
                return f"row {row[1]} of {table} names no row of {row[2]}"
            continue
        for _, _, parent, column, parent_column, *_ in keys:
            value = conn.execute(
                f'SELECT v FROM (SELECT DISTINCT "{column}" AS v FROM "{table}"'
                f' WHERE "{column}" IS NOT NULL) WHERE NOT EXISTS'
                f' (SELECT 1 FROM "{parent}" WHERE "{parent_column}" = v) LIMIT 1'
            ).fetchone()
            if value:
                return f"{table}.{column} {value[0]!r} names no row of {parent}"
    return None


def _write_failed(conn: sqlite3.Connection, error: sqlite3.Error) -> NoReturn:
    """Leave the catalog as it was after a write failed, and say why. SQLite rolls back
    itself after a full disk or an I/O error, or leaves the journal for the next reader
    to roll back when the rollback failed as well: one read here does that at once, so
    that the file is whole again before the command ends."""
    _roll_back(conn)
    if not caused_by_the_machine(error):
        raise error
    with suppress(sqlite3.Error):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    raise sqlite_failure(error, _path_of(conn), doing="write") from None


def _roll_back(conn: sqlite3.Connection) -> None:
    """Roll back what is left of a transaction: SQLite itself rolls back one a full
    disk or an I/O error ended, and a second ROLLBACK would fail over the first error."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def caused_by_the_machine(error: sqlite3.Error) -> bool:
    """Whether a write failed for the disk, the file or another process, not for
    kdrama's own SQL (which stays a bug, with its traceback under --debug)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(
        ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CORRUPT")
    )


def _path_of(conn: sqlite3.Connection) -> Path | None:
    return conn.path if isinstance(conn, CatalogConnection) else None


def _commit(conn: sqlite3.Connection) -> None:
    """COMMIT, with Ctrl-C and SIGTERM held until it is done: once SQLite commits, an
    interruption must not be told as one that wrote nothing. Under ``signals_held``
    they stay held until its end, for the command to say what it saved; otherwise they
    take effect once the commit is done."""
    hold = _session or HeldSignals()
    hold.start()
    try:
        conn.execute("COMMIT")
        if _on_commit and (put_in_place := _on_commit.pop(_main_file(conn), None)):
            put_in_place()
    except sqlite3.Error as error:
        hold.stop()
        _write_failed(conn, error)
    except BaseException:
        hold.stop()  # nothing was saved: an interruption is an interruption
        raise
    if hold is not _session:
        hold.release()


class HeldSignals:
    """SIGINT and SIGTERM noted instead of acted on (in the main thread, the only one
    Python delivers signals to), then the handlers put back as they were."""

    def __init__(self) -> None:
        self.signals: list[int] = []
        self.previous: dict[int, Any] = {}

    def start(self) -> None:
        if self.previous or threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.previous[signum] = signal.signal(signum, self._note)

    def _note(self, signum: int, frame: object) -> None:
        self.signals.append(signum)

    def stop(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        self.previous.clear()

    def release(self) -> None:
        """Stop holding, and let what was held take effect (Ctrl-C raises
        KeyboardInterrupt)."""
        self.stop()
        held, self.signals[:] = list(self.signals), []
        for signum in held:
            signal.raise_signal(signum)


_session: HeldSignals | None = None


@contextmanager
def signals_held() -> Iterator[HeldSignals]:
    """For a command that changes a catalog: once a change commits, SIGINT and SIGTERM
    are held until the body ends (the command has said what it saved) and noted in
    ``signals`` of what is yielded, so that an interruption that came too late to stop
    the change is never reported as one that stopped it. Before the commit they act
    as usual; what was held is let go (``release``) before a further change begins."""
    global _session
    outer, _session = _session, HeldSignals()
    hold = _session
    try:
        yield hold
    finally:
        hold.stop()
        _session = outer


def _begin_write(conn: sqlite3.Connection) -> None:
    """Take the write lock; before a catalog connection's first write, check under it
    that the file is sound enough to be written, and refuse it unchanged if not."""
    path = _path_of(conn)
    try:
        _take_write_lock(conn)
    except sqlite3.Error as error:
        raise sqlite_failure(error, path, doing="write") from None
    if not isinstance(conn, CatalogConnection) or conn.checked_for_writing:
        return
    try:
        _check_sound(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _take_write_lock(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another writer in steps of a fifth of a second:
    SQLite waits in C, where Python cannot act on Ctrl-C, and a wait for a long import
    to end must still stop when asked."""
    waited_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    deadline = time.monotonic() + waited_ms / 1000
    conn.execute(f"PRAGMA busy_timeout = {min(waited_ms, _LOCK_STEP_MS)}")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = (getattr(error, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY")
                if not busy or time.monotonic() >= deadline:
                    raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {waited_ms}")


_LOCK_STEP_MS = 200


def _check_sound(conn: CatalogConnection) -> None:
    """Refuse to write a damaged catalog: SQLite's quick check of the whole file when it
    is small enough to read at once (see WHOLE_CHECK_BYTES), else of the scenes table
    and its indexes. It reads, and finds damaged pages and pages used twice; ``db
    check`` also compares every index with its table."""
    pages, page_size = (
        conn.execute(f"PRAGMA {pragma}").fetchone()[0] for pragma in ("page_count", "page_size")
    )
    pragma = "quick_check(1)" if pages * page_size <= WHOLE_CHECK_BYTES else "quick_check(scenes)"
    try:
        found = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.Error as error:
        raise sqlite_failure(error, conn.path) from None
    problems = [
        line for row in found for line in row.splitlines() if line and not line.startswith("***")
    ]
    if problems and problems != ["ok"]:
        raise CatalogError(
            f"{conn.path} is damaged ({problems[0]}), so kdrama does not write to it; nothing"
            f" was changed; `kdrama db check --db {conn.path}` tells more"
        )
    conn.checked_for_writing = True


class _DryRun(Exception):
    """Ends a transaction that is only rehearsed."""


@contextmanager
def made_on_commit(location: Location) -> Iterator[Location]:
    """For a command that may create the catalog at ``location``: where there is none,
    the location of a new one, made in a private folder beside it, which is put in
    place when the command's change commits. Until then nothing is at ``location``: a
    command refused, interrupted or killed before leaves no catalog there (a killed
    one may leave the hidden folder). Where there is a catalog, ``location`` itself.

    If another process puts a catalog at ``location`` meanwhile, theirs is kept and
    the commit ends in a CatalogError saying that this change was not written."""
    path = location.path
    if _exists(path):
        yield location
        return
    import shutil
    import tempfile

    made_folder = not _exists(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}-new-"))
    except OSError as error:
        raise CatalogError(f"cannot create a catalog at {path}: {_reason(error)}") from None
    new = folder / path.name
    _on_commit[str(new.resolve())] = lambda: _put_in_place(new, path)
    try:
        yield Location(new, location.origin)
    finally:
        _on_commit.pop(str(new.resolve()), None)
        shutil.rmtree(folder, ignore_errors=True)
        if made_folder and not _exists(path):
            with suppress(OSError):
                path.parent.rmdir()  # only if empty


# What to do when a change to a catalog (by its file's resolved path) commits.
_on_commit: dict[str, Callable[[], None]] = {}


def _put_in_place(new: Path, path: Path) -> None:
    """Give the new catalog ``new`` the name ``path`` too, unless that name was taken
    meanwhile. It keeps its name in its folder until that folder is removed."""
    try:
        os.link(new, path)
    except FileExistsError:
        raise CatalogError(
            f"another kdrama made a catalog at {path} meanwhile; this change was not"
            " written to it: run the command again"
        ) from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise
        new.replace(path)


def _main_file(conn: sqlite3.Connection) -> str:
    """The resolved path of a connection's main database file ("" in memory)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(Path(file).resolve()) if file else ""
    return ""


def _create_empty_catalog(path: Path) -> None:
    """A new, empty catalog at ``path``; it appears complete or not at all."""
    write_new_catalog(path, lambda conn: None)


def _create_user_catalog(path: Path, take_in: Callable[[sqlite3.Connection], object]) -> None:
    """The user catalog, made from the bundled catalog's scenes (what ``take_in`` adds)."""
    write_new_catalog(path, take_in)


def write_new_catalog(
    path: Path,
    fill: Callable[[sqlite3.Connection], object],
    *,
    replace: bool = False,
    mode: int = 0o600,
) -> None:
    """Build a catalog in a temporary file beside ``path`` (the schema, then whatever
    ``fill`` writes) and move it into place complete. An existing file is replaced
    only when ``replace`` is true; otherwise, if another process got there first,
    theirs is kept."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    except OSError as error:
        raise CatalogError(f"cannot create a catalog at {path}: {error.strerror}") from None
    os.close(fd)
    temp = Path(temp_name)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)
            fill(conn)
        except sqlite3.Error as error:  # a full disk, say: the temporary file goes
            raise sqlite_failure(error, path, doing="create") from None
        finally:
            conn.close()
        temp.chmod(mode)
        if replace:
            temp.replace(path)
        else:
            _move_into_place(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _move_into_place(temp: Path, path: Path) -> None:
    """Give ``temp`` the name ``path`` unless that name is taken by then."""
    try:
        os.link(temp, path)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        if not path.exists():
            temp.replace(path)
