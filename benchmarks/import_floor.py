"""How fast any ``kdrama import`` could be: the work an import cannot skip, timed
without kdrama's Python around it, against ``kdrama import`` and ``sqlite-utils
insert --nl`` of the same file in the same run.

    uv run python benchmarks/import_floor.py [--scenes 100000] [--file scenes.jsonl]

The file is imported by kdrama first. Then, with every row it wrote already made:

- parsing: ``json.loads`` of every line, and nothing else;
- writing the rows: each table of that catalog copied into a new, empty one by
  SQLite itself (``INSERT INTO ... SELECT``), its indexes dropped first, as a bulk
  import drops them: no Python between the rows at all;
- building those indexes again, the search index of every scene (``search.refresh``,
  as the import runs it) and the commit;
- name keys: the keys of every drama, person and character stored, worked out once
  each (``names.title_keys`` and the others): what name matching needs, in Python.

The floor is the sum of these. A diagnostic for issue 13, not a benchmark with a
target: it says whether a time target leaves any room for the Python that reads,
checks and resolves the records. Each step runs once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from run import _tool, write_scenes

from kdrama_cli import migrations, names, search

# The catalog's own tables that the import does not fill: the search index (built by
# refresh) and its list of scenes to index.
SKIPPED = ("scene_search", "search_stale")


class Steps:
    """Seconds per step, in the order they ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - start


def run(command: list[str]) -> float:
    """Seconds ``command`` took; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def parse(source: Path) -> None:
    loads = json.loads
    with source.open("rb") as lines:
        for line in lines:
            loads(line)


def tables(conn: sqlite3.Connection) -> list[str]:
    """The catalog's tables the import fills, parents before children."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'scene_search%' ORDER BY rowid"
    )
    return [name for (name,) in rows if name not in SKIPPED]


def copy_rows(conn: sqlite3.Connection, steps: Steps) -> None:
    """Every row of the attached ``src`` catalog, copied into this new one."""
    dropped = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        " AND sql IS NOT NULL AND tbl_name NOT LIKE 'scene_search%'"
    ).fetchall()
    for kind, name, _ in dropped:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    with steps.timed("writing the rows (SQLite alone)"):
        for table in tables(conn):
            if conn.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
                conn.execute(f'DELETE FROM "{table}"')  # what the schema came with
            conn.execute(f'INSERT INTO "{table}" SELECT * FROM src."{table}"')
    with steps.timed("building the indexes"):
        for _, _, sql in dropped:
            conn.execute(sql)
    with steps.timed("search index"):
        conn.execute("INSERT INTO search_stale (scene_id) SELECT id FROM scenes")
        search.refresh(conn)


def name_keys(src: sqlite3.Connection) -> None:
    """The keys of every drama, person and character in ``src``, worked out once."""
    kinds: list[tuple[str, str, str, Callable[[list[str]], set[str]]]] = [
        ("dramas", "title, title_korean", "drama", names.title_keys),
        ("people", "name, name_korean", "person", names.person_keys),
        ("characters", "name, name_korean", "character", names.character_keys),
    ]
    for table, columns, alias_of, keys_of in kinds:
        aliases: dict[int, list[str]] = {}
        for row_id, alias in src.execute(f"SELECT {alias_of}_id, alias FROM {alias_of}_aliases"):
            aliases.setdefault(row_id, []).append(alias)
        for row_id, name, korean in src.execute(f"SELECT id, {columns} FROM {table}"):
            keys_of([n for n in [name, korean, *aliases.get(row_id, ())] if n])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=100_000, help="scenes to generate")
    parser.add_argument("--file", type=Path, help="import this JSON Lines file instead")
    options = parser.parse_args()
    steps = Steps()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = options.file or folder / "scenes.jsonl"
        if options.file is None:
            write_scenes(source, options.scenes)
        src, new, flat = folder / "src.db", folder / "new.db", folder / "flat.db"
        whole = run([_tool("kdrama"), "import", str(source), "--db", str(src)])
        reference = run([_tool("sqlite-utils"), "insert", str(flat), "scenes", str(source), "--nl"])
        flat.unlink()
        with steps.timed("parsing (json.loads alone)"):
            parse(source)
        conn = sqlite3.connect(new, isolation_level=None)
        migrations.migrate(conn)
        conn.execute("ATTACH ? AS src", (str(src),))
        conn.execute("BEGIN")
        copy_rows(conn, steps)
        with steps.timed("commit"):
            conn.execute("COMMIT")
        conn.close()
        reader = sqlite3.connect(src)
        with steps.timed("name keys (Python)"):
            name_keys(reader)
        reader.close()
        shutil.rmtree(folder, ignore_errors=True)
    floor = sum(steps.seconds.values())
    print(f"{'step':34} {'seconds':>8} {'x sqlite-utils':>15}")
    for step, seconds in steps.seconds.items():
        print(f"{step:34} {seconds:8.2f} {seconds / reference:15.2f}")
    print(f"{'the floor (all of the above)':34} {floor:8.2f} {floor / reference:15.2f}")
    print(f"{'kdrama import':34} {whole:8.2f} {whole / reference:15.2f}")
    print(f"{'sqlite-utils insert --nl':34} {reference:8.2f} {1:15.2f}")


if __name__ == "__main__":
    main()
