"""Every kdrama benchmark in one run, side by side, written as Markdown tables (issue 6).

    uv run python benchmarks/run.py [--sizes 10000,100000,1000000] [--runs 7]
        [--long-runs 3] [--only startup,lookup,export,import,search,json,screen,tags,names]
        [--import-sizes 100000,1000000] [--timer auto|hyperfine|harness]
        [--write BENCHMARKS.md]

Every command runs as a whole process, as a shell runs it, several times; the median
is compared with a reference measured in the same run, and the ratio with its target:

- startup: on the bundled catalog, ``kdrama list --json``, ``kdrama list``,
  ``kdrama --help`` and completing a name (TAB) against Python merely importing what
  they need (``python -c "import typer, sqlite3, …"``), within 1.3x;
- lookup: everyday commands on synthetic catalogs of each ``--sizes`` against the same
  command on the bundled catalog, within 1.3x;
- export: ``kdrama export --format jsonl`` against ``sqlite3 -json`` selecting the
  same fields from the same file, within 2x and under 100 MB of peak memory (max RSS);
  ``kdrama list --json`` alongside, which must stream too;
- import: ``kdrama import`` of each of ``--import-sizes`` scenes against
  ``sqlite-utils insert --nl`` of the same JSON Lines into a flat table, within 2x and
  at most 150 MB of peak memory at every size (an import streams); sqlite-utils' peak
  memory is shown beside it;
- search: selective words on the synthetic catalogs against the bundled one, within 2x;
- json: ``kdrama list --json`` piped (compact, one line, issue 15) against the
  ``sqlite3`` shell building the same JSON objects with the same SQL, within 2x;
- screen: ``kdrama list`` and ``kdrama search`` on a terminal (a pseudo-terminal the
  harness makes), showing the first screenful and its note, against the same on the
  bundled catalog, within 1.3x; and, at a million scenes, ``kdrama list --all --format
  table`` drawn into /dev/null, under 100 MB of peak memory (issue 15);
- tags: ``kdrama list --tag kiss`` on a terminal (the first screenful and its note) and
  piped as JSON, and ``kdrama tags``, on synthetic catalogs (where about one scene in
  twelve is tagged kiss) against the same on a copy of the bundled catalog with its kiss
  scene tagged, within 1.3x (issue 17);
- names: not a timing but the quality of name matching (issue 16, ``names_eval.py``):
  real actors' and characters' names spelled by independent romanizers and popular
  variants, looked up as ``list --actor``/``--character`` does; recall and wrong
  matches per source, and near-miss names that should find nobody.

With hyperfine on the PATH each command is timed by hyperfine (``--export-json``); else
(or with ``--timer harness``) by a small harness that runs the commands of a comparison
in turn after a warm-up round, which suits a machine doing other work better. Peak
memory is the command's max RSS (``os.wait4`` in a small launcher: the largest of the
process and of any child it waited for, RSS as the kernel counts it, so SQLite's page
cache too, not only Python's heap). Synthetic
catalogs come from ``synthetic.py`` and are cached in ``benchmarks/.cache/`` (a million
scenes take about 6 minutes to build the first time). Every command runs with HOME and
the XDG folders in an empty temporary folder, so your own catalog is never touched.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import names_eval
from synthetic import NETWORKS, _Names, _sentence, _title, cached_catalog

from kdrama_cli.catalog import scene_json_sql
from kdrama_cli.names import name_key, sound_key

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = (
    *("startup", "lookup", "export", "import", "search", "json", "screen", "tags", "names"),
)
MB = 1_000_000
STARTUP_TARGET = 1.3
LOOKUP_TARGET = 1.3
LOOKUP_EXTRA_TARGET = 1.5  # the limit of the earlier million-scene benchmark, for its rows
EXPORT_TARGET = 2.0
EXPORT_TARGET_SCENES = 1_000_000  # below, start-up weighs in: the ratio is information
EXPORT_MEMORY_LIMIT = 100 * MB
IMPORT_TARGET = 2.0
IMPORT_SIZES = (100_000, 1_000_000)
IMPORT_MEMORY_LIMIT = 150 * MB  # an import streams: the same limit at every size
# From this many scenes on, one import takes minutes (a million: kdrama 3-4, sqlite-utils
# about 1.5): a warm-up round would add as much again for nothing, since start-up is lost
# in that time and the file was just written, so it is in the page cache already.
IMPORT_COLD_FROM = 1_000_000
SEARCH_TARGET = 2.0
JSON_TARGET = 2.0  # at EXPORT_TARGET_SCENES; below, start-up weighs in
# The sqlite3 shell building each scene's JSON object exactly as kdrama asks SQLite to
# (``Catalog.list_scenes_json``), one object a line: the floor for piped ``list --json``.


def json_sql(db: Path) -> str:
    """The SQL of ``list --json`` on ``db``: the JSON kdrama builds for that catalog."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        columns = scene_json_sql(conn)
    return f"SELECT {columns} FROM scenes s JOIN dramas d ON d.id = s.drama_id ORDER BY s.id"


SCREEN_TARGET = 1.3
TAGS_TARGET = 1.3
SCREEN_MEMORY_LIMIT = 100 * MB
# A million scenes drawn as a table take minutes: one run, no warm-up.
SCREEN_ALL_RUNS = 1
# The terminal the screen section's commands see (Rich reads its size from these).
SCREEN_ENV = {"COLUMNS": "100", "LINES": "50", "TERM": "xterm-256color"}
COMPLETION_ENV = {
    "_KDRAMA_COMPLETE": "complete_bash",
    "COMP_WORDS": "kdrama list --actor So",
    "COMP_CWORD": "3",
}
# What ``kdrama export --format jsonl`` writes, field for field, in its order; the
# cast comes out as JSON arrays in text, as in the ``scenes_with_cast`` view.
EXPORT_SQL = (
    "SELECT s.id, s.title, d.title AS drama, d.title_korean AS drama_korean, d.year,"
    " d.network,"
    " (SELECT json_group_array(name) FROM ("
    "SELECT p.name FROM scene_people sp JOIN people p ON p.id = sp.person_id"
    " WHERE sp.scene_id = s.id ORDER BY sp.position)) AS actors,"
    " (SELECT json_group_array(json_object('name', name, 'actor', actor,"
    " 'name_korean', name_korean, 'actor_korean', actor_korean, 'aliases', json(aliases)))"
    " FROM (SELECT c.name, p.name AS actor, c.name_korean, p.name_korean AS actor_korean,"
    " (SELECT json_group_array(alias) FROM (SELECT alias FROM character_aliases"
    " WHERE character_id = c.id ORDER BY alias)) AS aliases"
    " FROM scene_characters sc JOIN characters c ON c.id = sc.character_id"
    " JOIN people p ON p.id = c.person_id"
    " WHERE sc.scene_id = s.id ORDER BY sc.position)) AS characters,"
    " s.description, s.rank, src.name AS source, src.title AS source_title,"
    " src.credit AS source_credit, s.favorite = 1 AS favorite, s.rating,"
    " (SELECT json_group_array(alias) FROM (SELECT alias FROM drama_aliases"
    " WHERE drama_id = d.id ORDER BY alias)) AS drama_aliases,"
    " (SELECT json_group_array(name_korean) FROM (SELECT p.name_korean FROM scene_people sp"
    " JOIN people p ON p.id = sp.person_id WHERE sp.scene_id = s.id ORDER BY sp.position))"
    " AS actors_korean,"
    " (SELECT json_group_array(json(aliases)) FROM (SELECT (SELECT json_group_array(alias)"
    " FROM (SELECT alias FROM person_aliases WHERE person_id = sp.person_id ORDER BY alias))"
    " AS aliases FROM scene_people sp WHERE sp.scene_id = s.id ORDER BY sp.position))"
    " AS actor_aliases, s.episode, s.time,"
    " (SELECT json_group_array(url) FROM (SELECT url FROM scene_urls"
    " WHERE scene_id = s.id ORDER BY position)) AS urls,"
    " (SELECT json_group_array(name) FROM (SELECT t.name FROM scene_tags st"
    " JOIN tags t ON t.id = st.tag_id WHERE st.scene_id = s.id ORDER BY st.position))"
    " AS tags, s.note"
    " FROM scenes s JOIN dramas d ON d.id = s.drama_id"
    " LEFT JOIN sources src ON src.id = s.source_id"
    " ORDER BY s.id"
)
# Runs a command on a new pseudo-terminal (its stdin, stdout and stderr) and reads what
# it draws there, as a terminal would, copying it to this launcher's stdout: all of it,
# or (a first argument above 0) that many lines, then ends the command, as a user who
# has seen enough does, and exits 0.
ON_A_TERMINAL = """import os, pty, signal, sys
wanted, argv = int(sys.argv[1]), sys.argv[2:]
pid, leader = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
lines = 0
while not wanted or lines < wanted:
    try:
        chunk = os.read(leader, 65536)
    except OSError:
        break
    if not chunk:
        break
    lines += chunk.count(b"\\n")
    sys.stdout.buffer.write(chunk)
if wanted and lines >= wanted:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.exit(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""
REMOVE_FILES = "import os, sys; [os.remove(p) for p in sys.argv[1:] if os.path.exists(p)]"
# Runs a command and writes its seconds and peak RSS (KiB on Linux) to a file. A child
# forked by a big process inherits that process's peak RSS as its own (Linux counts the
# memory it had before exec); forked from this small launcher, it starts near 5 MB.
LAUNCH = """import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as file:
    file.write(f"{seconds} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


class BenchmarkError(Exception):
    """A command failed, or answered something other than what the benchmark expects."""


@dataclass(frozen=True)
class Command:
    """A process to time: what the tables show, the argv, and the environment it needs
    beyond the common one (and a command to run untimed before each run)."""

    label: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    prepare: tuple[str, ...] = ()


@dataclass
class Timing:
    """The wall-clock seconds of each run, and each run's peak memory when known."""

    times: list[float]
    peak_rss: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Row:
    """One line of a results table: a command against its reference."""

    section: str
    command: Command
    catalog: str
    timing: Timing
    reference: Command
    reference_label: str
    reference_timing: Timing
    target: float | None
    memory_limit: int | None = None
    size: int | None = None
    memory: bool = False  # show the peak RSS (always, when there is a limit)
    reference_memory: bool = False  # show the reference's peak RSS as well

    @property
    def ratio(self) -> float:
        return self.timing.median / self.reference_timing.median

    @property
    def peak(self) -> int | None:
        wanted = self.memory or self.memory_limit is not None
        return max(self.timing.peak_rss) if wanted and self.timing.peak_rss else None

    @property
    def reference_peak(self) -> int | None:
        rss = self.reference_timing.peak_rss
        return max(rss) if self.reference_memory and rss else None

    @property
    def result(self) -> str:
        over = []
        if self.target is not None and self.ratio > self.target:
            over.append("time")
        if self.memory_limit is not None and (self.peak is None or self.peak > self.memory_limit):
            over.append("memory")
        if over:
            return f"MISS ({', '.join(over)})"
        return "info" if self.target is None and self.memory_limit is None else "pass"


def shown(words: Sequence[str]) -> str:
    """Words as typed, with double quotes around those holding spaces."""
    return " ".join(f'"{w}"' if " " in w else w for w in words)


def quote(word: str) -> str:
    """``word`` for a shell: double quotes when they are enough (SQL reads better)."""
    if shlex.quote(word) == word or any(c in word for c in '"$`\\!'):
        return shlex.quote(word)
    return f'"{word}"'


class Runner:
    """Runs commands as whole processes and times them, with hyperfine or without."""

    def __init__(
        self, temp: Path, runs: int, long_runs: int, warmup: int, hyperfine: str | None
    ) -> None:
        self.temp = temp
        self.runs = runs
        self.long_runs = long_runs
        self.warmup = warmup
        self.hyperfine = hyperfine
        self.kdrama = _tool("kdrama")
        self.commands: list[str] = []  # every command timed, as a shell line
        home = temp / "home"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("KDRAMA_DB", *COMPLETION_ENV)
        }
        self.env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
        )
        home.mkdir()

    def kd(self, *words: str, env: Mapping[str, str] | None = None, label: str = "") -> Command:
        """A kdrama command, labelled as a user types it."""
        return Command(label or f"kdrama {shown(words)}", (self.kdrama, *words), env or {})

    def environ(self, command: Command) -> dict[str, str]:
        return {**self.env, **command.env}

    def shell_line(self, command: Command) -> str:
        """The command as a shell line, paths shortened to the checkout and $TMP; what
        runs untimed before each run comes first, as a comment."""
        words = [*(f"{k}={quote(v)}" for k, v in command.env.items())]
        line = " ".join(words + [quote(word) for word in command.argv])
        if command.prepare:
            line = f"# before each run: {' '.join(map(quote, command.prepare))}\n{line}"
        return line.replace(str(self.temp), "$TMP").replace(f"{ROOT}/", "")

    def output(self, command: Command) -> str:
        """What the command prints on stdout (it must succeed)."""
        done = subprocess.run(
            command.argv, env=self.environ(command), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise BenchmarkError(
                f"{self.shell_line(command)} exited {done.returncode}: {done.stderr.strip()}"
            )
        return done.stdout

    def once(self, command: Command) -> tuple[float, int]:
        """Run ``command`` once (through ``LAUNCH``); its seconds and peak RSS in bytes."""
        env = self.environ(command)
        if command.prepare:
            subprocess.run(command.prepare, env=env, check=True)
        result = self.temp / "run.txt"
        launch = [sys.executable, "-I", "-S", "-c", LAUNCH, str(result), *command.argv]
        with tempfile.TemporaryFile() as errors:
            done = subprocess.run(
                launch, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
            )
            if done.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()[-2000:]
                raise BenchmarkError(
                    f"{self.shell_line(command)} exited {done.returncode}: {message}"
                )
        seconds, rss = result.read_text().split()
        return float(seconds), int(rss) * (1 if sys.platform == "darwin" else 1024)

    def measure(
        self,
        commands: Sequence[Command],
        *,
        long: bool = False,
        warmup: int | None = None,
        runs: int | None = None,
    ) -> list[Timing]:
        """Time each command ``runs`` times (by default ``--runs``, ``long_runs`` when
        ``long``), after
        ``warmup`` rounds (``--warmup`` unless given: commands that run for minutes
        skip it). Without hyperfine the commands take turns, in a rotating order, so
        that a busy moment on the machine falls on all of them alike."""
        runs = runs or (self.long_runs if long else self.runs)
        warmup = self.warmup if warmup is None else warmup
        for command in commands:
            line = self.shell_line(command)
            if line not in self.commands:
                self.commands.append(line)
        print("  " + " · ".join(dict.fromkeys(c.label for c in commands)), file=sys.stderr)
        if self.hyperfine:
            return [Timing(self._hyperfine(command, runs, warmup)) for command in commands]
        for _ in range(warmup):
            for command in commands:
                self.once(command)
        timings = [Timing([], []) for _ in commands]
        for run in range(runs):
            for i in range(len(commands)):
                at = (i + run) % len(commands)
                seconds, rss = self.once(commands[at])
                timings[at].times.append(seconds)
                timings[at].peak_rss.append(rss)
        return timings

    def peak_memory(self, command: Command, timing: Timing) -> None:
        """Make sure ``timing`` knows the command's peak memory (hyperfine does not
        report it: one more run, by the harness)."""
        if not timing.peak_rss:
            timing.peak_rss.append(self.once(command)[1])

    def _hyperfine(self, command: Command, runs: int, warmup: int) -> list[float]:
        assert self.hyperfine is not None
        result = self.temp / "hyperfine.json"
        argv = [self.hyperfine, "-N", "--style", "none", "--warmup", str(warmup)]
        argv += ["--runs", str(runs), "--export-json", str(result)]
        if command.prepare:
            argv += ["--prepare", shlex.join(command.prepare)]
        argv.append(shlex.join(command.argv))
        done = subprocess.run(argv, env=self.environ(command), stdout=subprocess.DEVNULL)
        if done.returncode != 0:
            raise BenchmarkError(f"hyperfine failed on {self.shell_line(command)}")
        times: list[float] = json.loads(result.read_text())["results"][0]["times"]
        return times


def _tool(name: str) -> str:
    """A command of this environment: beside this Python (the venv), else on the PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise BenchmarkError(f"{name} not found: run this with `uv run` from the checkout")
    return found


def floor(code: str) -> Command:
    return Command(f'python -c "{code}"', (sys.executable, "-c", code))


def catalog_env(db: Path) -> dict[str, str]:
    return {"KDRAMA_DB": str(db)}


# Sections: each returns its rows, checking first that the commands answer as expected.


def startup(r: Runner) -> list[Row]:
    bundled = "bundled"
    completion = r.kd(env=COMPLETION_ENV, label="kdrama list --actor So<TAB>")
    offered = r.output(completion).splitlines()
    if "Son\\ Ye\\ Jin" not in offered:
        raise BenchmarkError(f"completing 'So' did not offer Son Ye Jin: {offered}")
    groups = [
        ([r.kd("list", "--json")], floor("import typer, sqlite3, json")),
        (
            [r.kd("list"), r.kd("--help")],
            floor("import typer, sqlite3, rich.console, rich.table"),
        ),
        ([completion], floor("import typer, sqlite3")),
    ]
    rows = []
    for commands, reference in groups:
        *timings, reference_timing = r.measure([*commands, reference])
        rows += [
            Row(
                "startup",
                command,
                bundled,
                timing,
                reference,
                reference.label,
                reference_timing,
                STARTUP_TARGET,
            )
            for command, timing in zip(commands, timings, strict=True)
        ]
    return rows


LOOKUPS: list[tuple[list[str], dict[str, str], float | None]] = [
    (["list", "--actor", "Son Ye Jin", "--limit", "20"], {}, LOOKUP_TARGET),
    (["list", "--drama", "CLOY"], {}, LOOKUP_TARGET),
    (["list", "--year", "2020", "--limit", "20"], {}, LOOKUP_TARGET),
    (["random"], {}, LOOKUP_TARGET),
    (["random", "--actor", "Son Ye Jin"], {}, LOOKUP_TARGET),
    (["show", "5"], {}, LOOKUP_TARGET),
    (["actors", "--limit", "20"], {}, LOOKUP_TARGET),
    # Carried over from the earlier million-scene benchmark, with its limit.
    (["list", "--actor", "손예진", "--json"], {}, LOOKUP_EXTRA_TARGET),
    (["list", "--character", "Yoon Se Ri", "--json"], {}, LOOKUP_EXTRA_TARGET),
    (["list", "--sort", "year", "--desc", "--limit", "10", "--json"], {}, LOOKUP_EXTRA_TARGET),
    (["list", "--actor", "Son Ye Jn"], {}, LOOKUP_EXTRA_TARGET),  # the suggestion path
    ([], COMPLETION_ENV, None),  # TAB on a name: information only
]


def lookup(r: Runner, size: int, db: Path) -> list[Row]:
    found = json.loads(
        r.output(r.kd("list", "--actor", "Son Ye Jin", "--json", env=catalog_env(db)))
    )
    if len(found) != 3:
        raise BenchmarkError(f"expected 3 Son Ye Jin scenes in {db}, found {len(found)}")
    return [
        against_bundled(
            r, "lookup", size, db, words, env, target, "kdrama list --actor So<TAB>" if env else ""
        )
        for words, env, target in LOOKUPS
    ]


def against_bundled(
    r: Runner,
    section: str,
    size: int,
    db: Path,
    words: Sequence[str],
    env: Mapping[str, str],
    target: float | None,
    label: str = "",
) -> Row:
    """A command on the synthetic catalog ``db``, timed against itself on the bundled one."""
    large = r.kd(*words, env={**env, **catalog_env(db)}, label=label)
    small = r.kd(*words, env=env, label=label)
    timing, reference_timing = r.measure([large, small])
    return Row(
        section,
        large,
        f"{size:,} scenes",
        timing,
        small,
        "same, bundled catalog",
        reference_timing,
        target,
        size=size,
    )


SEARCHES: list[tuple[list[str], float | None]] = [
    (["search", "gunshot", "--json"], SEARCH_TARGET),
    (["search", "gunshot"], SEARCH_TARGET),
    (["search", "불시착", "--json"], SEARCH_TARGET),
    (["search", "weeps", "wound", "--json"], SEARCH_TARGET),
    (["search", "gunshot", "--actor", "Son Ye Jin", "--json"], SEARCH_TARGET),
    # Common words: information. The synthetic scenes' words include "finally kisses"
    # and "tear", so the second finds about one scene in eight, all printed as JSON.
    (["search", "rooftop", "--limit", "20", "--json"], None),
    (["search", "kisses", "tears", "--json"], None),
]


def search(r: Runner, size: int, db: Path) -> list[Row]:
    found = json.loads(r.output(r.kd("search", "gunshot", "--json", env=catalog_env(db))))
    if [scene["drama"] for scene in found] != ["Crash Landing on You"]:
        raise BenchmarkError(f"search gunshot in {db} found {found}")
    return [against_bundled(r, "search", size, db, words, {}, target) for words, target in SEARCHES]


def export(r: Runner, size: int, db: Path) -> list[Row]:
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        raise BenchmarkError("the sqlite3 command is needed for the export section")
    reference = Command("sqlite3 -json (the same fields)", (sqlite, "-json", str(db), EXPORT_SQL))
    _check_export_fields(r, db, sqlite)
    commands = [
        r.kd("export", "--format", "jsonl", env=catalog_env(db)),
        r.kd("list", "--json", env=catalog_env(db)),
    ]
    *timings, reference_timing = r.measure([*commands, reference], long=True)
    rows = []
    target_export = EXPORT_TARGET if size >= EXPORT_TARGET_SCENES else None
    for command, timing, target in zip(commands, timings, [target_export, None], strict=True):
        r.peak_memory(command, timing)
        rows.append(
            Row(
                "export",
                command,
                f"{size:,} scenes",
                timing,
                reference,
                reference.label,
                reference_timing,
                target,
                EXPORT_MEMORY_LIMIT,
                size,
            )
        )
    return rows


def json_list(r: Runner, size: int, db: Path) -> list[Row]:
    """Piped ``list --json`` against the sqlite3 shell building the same objects."""
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        raise BenchmarkError("the sqlite3 command is needed for the json section")
    sql = json_sql(db)
    reference = Command("sqlite3 (the same JSON objects)", (sqlite, str(db), sql))
    ours = r.output(r.kd("list", "--limit", "3", "--json", env=catalog_env(db)))
    theirs = r.output(Command("", (sqlite, str(db), sql + " LIMIT 3"))).splitlines()
    if ours != "[" + ",".join(theirs) + "]\n":
        raise BenchmarkError(f"piped list --json is not sqlite3's objects:\n{ours}\n{theirs}")
    command = r.kd("list", "--json", env=catalog_env(db), label="kdrama list --json (piped)")
    timing, reference_timing = r.measure([command, reference], long=True)
    r.peak_memory(command, timing)
    target = JSON_TARGET if size >= EXPORT_TARGET_SCENES else None
    row = Row(
        "json",
        command,
        f"{size:,} scenes",
        timing,
        reference,
        reference.label,
        reference_timing,
        target,
        EXPORT_MEMORY_LIMIT,
        size,
    )
    return [row]


# The lines of a whole table a user waits for before seeing the first rows: a screen.
FIRST_LINES = 50
# Each command on a terminal: its words, the lines read before it is ended (0: all it
# draws), what the catalog column adds, the target.
SCREENS: list[tuple[list[str], int, str, float | None]] = [
    (["list"], 0, "", SCREEN_TARGET),
    # A selective word (found once, in the bundled scenes' drama) and a common one: the
    # first screen of a common word ranks every match, for information.
    (["search", "gunshot"], 0, "", SCREEN_TARGET),
    (["search", "rain"], 0, " (a common word)", None),
    # Every scene as a table, until the first screen of it is drawn; the bundled
    # catalog's whole table (30 lines) is drawn in that time.
    (["list", "--all", "--format", "table"], FIRST_LINES, "", SCREEN_TARGET),
]


def on_a_terminal(
    r: Runner, words: Sequence[str], env: Mapping[str, str], lines: int = 0
) -> Command:
    """``kdrama WORDS`` run on a pseudo-terminal, as a user at a terminal runs it: to
    its end, or until it has drawn ``lines`` lines."""
    argv = (sys.executable, "-I", "-S", "-c", ON_A_TERMINAL, str(lines), r.kdrama, *words)
    label = f"kdrama {shown(words)} (on a terminal" + (f", {lines} lines)" if lines else ")")
    return Command(label, argv, {**SCREEN_ENV, **env})


def screen(r: Runner, size: int, db: Path) -> list[Row]:
    """The first screen on a terminal against the same on the bundled catalog; at a
    million scenes, a whole table drawn page by page, in flat memory."""
    drawn = r.output(on_a_terminal(r, ["list"], catalog_env(db)))
    note = f"Showing 30 of {size:,} scenes. Use --limit N or --all."
    if note not in drawn:
        raise BenchmarkError(f"kdrama list on a terminal did not end with {note!r}:\n{drawn}")
    rows = []
    for words, lines, what, target in SCREENS:
        large = on_a_terminal(r, words, catalog_env(db), lines)
        small = on_a_terminal(r, words, {}, lines)
        timing, reference_timing = r.measure([large, small])
        rows.append(
            Row(
                "screen",
                large,
                f"{size:,} scenes{what}",
                timing,
                small,
                "same, bundled catalog" + (" (its whole table)" if lines else ""),
                reference_timing,
                target,
                size=size,
                memory=True,
            )
        )
    if size >= EXPORT_TARGET_SCENES:
        rows.append(_whole_table(r, size, db))
    return rows


# Each command of the tags section: its words, whether it runs on a terminal, the target.
TAG_COMMANDS: list[tuple[list[str], bool, float | None]] = [
    (["list", "--tag", "kiss"], True, TAGS_TARGET),
    (["list", "--tag", "kiss", "--limit", "30", "--json"], False, TAGS_TARGET),
    (["list", "--tag", "KISS", "--tag", "rain", "--limit", "30", "--json"], False, TAGS_TARGET),
    (["tags", "--json"], False, TAGS_TARGET),
]
# The bundled scene that is a kiss (Crash Landing on You's "kisses Se Ri's tears away").
BUNDLED_KISS = 6


def tagged_bundled(r: Runner) -> Path:
    """A copy of the bundled catalog with its kiss scene tagged kiss and rain: the
    reference of the tags section, which must find a scene as the large catalog does."""
    from kdrama_cli.storage import bundled_catalog_path

    copy = r.temp / "bundled-tagged.db"
    if not copy.exists():
        shutil.copyfile(bundled_catalog_path(), copy)
        r.output(r.kd("tag", str(BUNDLED_KISS), "kiss", "rain", env=catalog_env(copy)))
    return copy


def tags(r: Runner, size: int, db: Path) -> list[Row]:
    """``list --tag`` and the tags facet against the same on the tagged bundled catalog."""
    bundled = tagged_bundled(r)
    kiss = r.output(r.kd("tags", "--json", env=catalog_env(db)))
    count = {row["tag"]: row["count"] for row in json.loads(kiss)}.get("kiss", 0)
    drawn = r.output(on_a_terminal(r, ["list", "--tag", "kiss"], catalog_env(db)))
    note = f"Showing 30 of {count:,} scenes. Use --limit N or --all."
    if not count or note not in drawn:
        raise BenchmarkError(f"kdrama list --tag kiss on a terminal did not end with {note!r}")
    rows = []
    for words, terminal, target in TAG_COMMANDS:
        if terminal:
            large = on_a_terminal(r, words, catalog_env(db))
            small = on_a_terminal(r, words, catalog_env(bundled))
        else:
            large = r.kd(*words, env=catalog_env(db))
            small = r.kd(*words, env=catalog_env(bundled))
        timing, reference_timing = r.measure([large, small])
        rows.append(
            Row(
                "tags",
                large,
                f"{size:,} scenes",
                timing,
                small,
                "same, bundled catalog (its kiss scene tagged)",
                reference_timing,
                target,
                size=size,
                memory=terminal,
            )
        )
    return rows


def _whole_table(r: Runner, size: int, db: Path) -> Row:
    """``list --all --format table`` into /dev/null against the same rows as piped
    lines (the same scenes read, nothing drawn): the cost of drawing, and its memory."""
    table = r.kd("list", "--all", "--format", "table", env={**SCREEN_ENV, **catalog_env(db)})
    lines = r.kd("list", "--all", env=catalog_env(db), label="kdrama list --all (piped lines)")
    first = r.output(r.kd("list", "--limit", "150", "-f", "table", env=table.env)).splitlines()
    if sum(line.startswith("┃") for line in first) != 1 or not first[-1].startswith("└"):
        raise BenchmarkError("kdrama list --format table did not draw one table of 150 rows")
    timing, reference_timing = r.measure([table, lines], runs=SCREEN_ALL_RUNS, warmup=0)
    r.peak_memory(table, timing)
    return Row(
        "screen",
        table,
        f"{size:,} scenes",
        timing,
        lines,
        lines.label,
        reference_timing,
        None,
        SCREEN_MEMORY_LIMIT,
        size,
    )


def _check_export_fields(r: Runner, db: Path, sqlite: str) -> None:
    """The reference query selects what kdrama writes: compare the first scenes."""
    ours = [
        json.loads(line)
        for line in r.output(
            r.kd("list", "--limit", "3", "--format", "jsonl", env=catalog_env(db))
        ).splitlines()
    ]
    theirs = json.loads(r.output(Command("", (sqlite, "-json", str(db), EXPORT_SQL + " LIMIT 3"))))
    for scene in theirs:
        for key in (
            *("actors", "characters", "drama_aliases", "actors_korean"),
            *("actor_aliases", "urls", "tags"),
        ):
            scene[key] = json.loads(scene[key])
        scene["favorite"] = bool(scene["favorite"])
    if [list(s.items()) for s in ours] != [list(s.items()) for s in theirs]:
        raise BenchmarkError(
            f"sqlite3 -json does not select what kdrama exports:\n{ours}\n{theirs}"
        )


def import_(r: Runner, size: int) -> list[Row]:
    """``kdrama import`` of ``size`` generated scenes into a new catalog, against
    ``sqlite-utils insert --nl`` of the same file, with the peak memory of both.

    The file is written for this size alone and removed with both databases before the
    next size: a million scenes make about 530 MB of JSON Lines and as much again of
    each database, too much to keep for the rest of the run."""
    folder = r.temp / "import"
    folder.mkdir()
    try:
        source, new, flat = folder / "scenes.jsonl", folder / "new.db", folder / "flat.db"
        write_scenes(source, size)
        file_mb = source.stat().st_size / MB
        catalog = f"{size:,} scenes ({file_mb:.{0 if file_mb >= 10 else 1}f} MB of JSON Lines)"
        print(f"  {catalog}", file=sys.stderr)

        def remove(db: Path) -> tuple[str, ...]:
            paths = [str(db), *(f"{db}{suffix}" for suffix in ("-journal", "-wal", "-shm"))]
            return (sys.executable, "-c", REMOVE_FILES, *paths)

        command = Command(
            "kdrama import scenes.jsonl --db new.db",
            (r.kdrama, "import", str(source), "--db", str(new)),
            prepare=remove(new),
        )
        reference = Command(
            "sqlite-utils insert flat.db scenes scenes.jsonl --nl",
            (_tool("sqlite-utils"), "insert", str(flat), "scenes", str(source), "--nl"),
            prepare=remove(flat),
        )
        searchable = _searchable_reference(source, folder / "flat-fts.db")
        warmup = 0 if size >= IMPORT_COLD_FROM else None
        timing, reference_timing, searchable_timing = r.measure(
            [command, reference, searchable], long=True, warmup=warmup
        )
        _check_import(r, new, flat, size)  # what the last runs left
        _check_searchable(folder / "flat-fts.db", size)
        r.peak_memory(command, timing)
        r.peak_memory(reference, reference_timing)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    target = Row(
        "import",
        command,
        catalog,
        timing,
        reference,
        reference.label,
        reference_timing,
        IMPORT_TARGET,
        IMPORT_MEMORY_LIMIT,
        reference_memory=True,
    )
    label = searchable.label
    return [
        target,
        Row("import", command, catalog, timing, searchable, label, searchable_timing, None),
    ]


# The columns of the flat table that the searchable reference indexes: what kdrama's
# search index holds of a scene that a file gives (tags and notes it has none of).
SEARCHABLE_COLUMNS = ("title", "drama", "drama_korean", "actors", "characters", "description")


def _searchable_reference(source: Path, flat: Path) -> Command:
    """``sqlite-utils insert --nl`` followed by ``sqlite-utils enable-fts`` with the
    Porter stemmer on the columns kdrama's search index reads: a flat table that can be
    searched, for information beside the target's reference, which cannot."""
    tool = _tool("sqlite-utils")
    insert = (tool, "insert", str(flat), "scenes", str(source), "--nl")
    index = (tool, "enable-fts", str(flat), "scenes", *SEARCHABLE_COLUMNS, "--fts5")
    index += ("--tokenize", "porter")
    paths = [str(flat), f"{flat}-journal"]
    return Command(
        "sqlite-utils insert flat.db scenes scenes.jsonl --nl, then sqlite-utils enable-fts"
        f" flat.db scenes {' '.join(SEARCHABLE_COLUMNS)} --fts5 --tokenize porter",
        ("/bin/sh", "-c", f"{shlex.join(insert)} && {shlex.join(index)}"),
        prepare=(sys.executable, "-c", REMOVE_FILES, *paths),
    )


def _check_import(r: Runner, new: Path, flat: Path, size: int) -> None:
    """Both tools added every scene: a fast import that drops scenes would pass."""
    info = json.loads(r.output(r.kd("db", "info", "--db", str(new), "--json")))
    if info["scenes"] != size:
        raise BenchmarkError(f"kdrama imported {info['scenes']} scenes, not {size}")
    if (inserted := _rows(flat, "scenes")) != size:
        raise BenchmarkError(f"sqlite-utils inserted {inserted} rows, not {size}")


def _check_searchable(flat: Path, size: int) -> None:
    """The searchable reference indexed every row it inserted."""
    if (indexed := _rows(flat, "scenes_fts")) != size:
        raise BenchmarkError(f"sqlite-utils enable-fts indexed {indexed} rows, not {size}")


def _rows(db: Path, table: str) -> int:
    """How many rows ``table`` of the database ``db`` has."""
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    finally:
        conn.close()


def write_scenes(path: Path, count: int, seed: int = 0) -> None:
    """``count`` scenes as ``kdrama list --format jsonl`` prints them, without ids:
    Korean names with Hangul, dramas with Korean titles, 2 actors and 2 characters a
    scene, drawn as in ``synthetic.py``. Each drama (a title and a year) is drawn once,
    with one Korean title and network, as a real file has it: kdrama refuses a file
    that gives one drama two networks."""
    rng = random.Random(seed)
    names = _Names(rng)
    people = [names.draw() for _ in range(max(2, count // 10))]
    dramas = []
    drawn: set[tuple[str, int]] = set()
    while len(dramas) < max(1, count // 20):
        title, korean = _title(rng)
        year = rng.randint(1990, 2025)
        # Two titles that kdrama reads as one (Night, Knight) would be one drama.
        same = {(key, year) for key in (name_key(title), sound_key(title))}
        if same & drawn:
            continue
        drawn |= same
        leads = rng.sample(people, 2)
        roles = [(names.draw(), actor) for actor in leads]
        dramas.append((title, korean, year, rng.choice(NETWORKS), roles))
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


# Reporting.


def duration(seconds: float, unit: float) -> str:
    if unit < 1:
        return f"{seconds * 1000:.0f}"
    return f"{seconds:.2f}" if unit < 10 else f"{seconds:.1f}"


def spread(timing: Timing) -> str:
    """The median with the range of the runs, e.g. ``82 ms (79–90)``."""
    median = timing.median
    unit = "ms" if median < 1 else "s"
    low, high = (duration(t, median) for t in (min(timing.times), max(timing.times)))
    return f"{duration(median, median)} {unit} ({low}–{high})"


def megabytes(size: int | None) -> str:
    return "—" if size is None else f"{size / MB:.0f} MB"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table; with a column for the reference's peak RSS when a
    row measured it (import), so that other sections keep their columns."""
    with_reference = any(row.reference_peak is not None for row in rows)
    headers = ["command", "catalog", "median (min–max)", "reference", "median (min–max)"]
    headers += ["ratio", "target", "peak RSS"]
    headers += ["reference peak RSS", "result"] if with_reference else ["result"]
    body = []
    for row in rows:
        memory = megabytes(row.peak)
        if row.memory_limit is not None:
            memory += f" (limit {row.memory_limit / MB:.0f})"
        cells = [
            f"`{row.command.label}`",
            row.catalog,
            spread(row.timing),
            f"`{row.reference_label}`"
            if row.reference_label == row.reference.label
            else row.reference_label,
            spread(row.reference_timing),
            f"{row.ratio:.2f}x",
            "—" if row.target is None else f"≤ {row.target}x",
            memory,
        ]
        if with_reference:
            cells.append(megabytes(row.reference_peak))
        body.append([*cells, row.result])
    return markdown_table(headers, body)


def scaling_table(rows: Sequence[Row], sizes: Sequence[int]) -> str:
    """Each size-dependent command's median (ratio to its reference) at every size."""
    by_command: dict[tuple[str, str], dict[int, Row]] = {}
    for row in rows:
        if row.size is not None:
            by_command.setdefault((row.section, row.command.label), {})[row.size] = row
    headers = ["command", "reference", *(f"{size:,} scenes" for size in sizes)]
    body = []
    for (_, label), at in by_command.items():
        cells = []
        for size in sizes:
            found = at.get(size)
            if found is None:
                cells.append("—")
                continue
            cell = f"{spread(found.timing).split(' (')[0]} ({found.ratio:.2f}x)"
            cells.append(cell + (f", {megabytes(found.peak)}" if found.peak is not None else ""))
        reference = next(iter(at.values())).reference_label
        body.append([f"`{label}`", reference, *cells])
    return markdown_table(headers, body)


def machine(r: Runner) -> list[str]:
    """The machine and software the numbers come from, as Markdown list items."""
    cpu = platform.processor() or platform.machine()
    memory = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) * 1024 / 1e9:.1f} GB"
                break
    system = f"{platform.system()} {platform.release()}"
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} ({system})"
    sqlite_cli = shutil.which("sqlite3")
    cli_version = _quiet([sqlite_cli, "--version"]).split(" ")[0] if sqlite_cli else "not found"
    commit = _quiet(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    if _quiet(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"]):
        commit += " (with uncommitted changes in src/)"
    timer = f"hyperfine {_quiet([r.hyperfine, '--version']).split()[-1]}" if r.hyperfine else None
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores",
        f"RAM: {memory}",
        f"OS: {system}",
        f"Python: {platform.python_implementation()} {platform.python_version()}",
        f"SQLite: {sqlite3.sqlite_version} in Python, sqlite3 command {cli_version}",
        f"kdrama: {_quiet([r.kdrama, '--version']).split()[-1]}, git commit {commit}",
        f"Timer: {timer or 'the built-in harness'}",
        f"Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"Load average at the start (1, 5, 15 min): {load}",
    ]


def _quiet(argv: Sequence[str | None]) -> str:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
    return done.stdout.strip()


def compile_bytecode(quiet: bool = False) -> None:
    """Compile src/ and the venv's packages, as installing them does: kdrama and the
    Python floors then start from cached bytecode (with PYTHONDONTWRITEBYTECODE set,
    nothing would otherwise be cached and every run would compile from source)."""
    packages = sysconfig.get_paths()["purelib"]
    if not quiet:
        print(f"compiling bytecode in src/ and {packages}", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src"), packages],
        capture_output=True,
    )


@dataclass
class Section:
    """A section of the report: timed rows, or (names) its own Markdown and targets,
    each named with whether it was met."""

    name: str
    rows: list[Row]
    body: str = ""
    checks: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return SECTION_TEXT[self.name][0]

    @property
    def note(self) -> str:
        return SECTION_TEXT[self.name][1]

    def markdown(self) -> str:
        body = self.body or results_table(self.rows)
        return f"### {self.title}\n\n{self.note}\n\n{body}"


SECTION_TEXT = {
    "startup": (
        "Start-up on the bundled catalog",
        f"Each command against Python importing what it needs; target {STARTUP_TARGET}x.",
    ),
    "lookup": (
        "Lookups on synthetic catalogs",
        f"Each command against the same command on the bundled catalog; target "
        f"{LOOKUP_TARGET}x ({LOOKUP_EXTRA_TARGET}x for the rows carried over from the "
        "million-scene benchmark before this one; completion is for information).",
    ),
    "export": (
        "Export of every scene",
        "Against `sqlite3 -json` selecting the same fields from the same file. Target: "
        f"{EXPORT_TARGET}x at {EXPORT_TARGET_SCENES:,} scenes (on smaller catalogs "
        "Python's start-up weighs in against sqlite3's few milliseconds, so those ratios "
        f"are for information), and a peak RSS under {EXPORT_MEMORY_LIMIT // MB} MB at "
        "every size, for `list --json` too.",
    ),
    "import": (
        "Import",
        "Against `sqlite-utils insert --nl` of the same JSON Lines into one flat table "
        f"(no name keys, no search index). Targets at every size: {IMPORT_TARGET}x, and "
        f"a peak RSS of at most {IMPORT_MEMORY_LIMIT // MB} MB for kdrama (sqlite-utils' "
        "is shown beside it). The scenes are drawn as in `synthetic.py` (`write_scenes` "
        "in `run.py`, seed 0), without ids, so every one is added; both tools' results "
        f"are counted. From {IMPORT_COLD_FROM:,} scenes on, no warm-up run. For "
        "information, the same insert followed by `sqlite-utils enable-fts` with the "
        "Porter stemmer on the columns kdrama's search index reads: a flat table that "
        "can be searched.",
    ),
    "search": (
        "Search on synthetic catalogs",
        "Against the same command on the bundled catalog; target "
        f"{SEARCH_TARGET}x for selective words (the bundled scenes' words, found nowhere "
        "else in the synthetic catalogs); common words are shown for information.",
    ),
    "json": (
        "Piped JSON",
        "`kdrama list --json` into a pipe (compact, one line) against the `sqlite3` shell "
        "building the same JSON objects with the SQL kdrama uses. Target: "
        f"{JSON_TARGET}x at {EXPORT_TARGET_SCENES:,} scenes (smaller catalogs are for "
        f"information), and a peak RSS under {EXPORT_MEMORY_LIMIT // MB} MB.",
    ),
    "screen": (
        "A screenful on a terminal",
        "Each command runs on a pseudo-terminal made by the harness (100 columns, 50 "
        "lines; a small Python launcher reads all it draws), showing the first 30 rows "
        f"and the note on how many there are, against the same on the bundled catalog; "
        f"target {SCREEN_TARGET}x (a common word, whose first screen ranks every match, "
        f"is for information). `list --all --format table` on a terminal is timed until "
        f"it has drawn {FIRST_LINES} lines (the bundled catalog's whole table is shorter), "
        "when the launcher ends it: how soon the first rows of a long table appear. "
        f"At {EXPORT_TARGET_SCENES:,} scenes, `list --all --format "
        "table` draws every scene into /dev/null, a page of rows at a time, against the "
        "same scenes written as piped lines: a peak RSS under "
        f"{SCREEN_MEMORY_LIMIT // MB} MB; {SCREEN_ALL_RUNS} run, no warm-up (it takes "
        "minutes), the time for information.",
    ),
    "tags": (
        "Tags",
        "`list --tag kiss` on a terminal (the first 30 rows and the note on how many "
        "there are, as in the screen section) and piped as JSON, an all-of filter of two "
        "tags (the first typed in another case), and the `tags` facet, on synthetic "
        "catalogs where nearly half the scenes have tags (kiss on about one in twelve, "
        "`TAGS` in `synthetic.py`), against the same on a copy of the bundled catalog "
        f"with its kiss scene tagged kiss and rain; target {TAGS_TARGET}x.",
    ),
    "names": (
        "Name matching",
        "Not a timing: how well `list --actor`/`--character` find real names as people "
        "spell them (issue 16). `benchmarks/names_eval.py` reads real actors and "
        "characters with their Hangul and credited spellings (`benchmarks/data/names.toml`), "
        "spells each with korean-romanizer and hangul-romanize (Revised Romanization), "
        "ko-pron (McCune-Reischauer) and popular variants made from the Hangul, builds a "
        "catalog with one scene per name, and looks every spelling up with "
        "`Catalog.list_scenes`, as `list` does. A query finds its name when that name is "
        "among those returned, and is a wrong match when anyone else is. Targets from the "
        "issue: recall of at least 99.5% for the exact sources and 98% for popular ones, "
        "no wrong match, at most 2% of near-miss names typed in Latin and none typed in "
        "Hangul returning anyone.",
    ),
}


def run_sections(
    r: Runner, only: Sequence[str], sizes: Sequence[int], import_sizes: Sequence[int]
) -> Iterator[Section]:
    catalogs: dict[int, Path] = {}

    def catalog(size: int) -> Path:
        if size not in catalogs:
            catalogs[size] = cached_catalog(size)
        return catalogs[size]

    for name in SECTIONS:
        if name not in only:
            continue
        print(f"{name}:", file=sys.stderr)
        started = time.perf_counter()
        compile_bytecode(quiet=True)  # src/ may have changed since
        checks: list[tuple[str, bool]] = []
        body = ""
        if name == "startup":
            found = startup(r)
        elif name == "names":
            evaluation = names_eval.evaluate(names_eval.load())
            found, body, checks = [], names_eval.markdown(evaluation), evaluation.checks()
        elif name == "import":
            found = [row for size in import_sizes for row in import_(r, size)]
        else:
            measure = {
                "lookup": lookup,
                "export": export,
                "search": search,
                "json": json_list,
                "screen": screen,
                "tags": tags,
            }[name]
            found = [row for size in sizes for row in measure(r, size, catalog(size))]
        minutes = (time.perf_counter() - started) / 60
        print(f"{name}: done in {minutes:.1f} min", file=sys.stderr)
        yield Section(name, found, body, checks)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def missed(rows: Sequence[Row]) -> list[Row]:
    return [row for row in rows if row.result.startswith("MISS")]


def summary(rows: Sequence[Row], checks: Sequence[tuple[str, bool]] = ()) -> str:
    """How many targets were met, naming the missed ones (timed rows, then the other
    sections' named targets)."""
    targets = [row for row in rows if row.result != "info"]
    misses = missed(rows)
    failed = [label for label, passed in checks if not passed]
    named = "; ".join([*(f"`{row.command.label}` ({row.catalog})" for row in misses), *failed])
    count = len(misses) + len(failed)
    total = len(targets) + len(checks)
    return f"{total} targets, {count} missed" + (f": {named}." if named else ".")


def all_checks(sections: Sequence[Section]) -> list[tuple[str, bool]]:
    return [check for section in sections for check in section.checks]


def report(
    sections: Sequence[Section], sizes: Sequence[int], r: Runner, facts: list[str], command: str
) -> str:
    rows = [row for section in sections for row in section.rows]
    parts = [
        "# Benchmarks",
        "",
        "How fast kdrama runs, measured by `benchmarks/run.py` (issue 6). Every command runs "
        "as a whole process, as a shell runs it, and is compared with a reference measured "
        "in the same run: Python importing what the command needs, the same command on the "
        "bundled six-scene catalog, or `sqlite3` / `sqlite-utils` doing the same work. "
        "To measure again:",
        "",
        "```",
        command,
        "```",
        "",
        "## Machine",
        "",
        *(f"- {fact}" for fact in facts),
        "",
        "## Method",
        "",
        f"- Quick commands: median of {plural(r.runs, 'run')}; export and import: "
        f"{plural(r.long_runs, 'run')}; {plural(r.warmup, 'warm-up run')} first "
        f"(none for imports of {IMPORT_COLD_FROM:,} scenes or more, which take minutes). "
        + (
            "Each command is timed by hyperfine (`-N`, `--export-json`), its runs in a row."
            if r.hyperfine
            else "The commands of a comparison take turns, in a rotating order, so that "
            "other work on the machine falls on all of them alike; each run is timed around "
            "fork, exec and wait."
        ),
        "- Peak RSS is the process's maximum resident memory as the kernel counts it "
        "(`ru_maxrss` from `os.wait4`: SQLite's page cache included, not only Python's heap; "
        "the largest of the process and any child it waited for, and neither kdrama nor "
        "sqlite-utils starts one), the largest of the timed runs or, under hyperfine, of one "
        "more run. The process is forked by a small launcher, not by the benchmark, whose own "
        "memory Linux would otherwise count in the child's peak; the floor is about 5 MB.",
        "- Bytecode is compiled first (`python -m compileall -q src <site-packages>`), so "
        "kdrama and the Python floors both start from cached bytecode, as an installed "
        "tool does; the environment sets PYTHONDONTWRITEBYTECODE=1, which otherwise makes "
        "every run compile from source.",
        "- Synthetic catalogs come from `benchmarks/synthetic.py` (one drama per 20 scenes, "
        "one person per 10, two actors and two characters a scene) and are cached in "
        "`benchmarks/.cache/`. Every command runs with HOME and XDG_DATA_HOME in an empty "
        "temporary folder ($TMP below), so the bundled catalog is the one used unless "
        "KDRAMA_DB names another.",
        "- Times are wall-clock medians with the range of the runs in brackets; a ratio is "
        "the command's median over its reference's.",
        "",
        "## Results",
        "",
        summary(rows, all_checks(sections)),
    ]
    for section in sections:
        parts += ["", section.markdown()]
    if len(sizes) > 1 and any(row.size is not None for row in rows):
        parts += [
            "",
            "### Scaling",
            "",
            "Median time at each catalog size, with its ratio to the reference (and the "
            "peak RSS where measured).",
            "",
            scaling_table(rows, sizes),
        ]
    parts += [
        "",
        "## Commands",
        "",
        "Every command ran with KDRAMA_DB unset unless shown, and with HOME=$TMP/home, "
        "XDG_DATA_HOME=$TMP/home/.local/share, XDG_CONFIG_HOME=$TMP/home/.config and "
        "XDG_CACHE_HOME=$TMP/home/.cache, $TMP being a new temporary folder.",
        "",
        "```",
        *r.commands,
        "```",
        "",
    ]
    return "\n".join(parts)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic catalog sizes")
    parser.add_argument("--runs", type=int, default=7, help="runs of each quick command")
    parser.add_argument("--long-runs", type=int, default=3, help="runs of export and import")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs before timing")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="sections to run, separated by commas"
    )
    parser.add_argument(
        "--import-sizes",
        default=",".join(str(size) for size in IMPORT_SIZES),
        help="scenes to import, one file of each size (a million make about 530 MB)",
    )
    parser.add_argument("--write", type=Path, metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--timer",
        choices=["auto", "hyperfine", "harness"],
        default="auto",
        help="hyperfine when installed (auto), or the built-in harness, whose interleaved "
        "runs suit a busy machine better",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if any(size < 10 for size in args.sizes):
        parser.error("a synthetic catalog needs at least 10 scenes")
    try:
        args.import_sizes = [int(size.replace("_", "")) for size in args.import_sizes.split(",")]
    except ValueError:
        parser.error(f"--import-sizes takes numbers separated by commas, not {args.import_sizes!r}")
    if any(size < 1 for size in args.import_sizes):
        parser.error("--import-sizes must be at least 1")
    args.only = [name.strip() for name in args.only.split(",")]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; pick from {SECTIONS}")
    if min(args.runs, args.long_runs) < 1 or args.warmup < 0:
        parser.error("--runs and --long-runs must be at least 1, --warmup at least 0")
    args.hyperfine = None if args.timer == "harness" else shutil.which("hyperfine")
    if args.timer == "hyperfine" and args.hyperfine is None:
        parser.error("hyperfine is not on the PATH")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    words = sys.argv[1:] if argv is None else list(argv)
    command = shlex.join(["uv", "run", "python", "benchmarks/run.py", *words])
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="kdrama-bench-") as folder:
        r = Runner(Path(folder), args.runs, args.long_runs, args.warmup, args.hyperfine)
        facts = machine(r)
        sections = []
        try:
            for section in run_sections(r, args.only, args.sizes, args.import_sizes):
                sections.append(section)
                print(f"\n{section.markdown()}", flush=True)
        except BenchmarkError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        text = report(sections, args.sizes, r, facts, command)
    rows = [row for section in sections for row in section.rows]
    if len(args.sizes) > 1 and any(row.size is not None for row in rows):
        print(f"\n### Scaling\n\n{scaling_table(rows, args.sizes)}")
    print(f"\n{summary(rows, all_checks(sections))}")
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    failed = [label for label, passed in all_checks(sections) if not passed]
    return 1 if missed(rows) or failed else 0


if __name__ == "__main__":
    sys.exit(main())
