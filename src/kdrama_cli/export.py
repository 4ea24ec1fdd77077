"""Writing scenes out to a file or stdout, streaming, without ever leaving a half-written
file behind or replacing one by surprise."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from .catalog import Catalog
from .errors import KdramaError
from .models import OutputFormat, SceneFilter, Sort
from .render import render_scenes, write_json_lines


class OutputExists(KdramaError):
    """The export file is already there and replacing it was not asked for."""


def export_scenes(
    catalog: Catalog,
    filters: SceneFilter,
    fmt: OutputFormat,
    output: Path | None,
    *,
    force: bool = False,
) -> int:
    """Write the matching scenes in ``fmt`` to ``output`` (stdout when None); return how
    many. Scenes are streamed in batches, so memory stays flat for any catalog size.

    A file is written under a temporary name beside it and renamed when complete.
    """
    if output is None:
        return write_scenes(catalog, filters, fmt, sys.stdout)
    if output.exists() and not force:
        raise OutputExists(f"{output} already exists; add --force to replace it")
    import tempfile

    try:
        fd, temp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}-")
    except OSError as error:
        raise KdramaError(f"cannot write {output}: {error.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            count = write_scenes(catalog, filters, fmt, file)
        temp.chmod(0o644)
        temp.replace(output)
    finally:
        temp.unlink(missing_ok=True)
    return count


def write_scenes(
    catalog: Catalog,
    filters: SceneFilter,
    fmt: OutputFormat,
    out: TextIO,
    sort: Sort = Sort.ID,
    limit: int | None = None,
    *,
    descending: bool = False,
) -> int:
    """Write the scenes ``list`` selects to ``out`` in ``fmt``; return how many.
    JSON Lines come encoded by SQLite, the bulk format at bulk speed."""
    if fmt is OutputFormat.jsonl:
        lines = catalog.list_scenes_json(filters, sort, limit, descending=descending)
        return write_json_lines(lines, out)
    scenes = catalog.list_scenes(filters, sort, limit, descending=descending)
    return render_scenes(scenes, fmt, out)
