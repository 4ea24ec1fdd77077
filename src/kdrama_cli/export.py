"""Writing scenes out to a file or stdout, streaming, without ever leaving a half-written
file behind or replacing one by surprise."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .catalog import Catalog
from .errors import KdramaError
from .models import OutputFormat, SceneFilter, Sort
from .render import json_is_pretty, render_scenes, write_json_array, write_json_lines


class OutputExists(KdramaError):
    """The export file is already there and replacing it was not asked for."""


def export_scenes(
    catalog: Catalog,
    filters: SceneFilter,
    fmt: OutputFormat,
    output: Path | None,
    *,
    force: bool = False,
    fields: Sequence[str] | None = None,
) -> int:
    """Write the matching scenes in ``fmt`` to ``output`` (stdout when None); return how
    many. Scenes are streamed in batches, so memory stays flat for any catalog size.

    A file is written under a temporary name beside it and renamed when complete.
    Only a regular file is written: see ``_check_output``.
    """
    if output is None:
        return write_scenes(catalog, filters, fmt, sys.stdout, pretty=True, fields=fields)
    _check_output(output, force=force)
    import tempfile

    try:
        fd, temp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}-")
    except OSError as error:
        raise KdramaError(f"cannot write {output}: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            count = write_scenes(catalog, filters, fmt, file, pretty=True, fields=fields)
        temp.chmod(0o644)
        temp.replace(output)
    except OSError as error:  # a full disk, or a directory put there meanwhile
        raise KdramaError(f"cannot write {output}: {error.strerror}") from None
    finally:
        temp.unlink(missing_ok=True)
    return count


_NOT_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_output(output: Path, *, force: bool) -> None:
    """Refuse to export to ``output`` unless it is missing, or a regular file and
    ``force`` is given, or a symbolic link and ``force`` is given: the new file then
    replaces the link, and what the link points to is left alone. A directory, a device
    (``/dev/null`` too), a FIFO or a socket, or a link to one, is always refused:
    export -o writes files; stdout goes anywhere else."""
    try:
        info = output.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise KdramaError(f"cannot write {output}: {error.strerror}") from None
    link = stat.S_ISLNK(info.st_mode)
    if link:
        if _names_a_stream(output):
            raise KdramaError(
                f"{output} is a symbolic link to an open stream, not a file; to write"
                f" there, use stdout: kdrama export > {output}"
            )
        if not force:
            raise OutputExists(
                f"{output} is a symbolic link; add --force to replace the link"
                " (what it points to is left alone)"
            )
        try:
            info = output.stat()
        except OSError:  # dangling, or pointing where we may not look: only the link
            return
    for test, kind in _NOT_FILES:
        if test(info.st_mode):
            what = f"a symbolic link to {kind}" if link else kind
            if kind == "a directory":
                raise KdramaError(f"{output} is {what}; name a file to export to")
            raise KdramaError(
                f"{output} is {what}, not a file; to write there, use stdout:"
                f" kdrama export > {output}"
            )
    if not link and not force:
        raise OutputExists(f"{output} already exists; add --force to replace it")


_PROC = Path("/proc")


def _names_a_stream(link: Path) -> bool:
    """Whether the link is, or leads through, one of /proc's links to a process's open
    files (/dev/stdout leads to /proc/self/fd/1): a stream, which may well be a regular
    file, but replacing the link would replace /dev/stdout, not write to it."""
    path = link
    for _ in range(40):  # as many links as the system follows
        path = path.parent.resolve() / path.name  # /dev/fd/1 is /proc/self/fd/1
        if path.is_relative_to(_PROC):
            return True
        try:
            path = path.parent / os.readlink(path)
        except OSError:
            return False
    return False


def write_scenes(
    catalog: Catalog,
    filters: SceneFilter,
    fmt: OutputFormat,
    out: TextIO,
    sort: Sort = Sort.ID,
    limit: int | None = None,
    *,
    descending: bool = False,
    pretty: bool | None = None,
    fields: Sequence[str] | None = None,
) -> int:
    """Write the scenes ``list`` selects to ``out`` in ``fmt``; return how many.
    JSON Lines, and compact JSON (see ``render.json_is_pretty``; ``export`` keeps its
    files pretty), come encoded by SQLite: the bulk formats at bulk speed. Only
    ``fields`` (see ``render.render_scenes``) when given: then every format is written
    by Python, the objects SQLite builds having every key."""
    compact_json = fmt is OutputFormat.json and not json_is_pretty(out, pretty)
    if fields is None and (fmt is OutputFormat.jsonl or compact_json):
        lines = catalog.list_scenes_json(filters, sort, limit, descending=descending)
        return write_json_array(lines, out) if compact_json else write_json_lines(lines, out)
    scenes = catalog.list_scenes(filters, sort, limit, descending=descending)
    return render_scenes(scenes, fmt, out, pretty=pretty, fields=fields)
