"""Do lookups stay fast on a catalog of a million scenes?

    uv run python benchmarks/million_lookup.py [--scenes 1000000] [--db PATH] [--runs N]

Name matching is designed to run at index speed however large the catalog grows
(see ``kdrama_cli.names``). This times everyday commands, each as a fresh process as a
shell runs it (median of the runs), on the small bundled catalog and on a synthetic
catalog of ``--scenes`` scenes (``benchmarks/synthetic.py``; built once into
``benchmarks/.cache/``, or at ``--db``, and again when the schema changes). The ratio
shows what size costs beyond process start-up. A command is flagged SLOW when it takes
over 1.5x its bundled time, or when the large catalog adds over 1 s to it (not 1 s in
all: without cached bytecode, start-up alone can near 1 s); the script then exits 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from synthetic import cached_catalog

COMMANDS = [
    ["--version"],  # start-up alone, no catalog: the floor for every row below
    ["list", "--actor", "Son Ye Jin", "--json"],
    ["list", "--actor", "손예진", "--json"],
    ["list", "--drama", "CLOY", "--json"],
    ["list", "--character", "Yoon Se Ri", "--json"],
    ["list", "--year", "2016..2017", "--limit", "20", "--json"],
    ["list", "--sort", "year", "--desc", "--limit", "10", "--json"],
    ["random", "--seed", "1", "--json"],
    ["list", "--actor", "Son Ye Jn"],  # matches nothing: the suggestion path
]
MAX_RATIO = 1.5
MAX_EXTRA_SECONDS = 1.0


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul is two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="synthetic catalog to use, built if missing")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = cached_catalog(args.scenes, args.db)
    kdrama = str(Path(sys.executable).parent / "kdrama")
    env = dict(os.environ)
    env.pop("KDRAMA_DB", None)

    check = subprocess.run(
        [kdrama, "list", "--actor", "Son Ye Jin", "--json", "--db", str(db)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.count('"id"') == 3, check.stdout

    slow = 0
    print(f"{'command':<50} {'bundled ms':>10} {'large ms':>10} {'ratio':>6}")
    for words in COMMANDS:
        on_db = [] if words == ["--version"] else ["--db", str(db)]
        bundled = median_seconds([kdrama, *words], env, args.runs)
        large = median_seconds([kdrama, *words, *on_db], env, args.runs)
        ratio = large / bundled
        flag = ratio > MAX_RATIO or large - bundled > MAX_EXTRA_SECONDS
        slow += flag
        shown = "kdrama " + " ".join(f'"{w}"' if " " in w else w for w in words)
        shown += " " * (50 - width(shown))
        print(
            f"{shown} {bundled * 1000:10.0f} {large * 1000:10.0f} {ratio:6.2f}"
            + ("  SLOW" if flag else "")
        )
    print(f"(median of {args.runs} runs; large catalog: {db}, {db.stat().st_size / 1e6:.0f} MB)")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
