"""How long importing 100,000 scenes takes (issue 4's target: under 15 s on 2 cores).

    uv run python benchmarks/import_speed.py [--scenes 100000]

Writes a JSON Lines file of realistic scenes (Korean names with Hangul, dramas with
Korean titles, 2 actors and 2 characters a scene, drawn as in ``synthetic.py``), then
times ``kdrama import FILE --db NEW.db`` as a fresh process, as a user runs it, and
checks that every scene arrived. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import NETWORKS, _Names, _sentence, _title

TARGET_SECONDS = 15.0


def write_scenes(path: Path, count: int, seed: int = 0) -> None:
    """``count`` scenes as ``kdrama list --format jsonl`` prints them, without ids."""
    rng = random.Random(seed)
    names = _Names(rng)
    people = [names.draw() for _ in range(max(2, count // 10))]
    dramas = []
    for _ in range(max(1, count // 20)):
        title, korean = _title(rng)
        leads = rng.sample(people, 2)
        roles = [(names.draw(), actor) for actor in leads]
        dramas.append((title, korean, rng.randint(1990, 2025), rng.choice(NETWORKS), roles))
    with path.open("w", encoding="utf-8") as file:
        for i in range(count):
            title, korean, year, network, roles = rng.choice(dramas)
            scene = {
                "title": f"{rng.choice(['The', 'A', 'One'])} moment {i}",
                "drama": title,
                "drama_korean": korean,
                "year": year,
                "network": network,
                "actors": [actor[0] for _, actor in roles],
                "characters": [
                    {
                        "name": character[0],
                        "actor": actor[0],
                        "name_korean": character[1],
                        "actor_korean": actor[1],
                    }
                    for character, actor in roles
                ],
                "description": _sentence(rng),
                "favorite": rng.random() < 0.05,
                "rating": rng.choice([None, None, None, 1, 2, 3, 4, 5]),
            }
            file.write(json.dumps(scene, ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=100_000)
    args = parser.parse_args()
    kdrama = str(Path(sys.executable).parent / "kdrama")
    with tempfile.TemporaryDirectory() as folder:
        source, db = Path(folder) / "scenes.jsonl", Path(folder) / "new.db"
        write_scenes(source, args.scenes)
        size = source.stat().st_size / 1e6
        start = time.perf_counter()
        subprocess.run([kdrama, "import", str(source), "--db", str(db)], check=True)
        seconds = time.perf_counter() - start
        info = subprocess.run(
            [kdrama, "db", "info", "--db", str(db), "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
        scenes = json.loads(info.stdout)["scenes"]
    print(f"imported {scenes:,} scenes ({size:.1f} MB of JSON Lines) in {seconds:.1f} s")
    print(f"target: under {TARGET_SECONDS:.0f} s")
    return 0 if scenes == args.scenes and seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
