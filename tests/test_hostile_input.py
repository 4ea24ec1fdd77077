"""Import files made to hurt: records that are not scenes by the million, casts of
megabytes, headers of 100,000 columns, runs of escape starters, bytes that are not
UTF-8 and JSON escapes that are not characters. Each ends in one line naming where,
exit 1, nothing written, within the memory of a small import."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import BUNDLED, Invoke, run_process, snapshot

SCENE = '{"title": "A scene", "drama": "New Drama", "year": 2016}'


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mine.db"
    path.write_bytes(BUNDLED.read_bytes())
    return path


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
