"""How fast ``kdrama browse`` answers on a large catalog: each page's time, and which of
the scene view's facets answered and which timed out.

    uv run python benchmarks/synthetic.py /tmp/web-200k.db --scenes 200000
    uv run python benchmarks/browse.py /tmp/web-200k.db [--runs 5]

Serves the catalog with the installed ``kdrama browse`` (a real uvicorn server, in its
own process, with HOME in an empty temporary folder), then fetches each page over
HTTP, a warm-up and ``--runs`` times, and prints a Markdown table of the median time
of the HTML page and the facets its JSON gave (Datasette leaves a facet out when it
ran past ``facet_time_limit_ms``, 200 ms). The tag pages ask for the tag ``kiss``: on
a catalog without tags they show no scene.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

VIEW = "/scenes/scenes_with_cast"
FACETS = ("actors", "drama", "year", "tags")

PAGES = [
    ("home page", "/"),
    ("scene view, no filter", VIEW),
    ("search: rain", f"{VIEW}?_search=rain"),
    ("search: 사랑 (Hangul)", f"{VIEW}?_search=사랑"),
    ("actor clicked", f"{VIEW}?_actor=Son+Ye+Jin"),
    ("year clicked", f"{VIEW}?year=2010"),
    ("drama clicked", f"{VIEW}?drama=Crash+Landing+on+You"),
    ("tag clicked", f"{VIEW}?_tag=kiss"),
    ("tag then year", f"{VIEW}?_tag=kiss&year=2010"),
    ("search then actor", f"{VIEW}?_search=rain&_actor=Kim+Won"),
    ("search matching 2/3 of scenes: kim", f"{VIEW}?_search=kim"),
    ("page 11 (offset 1,000)", f"{VIEW}?_next=1000"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def serve(db: Path, home: Path) -> tuple[subprocess.Popen[str], str]:
    kdrama = Path(sys.executable).parent / "kdrama"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    env.pop("KDRAMA_DB", None)
    server = subprocess.Popen(
        [str(kdrama), "browse", "--db", str(db), "--no-open", "--port", str(free_port())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stderr is not None
    first = server.stderr.readline()
    found = re.search(r" at (http://\S+)/ ", first)
    if not found:
        server.kill()
        sys.exit(f"kdrama browse said: {first!r}")
    return server, found.group(1)


def json_url(path: str) -> str:
    base, _, query = path.partition("?")
    return f"{base}.json" + (f"?{query}" if query else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the catalog to serve (see synthetic.py)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        server, url = serve(args.db.resolve(), Path(home))
        try:
            with httpx.Client(base_url=url, timeout=60) as client:
                scenes = client.get(json_url(VIEW)).json()["filtered_table_rows_count"]
                print(f"{args.db.name}: {scenes:,} scenes; median of {args.runs} runs\n")
                print("| page | HTML page | rows | facets answered | timed out |")
                print("| --- | ---: | ---: | --- | --- |")
                for name, path in PAGES:
                    times = []
                    for _ in range(args.runs + 1):
                        start = time.perf_counter()
                        client.get(path).raise_for_status()
                        times.append(time.perf_counter() - start)
                    median = statistics.median(times[1:]) * 1000
                    if path == "/":
                        print(f"| {name} | {median:.0f} ms | | | |")
                        continue
                    page = client.get(json_url(path)).json()
                    answered = [f for f in FACETS if f in page["facet_results"]]
                    late = [f for f in FACETS if f not in answered]
                    print(
                        f"| {name} | {median:.0f} ms | {page['filtered_table_rows_count']:,} "
                        f"| {', '.join(answered) or '-'} | {', '.join(late) or '-'} |"
                    )
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
