"""Where the time of a large import goes: ``kdrama import`` of generated scenes into a
new catalog, run in this process with its phases timed, and its peak memory.

    uv run python benchmarks/import_phases.py [--scenes 100000] [--file scenes.jsonl]

The phases: reading and checking the records, working out the name keys of new
dramas, people and characters (and the keys a lookup asks for), the rest of writing
the rows, the search index, building the indexes a bulk import drops, and the commit.
A diagnostic for issue 13, not a benchmark with a target: each phase is timed by
wrapping kdrama's own functions, which adds a little to every call, and nothing is
repeated. ``run.py`` times whole imports against sqlite-utils.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

from run import write_scenes

from kdrama_cli import cli_edit, editing, names, search, storage

# What each phase wraps: (module or class, function name). Writing is timed as a whole
# and the name keys, which it calls, taken out of it.
NAME_KEYS = [
    (names, "person_keys"),
    (names, "character_keys"),
    (names, "title_keys"),
    (names, "query_keys"),
]
PHASES = {
    "writing rows (without name keys)": [(editing._Importer, "write")],
    "name keys": NAME_KEYS,
    "search index": [(search, "refresh")],
    "building indexes": [(editing._Bulk, "end")],
    "commit": [(storage, "_commit")],
}


class Clock:
    """Seconds spent in each phase; a phase called inside itself counts once."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(["reading records", *PHASES], 0.0)
        self.depth: dict[str, int] = dict.fromkeys(self.seconds, 0)

    def wrap(self, phase: str, owner: Any, name: str) -> None:
        function = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.depth[phase] += 1
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.depth[phase] -= 1
                if not self.depth[phase]:
                    self.seconds[phase] += time.perf_counter() - start

        setattr(owner, name, timed)

    def records(self, read: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """``iter_records``, the time of each record it reads counted."""

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            records = read(*args, **kwargs)
            while True:
                start = time.perf_counter()
                try:
                    record = next(records)
                except StopIteration:
                    return
                finally:
                    self.seconds["reading records"] += time.perf_counter() - start
                yield record

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=100_000, help="scenes to generate")
    parser.add_argument("--file", type=Path, help="import this JSON Lines file instead")
    options = parser.parse_args()
    clock = Clock()
    for phase, functions in PHASES.items():
        for owner, name in functions:
            clock.wrap(phase, owner, name)
    cli_edit.iter_records = clock.records(cli_edit.iter_records)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        source = options.file or Path(folder) / "scenes.jsonl"
        if options.file is None:
            write_scenes(source, options.scenes)
        sys.argv = ["kdrama", "import", str(source), "--db", str(Path(folder) / "new.db")]
        from kdrama_cli.cli import main as kdrama

        start = time.perf_counter()
        with suppress(SystemExit):
            kdrama()
        total = time.perf_counter() - start
    clock.seconds["writing rows (without name keys)"] -= clock.seconds["name keys"]
    # Starting, opening the catalog, the writer's last flush, counting scenes.
    clock.seconds["everything else"] = total - sum(clock.seconds.values())
    print(f"{'phase':34} {'seconds':>8} {'share':>6}")
    for phase, seconds in clock.seconds.items():
        print(f"{phase:34} {seconds:8.2f} {seconds / total:6.0%}")
    print(f"{'the whole import':34} {total:8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (this process, the phases' wrappers included)")


if __name__ == "__main__":
    main()
