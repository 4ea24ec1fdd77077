"""The process's standard streams, made safe to write whatever they are connected to.

A shell can start kdrama with stdout closed (``>&-``), on a full disk or ``/dev/full``,
or on a pipe whose reader goes away. ``guard`` runs first thing, before anything opens
a file, and makes each case end in one line and an exit code rather than a traceback:

- a closed stdin, stdout or stderr is given ``/dev/null`` in its place, so no file
  kdrama opens later can take its number and receive output meant for a person
  (stdout's ``/dev/null`` is opened read-only, so that writing to it still fails);
- stdout writes everything it is given, however the pipe splits it, and a write that
  fails for any reason but a closed pipe raises ``OutputError``, which the command
  line reports as "cannot write output: …" with exit 1. A closed pipe stays
  ``BrokenPipeError``: the command ends quietly with 141, as other tools do.

Kept free of heavy imports: shell completion runs it too.
"""

from __future__ import annotations

import errno
import io
import os
import select
import sys
from typing import Any

from .errors import KdramaError


class OutputError(KdramaError):
    """Stdout could not be written: closed, full, or failing."""


class _Stdout(io.FileIO):
    """File descriptor 1, written whole: a pipe that takes part of a write is given the
    rest (Python's unbuffered stdout drops it, hiding that the reader went away), and
    any failure but a closed pipe becomes ``OutputError``."""

    closed_at_start = False

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        try:
            while done < len(view):
                written = super().write(view[done:])
                if written is None:  # a non-blocking descriptor that is full: wait
                    select.select([], [self], [])
                    continue
                done += written
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(_cannot_write(error, self.closed_at_start)) from None
        return done


def _cannot_write(error: OSError, closed: bool) -> str:
    if closed:
        return "cannot write output: stdout is closed"
    if error.errno == errno.EBADF:
        return "cannot write output: stdout is not open for writing"
    reason = os.strerror(error.errno) if error.errno else str(error)
    return f"cannot write output: {reason[:1].lower()}{reason[1:]}"


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _fill(fd: int, flags: int) -> None:
    """Put ``/dev/null`` at ``fd``, which is closed."""
    opened = os.open(os.devnull, flags)
    if opened != fd:
        os.dup2(opened, fd)
        os.close(opened)


def guard() -> None:
    """Make stdin, stdout and stderr safe to use (see the module's docstring)."""
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        return  # done already, or the streams are another's (a test capturing them)
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    for fd in closed:
        _fill(fd, os.O_WRONLY if fd == 2 else os.O_RDONLY)
    if 0 in closed:
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "rb", closefd=False))
    if 2 in closed:
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "wb", closefd=False), errors="backslashreplace", line_buffering=True
        )
    old = sys.stdout
    raw = _Stdout(1, "wb", closefd=False)
    raw.closed_at_start = 1 in closed
    unbuffered = old is not None and isinstance(getattr(old, "buffer", None), io.FileIO)
    binary: io.RawIOBase | io.BufferedWriter = raw if unbuffered else io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(
        binary,  # TextIOWrapper takes a raw file too, as python -u does
        encoding=getattr(old, "encoding", None) or "utf-8",
        errors=getattr(old, "errors", None) or "strict",
        line_buffering=bool(getattr(old, "line_buffering", False)),
        write_through=unbuffered,
    )


def silence_stdout() -> None:
    """After the reader of a pipe has gone, or stdout failed, drop further output
    instead of failing again (on the way out, Python flushes what is left)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's capture): nothing to silence
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def write_error(message: str) -> None:
    """Write one line to stderr, saying nothing if stderr cannot take it either."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
