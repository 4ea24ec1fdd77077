"""Fuzzing the command line (issue 7): arguments and imported data drawn from an
alphabet of brackets, quotes, wildcards, backslashes, escape sequences, Hangul and
emoji never produce a traceback, an exit code other than 0, 1 or 2, JSON that does not
parse, a raw control character in what people read, or a catalog that fails SQLite's
integrity check."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unicodedata
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kdrama_cli.errors import ExitCode
from kdrama_cli.models import CSV_COLUMNS

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, Run

# What must never reach a terminal raw: C0 but tab and newline, DEL, and C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

CONTROLS = "\x1b\x07\x9b\x7f\t\n\r"
PRINTABLE = (
    "[]/=:\"'%_\\"  # markup, paths, NAME=ACTOR, quotes, LIKE wildcards, escapes
    "aZ09 -.,;*"  # letters, digits, ranges (..), negative numbers, list separators
    "가현빈손도깨비"  # Hangul syllables
    "\u1112\u1167\u11ab"  # 현 decomposed (NFD)
    "💕🎬\u200d"  # emoji and a zero-width joiner
)
FUZZ = st.text(alphabet=PRINTABLE + CONTROLS, max_size=16)
CLEAN = st.text(alphabet=PRINTABLE + "\t\n", max_size=16)

# Values the bundled catalog knows, so that the fuzz also reaches the paths that succeed.
KNOWN = st.sampled_from(
    [
        "Son Ye Jin",
        "손예진",
        "Hyun Bin",
        "Se Ri",
        "CLOY",
        "도깨비",
        "Secretary Kim",
        "wine",
        "tears",
        "2018",
        "2016..2018",
        "2019..",
        "..2017",
        "5",
        "1",
        "0",
        "-1",
        "id",
        "year",
        "rating",
        "json",
        "table",
    ]
)
# Integers at the edges of what SQLite and JSON readers hold (int64, double precision).
BIG = st.sampled_from([2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**20, 10**25])
VALUE = st.one_of(
    FUZZ,
    KNOWN,
    st.builds(str.__add__, KNOWN, FUZZ),
    st.builds(lambda a, b: f"{a}..{b}", FUZZ | KNOWN, FUZZ | KNOWN),
    st.integers(-3, 12).map(str),
    st.integers(-(10**25), 10**25).map(str),
    BIG.map(str),
    BIG.map(lambda n: str(-n)),
)
# For the options that take a number: mostly numbers, the biggest as often as the others.
NUMBER = st.one_of(st.integers(-3, 12).map(str), BIG.map(str), BIG.map(lambda n: str(-n)), VALUE)
NUMERIC = {"--limit", "-n", "--count", "--seed", "--top", "--min-rating"}


def one_in(draw: st.DrawFn, n: int) -> bool:
    """True about once in ``n`` draws (Hypothesis would lean towards 0 of integers(0, n))."""
    return draw(st.sampled_from([False] * (n - 1) + [True]))


FILTERS = ["--actor", "-a", "--character", "-c", "--drama", "-d", "--year", "-y", "--min-rating"]
OPTIONS = {
    "list": [*FILTERS, "--sort", "-s", "--limit", "-n", "--desc", "--favorites"],
    "search": [*FILTERS, "--limit", "-n"],
    "random": [*FILTERS, "--count", "-n", "--seed"],
    "actors": [*FILTERS, "--limit", "-n"],
    "dramas": [*FILTERS, "--limit", "-n"],
    "years": [*FILTERS, "--limit", "-n"],
    "stats": [*FILTERS, "--top"],
    "export": FILTERS,
    "show": [],
    "db info": [],
    "db path": [],
    "db check": [],
}
FLAGS = {"--desc", "--favorites"}
TABLE_FORMATS: list[list[str]] = [[], ["--format", "table"], ["-f", "table"]]
LIST_FORMATS = [
    *TABLE_FORMATS,
    ["--json"],
    ["-f", "json"],
    ["--format", "jsonl"],
    ["--format", "csv"],
    ["--format", "tsv"],
]
FORMATS: dict[str, list[list[str]]] = {
    **dict.fromkeys(["list", "search", "random", "actors", "dramas", "years"], LIST_FORMATS),
    "stats": [[], ["--json"]],
    "export": [["--format", "json"], ["--format", "jsonl"], ["--format", "csv"]],
    "show": [*TABLE_FORMATS, ["--format", "json"], ["-f", "json"]],
    "db info": [[], ["--json"]],
    "db path": [[]],
    "db check": [[]],
}


@st.composite
def read_commands(draw: st.DrawFn) -> tuple[list[str], str]:
    """A read command with fuzzed values, and the format it asks for ("?" when the
    format itself is fuzzed, "raw" when its stdout is meant to be exact)."""
    command = draw(st.sampled_from(sorted(OPTIONS)))
    args = command.split()
    if command in ("search", "show"):
        args.append(draw(VALUE))
    if OPTIONS[command]:
        for option in draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=3)):
            values = NUMBER if option in NUMERIC else VALUE
            args += [option] if option in FLAGS else [option, draw(values)]
    if one_in(draw, 10):
        fmt_args = ["--format", draw(VALUE)]
    else:
        fmt_args = draw(st.sampled_from(FORMATS[command]))
    if "--" in args:  # ends the options: a --json after it is a search word
        fmt_args, args = ["?"], args + fmt_args
    else:
        args += fmt_args
    if one_in(draw, 6):  # a stray argument, option or command name
        stray = draw(st.sampled_from(["", "-", "--"])) + draw(FUZZ)
        args.insert(draw(st.integers(0, len(args))), stray)
        # A stray option ("-a") may take the format option after it as its value
        # (`stats -a --json` asks for the actor "--json"): the format is unknown.
        fmt_args = ["?"]
    if command == "db path":
        return args, "raw"
    if command == "export" and not fmt_args:
        return args, "json"
    fmt = "table" if not fmt_args else "json" if fmt_args == ["--json"] else fmt_args[-1]
    return args, fmt if fmt in ("table", "json", "jsonl", "csv", "tsv") else "?"


def assert_well_behaved(run: Run, fmt: str = "table", *, notes: bool = False) -> None:
    """What every run must do, whatever it was given: a known exit code, no traceback,
    output that parses, people's text without raw control characters, and an error that
    says something: on exit 1, one line "Error: ...", after the notes (such as "Did you
    mean") that ``notes`` allows."""
    assert run.exit_code in (0, 1, 2), (run.exit_code, run.stderr)
    assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
    assert "Traceback" not in run.stdout + run.stderr
    assert "That is a bug in kdrama" not in run.stderr, run.stderr
    assert not RAW_CONTROL.search(run.stderr), f"raw control character in stderr: {run.stderr!r}"
    if fmt == "table":
        assert not RAW_CONTROL.search(run.stdout), f"raw control character: {run.stdout!r}"
    if run.exit_code == 0 and fmt == "json":
        json.loads(run.stdout)
    if run.exit_code == 0 and fmt == "jsonl":
        for line in run.stdout.splitlines():
            json.loads(line)
    if run.exit_code != 0:
        assert run.stderr.strip(), "an error must say something on stderr"
    if run.exit_code == 1:
        lines = run.stderr.splitlines()
        assert lines[-1].startswith("Error: ") and run.stderr.endswith("\n"), run.stderr
        assert notes or len(lines) == 1, run.stderr


def assert_sound(kdrama: Invoke, db: Path, scenes: int | None = None) -> list[dict[str, Any]]:
    """The catalog passes the integrity check and lists as JSON; return its scenes."""
    check = kdrama("db", "check", "--db", str(db))
    assert check.exit_code == 0, check.stderr
    listed = kdrama("list", "--json", "--db", str(db))
    assert_well_behaved(listed, "json")
    assert listed.exit_code == 0, listed.stderr
    found: list[dict[str, Any]] = listed.json()
    if scenes is not None:
        assert len(found) == scenes
    return found


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    db = tmp_path / "scenes.db"
    shutil.copyfile(BUNDLED, db)
    return db


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(read_commands())
def test_read_commands_with_fuzzed_arguments_end_cleanly(
    kdrama: Invoke, bundled_copy: Path, command: tuple[list[str], str]
) -> None:
    args, fmt = command
    before = bundled_copy.read_bytes()
    run = kdrama(*args, "--db", str(bundled_copy))
    event(f"exit {run.exit_code}")
    assert_well_behaved(run, fmt, notes=True)
    assert bundled_copy.read_bytes() == before


# --- Imported data ------------------------------------------------------------------


@st.composite
def scene_objects(draw: st.DrawFn, text: st.SearchStrategy[str]) -> dict[str, Any]:
    """A scene as `kdrama list --json` writes it, its text drawn from ``text``; some
    fields left out, and one in ten of the wrong type or out of range."""

    def value(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
        return draw(bad if one_in(draw, 10) else good)

    words = text.filter(str.strip)
    anything = st.none() | st.booleans() | st.floats() | BIG | FUZZ | st.lists(FUZZ, max_size=2)
    scene: dict[str, Any] = {
        "title": value(words, text | anything),
        "drama": value(words, text | anything),
        "year": value(st.integers(1, 9999), st.integers(-5, 0) | st.just(10_000) | BIG | anything),
    }
    optional: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]] = {
        "drama_korean": (text | st.none(), anything),
        "network": (text | st.none(), anything),
        "actors": (st.lists(words, max_size=3), st.lists(text, max_size=3) | anything),
        "characters": (
            st.lists(st.fixed_dictionaries({"name": words, "actor": words}), max_size=2),
            st.lists(st.fixed_dictionaries({"name": text, "actor": text | anything})) | anything,
        ),
        "description": (text, anything),
        "rank": (st.none() | st.integers(1, 50), st.integers(-5, 0) | BIG | anything),
        "source": (text | st.none(), anything),
        "source_title": (text | st.none(), anything),
        "source_credit": (text | st.none(), anything),
        "favorite": (st.booleans(), anything),
        "rating": (st.none() | st.integers(1, 5), st.sampled_from([0, 6, -1]) | BIG | anything),
    }
    for field, (good, bad) in optional.items():
        if draw(st.booleans()):
            scene[field] = value(good, bad)
    return scene


@st.composite
def scene_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three scenes, their text all clean or all hostile; the first few with
    increasing ids, the others with none (so that every scene is a new one)."""
    text = draw(st.sampled_from([CLEAN, FUZZ]))
    scenes = draw(st.lists(scene_objects(text), min_size=1, max_size=3))
    first = draw(BIG if draw(st.booleans()) else st.integers(1, 10**6))
    for number, scene in enumerate(scenes[: draw(st.sampled_from(range(len(scenes) + 1)))]):
        scene["id"] = first + number
    return scenes


def csv_document(scenes: list[dict[str, Any]]) -> str:
    """Scenes as `kdrama list --format csv` writes them: lists joined with "; ",
    characters as "Name=Actor" (values of the wrong type as Python prints them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for scene in scenes:
        writer.writerow([csv_cell(scene.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return f"{csv_cell(value.get('name'))}={csv_cell(value.get('actor'))}"
    if isinstance(value, list):
        return "; ".join(csv_cell(item) for item in value)
    return str(value)


def stored(text: str) -> str:
    """Text as the catalog keeps it (records.py): NFC, trimmed, line ends as "\\n"."""
    return re.sub("\r\n?", "\n", unicodedata.normalize("NFC", text).strip())


def new_folder(root: Path) -> Path:
    """A folder of its own for one example: a fresh catalog every time."""
    return Path(tempfile.mkdtemp(dir=root))


def assert_shown_safely(kdrama: Invoke, db: Path, scenes: list[dict[str, Any]]) -> None:
    """People's views of the catalog hold no raw control character."""
    for args in (["list"], ["actors"], ["dramas"], ["stats"]):
        run = kdrama(*args, "--db", str(db))
        assert_well_behaved(run)
        assert run.exit_code == 0, (args, run.stderr)
    for scene in scenes[:2]:
        run = kdrama("show", str(scene["id"]), "--db", str(db))
        assert_well_behaved(run)
        assert run.exit_code == 0, run.stderr
        assert_well_behaved(kdrama("search", scene["title"], "--db", str(db)))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scene_lists(), st.sampled_from(["json", "jsonl", "csv"]), st.booleans())
def test_importing_fuzzed_scenes_adds_them_or_refuses_in_one_line(
    kdrama: Invoke, tmp_path: Path, scenes: list[dict[str, Any]], fmt: str, ascii_only: bool
) -> None:
    folder = new_folder(tmp_path)
    db, source = folder / "new.db", folder / f"scenes.{fmt}"
    if fmt == "json":
        source.write_text(json.dumps(scenes, ensure_ascii=ascii_only), "utf-8")
    elif fmt == "jsonl":
        lines = (json.dumps(scene, ensure_ascii=ascii_only) + "\n" for scene in scenes)
        source.write_text("".join(lines), "utf-8")
    else:
        source.write_text(csv_document(scenes), "utf-8-sig" if ascii_only else "utf-8", newline="")
    run = kdrama("import", str(source), "--db", str(db))
    event(f"exit {run.exit_code}")
    assert_well_behaved(run)
    if run.exit_code != 0:
        if db.exists():
            assert_sound(kdrama, db, scenes=0)
        return
    found = assert_sound(kdrama, db, scenes=len(scenes))
    titles = [csv_cell(s["title"]) if fmt == "csv" else s["title"] for s in scenes]
    assert sorted(scene["title"] for scene in found) == sorted(map(stored, titles))
    assert_shown_safely(kdrama, db, found)


@st.composite
def broken_documents(draw: st.DrawFn) -> bytes:
    """Random bytes, or a document cut short or with a byte changed."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    scenes = draw(scene_lists())
    whole = draw(
        st.sampled_from(
            [
                json.dumps(scenes, ensure_ascii=False),
                "".join(json.dumps(scene, ensure_ascii=False) + "\n" for scene in scenes),
                csv_document(scenes),
            ]
        )
    ).encode()
    at = draw(st.integers(0, len(whole)))
    if draw(st.booleans()):
        return whole[:at]
    return whole[:at] + bytes([draw(st.integers(0, 255))]) + whole[at + 1 :]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    broken_documents(),
    st.sampled_from([".json", ".jsonl", ".csv", ".txt", "", "-"]),
    st.sampled_from([[], ["--format", "json"], ["--format", "jsonl"], ["--format", "csv"]]),
)
def test_importing_broken_files_ends_cleanly(
    kdrama: Invoke, tmp_path: Path, document: bytes, suffix: str, fmt_args: list[str]
) -> None:
    folder = new_folder(tmp_path)
    db, source = folder / "new.db", folder / f"scenes{suffix}"
    if suffix == "-":  # stdin, as text
        text = document.decode("utf-8", "replace")
        run = kdrama("import", "-", *fmt_args, "--db", str(db), input=text)
    else:
        source.write_bytes(document)
        run = kdrama("import", str(source), *fmt_args, "--db", str(db))
    event(f"exit {run.exit_code}")
    assert_well_behaved(run)
    if db.exists():
        found = assert_sound(kdrama, db)
        if run.exit_code != 0:
            assert found == []
        else:
            assert_shown_safely(kdrama, db, found)


# --- add, and changes to the scene it added -------------------------------------------


@st.composite
def add_arguments(draw: st.DrawFn) -> list[str]:
    """`kdrama add` with fuzzed options, now and then one of them missing."""
    text = draw(st.sampled_from([CLEAN, FUZZ]))
    name = KNOWN | text.filter(str.strip)
    args = ["add"]
    for option in ("-t", "-d"):
        if not one_in(draw, 10):
            args += [option, draw(text | KNOWN)]
    if not one_in(draw, 10):
        args += ["-y", draw(NUMBER if one_in(draw, 4) else st.integers(1, 9999).map(str))]
    actors = draw(st.integers(0, 2))
    for _ in range(actors):
        args += ["-a", draw(name)]
    for _ in range(draw(st.integers(0 if actors else 1, 2))):
        spec = text if one_in(draw, 4) else st.builds(lambda n, a: f"{n}={a}", name, name)
        args += ["-c", draw(spec)]
    for option in ("--description", "--source"):
        if draw(st.booleans()):
            args += [option, draw(text)]
    return args


@st.composite
def change_arguments(draw: st.DrawFn, scene_id: str) -> list[str]:
    """A change to scene ``scene_id`` (or to a fuzzed id) with fuzzed values."""
    text = draw(st.sampled_from([CLEAN, FUZZ]))
    target = draw(NUMBER) if one_in(draw, 3) else scene_id
    kind = draw(st.sampled_from(["edit", "rate", "fav", "unfav", "unrate", "rm"]))
    if kind == "rate":
        return ["rate", target, draw(st.integers(0, 6).map(str) | NUMBER)]
    if kind == "rm":
        return ["rm", target, "--yes"]
    if kind != "edit":
        return [kind, target]
    args = ["edit", target]
    options = ["-t", "-d", "-y", "-a", "-c", "--description", "--source"]
    for option in draw(st.lists(st.sampled_from(options), min_size=1, max_size=3)):
        args += [option, draw(NUMBER if option == "-y" else text | VALUE)]
    return args


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(add_arguments(), st.data())
def test_add_and_change_with_fuzzed_options_end_cleanly(
    kdrama: Invoke, tmp_path: Path, args: list[str], data: st.DataObject
) -> None:
    db = new_folder(tmp_path) / "new.db"
    run = kdrama(*args, "--db", str(db))
    event(f"exit {run.exit_code}")
    assert_well_behaved(run)
    if run.exit_code != 0:
        if db.exists():
            assert_sound(kdrama, db, scenes=0)
        return
    scene_id = run.stdout.strip()
    assert scene_id.isdigit(), run.stdout
    assert_shown_safely(kdrama, db, assert_sound(kdrama, db, scenes=1))
    change = kdrama(*data.draw(change_arguments(scene_id)), "--db", str(db))
    assert_well_behaved(change)
    assert_shown_safely(kdrama, db, assert_sound(kdrama, db))


# --- File names ---------------------------------------------------------------------


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    FUZZ.filter(lambda name: name.strip("/")), st.sampled_from(["read", "import", "export", "add"])
)
def test_fuzzed_file_names_end_cleanly(
    kdrama: Invoke, tmp_path: Path, bundled_copy: Path, name: str, use: str
) -> None:
    folder = new_folder(tmp_path)
    path = f"{folder}/{name.replace('..', '._')}"  # never outside the folder
    if use == "read":
        for args in (["list"], ["db", "check"], ["db", "info"], ["show", "1"]):
            assert_well_behaved(kdrama(*args, "--db", path))
        assert list(folder.iterdir()) == []  # reading a missing catalog creates nothing
    elif use == "import":
        assert_well_behaved(kdrama("import", path, "--db", str(folder / "new.db")))
    elif use == "export":
        run = kdrama("export", "-o", path, "--db", str(bundled_copy))
        assert_well_behaved(run)
        assert run.exit_code != 0 or Path(path).is_file()
    else:
        run = kdrama("add", "-t", "T", "-d", "D", "-y", "2020", "-a", "A", "--db", path)
        assert_well_behaved(run)
        if run.exit_code == 0:
            assert_sound(kdrama, Path(path), scenes=1)


# --- Concurrent writers, and signals at random moments ----------------------------------

SHARED = (1, 2)  # bundled scenes both writers change
OWN_DRAMA = ["-d", "Fuzz Drama", "-y", "2020", "-a", "Fuzz Actor"]


@st.composite
def writer_ops(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One writer's changes, in order: adds, then edits, ratings, favourites and
    removals of its own scenes or of scenes both writers share; now and then with
    SIGINT or SIGTERM sent at a drawn moment after the catalog is open."""
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["add", "add", "edit", "rate", "fav", "rm"]))
        op: dict[str, Any] = {
            "kind": kind,
            "target": draw(st.sampled_from(["own", "own", *SHARED])),
            "title": draw(CLEAN | KNOWN),
            "stars": draw(st.integers(1, 5)),
            "signal": None,
        }
        if one_in(draw, 3):
            op["signal"] = (
                draw(st.sampled_from([signal.SIGINT, signal.SIGTERM])),
                draw(st.floats(0, 0.4)),
            )
        ops.append(op)
    return ops


class Writer:
    """Runs one writer's changes one after another with the installed kdrama, keeping
    the exact state of the scenes it added (no one else touches them) and what it did
    to the shared ones."""

    def __init__(self, db: Path, name: str) -> None:
        self.db = db
        self.name = name
        self.own: dict[int, dict[str, Any] | None] = {}  # None: removed
        self.shared: list[tuple[int, str, Any]] = []  # changes applied to shared scenes
        self.error: BaseException | None = None
        self.outcomes: list[str] = []

    def run(self, ops: list[dict[str, Any]]) -> None:
        try:
            for n, op in enumerate(ops):
                self.apply(n, op)
        except BaseException as error:  # re-raised in the test's thread
            self.error = error

    def args(self, n: int, op: dict[str, Any]) -> tuple[list[str], int | None, str]:
        live = [i for i, state in self.own.items() if state is not None]
        target = (live[n % len(live)] if live else None) if op["target"] == "own" else op["target"]
        kind = op["kind"] if target is not None else "add"
        title = f"{self.name} {n} {op['title']}"
        if kind == "add":
            return ["add", "-t", title, *OWN_DRAMA], None, title
        if kind == "edit":
            return ["edit", str(target), "-t", title], target, title
        if kind == "rate":
            return ["rate", str(target), str(op["stars"])], target, ""
        if kind == "fav":
            return ["fav", str(target)], target, ""
        return ["rm", str(target), "--yes"], target, ""

    def apply(self, n: int, op: dict[str, Any]) -> None:
        args, target, title = self.args(n, op)
        run = run_signalled([*args, "--db", str(self.db)], op["signal"])
        if op["signal"] is None or run.exit_code in (0, 1, 2):
            assert_well_behaved(run, notes=True)
        reported = _reports_change(args[0], run)
        self.outcomes.append(f"{'signalled, ' if op['signal'] else ''}exit {run.exit_code}")
        if run.exit_code == 0:
            assert reported, (args, run)
        elif run.exit_code in (ExitCode.INTERRUPTED, -signal.SIGINT, -signal.SIGTERM):
            assert op["signal"] is not None, (args, run)
            # Stopped before the change (nothing written, checked below), saying only
            # that, or the error that was ending it anyway: a SIGTERM that comes once
            # the change was refused ends the process the default way.
            said = run.stderr.splitlines()
            assert reported or all(
                line == "Interrupted." or line.startswith("Error: ") for line in said
            ), (args, run)
        else:
            assert run.exit_code in (1, 2), (args, run)
        if not reported:
            return
        value = {"edit": stored(title), "rate": op["stars"], "fav": True, "rm": None}
        if args[0] == "add":
            self.own[int(run.stdout)] = {"title": stored(title), "rating": None, "favorite": False}
        elif target in self.own:
            state = self.own[target]
            assert state is not None
            if args[0] == "rm":
                self.own[target] = None
            else:
                state[{"edit": "title", "rate": "rating", "fav": "favorite"}[args[0]]] = value[
                    args[0]
                ]
        else:
            assert target is not None
            self.shared.append((target, args[0], value[args[0]]))


def _reports_change(command: str, run: Run) -> bool:
    """Whether the run said it made its change (whatever came after)."""
    if command == "add":
        return run.stdout.strip().isdigit()
    report = {"edit": "Updated scene", "rate": "Rated scene", "fav": "Marked", "rm": "Removed"}
    return run.stderr.startswith(report[command])


def run_signalled(args: list[str], sending: tuple[int, float] | None) -> Run:
    """Run the installed kdrama; with ``sending``, send that signal the given seconds
    after it has the catalog open (if it is still running)."""
    proc = subprocess.Popen(
        [KDRAMA_BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if sending is not None:
        signum, delay = sending
        db = str(Path(args[-1]).resolve())
        while proc.poll() is None and db not in _open_files(proc.pid):
            time.sleep(0.002)
        time.sleep(delay)
        with suppress(ProcessLookupError):
            proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    return Run(proc.returncode, stdout, stderr, None)


def _open_files(pid: int) -> set[str]:
    try:
        return {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:
        return set()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writer_ops(), writer_ops())
def test_concurrent_writers_and_signals_keep_every_acknowledged_write(
    kdrama: Invoke, tmp_path: Path, first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> None:
    """Two writers change one catalog at once, each from its own processes, with
    SIGINT and SIGTERM at random moments: every change a run reported (exit 0, or a
    report before the signal ended it) is in the catalog, no change a run said was
    interrupted is, and the catalog passes `db check`."""
    db = new_folder(tmp_path) / "scenes.db"
    shutil.copyfile(BUNDLED, db)
    original = {i: kdrama("show", str(i), "-f", "json", "--db", str(db)).json() for i in SHARED}
    writers = [Writer(db, "first"), Writer(db, "second")]
    threads = [
        threading.Thread(target=w.run, args=(ops,))
        for w, ops in zip(writers, (first, second), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for writer in writers:
        if writer.error is not None:
            raise writer.error
        for outcome in writer.outcomes:
            event(outcome)
    scenes = {scene["id"]: scene for scene in assert_sound(kdrama, db)}
    for writer in writers:
        for scene_id, state in writer.own.items():
            if state is None:  # gone, or the id taken again by the other writer
                others = [w.own.get(scene_id) for w in writers if w is not writer]
                assert scene_id not in scenes or any(others), (scene_id, scenes[scene_id])
            else:
                assert {k: scenes[scene_id][k] for k in state} == state
    for scene_id in SHARED:
        changes = [c for w in writers for c in w.shared if c[0] == scene_id]
        if any(kind == "rm" for _, kind, _ in changes):
            continue  # removed by one writer, perhaps after the other's changes
        scene = scenes[scene_id]
        for field, kind in (("title", "edit"), ("rating", "rate"), ("favorite", "fav")):
            made = {value for _, k, value in changes if k == kind}
            assert scene[field] in {original[scene_id][field], *made}
            if made and original[scene_id][field] not in made:
                assert scene[field] in made, (field, changes)
