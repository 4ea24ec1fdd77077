"""Reading a large import file in a second process, while this one writes.

About a fifth of an import's time goes to reading and checking its records, and about
a sixth to working out the name keys of its new dramas, people and characters; both
depend on the file alone. For a file of ``READ_AHEAD_FROM`` bytes or more, a second
process (``python -m kdrama_cli.readahead``) does both on another core. It runs the
same ``records.iter_records`` over the same file and sends the checked records through
a pipe, in order and in batches, each batch with the name keys its records may need
(``writer.keys_needed``). An error it meets is sent in place of the record, and raised
here when the records before it have been taken: an import reads exactly what it
would read from the file itself, and stops where it would stop. The keys only spare
the writer work (``names.KeyMemo``).

Standard input, and smaller files, are read in this process.
"""

from __future__ import annotations

import dataclasses
import fcntl
import gc
import json
import marshal
import operator
import os
import signal
import struct
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from . import __version__
from .errors import KdramaError
from .importfile import ImportFormat, ImportInput, RecordError
from .models import Role, SceneRecord
from .names import MEMO_FUNCTIONS, KeyMemo
from .records import ControlCharacterError, ControlStripper, iter_records
from .writer import keys_needed

# From this size on, a file is read by a second process: below it, starting one
# (about a tenth of a second) costs more than it saves.
READ_AHEAD_FROM = 4 << 20

_FIELDS = tuple(field.name for field in dataclasses.fields(SceneRecord))
_VALUES = operator.attrgetter(*_FIELDS)
# A record is sent as its values, with those of its cast (the same for every scene of
# a drama, most often) and the names of its given fields sent once and then named by
# a number: a third of the bytes, and this process makes each cast's names once.
_CAST = ("actors", "characters", "actors_korean", "actor_aliases", "cast_key")
_CAST_AT = [_FIELDS.index(name) for name in _CAST]
_GIVEN_AT = _FIELDS.index("given")
_CAST_SLOTS = 4096  # casts remembered by both processes, the oldest replaced
_MOST_GIVEN = 1024  # sets of given fields remembered; later ones are sent whole
_Cast = tuple[Any, ...]
_BATCH = 250  # records in a batch, after a first of one (see _Sender)
_PIPE_BYTES = 1 << 20  # a pipe's most, unless raised in /proc/sys/fs/pipe-max-size
_HEADER = struct.Struct("<cI")  # a frame: its kind, and its length
# Version 2 writes every value out, where later ones look each up to share repeats:
# quicker to write, as quick to read.
_MARSHAL_VERSION = 2
_RECORD_ERRORS: dict[str, type[RecordError]] = {
    error.__name__: error for error in (RecordError, ControlCharacterError)
}


@dataclass
class Reading:
    """The records of an import file, and the name keys worked out ahead for them
    (None when this process reads the file)."""

    records: Iterator[SceneRecord]
    worked_out: KeyMemo | None = None


@contextmanager
def reading(
    source: ImportInput, fmt: ImportFormat, strip: ControlStripper | None = None
) -> Iterator[Reading]:
    """The records of ``source`` as ``iter_records`` reads them, read by a second
    process when the file is large; the process is stopped when the block ends."""
    reader = None
    if source.name is not None and source.size is not None and source.size >= READ_AHEAD_FROM:
        with suppress(OSError):  # no second process to be had: read here
            reader = _Reader(source, fmt, strip)
    if reader is None:
        yield Reading(iter_records(source, fmt, strip))
        return
    try:
        yield Reading(reader.records(), reader.worked_out)
    finally:
        reader.stop()


class _Reader:
    """The second process, and what it sends."""

    def __init__(
        self, source: ImportInput, fmt: ImportFormat, strip: ControlStripper | None
    ) -> None:
        self.source = source
        self.strip = strip
        self.worked_out = KeyMemo()
        self.unpacker = _Unpacker()
        job = {
            "file": source.file,
            "format": fmt.value,
            "strip": strip is not None,
            "identity": source.identity(),
            "version": __version__,
            "fields": _FIELDS,
        }
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kdrama_cli.readahead", json.dumps(job)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self.errors,
            )
        except OSError:
            self.errors.close()
            raise
        assert self.process.stdout is not None
        self.pipe: IO[bytes] = self.process.stdout
        # Room for a few batches in the pipe: the reader goes on while this process
        # writes, rather than wait for it to take each batch.
        with suppress(OSError, AttributeError):  # Linux only
            fcntl.fcntl(self.pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)

    def records(self) -> Iterator[SceneRecord]:
        while True:
            kind, payload = self._frame()
            if kind == b"B":
                rows, news, keys, done = payload
                for function, args, found in keys:
                    self.worked_out.put(function, args, found)
                self.source.read_elsewhere(done)
                self.unpacker.learn(news)
                for row in rows:
                    yield self.unpacker.unpack(row)
            elif kind == b"D":
                removed, done = payload
                self.source.read_elsewhere(done)
                if self.strip is not None:
                    self.strip.removed += removed
                return
            else:
                raise self._error(kind, payload)

    def _frame(self) -> tuple[bytes, Any]:
        kind, size = _HEADER.unpack(self._read(_HEADER.size))
        return kind, marshal.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        data = self.pipe.read(size)
        if len(data) < size:
            raise self._stopped()
        return data

    def _error(self, kind: bytes, payload: Any) -> Exception:
        """The error the second process met, as it would have been raised here."""
        if kind == b"R":
            name, where, text = payload
            error = _RECORD_ERRORS[name]("", text)
            error.where = where
            return error
        if kind == b"K":
            return KdramaError(payload)
        return RuntimeError(f"the process reading {self.source.file} failed:\n{payload}")

    def _stopped(self) -> KdramaError:
        code = self.process.wait()
        self.errors.seek(0)
        said = self.errors.read().decode(errors="replace").strip().splitlines()
        why = f": {said[-1]}" if said else ""
        return KdramaError(
            f"the process reading {self.source.file} stopped (exit code {code}){why};"
            " nothing was written"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.pipe.close()
        self.errors.close()


class _Packer:
    """Records as the second process sends them (see ``_CAST``)."""

    def __init__(self) -> None:
        self.given: dict[frozenset[str], int] = {}
        self.casts: dict[str, int] = {}  # a cast's key, its slot
        self.slots: list[str | None] = [None] * _CAST_SLOTS  # each slot's cast key
        self.next_slot = 0
        self.news: list[tuple[str, int, Any]] = []  # what the other process learns

    def pack(self, record: SceneRecord) -> tuple[Any, ...]:
        values = list(_VALUES(record))
        cast = tuple(values[at] for at in _CAST_AT)
        for at in (*_CAST_AT, _GIVEN_AT):
            values[at] = None
        return (self._given(record.given), self._cast(record.cast_key, cast), tuple(values))

    def _given(self, given: frozenset[str]) -> int | frozenset[str]:
        number = self.given.get(given)
        if number is None:
            if len(self.given) >= _MOST_GIVEN:
                return given
            number = self.given[given] = len(self.given)
            self.news.append(("given", number, given))
        return number

    def _cast(self, key: str | None, cast: _Cast) -> int | _Cast:
        if key is None:
            return _sendable(cast)
        slot = self.casts.get(key)
        if slot is None:
            slot, self.next_slot = self.next_slot, (self.next_slot + 1) % _CAST_SLOTS
            if (replaced := self.slots[slot]) is not None:
                del self.casts[replaced]
            self.slots[slot], self.casts[key] = key, slot
            self.news.append(("cast", slot, _sendable(cast)))
        return slot


def _sendable(cast: _Cast) -> _Cast:
    """A cast with its roles as plain tuples (marshal takes no named tuple)."""
    actors, roles, *rest = cast
    return (actors, tuple(tuple(role) for role in roles), *rest)


class _Unpacker:
    """Records as they were before ``_Packer`` packed them."""

    def __init__(self) -> None:
        self.given: dict[int, frozenset[str]] = {}
        self.slots: list[_Cast] = [()] * _CAST_SLOTS

    def learn(self, news: list[tuple[str, int, Any]]) -> None:
        for table, number, value in news:
            if table == "given":
                self.given[number] = value
            else:
                self.slots[number] = _made(value)

    def unpack(self, row: tuple[Any, ...]) -> SceneRecord:
        given, cast, values = row
        record = SceneRecord(*values)
        record.given = self.given[given] if isinstance(given, int) else given
        (
            record.actors,
            record.characters,
            record.actors_korean,
            record.actor_aliases,
            record.cast_key,
        ) = self.slots[cast] if isinstance(cast, int) else _made(cast)
        return record


def _made(cast: _Cast) -> _Cast:
    actors, roles, *rest = cast
    return (actors, tuple(Role(*role) for role in roles), *rest)


# The second process ----------------------------------------------------------------


class _Sender:
    """Sends checked records in batches, each with the keys its names may need and
    that no earlier batch had. The first batch is of one record: the import reads its
    first record before it opens the catalog, to refuse a bad file at once."""

    def __init__(self, out: BinaryIO, source: ImportInput) -> None:
        self.out = out
        self.source = source
        self.packer = _Packer()
        self.rows: list[tuple[object, ...]] = []
        self.keys: list[tuple[str, tuple[str, ...], object]] = []
        self.seen: set[tuple[object, ...]] = set()
        self.size = 1

    def add(self, record: SceneRecord) -> None:
        self.rows.append(self.packer.pack(record))
        # Records of one drama and cast (most of a real file) need the same keys.
        names = (record.drama, record.drama_korean, record.drama_aliases, record.cast_key)
        if record.cast_key is None or names not in self.seen:
            self.seen.add(names)
            self._work_out(record)
        if len(self.rows) >= self.size:
            self.flush()
            self.size = _BATCH

    def _work_out(self, record: SceneRecord) -> None:
        for function, args in keys_needed(record):
            if (function, args) not in self.seen:
                self.seen.add((function, args))
                self.keys.append((function, args, MEMO_FUNCTIONS[function](*args)))

    def flush(self) -> None:
        if self.rows:
            news = self.packer.news
            send(self.out, b"B", (self.rows, news, self.keys, self.source.bytes_read))
            self.rows, self.keys, self.packer.news = [], [], []
            # The names of the last batches only: a real file meets the same ones
            # again close together, and this keeps the memory flat.
            if len(self.seen) > 400 * _BATCH:
                self.seen.clear()


def send(out: BinaryIO, kind: bytes, payload: Any) -> None:
    data = marshal.dumps(payload, _MARSHAL_VERSION)
    out.write(_HEADER.pack(kind, len(data)))
    out.write(data)


def serve(job: dict[str, Any], out: BinaryIO) -> None:
    """Read the file ``job`` names and send its records to ``out``: frames "B" (a
    batch), then "D" (done), or an error in their place ("R", "K", or "X")."""
    if job["version"] != __version__ or tuple(job["fields"]) != _FIELDS:
        send(out, b"X", f"kdrama {__version__} was asked by kdrama {job['version']}")
        return
    try:
        with ImportInput(job["file"]) as source:
            if source.identity() != tuple(job["identity"]):
                raise KdramaError(f"{job['file']} changed as it was read; import it again")
            strip = ControlStripper() if job["strip"] else None
            sender = _Sender(out, source)
            for record in iter_records(source, ImportFormat(job["format"]), strip):
                sender.add(record)
            sender.flush()
            send(out, b"D", (strip.removed if strip else 0, source.bytes_read))
    except RecordError as error:
        send(out, b"R", (type(error).__name__, error.where, str(error)))
    except KdramaError as error:
        send(out, b"K", str(error))
    except BrokenPipeError:
        raise
    except Exception:
        send(out, b"X", traceback.format_exc())
    out.flush()


def main() -> None:
    """``python -m kdrama_cli.readahead JOB``: ``serve`` on stdout. Ctrl-C is left to
    the import, which stops this process; once the import stops reading, so does
    this."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # records hold no cycles (as in the import itself)
    try:
        serve(json.loads(sys.argv[1]), sys.stdout.buffer)
    except BrokenPipeError:
        os._exit(0)


if __name__ == "__main__":
    main()
