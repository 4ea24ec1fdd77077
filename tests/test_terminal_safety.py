"""Catalog text never drives the terminal: control characters and escape sequences
from imported data are shown written out in every output for people, and kept exact
in the machine formats."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import BUNDLED, KDRAMA_BIN, Invoke, one_scene, run_process, snapshot

TITLE = "Evil \x1b[2J clear \x9b31m red \x1b]0;pwned\x07 bell"
DRAMA = "Drama \x1b]52;c;aGk=\x07 and \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
ACTOR = "Kim \x08\x7fActor"
RAW = ("\x1b", "\x07", "\x9b", "\x08", "\x7f")


@pytest.fixture
def hostile_db(make_catalog: Callable[..., Path]) -> Path:
    """A catalog holding control characters, as one written by another tool or an older
    kdrama may: import refuses them now, but what is stored must still show safely."""
    data = one_scene(title=TITLE, description=TITLE, drama_fields={"title": DRAMA})
    data["people"][0]["name"] = ACTOR
    data["dramas"][0]["characters"][0]["actor"] = ACTOR
    return make_catalog(data)


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--format", "table"],
        ["show", "1"],
        ["actors"],
        ["actors", "--format", "table"],
        ["dramas"],
        ["stats"],
        ["search", "evil"],
        ["search", "evil", "--format", "table"],
        ["random"],
    ],
)
def test_people_see_control_characters_written_out(
    kdrama: Invoke, hostile_db: Path, args: list[str]
) -> None:
    run = kdrama(*args, "--db", str(hostile_db))
    assert run.exit_code == 0
    output = run.stdout + run.stderr
    assert not any(raw in output for raw in RAW)
    assert "\\x1b" in output or "Kim \\x08\\x7fActor" in output


def test_the_scene_panel_shows_the_escapes_as_text(kdrama: Invoke, hostile_db: Path) -> None:
    flat = " ".join(kdrama("show", "1", "--db", str(hostile_db)).stdout.split())
    assert "Evil \\x1b[2J clear \\x9b31m red \\x1b]0;pwned\\x07 bell" in flat


def test_suggestions_show_catalog_names_written_out(kdrama: Invoke, hostile_db: Path) -> None:
    run = kdrama("list", "--actor", "Kim Actr", "--db", str(hostile_db))
    assert run.exit_code == 0
    assert not any(raw in run.stderr for raw in RAW)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_machine_formats_keep_the_text_exactly(kdrama: Invoke, hostile_db: Path, fmt: str) -> None:
    out = kdrama("list", "--format", fmt, "--db", str(hostile_db)).stdout
    scene = json.loads(out)[0] if fmt == "json" else json.loads(out.splitlines()[0])
    assert (scene["title"], scene["drama"]) == (TITLE, DRAMA)
    assert scene["actors"][0] == ACTOR


MARKUP = "[bold red]Kim[/] :heart: [link=https://evil.example]x[/link] [/]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--actor", MARKUP], f"No actor matches {MARKUP!r}."),
        (["list", "--drama", MARKUP], f"No drama matches {MARKUP!r}."),
        (["list", "--year", MARKUP], f"{MARKUP!r} is not a year"),
        (["show", MARKUP], f"{MARKUP!r} is not a whole number"),
        (["list", "--db", MARKUP], f"Error: no catalog at {Path(MARKUP)}"),
    ],
)
def test_markup_typed_in_arguments_shows_as_typed_in_messages(
    kdrama: Invoke, args: list[str], message: str
) -> None:
    run = kdrama(*args)
    assert message in run.stderr


def test_suggestions_show_catalog_markup_as_typed(
    kdrama: Invoke, make_catalog: Callable[..., Path]
) -> None:
    name = "Kim [bold red]Actor[/] :heart:"
    data = one_scene(drama_fields={"title": "Test [red]Drama[/]"})
    data["people"][0]["name"] = name
    data["dramas"][0]["characters"][0]["actor"] = name
    db = make_catalog(data)
    actor = kdrama("list", "--actor", "Kim Actor heart", "--db", str(db))
    assert f"Did you mean: {name}?" in actor.stderr
    drama = kdrama("list", "--drama", "Test Drma", "--db", str(db))
    assert "Did you mean: Test [red]Drama[/]?" in drama.stderr


@pytest.fixture
def escaped_name(tmp_path: Path) -> Path:
    """A catalog whose file name holds an escape sequence."""
    db = tmp_path / "my\x1b[2Jscenes.db"
    db.write_bytes((Path(__file__).parents[1] / "data" / "scenes.db").read_bytes())
    return db


@pytest.mark.parametrize("args", [["db", "info"], ["db", "check"]], ids=" ".join)
def test_a_file_name_with_an_escape_is_written_out_for_people(
    kdrama: Invoke, escaped_name: Path, args: list[str]
) -> None:
    run = kdrama(*args, "--db", str(escaped_name))
    assert run.exit_code == 0
    assert not any(raw in run.stdout + run.stderr for raw in RAW)
    assert "my\\x1b[2Jscenes.db" in "".join(line.strip() for line in run.stdout.splitlines())


def test_db_path_prints_the_file_name_exactly_for_scripts(
    kdrama: Invoke, escaped_name: Path
) -> None:
    run = kdrama("db", "path", "--db", str(escaped_name))
    assert run.stdout == f"{escaped_name}\n"


# --- characters that reorder or hide text -------------------------------------------

# Each shown raw would make the text look like other text: a right-to-left override
# shows "Kim Actor" reversed, an isolate hides what follows, a zero-width space or
# joiner makes two names look alike, a line separator breaks a line unseen.
INVISIBLE = {
    "\u202e": "\\u202e",
    "\u2066": "\\u2066",
    "\u200f": "\\u200f",
    "\u061c": "\\u061c",
    "\u200b": "\\u200b",
    "\u200d": "\\u200d",
    "\u2060": "\\u2060",
    "\ufeff": "\\ufeff",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
SNEAKY = "Sneaky " + " ".join(f"{char}x" for char in INVISIBLE)
EMOJI = "Crew 👩\u200d🚀 and ❤\ufe0f\u200d🔥"


@pytest.fixture
def sneaky_db(make_catalog: Callable[..., Path]) -> Path:
    data = one_scene(title=SNEAKY, description=EMOJI)
    data["people"][0]["name"] = f"Kim {SNEAKY}"
    data["dramas"][0]["characters"][0]["actor"] = f"Kim {SNEAKY}"
    return make_catalog(data)


@pytest.mark.parametrize(
    "args", [["list"], ["show", "1"], ["actors"], ["search", "sneaky"], ["random"]], ids=" ".join
)
def test_people_see_bidi_and_zero_width_characters_written_out(
    kdrama: Invoke, sneaky_db: Path, args: list[str]
) -> None:
    run = kdrama(*args, "--db", str(sneaky_db))
    assert run.exit_code == 0
    assert not any(char in run.stdout + run.stderr for char in INVISIBLE if char != "\u200d")
    assert all(shown in run.stdout for shown in INVISIBLE.values())


def test_emoji_joined_by_a_zero_width_joiner_show_as_they_are(
    kdrama: Invoke, sneaky_db: Path
) -> None:
    run = kdrama("show", "1", "--db", str(sneaky_db))
    assert EMOJI in run.stdout


def test_machine_formats_keep_bidi_and_zero_width_characters_exactly(
    kdrama: Invoke, sneaky_db: Path
) -> None:
    scene = kdrama("list", "--json", "--db", str(sneaky_db)).json()[0]
    assert (scene["title"], scene["description"]) == (SNEAKY, EMOJI)


@pytest.mark.parametrize("char", INVISIBLE, ids=ascii)
def test_import_refuses_text_that_would_reorder_or_hide_itself(tmp_path: Path, char: str) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    before = snapshot(db)
    source = tmp_path / "scenes.json"
    scene = {"title": f"A{char}B", "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]}
    # ensure_ascii writes a lone surrogate as the \ud800 escape a JSON file may hold
    source.write_text(json.dumps([scene]), "ascii")
    run = run_process("import", str(source), "--db", str(db))
    assert run.exit_code == 1
    assert run.stderr == (
        f"Error: item 1: field 'title': has a control character ({ascii(char)[1:-1]})"
        " at character 2; --strip-controls removes them\n"
    )
    assert snapshot(db) == before


@pytest.mark.parametrize("char", INVISIBLE, ids=ascii)
def test_import_strip_controls_removes_what_would_reorder_or_hide_text(
    tmp_path: Path, char: str
) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    source = tmp_path / "scenes.json"
    scene = {"title": f"A{char}B", "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]}
    source.write_text(json.dumps([scene]), "ascii")
    run = run_process("import", str(source), "--db", str(db), "--strip-controls")
    assert run.exit_code == 0, run.stderr
    shown = run_process("list", "--drama", "Goblin", "--json", "--db", str(db))
    assert "AB" in [found["title"] for found in json.loads(shown.stdout)]


def test_import_takes_emoji_joined_by_a_zero_width_joiner(tmp_path: Path) -> None:
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    source = tmp_path / "scenes.json"
    scene = {"title": EMOJI, "drama": "Goblin", "year": 2017, "actors": ["Gong Yoo"]}
    source.write_text(json.dumps([scene]), "ascii")
    assert run_process("import", str(source), "--db", str(db)).exit_code == 0
    exported = run_process("list", "--json", "--db", str(db), "--drama", "Goblin").stdout
    assert EMOJI in [scene["title"] for scene in json.loads(exported)]


# --- prompts ------------------------------------------------------------------------


def _answer_on_a_terminal(args: list[str], prompt_end: bytes, answer: bytes) -> str:
    """Run kdrama on a new pseudo-terminal, wait for the prompt ending in
    ``prompt_end``, type ``answer``, and return everything the terminal received."""
    main, terminal = os.openpty()
    with subprocess.Popen(
        [KDRAMA_BIN, *args], stdin=terminal, stdout=terminal, stderr=terminal
    ) as proc:
        os.close(terminal)
        received = b""
        while prompt_end not in received:
            ready, _, _ = select.select([main], [], [], 60)
            assert ready, f"no prompt after 60 s: {received!r}"
            received += os.read(main, 4096)
        os.write(main, answer)
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal is gone: kdrama has ended
                break
            if not chunk:
                break
            received += chunk
        proc.wait(timeout=60)
    os.close(main)
    return received.decode("utf-8", "replace")


def test_rm_asks_about_the_scene_with_its_title_written_out(hostile_db: Path) -> None:
    shown = _answer_on_a_terminal(["rm", "1", "--db", str(hostile_db)], b"[y/N]: ", b"n\n")
    assert "Remove #1 Evil \\x1b[2J clear \\x9b31m red \\x1b]0;pwned\\x07 bell?" in shown
    assert not any(raw in shown for raw in ("\x1b[2J", "\x9b", "\x1b]0;", "\x07"))
    assert "Nothing removed." in shown


def test_rm_asks_with_bidi_controls_written_out(sneaky_db: Path) -> None:
    shown = _answer_on_a_terminal(["rm", "1", "--db", str(sneaky_db)], b"[y/N]: ", b"n\n")
    assert "\\u202ex" in shown and "\u202e" not in shown


# --- what Datasette prints under `kdrama browse` ----------------------------------------


def test_browse_writes_out_what_a_web_page_makes_datasette_print(tmp_path: Path) -> None:
    """Any web page can have the browser GET a query whose error Datasette prints on
    the terminal, with the table name as typed: an OSC 52 (clipboard write) here."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "scenes.db"
    db.write_bytes(BUNDLED.read_bytes())
    hostile = "\x1b]52;c;aGk=\x07\x1b[2J\u202e"
    query = urllib.parse.urlencode({"sql": f'select * from "{hostile}"'})
    proc = subprocess.Popen(
        [KDRAMA_BIN, "browse", "--no-open", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert b"Serving" in proc.stderr.readline()  # the socket listens from here on
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/scenes?{query}", timeout=60)
        assert refused.value.code == 400
        proc.send_signal(signal.SIGINT)
        printed = proc.stderr.read().decode("utf-8") + proc.stdout.read().decode("utf-8")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=60)
    assert "no such table: \\x1b]52;c;aGk=\\x07\\x1b[2J\\u202e" in printed
    assert not any(raw in printed for raw in ("\x1b", "\x07", "\u202e"))
