"""Import files made to hurt: records that are not scenes by the million, casts of
megabytes, headers of 100,000 columns, runs of escape starters, bytes that are not
UTF-8 and JSON escapes that are not characters. Each ends in one line naming where,
exit 1, nothing written, within the memory of a small import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, run_process, snapshot

SCENE = '{"title": "A scene", "drama": "New Drama", "year": 2016}'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mine.db"
    path.write_bytes(BUNDLED.read_bytes())
    return path


# --- Records that are not scenes: refused at the first --------------------------------

# The start of a file whose first record is no scene, and the refusal it gets.
NOT_SCENES = {
    "json": ("[{},", "item 1: field 'title': needed for a new scene"),
    "jsonl": ("{}\n", "line 1: field 'title': needed for a new scene"),
    "csv": ("rating\n3\n", "line 2: field 'title': needed for a new scene"),
}


@pytest.mark.parametrize("fmt", list(NOT_SCENES))
def test_an_import_whose_first_record_is_no_scene_stops_there_without_reading_on(
    tmp_path: Path, fmt: str
) -> None:
    # stdin stays open after the first record: the refusal cannot wait for the rest.
    start, message = NOT_SCENES[fmt]
    new = tmp_path / "new.db"
    args = [KDRAMA_BIN, "import", "-", "--format", fmt, "--db", str(new)]
    with subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdin is not None and proc.stderr is not None
        proc.stdin.write(start)
        proc.stdin.flush()
        code = proc.wait(timeout=60)  # stdin still open; the timeout only stops a hang
        stderr = proc.stderr.read()
        proc.stdin.close()
    assert code == 1
    assert stderr == f"Error: {message}\n"
    assert not new.exists()


@pytest.mark.parametrize("fmt", list(NOT_SCENES))
def test_a_file_of_records_that_are_no_scenes_is_refused_at_the_first_one_unchanged(
    tmp_path: Path, db: Path, fmt: str
) -> None:
    # Far on, the file is broken: a reader that went on would say so.
    start, message = NOT_SCENES[fmt]
    more = {"json": b"{},\n", "jsonl": b"{}\n", "csv": b"3\n"}[fmt]
    source = tmp_path / f"hostile.{fmt}"
    source.write_bytes(start.encode() + more * 100_000 + b"\xff]")
    before = snapshot(db)
    run = run_process("import", str(source), "--db", str(db))
    assert (run.exit_code, run.stderr) == (1, f"Error: {message}\n")
    assert snapshot(db) == before


# Runs a command and reports the most memory (resident) it took, with its exit code
# and stderr: run in a process of its own, so that no other child of the tests counts.
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps([peak / 1024, done.returncode, done.stderr]))
"""


def peak_memory(*args: str) -> tuple[float, int, str]:
    """Run ``args``; return the most memory it took in MB, its exit code and stderr."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, check=True
    )
    peak, code, stderr = json.loads(done.stdout)
    return peak, code, stderr


@pytest.mark.parametrize(
    ("name", "unit", "message"),
    [
        ("empty.json", b"{},", "item 1: field 'title': needed for a new scene"),
        ("empty.jsonl", b"{}\n", "line 1: field 'title': needed for a new scene"),
    ],
)
def test_a_50_mb_file_of_empty_records_is_refused_within_the_memory_of_a_small_import(
    tmp_path: Path, name: str, unit: bytes, message: str
) -> None:
    # Read whole, such a file took hundreds of times its size in memory.
    source = tmp_path / name
    count = (50 << 20) // len(unit)
    source.write_bytes((b"[" if name.endswith(".json") else b"") + unit * count + b"{}]")
    new = tmp_path / "new.db"
    peak, code, stderr = peak_memory(KDRAMA_BIN, "import", str(source), "--db", str(new))
    assert (code, stderr) == (1, f"Error: {message}\n")
    assert peak < 150
    assert not new.exists()


def test_reading_large_casts_keeps_no_more_of_them_than_a_few_megabytes(tmp_path: Path) -> None:
    # The checked casts are cached; 40 MB of casts, all different, would stay in the
    # cache whole. Memory taken reading them, beyond that of reading a small file:
    line = '{{"title": "A", "drama": "B", "year": 2016, "actors": [{}]}}\n'
    small = tmp_path / "small.jsonl"
    small.write_text(SCENE + "\n", "utf-8")
    large = tmp_path / "large.jsonl"
    with large.open("w", encoding="utf-8") as file:
        for scene in range(80):  # 80 scenes of 500 names of 1,000 characters: 40 MB
            names = (json.dumps(f"{scene} {name} " + "x" * 990) for name in range(500))
            file.write(line.format(", ".join(names)))

    def reading(path: Path) -> float:
        peak, code, stderr = peak_memory(sys.executable, "-c", READ, str(path))
        assert code == 0, stderr
        return peak

    assert reading(large) - reading(small) < 20


# Reads the import file named by its argument as ``kdrama import`` does.
READ = """
import sys
from kdrama_cli.importfile import ImportFormat, ImportInput
from kdrama_cli.records import iter_records
with ImportInput(sys.argv[1]) as source:
    for record in iter_records(source, ImportFormat.jsonl):
        pass
"""


# --- Runs of escape starters, nesting, under --strip-controls -------------------------


def test_strip_controls_reads_a_run_of_unterminated_escapes_in_one_pass(
    tmp_path: Path, db: Path
) -> None:
    # A one-byte OSC (U+009D) left open, a million times: each used to be read to the
    # end of the text again (minutes for a few hundred thousand).
    source = tmp_path / "escapes.jsonl"
    scene = {"title": "A" + "\x9d" * 1_000_000, "drama": "New Drama", "year": 2016}
    source.write_text(json.dumps(scene) + "\n", "utf-8")
    done = subprocess.run(  # the timeout only keeps a regression from hanging the suite
        [KDRAMA_BIN, "import", str(source), "--db", str(db), "--strip-controls"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Removed 1000000 control character(s)" in done.stderr
    assert run_process("list", "--db", str(db), "--json").json()[-1]["title"] == "A"


def test_strip_controls_refuses_json_nested_too_deeply_in_one_line(
    kdrama: Invoke, tmp_path: Path, db: Path
) -> None:
    # Nesting the parser takes, but too deep to strip it item by item.
    source = tmp_path / "deep.jsonl"
    source.write_text(SCENE[:-1] + ', "actors": ' + "[" * 950 + "]" * 950 + "}\n", "utf-8")
    before = snapshot(db)
    run = kdrama("import", str(source), "--db", str(db), "--strip-controls")
    assert (run.exit_code, run.stderr) == (1, "Error: line 1: not valid JSON (nested too deeply)\n")
    assert snapshot(db) == before


# --- CSV headers of any width -----------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["title", *[""] * 99_998, "zz"], "line 1: unknown column 'zz'; known: id, title,"),
        (["title", *[f"c{n}" for n in range(99_999)]], "line 1: unknown column 'c0'; known:"),
        (["title", *[""] * 99_998, " Title"], "line 1: the CSV header has column 'title' twice"),
    ],
)
def test_a_csv_header_of_100000_columns_is_refused_in_one_line_naming_the_column(
    kdrama: Invoke, tmp_path: Path, db: Path, header: list[str], message: str
) -> None:
    source = tmp_path / "wide.csv"
    source.write_text(",".join(header) + "\n" + "A" + "," * 99_999 + "\n", "utf-8")
    before = snapshot(db)
    run = kdrama("import", str(source), "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: {message}") and run.stderr.count("\n") == 1
    assert snapshot(db) == before


def test_a_csv_of_100000_columns_most_unnamed_is_imported(
    kdrama: Invoke, tmp_path: Path, db: Path
) -> None:
    source = tmp_path / "wide.csv"
    unnamed = "," * 99_997
    source.write_text(f"title,drama,year{unnamed}\nA,New Drama,2016{unnamed}\n", "utf-8")
    run = kdrama("import", str(source), "--db", str(db))
    assert run.exit_code == 0, run.stderr
    assert run.stderr == "Imported 1 scene(s): 1 added, 0 updated.\n"


# --- Bytes that are not UTF-8, escapes that are not characters ------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.json",
            b"[\n" + SCENE.encode() + b',\n{"title": "Caf\xe9", "drama": "B", "year": 2000}]',
            "line 3: {file} is not UTF-8 text (byte 15)",
        ),
        (
            "bad.jsonl",
            SCENE.encode() + b'\n{"title": "Caf\xe9", "drama": "B", "year": 2000}\n',
            "line 2: {file} is not UTF-8 text (byte 15)",
        ),
        (
            "bad.csv",
            b"title,drama,year\nA,B,2000\nCaf\xe9,B,2000\n",
            "line 3: {file} is not UTF-8 text (byte 4)",
        ),
        (  # a UTF-16 surrogate written as UTF-8 bytes (CESU-8): not UTF-8 either
            "cesu.csv",
            b"title,drama,year\nA\xed\xa0\x80,B,2000\n",
            "line 2: {file} is not UTF-8 text (byte 2)",
        ),
        (  # the file ends inside a character
            "cut.json",
            b'[{"title": "A\xc3',
            "line 1: {file} is not UTF-8 text (byte 14)",
        ),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_naming_the_line_and_byte(
    tmp_path: Path, db: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    before = snapshot(db)
    run = run_process("import", str(source), "--db", str(db))
    assert (run.exit_code, run.stderr) == (1, f"Error: {message.format(file=source)}\n")
    assert snapshot(db) == before


def test_a_bad_byte_far_into_a_json_file_is_placed_exactly(tmp_path: Path, db: Path) -> None:
    # JSON is read in chunks of 64 KB; the line and byte are counted across them.
    line = b'{"title": "Scene %d \xea\xb0\x80", "drama": "B", "year": 2000}'
    lines = [line % n for n in range(9999)]
    lines[7777] = lines[7777].replace(b"\xea\xb0\x80", b"\xea\xb0")  # a character cut short
    source = tmp_path / "far.json"
    source.write_bytes(b"\xef\xbb\xbf[" + b",\n".join(lines) + b"]")
    byte = lines[7777].index(b"\xea") + 1
    run = run_process("import", str(source), "--db", str(db))
    assert run.stderr == f"Error: line 7778: {source} is not UTF-8 text (byte {byte})\n"


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ('"title": "A\\ud800"', "field 'title': has a lone surrogate (\\ud800) at character 2"),
        ('"title": "A", "actors": ["\\udfff B"]', "field 'actors': has a lone surrogate (\\udfff)"),
        (
            '"title": "A", "characters": [{"name": "\\ud83d", "actor": "B"}]',
            "field 'characters': has a lone surrogate (\\ud83d) at character 1",
        ),
        ('"title": "A", "drama_aliases": ["\\udc00"]', "field 'drama_aliases': has a lone"),
        ('"title": "A", "rating": "\\ud800"', "field 'rating': \"\\ud800\" is not a whole number"),
        ('"title": "A", "\\ud800": 1', "unknown field '\\ud800'; known: id,"),
    ],
)
def test_json_escapes_of_lone_surrogates_are_refused_naming_the_field(
    tmp_path: Path, db: Path, fmt: str, fields: str, message: str
) -> None:
    # "\ud800" is valid JSON but no character: it can be neither stored nor printed.
    record = '{"drama": "B", "year": 2000, ' + fields + "}"
    text = f"[{record}]" if fmt == "json" else record + "\n"
    source = tmp_path / f"surrogates.{fmt}"
    source.write_text(text, "ascii")
    before = snapshot(db)
    run = run_process("import", str(source), "--db", str(db))
    where = "item 1" if fmt == "json" else "line 1"
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: {where}: {message}") and run.stderr.count("\n") == 1
    assert snapshot(db) == before


def test_a_surrogate_pair_escape_is_one_character_and_imported(
    kdrama: Invoke, tmp_path: Path, db: Path
) -> None:
    source = tmp_path / "pair.jsonl"
    source.write_text('{"title": "\\ud83d\\ude00", "drama": "B", "year": 2000}\n', "ascii")
    assert kdrama("import", str(source), "--db", str(db)).exit_code == 0
    assert kdrama("list", "--db", str(db), "--json").json()[-1]["title"] == "\U0001f600"
