"""kdrama note and kdrama open: a fan's note on a scene (given, written in an editor as
git commit does, printed, cleared) and the scene's clip link opened in the browser at
the scene's time, or printed."""

from __future__ import annotations

import doctest
import os
import subprocess
import tempfile
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdrama_cli import cli_note, notes, storage
from kdrama_cli.catalog import Catalog
from kdrama_cli.records import MAX_DESCRIPTION
from kdrama_cli.writer import Writer

from .conftest import KDRAMA_BIN, Invoke, Run, on_terminal, read_pty, run_process
from .test_naming import db, on
from .test_read_only import assert_children_cannot
from .test_read_only import kdrama as unprivileged_kdrama

__all__ = ["db", "on"]  # the fixtures shared with test_naming: a catalog copy, run on it


def note_of(on: Callable[..., Run], scene_id: int) -> Any:
    return on("note", str(scene_id), "--json").json()["note"]


# --- kdrama note TEXT, --clear, printing -------------------------------------------


def test_note_sets_replaces_and_clears_a_scenes_note(on: Callable[..., Run]) -> None:
    saved = on("note", "6", "Watch it for the music.")
    assert (saved.exit_code, saved.stdout, saved.stderr) == (0, "", "Saved the note of scene 6.\n")
    assert on("note", "6").stdout == "Watch it for the music.\n"

    assert on("note", "6", "  Tissues ready.  ").exit_code == 0
    assert on("note", "6").stdout == "Tissues ready.\n"  # trimmed, as a description is
    assert note_of(on, 5) is None  # only scene 6 has it

    cleared = on("note", "6", "--clear")
    assert (cleared.exit_code, cleared.stderr) == (0, "Removed the note of scene 6.\n")
    printed = on("note", "6")
    assert (printed.exit_code, printed.stdout) == (0, "")  # no note: nothing printed
    again = on("note", "6", "--clear")
    assert (again.exit_code, again.stderr) == (0, "No change: scene 6 has no note.\n")


def test_note_json_is_the_id_and_the_note_or_null(on: Callable[..., Run]) -> None:
    assert on("note", "6", "--json").json() == {"id": 6, "note": None}
    set_ = on("note", "6", "Rain, then the kiss.", "--json")
    assert set_.stdout == '{"id":6,"note":"Rain, then the kiss."}\n'
    assert on("note", "6", "--json").json() == {"id": 6, "note": "Rain, then the kiss."}
    assert on("note", "6", "--clear", "--json").json() == {"id": 6, "note": None}


def test_setting_the_same_note_again_says_nothing_changed(on: Callable[..., Run]) -> None:
    on("note", "6", "Same words.")
    run = on("note", "6", "Same words.")
    assert (run.exit_code, run.stderr) == (0, "No change: scene 6 keeps its note.\n")


def test_a_note_keeps_its_lines_and_windows_line_ends_become_line_feeds(
    on: Callable[..., Run],
) -> None:
    assert on("note", "6", "First line\r\nsecond line\r\n\r\nafter a blank").exit_code == 0
    assert note_of(on, 6) == "First line\nsecond line\n\nafter a blank"
    assert on("note", "6").stdout == "First line\nsecond line\n\nafter a blank\n"


def test_a_note_may_be_as_long_as_a_description(on: Callable[..., Run]) -> None:
    long_note = "ㅋ" * MAX_DESCRIPTION
    assert on("note", "6", long_note).exit_code == 0
    assert note_of(on, 6) == long_note


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("red \x1b[31malert", "the note has a control character (\\x1b) at character 5"),
        ("safe\u202eexe.txt", "the note has a control character (\\u202e) at character 5"),
        ("bell\x07", "the note has a control character (\\x07) at character 5"),
        ("x" * (MAX_DESCRIPTION + 1), "the note is 20,001 characters long; the most is 20,000"),
        ("   ", "the note is empty; --clear removes a note"),
    ],
    ids=["escape sequence", "bidi override", "bell", "too long", "blank"],
)
def test_a_note_that_cannot_be_kept_is_one_line_exit_2_and_changes_nothing(
    db: Path, on: Callable[..., Run], text: str, error: str
) -> None:
    on("note", "6", "The note before.")
    before = db.read_bytes()
    run = on("note", "6", text)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.splitlines()[-1] == f"Error: Invalid value for 'TEXT': {error}"
    assert db.read_bytes() == before
    assert note_of(on, 6) == "The note before."


def test_note_with_both_text_and_clear_is_a_usage_error(db: Path, on: Callable[..., Run]) -> None:
    before = db.read_bytes()
    run = on("note", "6", "text", "--clear")
    assert (run.exit_code, run.stderr) == (2, "Error: give a note or --clear, not both\n")
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "args", [["note", "99", "A note"], ["note", "99"], ["note", "99", "--clear"]]
)
def test_note_of_an_unknown_scene_exits_1_and_changes_nothing(
    db: Path, on: Callable[..., Run], args: list[str]
) -> None:
    before = db.read_bytes()
    run = on(*args)
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "Error: no scene with id 99\n")
    assert db.read_bytes() == before


def test_note_on_a_read_only_catalog_is_refused_as_other_writes_are(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    db.write_bytes(storage.bundled_catalog_path().read_bytes())
    db.chmod(0o444)
    assert_children_cannot("change", db)
    before = db.read_bytes()

    run = unprivileged_kdrama("note", "6", "Mine.", "--db", str(db))

    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == f"Error: cannot write {db}: permission denied\n"
    assert db.read_bytes() == before
    assert unprivileged_kdrama("note", "6", "--db", str(db)).stdout == ""


def test_a_note_goes_to_the_users_catalog_never_the_bundled_one(
    isolated_user_world: Path, kdrama: Invoke
) -> None:
    bundled = storage.bundled_catalog_path().read_bytes()
    assert kdrama("note", "2", "Rewatch with Mom.").exit_code == 0
    assert kdrama("note", "2").stdout == "Rewatch with Mom.\n"
    assert storage.user_catalog_path().exists()
    assert storage.bundled_catalog_path().read_bytes() == bundled


def test_search_finds_a_scene_by_the_words_of_its_note(on: Callable[..., Run]) -> None:
    assert on("search", "pineapple", "--json").json() == []
    on("note", "4", "The pineapple pizza scene, before the umbrella.")
    assert [s["id"] for s in on("search", "pineapple", "--json").json()] == [4]
    assert [s["id"] for s in on("search", "umbrella pizza", "--json").json()] == [4]
    on("note", "4", "--clear")
    assert on("search", "pineapple", "--json").json() == []


def test_piped_note_prints_it_and_never_starts_an_editor(db: Path, tmp_path: Path) -> None:
    ran = tmp_path / "editor-ran"
    editor = _script(tmp_path / "editor", f'touch "{ran}"\n')
    assert run_process("note", "3", "Piped out.", "--db", str(db)).exit_code == 0

    run = run_process("note", "3", "--db", str(db), env={"VISUAL": str(editor)})

    assert (run.exit_code, run.stdout, run.stderr) == (0, "Piped out.\n", "")
    assert not ran.exists()


# --- kdrama note in an editor ----------------------------------------------------------


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake editor in a folder whose name has a space: it records its arguments and
    the file it was given as it found it, then writes $FAKE_EDITOR_WRITES into it (and
    leaves it alone when that is unset). The folder it records into is returned."""
    seen = tmp_path / "seen"
    seen.mkdir()
    folder = tmp_path / "my editors"
    folder.mkdir()
    script = _script(
        folder / "fake-editor",
        f"""for file; do :; done
printf '%s\\n' "$@" > "{seen}/args"
cp "$file" "{seen}/before"
if [ -n "${{FAKE_EDITOR_WRITES+set}}" ]; then printf '%b' "$FAKE_EDITOR_WRITES" > "$file"; fi
exit "${{FAKE_EDITOR_EXIT:-0}}"
""",
    )
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("VISUAL", f"'{script}' --wait")  # quoted, with an argument
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the note files go
    return seen


def test_note_on_a_terminal_edits_the_note_in_visual_on_a_file_then_removed(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on("note", "6", "Old note.")
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "New note,\\r\\nin two lines.\\n")

    run = on("note", "6")

    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "Saved the note of scene 6.\n")
    args = (editor / "args").read_text().splitlines()
    assert args[0] == "--wait" and len(args) == 2  # split as a shell would
    assert (editor / "before").read_text() == "Old note.\n"
    assert not Path(args[1]).exists()
    assert note_of(on, 6) == "New note,\nin two lines."


def test_editor_falls_back_to_editor_when_visual_is_unset(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", os.environ["VISUAL"])
    monkeypatch.setenv("VISUAL", "")
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "From $EDITOR.")
    assert on("note", "6").exit_code == 0
    assert (editor / "before").read_text() == ""  # no note yet: an empty file
    assert note_of(on, 6) == "From $EDITOR."


def test_visual_comes_before_editor(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "From $VISUAL.")
    assert on("note", "6").exit_code == 0
    assert note_of(on, 6) == "From $VISUAL."


def test_an_editor_variable_that_names_no_program_is_passed_over(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VISUAL='' (quotes and nothing in them) must not run the note file itself."""
    monkeypatch.setenv("EDITOR", os.environ["VISUAL"])
    monkeypatch.setenv("VISUAL", "''")
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "From $EDITOR.")
    assert on("note", "6").exit_code == 0
    assert note_of(on, 6) == "From $EDITOR."


def test_an_editor_variable_shell_words_cannot_split_is_one_line_exit_1(
    db: Path, on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db.read_bytes()
    monkeypatch.setenv("VISUAL", "vim '-c")
    run = on("note", "6")
    assert (run.exit_code, run.stderr) == (
        1,
        'Error: cannot read $VISUAL ("vim \'-c"): No closing quotation\n',
    )
    assert db.read_bytes() == before


def test_saving_an_empty_file_removes_the_note(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on("note", "6", "Going away.")
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "\\n")
    run = on("note", "6")
    assert (run.exit_code, run.stderr) == (0, "Removed the note of scene 6.\n")
    assert note_of(on, 6) is None


def test_an_unchanged_file_changes_nothing_and_says_so(
    db: Path, on: Callable[..., Run], editor: Path
) -> None:
    on("note", "6", "Stays.")
    before = db.read_bytes()
    run = on("note", "6")  # the editor leaves the file as it was
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == "No change: scene 6 keeps its note.\n"
    assert db.read_bytes() == before


def test_hostile_text_written_in_the_editor_is_refused_and_kept_in_its_file(
    db: Path, on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on("note", "6", "Before.")
    before = db.read_bytes()
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "clear \\033[2J screen")

    run = on("note", "6")

    kept = Path((editor / "args").read_text().splitlines()[-1])
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "Error: the note has a control character (\\x1b) at character 7; what you wrote"
        f" is kept in {kept}\n"
    )
    assert kept.read_text() == "clear \x1b[2J screen"
    assert db.read_bytes() == before


def test_an_editor_that_fails_saves_nothing(
    db: Path, on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db.read_bytes()
    monkeypatch.setenv("FAKE_EDITOR_WRITES", "Half written")
    monkeypatch.setenv("FAKE_EDITOR_EXIT", "3")

    run = on("note", "6")

    kept = Path((editor / "args").read_text().splitlines()[-1])
    assert run.exit_code == 1
    script = str(editor.parent / "my editors" / "fake-editor")
    assert run.stderr == (
        f"Error: the editor {script!r} ended with status 3; nothing was saved, and what"
        f" you wrote is kept in {kept}\n"
    )
    assert kept.read_text() == "Half written"
    assert db.read_bytes() == before


def test_without_visual_editor_or_vi_the_error_says_what_to_set(
    db: Path,
    on: Callable[..., Run],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no vi there
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = db.read_bytes()

    run = on("note", "6")

    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "Error: no editor could be started: $VISUAL and $EDITOR are not set and vi cannot"
        " be run (no such file or directory); set one of them, or give the note: kdrama"
        ' note 6 "TEXT"\n'
    )
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("kdrama-note-*"))  # the file made for it is gone


def test_an_editor_that_cannot_be_started_is_named(
    on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", "no-such-editor --flag")
    run = on("note", "6")
    assert run.exit_code == 1
    assert run.stderr.startswith(
        "Error: cannot start the editor 'no-such-editor' that $VISUAL names (no such file"
    )


def test_a_note_changed_elsewhere_while_editing_is_not_overwritten(
    db: Path, on: Callable[..., Run], editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another kdrama saves a note while the editor is open: the note edited from the
    older one is not saved over it, and is kept in its file."""
    meanwhile = _script(
        editor / "meanwhile-editor",
        f'"{KDRAMA_BIN}" note 6 "Saved meanwhile." --db "{db}"\n'
        'for file; do :; done\necho "Mine." > "$file"\n',
    )
    monkeypatch.setenv("VISUAL", str(meanwhile))

    run = on("note", "6")

    assert run.exit_code == 1
    assert run.stderr.startswith(
        "Error: the note of scene 6 was changed elsewhere while you edited it; nothing was"
        " saved; what you wrote is kept in "
    )
    kept = Path(run.stderr.rstrip("\n").rsplit(" ", 1)[1])
    assert kept.read_text() == "Mine.\n"
    assert note_of(on, 6) == "Saved meanwhile."


def test_note_on_a_real_terminal_opens_the_editor(db: Path, tmp_path: Path) -> None:
    """stdin and stdout on a pseudo-terminal, as a person runs it: the editor opens.
    Ctrl-C while it is open is the editor's (here it sends one to kdrama, which waits
    for the editor and saves), as in git."""
    editor = _script(
        tmp_path / "editor",
        'kill -INT $PPID\nfor file; do :; done\necho "Typed at a terminal." > "$file"\n',
    )
    leader, follower = os.openpty()
    with subprocess.Popen(
        [KDRAMA_BIN, "note", "6", "--db", str(db)],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "VISUAL": str(editor), "TERM": "xterm", "NO_COLOR": "1"},
    ) as process:
        os.close(follower)
        shown = read_pty(leader).decode()
        code = process.wait()
    assert code == 0, shown
    assert "Saved the note of scene 6." in shown
    assert run_process("note", "6", "--db", str(db)).stdout == "Typed at a terminal.\n"


# --- kdrama open -------------------------------------------------------------------------


def put_links(db: Path, scene_id: int, urls: list[str], seconds: int | None = None) -> None:
    """Give a scene clip links and a time through the Python API."""
    with Catalog.open(db, write=True) as catalog, storage.transaction(catalog.conn):
        writer = Writer(catalog.conn)
        writer.set_urls(scene_id, urls)
        writer.update_scene(scene_id, time=seconds)


YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("link", "seconds", "opened"),
    [
        (YOUTUBE, 2533, f"{YOUTUBE}&t=2533s"),
        ("https://youtu.be/dQw4w9WgXcQ", 2533, "https://youtu.be/dQw4w9WgXcQ?t=2533s"),
        (f"{YOUTUBE}&t=10s", 95, f"{YOUTUBE}&t=95s"),  # the scene's time, not the link's
        (YOUTUBE, None, YOUTUBE),
        ("https://www.viki.com/videos/1234v-ep-10?lang=en", 2533, None),
        ("http://example.org/clip#at", 60, None),
    ],
    ids=["youtube", "youtu.be", "youtube with a time", "youtube, no time", "viki", "other"],
)
def test_open_print_gives_the_link_at_the_scenes_time_where_the_site_takes_one(
    db: Path, on: Callable[..., Run], link: str, seconds: int | None, opened: str | None
) -> None:
    put_links(db, 6, [link], seconds)
    run = on("open", "6", "--print")
    assert (run.exit_code, run.stdout, run.stderr) == (0, f"{opened or link}\n", "")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """webbrowser.open stubbed: the links it was given; it takes them, as a browser does."""
    opened: list[str] = []

    def open_(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", open_)
    return opened


def test_open_on_a_terminal_opens_the_first_link_in_the_browser(
    db: Path, on: Callable[..., Run], browser: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    put_links(db, 6, [YOUTUBE, "https://example.org/second"], 2533)
    run = on("open", "6")
    assert (run.exit_code, run.stdout) == (0, "")
    assert browser == [f"{YOUTUBE}&t=2533s"]
    assert run.stderr == f"Opened {YOUTUBE}&t=2533s\n"


def test_open_piped_prints_the_link_and_starts_no_browser(
    db: Path, on: Callable[..., Run], browser: list[str]
) -> None:
    put_links(db, 6, [YOUTUBE], 61)
    run = on("open", "6")  # CliRunner's stdout is no terminal
    assert (run.exit_code, run.stdout) == (0, f"{YOUTUBE}&t=61s\n")
    assert browser == []


def test_open_with_print_on_a_terminal_starts_no_browser(
    db: Path, on: Callable[..., Run], browser: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    put_links(db, 6, [YOUTUBE])
    assert on("open", "6", "--print").stdout == f"{YOUTUBE}\n"
    assert browser == []


@pytest.mark.parametrize("failure", ["returns False", "raises webbrowser.Error"])
def test_open_prints_the_link_when_no_browser_can_be_started(
    db: Path, on: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    def no_browser(url: str, *args: Any, **kwargs: Any) -> bool:
        if failure == "returns False":
            return False
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "open", no_browser)
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    put_links(db, 6, [YOUTUBE], 5)
    run = on("open", "6")
    assert (run.exit_code, run.stdout) == (0, f"{YOUTUBE}&t=5s\n")
    assert run.stderr == "No browser could be started; here is the link:\n"


def test_open_link_n_opens_another_link_and_a_missing_one_is_exit_1(
    db: Path, on: Callable[..., Run]
) -> None:
    put_links(db, 6, [YOUTUBE, "https://example.org/second"])
    assert on("open", "6", "--link", "2", "--print").stdout == "https://example.org/second\n"
    run = on("open", "6", "--link", "3")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == "Error: scene 6 has 2 clip link(s), so none is number 3\n"
    assert on("open", "6", "--link", "0").exit_code == 2


def test_open_a_scene_without_a_link_exits_1_saying_how_to_add_one(
    on: Callable[..., Run], browser: list[str]
) -> None:
    run = on("open", "6")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == ("Error: scene 6 has no clip link; add one with kdrama edit 6 --url URL\n")
    assert browser == []


def test_open_an_unknown_scene_exits_1(on: Callable[..., Run]) -> None:
    run = on("open", "99", "--print")
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "Error: no scene with id 99\n")


def test_open_refuses_a_stored_link_kdrama_would_never_keep(
    db: Path, on: Callable[..., Run], browser: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog file from elsewhere, written around kdrama, cannot make it open a
    javascript: or file: link."""
    monkeypatch.setattr(cli_note, "is_terminal", lambda stream: True)
    put_links(db, 6, ["javascript:alert(1)"])
    run = on("open", "6")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        "Error: scene 6's clip link is not one kdrama opens:"
        " 'javascript:alert(1)' is not an http or https link\n"
    )
    assert browser == []


def test_open_on_a_terminal_runs_the_browser_named_by_browser(db: Path, tmp_path: Path) -> None:
    """A real process with stdout on a pseudo-terminal: Python's webbrowser runs
    $BROWSER with the link."""
    got = tmp_path / "browser-got"
    browser = _script(tmp_path / "browser", f'printf "%s" "$1" > "{got}"\n')
    put_links(db, 6, ["https://youtu.be/dQw4w9WgXcQ"], 2533)

    run = on_terminal("open", "6", "--db", str(db), env={"BROWSER": str(browser)})

    assert (run.code, run.stdout) == (0, "")
    assert got.read_text() == "https://youtu.be/dQw4w9WgXcQ?t=2533s"
    assert run.stderr == "Opened https://youtu.be/dQw4w9WgXcQ?t=2533s\n"


def test_open_piped_in_a_real_process_prints_the_link(db: Path, tmp_path: Path) -> None:
    got = tmp_path / "browser-got"
    browser = _script(tmp_path / "browser", f'touch "{got}"\n')
    put_links(db, 6, [YOUTUBE], 2533)
    run = run_process("open", "6", "--db", str(db), env={"BROWSER": str(browser)})
    assert (run.exit_code, run.stdout, run.stderr) == (0, f"{YOUTUBE}&t=2533s\n", "")
    assert not got.exists()


# --- the Python API ----------------------------------------------------------------------


def test_the_api_reads_and_writes_notes_and_links(db: Path) -> None:
    assert doctest.testmod(notes).failed == 0
    put_links(db, 3, [YOUTUBE], 42)
    with Catalog.open(db, write=True) as catalog:
        assert notes.set_note(catalog, 3, "Via the API.") is True
        assert notes.set_note(catalog, 3, "Via the API.") is False
        assert notes.note_of(catalog, 3) == "Via the API."
        with pytest.raises(notes.NoteChanged):
            notes.set_note(catalog, 3, "Lost?", expected="Something else")
        assert notes.note_of(catalog, 3) == "Via the API."
        assert notes.clip_links(catalog, 3) == (YOUTUBE,)
        assert notes.clip_to_open(catalog, 3) == f"{YOUTUBE}&t=42s"
        assert notes.set_note(catalog, 3, None) is True
        assert notes.note_of(catalog, 3) is None


def test_a_hostile_note_stored_around_kdrama_is_shown_safely_on_a_terminal(db: Path) -> None:
    """A catalog written by another program may hold a note kdrama would refuse: on a
    terminal its control characters are written out; piped, it is exact."""
    hostile = "Title\x1b]0;pwned\x07 and \u202eright-to-left"
    with Catalog.open(db, write=True) as catalog, storage.transaction(catalog.conn):
        Writer(catalog.conn).update_scene(6, note=hostile)

    shown = on_terminal("note", "6", "--db", str(db))  # stdout a terminal, stdin not

    assert (shown.code, shown.stderr) == (0, "")
    assert shown.stdout == "Title\\x1b]0;pwned\\x07 and \\u202eright-to-left\n"
    assert run_process("note", "6", "--db", str(db)).stdout == hostile + "\n"
