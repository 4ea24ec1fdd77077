"""How fast ``kdrama tui`` answers a keystroke in its search box, measured with
Textual's pilot on the bundled catalog and on a synthetic million-scene one.

    uv run python benchmarks/tui.py [--runs 5] [--scenes 1000000]

For each query the search box is emptied, the query is typed key by key, and the
clock runs from the last keystroke until the list and the detail pane are redrawn
with its scenes (the app's ``updated`` event, then the pilot's wait for the screen
to settle). That time includes the pause the box waits for more keys (``tui.debounce_for``:
30 ms on a small catalog, 120 ms on a large one), and the targets bound it all (100 ms
on the bundled catalog, 300 ms on a million scenes); the table also gives the time
after the pause: the query, the first page and the redraw. Also: the next page as the
cursor nears the end of those read, and
``r`` on the whole catalog. The synthetic catalog is built once into
``benchmarks/.cache`` (about two minutes) and opened read-only.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import cached_catalog  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from kdrama_cli import tui  # noqa: E402
from kdrama_cli.catalog import Catalog  # noqa: E402
from kdrama_cli.storage import Location, Origin, bundled_catalog_path  # noqa: E402

QUERIES = [
    "rain",
    "kiss rain",
    "actor:Son Ye Jin",
    "drama:Goblin",
    "year:2018",
    "tag:kiss",
    "fav",
    "rating>=4",
    "rain year:2010..2015",
    "zzzqqq",
]
TARGETS = {"bundled": 0.100, "1M": 0.300}


async def _type(app: tui.KdramaApp, pilot: Pilot[None], text: str) -> tuple[float, float]:
    """Type ``text`` in place of the box's text; seconds from its last key to the list
    redrawn, and to the count of its scenes shown (which follows a full first page)."""
    keys = ["space" if char == " " else char for char in text]
    await pilot.press("slash", *keys[:-1])
    app.updated.clear()
    start = time.perf_counter()
    await pilot.press(keys[-1])
    await app.updated.wait()
    await pilot.pause()
    drawn = time.perf_counter() - start
    await app.workers.wait_for_complete()
    await pilot.pause()
    return drawn, time.perf_counter() - start


async def _measure(
    catalog: Catalog, runs: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    app = tui.KdramaApp(catalog, read_only=True)
    times: dict[str, list[float]] = {query: [] for query in QUERIES}
    counted: dict[str, list[float]] = {query: [] for query in QUERIES}
    times["next page (offset 50)"] = []
    times["r on all scenes"] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(runs + 1):  # the first round warms SQLite's and Python's caches
            for query in QUERIES:
                drawn, count = await _type(app, pilot, query)
                times[query].append(drawn)
                counted[query].append(count)
                await pilot.press("escape")
            await pilot.press("slash", "ctrl+u", "enter")  # every scene again
            await app.workers.wait_for_complete()
            await pilot.pause()
            start = time.perf_counter()
            app.next_page(app.generation, len(app.scenes))
            await app.workers.wait_for_complete()
            await pilot.pause()
            times["next page (offset 50)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await pilot.press("r")
            await pilot.pause()
            times["r on all scenes"].append(time.perf_counter() - start)
            if app.screen is not app.screen_stack[0]:
                await pilot.press("escape")
    return {key: values[1:] for key, values in times.items()}, {
        key: values[1:] for key, values in counted.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenes", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    catalogs = {
        "bundled": Location(bundled_catalog_path(), Origin.BUNDLED),
        "1M": Location(cached_catalog(args.scenes), Origin.OPTION),
    }
    if args.scenes != 1_000_000:
        catalogs[f"{args.scenes:,}"] = catalogs.pop("1M")
    print(f"Median of {args.runs} runs, in ms, from the last keystroke.\n")
    print(
        "| catalog | action | keystroke to redraw | after the pause | target | met"
        " | count shown, after the pause |"
    )
    print("| --- | --- | ---: | ---: | ---: | --- | ---: |")
    for name, location in catalogs.items():
        with Catalog.open(location) as catalog:
            pause = tui.debounce_for(catalog.count_scenes())
            times, counted = asyncio.run(_measure(catalog, args.runs))
        target = TARGETS.get(name, TARGETS["1M"])
        for action, values in times.items():
            median = statistics.median(values)
            typed = action in QUERIES
            after = median - pause if typed else median
            # The targets are the search box's; the other actions are shown beside them.
            met = ("yes" if median <= target else "NO") if typed else ""
            total = f"{median * 1000:.0f}" if typed else ""
            bound = f"{target * 1000:.0f}" if typed else ""
            count = ""
            if typed:
                count = f"{(statistics.median(counted[action]) - pause) * 1000:.0f}"
            cells = [name, action, total, f"{after * 1000:.0f}", bound, met, count]
            print(f"| {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
