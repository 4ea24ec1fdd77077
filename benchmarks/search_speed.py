"""Does search stay fast on a catalog of a million scenes? (issue 5's target: a search
for a selective word within 2x the same command on the bundled catalog)

    uv run python benchmarks/search_speed.py [--scenes 1000000] [--db PATH] [--runs N]

Each command runs as a fresh process, as a shell runs it, on the bundled catalog and
on the synthetic one (``benchmarks/synthetic.py``, built once into ``benchmarks/.cache/``
and again when the schema changes); the median of ``--runs`` runs is shown. Rows
marked "target" are selective words: the synthetic catalog holds the bundled scenes
among its million, and their words ("gunshot", 불시착) appear nowhere else. The
common-word row is shown for information: it ranks thousands of matches. Exits 1 when
a target row is over 2x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from million_lookup import median_seconds, width
from synthetic import cached_catalog

TARGET_RATIO = 2.0
COMMANDS: list[tuple[list[str], bool]] = [
    (["search", "gunshot", "--json"], True),
    (["search", "gunshot"], True),
    (["search", "불시착", "--json"], True),
    (["search", "kisses", "tears", "--json"], True),
    (["search", "gunshot", "--actor", "Son Ye Jin", "--json"], True),
    (["search", "rooftop", "--limit", "20", "--json"], False),
]


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
        [kdrama, "search", "gunshot", "--json", "--db", str(db)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = json.loads(check.stdout)
    assert [s["drama"] for s in found] == ["Crash Landing on You"], found

    slow = 0
    print(f"{'command':<50} {'bundled ms':>10} {'large ms':>10} {'ratio':>6}")
    for words, target in COMMANDS:
        bundled = median_seconds([kdrama, *words], env, args.runs)
        large = median_seconds([kdrama, *words, "--db", str(db)], env, args.runs)
        ratio = large / bundled
        flag = target and ratio > TARGET_RATIO
        slow += flag
        shown = "kdrama " + " ".join(f'"{w}"' if " " in w else w for w in words)
        shown += " " * (50 - width(shown))
        note = ("target" if target else "info") + ("  SLOW" if flag else "")
        print(f"{shown} {bundled * 1000:10.0f} {large * 1000:10.0f} {ratio:6.2f}  {note}")
    print(f"(median of {args.runs} runs; large catalog: {db}, {db.stat().st_size / 1e6:.0f} MB)")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
