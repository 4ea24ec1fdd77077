"""How long TAB takes: completing a name vs. Python merely importing Typer and sqlite3.

    uv run python benchmarks/completion_speed.py [--runs N]

The target (issue 3): completing ``kdrama list --actor So`` on the bundled catalog
answers within 1.3x the time of ``python -c "import typer, sqlite3"``. Each command is
run as a fresh process, as a shell runs it; the median of the runs is compared.
Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.3


def median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    kdrama = str(Path(sys.executable).parent / "kdrama")
    env = dict(os.environ)
    env.pop("KDRAMA_DB", None)
    completion_env = {
        **env,
        "_KDRAMA_COMPLETE": "complete_bash",
        "COMP_WORDS": "kdrama list --actor So",
        "COMP_CWORD": "3",
    }
    check = subprocess.run([kdrama], env=completion_env, capture_output=True, text=True)
    assert "Son\\ Ye\\ Jin" in check.stdout.splitlines(), check.stdout

    baseline = median_seconds([sys.executable, "-c", "import typer, sqlite3"], env, args.runs)
    completion = median_seconds([kdrama], completion_env, args.runs)
    ratio = completion / baseline
    print(f"python -c 'import typer, sqlite3': {baseline * 1000:7.1f} ms (median of {args.runs})")
    print(f"kdrama list --actor So<TAB>:       {completion * 1000:7.1f} ms (median of {args.runs})")
    print(f"ratio: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
