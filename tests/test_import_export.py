"""import and export: formats, validation before writing, one transaction, streaming,
two writers at once, and a process killed mid-import."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdrama_cli import editing, moments, records, storage
from kdrama_cli.catalog import Catalog
from kdrama_cli.importfile import ImportFormat, RecordError
from kdrama_cli.records import read_records
from kdrama_cli.text import CONTROL

from .conftest import KDRAMA_BIN, Invoke, run_process, snapshot


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mine.db"
    path.write_bytes(storage.bundled_catalog_path().read_bytes())
    return path


def scene_dict(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "title": f"Scene {i}",
        "drama": f"Drama {i % 7}",
        "year": 2000 + i % 7,
        "actors": [f"Actor {i % 13}"],
        "characters": [{"name": f"Hero {i % 5}", "actor": f"Actor {i % 13}"}],
        "description": f"Something happens, number {i}.",
        **fields,
    }


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def ids(kdrama: Invoke, db: Path, *args: str) -> list[int]:
    return [s["id"] for s in kdrama("list", "--db", str(db), *args, "--json").json()]


def test_export_to_stdout_is_list_json_kept_pretty(kdrama: Invoke) -> None:
    exported = kdrama("export").stdout
    # export writes files: its JSON stays indented wherever it goes, list's piped is compact
    assert exported.startswith("[\n  {\n") and exported.count("\n") > 6
    assert json.loads(exported) == kdrama("list", "--json").json()
    assert (
        kdrama("export", "-f", "csv", "--actor", "Hyun Bin").stdout
        == kdrama("list", "-f", "csv", "--actor", "Hyun Bin").stdout
    )


def test_export_to_a_file_takes_the_format_from_its_extension(
    kdrama: Invoke, tmp_path: Path
) -> None:
    for name, fmt in [
        ("a.json", "json"),
        ("a.jsonl", "jsonl"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("b.NDJSON", "jsonl"),
        ("backup", "json"),  # no extension: JSON, as on stdout
    ]:
        out = tmp_path / name
        run = kdrama("export", "-o", str(out))
        assert run.exit_code == 0 and run.stderr.strip() == f"Exported 6 scene(s) to {out}."
        listed = kdrama("list", "--format", fmt).stdout
        if fmt == "json":  # export keeps its files indented; list piped is one line
            assert out.read_text("utf-8").startswith("[\n  {\n")
            assert json.loads(out.read_text("utf-8")) == json.loads(listed)
        else:
            assert out.read_text("utf-8") == listed
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.csv",
        "a.json",
        "a.jsonl",
        "a.tsv",
        "b.NDJSON",
        "backup",
    ]


def test_export_refuses_to_replace_a_file_without_force(kdrama: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "keep.json"
    out.write_text("precious", "utf-8")
    run = kdrama("export", "-o", str(out))
    assert run.exit_code == 1
    assert run.stderr.strip() == f"Error: {out} already exists; add --force to replace it"
    assert out.read_text("utf-8") == "precious"
    assert kdrama("export", "-o", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text("utf-8"))[0]["id"] == 1


def refused_export(kdrama: Invoke, out: Path, *args: str) -> str:
    """Export to ``out``, expect a refusal, check nothing new is left beside it, and
    return the refusal's one line."""
    before = sorted(out.parent.iterdir())
    run = kdrama("export", "-o", str(out), *args)
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("Error: ")
    assert sorted(out.parent.iterdir()) == before
    return run.stderr.strip()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_export_never_writes_to_a_fifo_or_a_directory(
    kdrama: Invoke, tmp_path: Path, force: list[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it to write would wait for a reader: it is never opened
    assert refused_export(kdrama, fifo, *force) == (
        f"Error: {fifo} is a FIFO (named pipe), not a file; to write there, use stdout:"
        f" kdrama export > {fifo}"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    folder = tmp_path / "folder"
    folder.mkdir()
    assert refused_export(kdrama, folder, *force) == (
        f"Error: {folder} is a directory; name a file to export to"
    )
    assert list(folder.iterdir()) == []


def test_export_to_dev_null_is_refused_and_says_to_use_stdout(
    kdrama: Invoke, tmp_path: Path
) -> None:
    # A device is not a file to replace, even with --force; stdout reaches it.
    message = "is a device, not a file; to write there, use stdout: kdrama export >"
    assert kdrama("export", "-o", "/dev/null").stderr == (f"Error: /dev/null {message} /dev/null\n")
    null = tmp_path / "null"
    null.symlink_to("/dev/null")
    assert refused_export(kdrama, null, "--force") == (
        f"Error: {null} is a symbolic link to a device, not a file; to write there, use"
        f" stdout: kdrama export > {null}"
    )
    assert null.is_symlink() and stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_export_to_a_link_to_stdout_is_refused_even_with_force(
    kdrama: Invoke, tmp_path: Path
) -> None:
    # /dev/stdout is such a link: replacing it would not write to stdout.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    assert refused_export(kdrama, stdout, "--force") == (
        f"Error: {stdout} is a symbolic link to an open stream, not a file; to write there,"
        f" use stdout: kdrama export > {stdout}"
    )
    assert os.readlink(stdout) == "/proc/self/fd/1"


@pytest.mark.parametrize("dangling", [True, False])
def test_export_replaces_a_symbolic_link_only_with_force_and_never_what_it_points_to(
    kdrama: Invoke, tmp_path: Path, dangling: bool
) -> None:
    target = tmp_path / "target.json"
    if not dangling:
        target.write_text("precious", "utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert refused_export(kdrama, link) == (
        f"Error: {link} is a symbolic link; add --force to replace the link (what it"
        " points to is left alone)"
    )
    assert link.is_symlink()
    run = kdrama("export", "-o", str(link), "--force")
    assert run.exit_code == 0, run.stderr
    assert not link.is_symlink() and link.read_text("utf-8") == kdrama("export").stdout
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text("utf-8") == "precious"


def test_export_streams_in_batches() -> None:
    with Catalog.open_bundled() as catalog:
        scenes = catalog.list_scenes()
        first = next(scenes)
        assert first.id == 1
        assert [s.id for s in scenes] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_import_of_an_export_leaves_every_scene_unchanged(
    kdrama: Invoke, db: Path, tmp_path: Path, fmt: str
) -> None:
    kdrama("fav", "2", "--db", str(db))
    out = tmp_path / f"all.{fmt}"
    kdrama("export", "--db", str(db), "-o", str(out))
    before = kdrama("export", "--db", str(db)).stdout
    run = kdrama("import", str(out), "--db", str(db))
    assert run.exit_code == 0
    assert run.stderr.strip() == "Imported 6 scene(s): 0 added, 0 updated, 6 unchanged."
    assert kdrama("export", "--db", str(db)).stdout == before


def test_import_update_adds_scenes_without_ids_and_updates_those_with_one(
    kdrama: Invoke, db: Path, tmp_path: Path
) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [scene_dict(1), {"id": 2, "title": "Renamed", "rating": 4}, scene_dict(2, id=50)],
    )
    run = kdrama("import", str(source), "--db", str(db), "--update")
    assert run.stderr.strip() == "Imported 3 scene(s): 2 added, 1 updated."
    assert ids(kdrama, db) == [1, 2, 3, 4, 5, 6, 7, 50]  # a new id comes after those used
    renamed = kdrama("show", "2", "-f", "json", "--db", str(db)).json()
    assert (renamed["title"], renamed["rating"], renamed["drama"]) == (
        "Renamed",
        4,
        "Something in the Rain",
    )
    assert renamed["actors"] == ["Son Ye Jin", "Jung Hae In"]


def test_import_reads_stdin_with_a_bom_and_crlf(kdrama: Invoke, db: Path) -> None:
    text = "\ufeff" + json.dumps([scene_dict(1), scene_dict(2)], indent=2).replace("\n", "\r\n")
    run = kdrama("import", "-", "--db", str(db), input=text)
    assert run.exit_code == 0, run.stderr
    csv_text = "\ufeffid,title,drama,year,actors\r\n,CSV scene,Goblin,2017,Gong Yoo\r\n"
    assert kdrama("import", "-", "--db", str(db), input=csv_text).exit_code == 0
    assert kdrama("list", "--db", str(db), "-a", "Gong Yoo", "--json").json()[0]["drama_korean"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.jsonl", '{"title": "A", "drama": "B", "year": 2000}\n{"title": "C", "drama": "D", '
         '"year": "soon"}\n', 'line 2: field \'year\': "soon" is not a whole number'),
        ("bad.csv", "title,drama,year\nA,B,2000\nC,D,\n",
         "line 3: field 'year': must not be empty"),
        ("bad.json", '[{"title": "A", "drama": "B", "year": 2000}, {"drama": "D", "year": 2001}]',
         "item 2: field 'title': needed for a new scene"),
        ("bad.json", '[{"id": 3, "rating": 9}]', "item 1: field 'rating': must be between 1 and 5"),
        ("bad.json", "[{]", "not valid JSON"),
        ("dup.jsonl", '{"id": 4, "title": "X"}\n{"id": 4, "title": "Y"}\n',
         "line 2: field 'id': 4 appears twice"),
        ("latin1.csv", "title,drama,year\nCaf\xe9,B,2000\n", "is not UTF-8 text"),
    ],
)  # fmt: skip
def test_a_bad_row_stops_the_import_naming_where_and_writes_nothing(
    db: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content.encode("latin-1" if "latin1" in name else "utf-8"))
    before = snapshot(db)
    run = run_process("import", str(source), "--db", str(db))
    assert run.exit_code == 1
    assert message in run.stderr and run.stderr.startswith("Error: ")
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(db) == before


def test_import_format_option_beats_the_extension(kdrama: Invoke, db: Path, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "scenes.txt", [scene_dict(1)])
    assert kdrama("import", str(source), "--db", str(db), "--format", "jsonl").exit_code == 0
    run = kdrama("import", str(source), "--db", str(db), "--format", "csv")
    assert run.exit_code == 1


def test_import_reports_progress_to_its_caller(db: Path) -> None:
    seen: list[int] = []
    records = read_records(json.dumps([scene_dict(i) for i in range(5)]), ImportFormat.json)
    with Catalog.open(db, write=True) as catalog:
        summary = editing.import_records(catalog, records, seen.append)
    assert seen[-1] == 5 and seen == sorted(seen)
    assert (summary.added, summary.updated) == (5, 0)


def catalog_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index's text included), and the schema."""
    conn = sqlite3.connect(path)
    schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
    rows = {"sqlite_master": schema.fetchall()}
    tables = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'scene_search_%'"
    )
    for (table,) in conn.execute(tables).fetchall():
        columns = "rowid, *" if table == "scene_search" else "*"
        rows[table] = sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
    conn.close()
    return rows


@pytest.mark.parametrize("bulk", [10, 10**9])
def test_an_import_that_outweighs_the_catalog_writes_what_row_by_row_writes_would(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int
) -> None:
    # Above editing._BULK records, an import drops indexes and the search triggers
    # while it writes; the result must not show it.
    bare_scene = '{"title": "Bare", "drama": "Plain", "year": 2010}'
    with Catalog.open(db, write=True) as catalog:
        bare = editing.add_scene(catalog, read_records(bare_scene, ImportFormat.jsonl)[0])
    rows = [scene_dict(i) for i in range(40)]
    rows += [
        scene_dict(
            i,
            actors=["Son Ye Jin", f"Actor {i}"],
            drama="Goblin",
            year=2017,
            drama_korean="쓸쓸하고 찬란하神 – 도깨비",
        )
        for i in range(40, 45)
    ]
    rows += [
        {"id": 2, "actors": ["Hyun Bin"], "characters": [{"name": "Ri", "actor": "Hyun Bin"}]},
        {"id": 3, "title": "Renamed"},
        {"id": bare, "actors": ["Gong Yoo"]},
        {"id": 5, "drama": "A New Drama", "year": 2001},
        scene_dict(99, id=100),
    ]
    source = write_jsonl(tmp_path / "many.jsonl", rows)
    reference = tmp_path / "reference.db"
    reference.write_bytes(db.read_bytes())
    monkeypatch.setattr(editing, "_BULK", 10**9)
    update = editing.Existing.UPDATE
    with Catalog.open(reference, write=True) as catalog:
        records = read_records(source.read_text(), ImportFormat.jsonl)
        editing.import_records(catalog, records, existing=update)
    monkeypatch.setattr(editing, "_BULK", bulk)
    with Catalog.open(db, write=True) as catalog:
        records = read_records(source.read_text(), ImportFormat.jsonl)
        editing.import_records(catalog, records, existing=update)
    assert catalog_rows(db) == catalog_rows(reference)
    assert len(catalog_rows(db)["scene_search"]) == 7 + 45 + 1


@pytest.mark.parametrize(
    "text",
    [
        '{"title": "A", "year": 1}\n',
        '  {"title": "A"}\n{"title": "B"}',
        '{"title": "A"}\r\n{"title": "B"}\r\n',
        '{"title": "A"} \t \n\n   \n\u3000\n{"title": "C"}\n\n',
        '{"title": "A"} {"title": "B"}\n',
        '{"title": "A"}x\n',
        "{}\n\ufeff{}\n",
        '{"title": "A\u2028B"}\n',
        '{"year": NaN}\n',
        '{"title": "A"\n}\n',
        '{"title":\n"A"}\n',
        "[\n1]\n",
        "[]\n7",
        "",
    ],
)
def test_json_lines_read_as_json_loads_reads_each_line(text: str) -> None:
    # records decodes JSON lines with the decoder itself, which is faster: same result.
    def outcome(read: Any) -> Any:
        try:
            return read()
        except RecordError as error:
            return str(error)

    def line_by_line() -> list[Any]:
        read = []
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                where = f"line {number}"
                read.append(records._json_record(records._parse_json(line, where), where))
        return read

    assert outcome(lambda: read_records(text, ImportFormat.jsonl)) == outcome(line_by_line)


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ('{"characters": [{"name": "Ri", "actor": "Hyun Bin"}, {"actor": "Son Ye Jin"}]}',
         "line 2: field 'characters': character 2 needs a non-empty 'name'"),
        ('{"characters": [{"name": ["Ri"], "actor": "Hyun Bin"}]}',
         "line 2: field 'characters': character 1 needs a non-empty 'name'"),
        ('{"characters": [{"name": "Ri", "actor": "Hyun Bin", "name_korean": {}}]}',
         "line 2: field 'characters': character 1: 'name_korean' must be text or null"),
        ('{"actors": ["Hyun Bin", ["Son"]]}', "line 2: field 'actors': must be a list of names"),
        ('{"actors": ["Hyun Bin", 1]}', "line 2: field 'actors': must be a list of names"),
        ('{"actors": ["Hyun Bin", " "]}', "line 2: field 'actors': name 2 is empty"),
    ],
)  # fmt: skip
def test_a_cast_checked_once_is_still_checked_in_full_where_it_differs(
    second: str, message: str
) -> None:
    # Checked actors and characters are cached; a variant of a cached one is not let by.
    first = '{"actors": ["Hyun Bin"], "characters": [{"name": "Ri", "actor": "Hyun Bin"}]}'
    with pytest.raises(RecordError) as error:
        read_records(f"{first}\n{second}\n", ImportFormat.jsonl)
    assert str(error.value) == message


NAME = (
    st.text(
        st.characters(
            codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=";="
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(lambda name: bool(name) and not CONTROL.search(name))
)
# Import refuses control characters but tab and line feed (and reads "\r" as one), and
# bidi controls, zero-width characters and separators.
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t\n"),
    max_size=40,
).filter(lambda text: not CONTROL.search(text))


# Clip links with the characters a CSV cell or a URL makes special (; and %), and tags
# in mixed case (a tag keeps the form first typed: Kiss and KISS are one).
URL = st.builds(
    "{}://{}.{}/{}".format,
    st.sampled_from(["http", "https", "HTTPS"]),
    st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
    st.sampled_from(["com", "kr"]),
    st.text("abZ09;%=&?#/-_.~\\", max_size=16),
)
TAG = st.from_regex(r"[A-Za-z0-9가-힣][A-Za-z0-9가-힣'._-]{0,8}", fullmatch=True)


@st.composite
def scene_objects(draw: st.DrawFn) -> dict[str, Any]:
    actors = draw(st.lists(NAME, min_size=1, max_size=3, unique_by=lambda n: n.casefold()))
    return {
        "episode": draw(st.none() | st.integers(1, 300)),
        "time": draw(st.none() | st.integers(0, moments.LONGEST_TIME)),
        "urls": draw(st.lists(URL, max_size=3, unique=True)),
        "tags": draw(st.lists(TAG, max_size=4, unique_by=moments.tag_key)),
        "note": draw(TEXT).strip() or None,
        "title": draw(NAME),
        "drama": draw(NAME),
        "year": draw(st.integers(1950, 2030)),
        "actors": actors,
        "description": draw(TEXT).strip(),
        "favorite": draw(st.booleans()),
        "rating": draw(st.none() | st.integers(1, 5)),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(scene_objects(), min_size=1, max_size=4),
    st.sampled_from(["json", "jsonl", "csv", "tsv"]),
)
def test_export_import_export_round_trips(
    kdrama: Invoke, tmp_path: Path, objects: list[dict[str, Any]], fmt: str
) -> None:
    folder = Path(tempfile_dir(tmp_path))
    first_db, second_db = folder / "first.db", folder / "second.db"
    source = folder / "source.json"
    source.write_text(json.dumps(objects, ensure_ascii=False), "utf-8")
    assert kdrama("import", str(source), "--db", str(first_db)).exit_code == 0
    exported = folder / f"export.{fmt}"
    assert kdrama("export", "--db", str(first_db), "-o", str(exported)).exit_code == 0
    run = kdrama("import", str(exported), "--db", str(second_db))
    assert run.exit_code == 0, run.stderr
    first = kdrama("export", "--db", str(first_db)).json()
    second = kdrama("export", "--db", str(second_db)).json()
    assert second == first
    assert [(s["title"], s["year"], s["favorite"], s["rating"]) for s in first] == [
        (nfc(o["title"]), o["year"], o["favorite"], o["rating"]) for o in objects
    ]
    assert [(s["episode"], s["time"], s["urls"], s["note"]) for s in first] == [
        (o["episode"], o["time"], o["urls"], o["note"] and nfc(o["note"])) for o in objects
    ]
    assert [[moments.tag_key(t) for t in s["tags"]] for s in first] == [
        [moments.tag_key(t) for t in o["tags"]] for o in objects
    ]
    again = folder / f"again.{fmt}"
    assert kdrama("export", "--db", str(second_db), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()


def nfc(text: str) -> str:
    """Text as kdrama stores it (see records.py): NFC, so every keyboard's input matches."""
    return unicodedata.normalize("NFC", text)


def tempfile_dir(root: Path) -> str:
    import tempfile

    return tempfile.mkdtemp(dir=root)


def test_two_imports_at_once_both_land(db: Path, tmp_path: Path) -> None:
    files = [
        write_jsonl(tmp_path / f"part{n}.jsonl", [scene_dict(i) for i in range(n, 6000, 2)])
        for n in (0, 1)
    ]
    env = {**os.environ}
    procs = [
        subprocess.Popen([KDRAMA_BIN, "import", str(f), "--db", str(db)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files
    ]  # fmt: skip
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("locked" not in err and "Traceback" not in err for _, err in results)
    info = run_process("db", "info", "--db", str(db), "--json")
    assert json.loads(info.stdout)["scenes"] == 6 + 6000


def test_kill_9_in_the_middle_of_an_import_leaves_the_catalog_as_it_was(
    db: Path, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "big.jsonl", [scene_dict(i) for i in range(40000)])
    before = snapshot(db)
    journal = db.with_name(db.name + "-journal")
    proc = subprocess.Popen([KDRAMA_BIN, "import", str(source), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.3)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert journal.exists()
    assert snapshot(db) == before
    check = run_process("db", "info", "--db", str(db), "--json")
    assert json.loads(check.stdout)["scenes"] == 6
