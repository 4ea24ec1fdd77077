"""`kdrama tui`, driven with Textual's pilot: the search box, each key, a read-only
catalog, an empty result, hostile text, and snapshots of the main screen."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from kdrama_cli import tui
from kdrama_cli.storage import locate

from .conftest import BUNDLED, Invoke, one_scene, run_process
from .test_read_only import unprivileged

Scenario = Callable[[tui.KdramaApp, Pilot[None]], Awaitable[None]]


def drive(db: Path | None, scenario: Scenario, size: tuple[int, int] = (100, 30)) -> tui.KdramaApp:
    """Open the catalog as ``kdrama tui [--db db]`` does and run ``scenario`` in it."""
    catalog, read_only, why = tui.open_for_tui(locate(db))

    async def run() -> None:
        app = tui.KdramaApp(catalog, read_only=read_only, why=why)
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await scenario(app, pilot)
        drive.app = app  # type: ignore[attr-defined]

    with catalog:
        asyncio.run(run())
    return drive.app  # type: ignore[attr-defined,no-any-return]


async def type_query(app: tui.KdramaApp, pilot: Pilot[None], text: str) -> None:
    """Type ``text`` into the search box in place of what it held, key by key, wait
    for the list to answer, and go back to the list (Escape)."""
    # The pilot's keys must come quicker than the box's pause, whatever the machine's
    # load: a query between two of them would answer before the whole text is typed.
    app.debounce = 0.5
    app.updated.clear()
    await pilot.press("slash", *("space" if char == " " else char for char in text))
    await asyncio.wait_for(app.updated.wait(), 10)
    await pilot.press("escape")
    await settle(app, pilot)  # the count, when the first page is full, comes after


async def settle(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
    """Wait until the messages a key sent are handled and the workers they started end."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def shown_ids(app: tui.KdramaApp) -> list[int]:
    return [scene.id for scene in app.scenes]


def plain(app: tui.KdramaApp, selector: str) -> str:
    """What a Static of the app shows, as plain text."""
    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def chips(app: tui.KdramaApp) -> str:
    return plain(app, "#chips")


def detail(app: tui.KdramaApp) -> str:
    return plain(app, "#detail-text")


def notices(app: tui.KdramaApp) -> list[str]:
    """The notifications the app has given, oldest first."""
    return [notification.message for notification in app._notifications]


def export(db: Path) -> dict[int, dict[str, Any]]:
    lines = run_process("export", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    return {scene["id"]: scene for scene in map(json.loads, lines)}


@pytest.fixture
def copy_db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    return Path(shutil.copy(BUNDLED, tmp_path / "scenes.db"))


def test_the_list_opens_on_every_scene_of_the_catalog_in_use() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        assert shown_ids(app) == [1, 2, 3, 4, 5, 6]
        assert "6 scenes" in chips(app)
        assert "(read-only)" in app.sub_title
        assert "Jin Hyuk tells the world" in detail(app)

    drive(None, scenario)


def test_typing_words_searches_as_the_search_command_does(kdrama: Invoke) -> None:
    expected = [s["id"] for s in kdrama("search", "wine", "--format", "json").json()]

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "wine")
        assert shown_ids(app) == expected == [5]
        assert "1 scene" in chips(app)
        assert "wine lesson" in detail(app)

    drive(None, scenario)


def test_typing_asks_the_catalog_once_the_keystrokes_pause() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        before = app.queries_shown
        await type_query(app, pilot, "goblin")
        await settle(app, pilot)
        assert app.queries_shown == before + 1  # six keystrokes, one query
        assert shown_ids(app) == [4]

    drive(None, scenario)


def test_filters_typed_in_the_box_show_as_chips_and_narrow_the_list(kdrama: Invoke) -> None:
    expected = [
        s["id"] for s in kdrama("list", "--actor", "son yejin", "--year", "2018..", "--json").json()
    ]

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "actor:son yejin year:2018..")
        assert shown_ids(app) == expected and expected
        assert "actor: son yejin" in chips(app) and "year: 2018.." in chips(app)

    drive(None, scenario)


def test_an_empty_result_says_so_and_names_what_matched_nothing() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "drama:Goblinn")
        assert shown_ids(app) == []
        assert "No drama matches 'Goblinn'. Did you mean Goblin" in chips(app)
        assert "No scene matches." in detail(app)
        await pilot.press("r", "y", "f")  # nothing under the cursor: nothing happens
        await type_query(app, pilot, "zzzqqq")
        assert shown_ids(app) == [] and "0 scenes" in chips(app)

    drive(None, scenario)


def test_a_bad_filter_value_is_said_and_the_list_stays() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "year:20x")
        assert "'20x' is not a year" in chips(app)
        assert shown_ids(app) == [1, 2, 3, 4, 5, 6]

    drive(None, scenario)


def test_j_k_and_the_arrows_move_and_the_detail_follows() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("j", "j")
        assert app.current().id == 3  # type: ignore[union-attr]
        assert "Young Joon brings Mi So home" in detail(app)
        await pilot.press("k", "down", "down", "up")
        assert app.current().id == 3  # type: ignore[union-attr]

    drive(None, scenario)


def test_enter_shows_the_scene_in_full_and_escape_goes_back() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, tui.SceneScreen) and app.screen.scene.id == 2
        text = plain(app, "#scene-text")
        assert "Something in the Rain" in text and "Son Ye Jin" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, tui.SceneScreen)

    drive(None, scenario)


def test_f_and_the_digits_change_the_catalog_through_the_library(copy_db: Path) -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        assert "(read-only)" not in app.sub_title
        await pilot.press("down", "f", "4")
        assert app.current().favorite and app.current().rating == 4  # type: ignore[union-attr]
        await pilot.press("down", "5", "0", "down", "2")

    drive(copy_db, scenario)
    scenes = export(copy_db)
    assert (scenes[2]["favorite"], scenes[2]["rating"]) == (True, 4)
    assert (scenes[3]["favorite"], scenes[3]["rating"]) == (False, None)
    assert scenes[4]["rating"] == 2

    async def unfav(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "fav")
        assert shown_ids(app) == [2]
        await pilot.press("f")
        assert notices(app) == []  # f, on this read-only catalog, would have said so

    drive(copy_db, unfav)
    assert export(copy_db)[2]["favorite"] is False


def test_keys_act_on_the_scene_shown_in_full(copy_db: Path) -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "down", "enter", "3")
        assert isinstance(app.screen, tui.SceneScreen)
        assert "★★★☆☆" in plain(app, "#scene-text")

    drive(copy_db, scenario)
    assert export(copy_db)[3]["rating"] == 3


# Run in a process without root's power over file permissions: the app on a catalog
# file it may not write, pressing the write keys.
READ_ONLY_RUN = """
import asyncio, sys
from pathlib import Path
from kdrama_cli import tui
from kdrama_cli.storage import locate

async def main(app):
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f", "5", "0")
        print(app.sub_title)
        for notification in app._notifications:
            print(notification.message)

catalog, read_only, why = tui.open_for_tui(locate(Path(sys.argv[1])))
asyncio.run(main(tui.KdramaApp(catalog, read_only=read_only, why=why)))
"""


def test_a_catalog_file_without_write_permission_opens_read_only_and_refuses_writes(
    copy_db: Path,
) -> None:
    copy_db.chmod(0o444)
    before = copy_db.read_bytes()
    run = unprivileged(sys.executable, "-c", READ_ONLY_RUN, str(copy_db))
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"{copy_db} (read-only)"
    refusal = "This catalog is read-only (no permission to write it): nothing was changed."
    assert lines[1:] == [refusal] * 3
    assert copy_db.read_bytes() == before


def test_the_bundled_catalog_opens_read_only_and_says_so() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        assert app.sub_title == "the catalog shipped with kdrama (read-only)"
        await pilot.press("f")
        assert "shipped with kdrama" in notices(app)[0]

    drive(None, scenario)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    links: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: links.append(url) or True)
    return links


def test_o_opens_the_clip_link_at_the_scenes_time(
    copy_db: Path, kdrama: Invoke, opened: list[str]
) -> None:
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert kdrama("edit", "1", "--url", url, "--time", "1:05", "--db", str(copy_db)).exit_code == 0

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("o")
        assert opened == [f"{url}&t=65s"]
        assert notices(app) == [f"Opened {url}&t=65s"]
        await pilot.press("down", "o")  # scene 2 has no link: a message, nothing opened
        assert len(opened) == 1
        assert "scene 2 has no clip link" in notices(app)[-1]

    drive(copy_db, scenario)


def test_o_without_a_browser_shows_the_link(
    copy_db: Path, kdrama: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://youtu.be/dQw4w9WgXcQ"
    assert kdrama("edit", "1", "--url", url, "--db", str(copy_db)).exit_code == 0
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: False)

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("o")
        assert notices(app) == [f"No browser could be started; the link is {url}"]

    drive(copy_db, scenario)


def test_r_picks_a_scene_among_those_shown() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "year:2018")
        shown = shown_ids(app)
        assert len(shown) == 2
        picked = set()
        for _ in range(12):
            await pilot.press("r")
            picked.add(app.current().id)  # type: ignore[union-attr]
        assert picked == set(shown)  # both drawn, in 12 draws but for a 1 in 2048 chance

    drive(None, scenario)


def test_r_after_a_search_picks_among_its_results(kdrama: Invoke) -> None:
    expected = {s["id"] for s in kdrama("search", "kiss", "--json").json()}

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "kiss")
        picked = set()
        # Until both are drawn: twelve draws of two missed one once in about 2,000 runs.
        for _ in range(64):
            await pilot.press("r")
            await settle(app, pilot)  # a search's scene is drawn in a worker thread
            picked.add(app.current().id)  # type: ignore[union-attr]
            if picked == expected:
                break
        assert picked == expected and len(expected) == 2

    drive(None, scenario)


def test_r_on_a_search_not_yet_counted_draws_from_every_match_in_a_worker(
    make_catalog: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tui, "PAGE", 10)
    monkeypatch.setattr(tui, "_AHEAD", 3)
    # The count that follows a full first page never comes: r must count for itself,
    # off the app's thread (the main connection is never asked).
    monkeypatch.setattr(tui.KdramaApp, "count_later", lambda self, generation: None)
    data = one_scene()
    data["scenes"] = [{**data["scenes"][0], "id": i, "title": f"Rain {i}"} for i in range(1, 20)]
    db = make_catalog(data)

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "rain")
        assert shown_ids(app) == list(range(1, 11)) and app.total is None
        main_thread_reads = []
        app.catalog.conn.set_trace_callback(main_thread_reads.append)
        picked = set()
        for _ in range(40):
            await pilot.press("r")
            await settle(app, pilot)
            picked.add(app.current().id)  # type: ignore[union-attr]
        # Scenes past the first page too (all 40 draws within it: 1 in 10^11).
        assert picked <= set(range(1, 20)) and max(picked) > 10
        assert app.total == 19 and main_thread_reads == []

    drive(db, scenario)


def test_quoted_names_and_several_filters_make_one_chip_each(kdrama: Invoke) -> None:
    expected = [s["id"] for s in kdrama("list", "--drama", "Crash Landing on You", "--json").json()]

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, 'drama:"crash landing on you" year:2019..2020 rating>=1')
        assert shown_ids(app) == []  # nothing is rated in the bundled catalog
        await type_query(app, pilot, 'kiss drama:"crash landing on you" y:2019..2020')
        assert shown_ids(app) == expected
        assert chips(app).split("  ")[:2] == [" drama: crash landing on you", " year: 2019..2020"]

    drive(None, scenario)


def test_y_copies_the_scenes_json_as_show_json_writes_it(kdrama: Invoke) -> None:
    expected = kdrama("show", "4", "--json").json()

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("down", "down", "down", "y")
        assert json.loads(app.clipboard) == expected
        assert "Copied scene 4's JSON." in notices(app)[-1]

    drive(None, scenario)


def test_question_mark_shows_help_and_q_quits() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, tui.HelpScreen)
        assert "rating>=4" in plain(app, "#help-text")
        await pilot.press("escape")
        await pilot.press("q")
        assert app.return_code == 0 and not app.is_running

    drive(None, scenario)


def test_letters_typed_in_the_search_box_are_not_keys() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        await type_query(app, pilot, "fq?")  # f, q and ? are text here
        assert app.is_running and not isinstance(app.screen, tui.HelpScreen)
        assert app.query_one("#search").value == "fq?"  # type: ignore[attr-defined]
        assert notices(app) == []  # f, on this read-only catalog, would have said so

    drive(None, scenario)


def test_the_list_is_read_a_page_at_a_time(
    make_catalog: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tui, "PAGE", 10)
    monkeypatch.setattr(tui, "_AHEAD", 3)
    data = one_scene()
    data["scenes"] = [{**data["scenes"][0], "id": i, "title": f"Scene {i}"} for i in range(1, 36)]
    db = make_catalog(data)

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        assert len(app.scenes) == 10 and "35 scenes" in chips(app)
        await pilot.press(*["down"] * 6)  # row 7 of 10: not yet near the end
        await settle(app, pilot)
        assert len(app.scenes) == 10
        await pilot.press("j")  # 3 rows from the end: the next page is read
        await settle(app, pilot)
        assert len(app.scenes) == 20
        for _ in range(34):
            await pilot.press("down")
            await settle(app, pilot)
        assert app.current().id == 35  # type: ignore[union-attr]
        assert shown_ids(app) == list(range(1, 36))

    drive(db, scenario)


HOSTILE = "[bold]Boom[/bold] \x1b[2J [link=https://evil.example]x[/link]"


def test_hostile_catalog_text_is_shown_as_text(make_catalog: Callable[..., Path]) -> None:
    data = one_scene(title=HOSTILE, description=HOSTILE, drama_fields={"title": "[red]D[/red]"})
    db = make_catalog(data)

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        written = "[bold]Boom[/bold] \\x1b[2J [link=https://evil.example]x[/link]"
        assert written in detail(app)
        row = "".join(str(cell) for cell in app.query_one(tui.SceneTable).get_row_at(0))
        assert "[bold]Boom" in row and "[red]D[/red]" in row and "\x1b" not in row
        await pilot.press("enter")
        assert written in plain(app, "#scene-text")
        await pilot.press("escape")
        await type_query(app, pilot, "actor:[b]x")
        assert "No actor matches '[b]x'" in chips(app)

    drive(db, scenario)


def test_tui_opens_the_catalog_named_by_db_or_kdrama_db(
    kdrama: Invoke, copy_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, bool]] = []
    monkeypatch.setattr(
        tui.KdramaApp, "run", lambda self: seen.append((self.catalog.path, self.read_only))
    )
    assert kdrama("tui", "--db", str(copy_db)).exit_code == 0
    assert kdrama("tui", env={"KDRAMA_DB": str(copy_db)}).exit_code == 0
    assert kdrama("tui").exit_code == 0
    assert seen == [(copy_db, False), (copy_db, False), (BUNDLED, True)]


def test_tui_on_a_missing_catalog_is_a_one_line_error(kdrama: Invoke, tmp_path: Path) -> None:
    run = kdrama("tui", "--db", str(tmp_path / "none.db"))
    assert run.exit_code == 1
    assert run.stderr.strip().count("\n") == 0 and "no catalog at" in run.stderr
    assert not (tmp_path / "none.db").exists()


@pytest.fixture
def without_textual(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delitem(sys.modules, "kdrama_cli.tui")
    monkeypatch.setitem(sys.modules, "textual", None)
    yield


def test_tui_without_textual_gives_a_one_line_hint(kdrama: Invoke, without_textual: None) -> None:
    run = kdrama("tui")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert "kdrama tui needs the tui extra" in run.stderr
    assert run.stderr.strip().count("\n") == 0


def test_the_real_kdrama_tui_without_textual_hints_the_command(tmp_path: Path) -> None:
    """The installed entry point, in a new process where Textual cannot be imported."""
    hidden = tmp_path / "hide"
    (hidden / "textual").mkdir(parents=True)
    (hidden / "textual" / "__init__.py").write_text('raise ImportError("hidden by this test")\n')
    run = run_process("tui", env={"PYTHONPATH": str(hidden)})
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == "Error: kdrama tui needs the tui extra: uv sync --extra tui\n"


def test_the_main_screen_at_80x24(snap_compare: Any) -> None:
    with tui.open_for_tui(locate(None))[0] as catalog:
        assert snap_compare(tui.KdramaApp(catalog, read_only=True), terminal_size=(80, 24))


def test_the_main_screen_at_120x40(snap_compare: Any) -> None:
    with tui.open_for_tui(locate(None))[0] as catalog:
        assert snap_compare(tui.KdramaApp(catalog, read_only=True), terminal_size=(120, 40))


class HeldReads:
    """Holds the statements of the app's reads (SQLite's progress handler waits in
    them) until a newer query supersedes the read, which interrupts it there,
    mid-statement; after ``release`` statements run freely. ``wait_held`` waits until
    a read of the newest query waits there; ``interrupted`` has the tickets of the reads
    stopped so.

    Made once the app is idle: the handler is set while no statement runs, and stays
    set (setting it waits for the connection's mutex, which a running statement holds
    while it calls the handler, which needs the interpreter's lock)."""

    def __init__(self, app: tui.KdramaApp, when: Callable[[], bool] = lambda: True) -> None:
        self.app = app
        self.when = when
        self.changed = threading.Condition()
        self.holding = True
        self.held_ticket = -1
        self.interrupted: set[int] = set()
        self.reading = threading.local()
        supersede, read = app.reader.supersede, app.reader.read

        def superseding() -> int:
            ticket = supersede()
            with self.changed:
                self.changed.notify_all()
            return ticket

        def reading(ticket: int, do: Any) -> Any:
            self.reading.ticket = ticket
            return read(ticket, do)

        app.reader.supersede = superseding  # type: ignore[method-assign]
        app.reader.read = reading  # type: ignore[method-assign]
        app.reader.catalog.conn.set_progress_handler(self._hold, 1)

    def _hold(self) -> int:
        ticket = getattr(self.reading, "ticket", None)
        if ticket is None or not self.holding or not self.when():
            return 0
        with self.changed:
            if self.app.reader.ticket != ticket:
                return 0  # superseded already: SQLite stops the statement
            self.held_ticket = ticket
            self.changed.notify_all()
            self.changed.wait_for(lambda: not self.holding or self.app.reader.ticket != ticket, 10)
            if self.app.reader.ticket != ticket:
                self.interrupted.add(ticket)
        return 0  # SQLite goes on, and stops at once if it was interrupted meanwhile

    async def wait_held(self) -> None:
        def newest_held() -> bool:
            with self.changed:
                return self.changed.wait_for(lambda: self.held_ticket == self.app.reader.ticket, 10)

        assert await asyncio.to_thread(newest_held)

    def release(self) -> None:
        with self.changed:
            self.holding = False
            self.changed.notify_all()


def lists_shown(app: tui.KdramaApp) -> list[tuple[str, list[int]]]:
    """Records each list the app puts on the screen: the words searched and the ids."""
    shown: list[tuple[str, list[int]]] = []
    show = app._show

    def recorded(query: Any, page: Any, message: Any) -> None:
        shown.append((query.words, [scene.id for scene in page or []]))
        show(query, page, message)

    app._show = recorded  # type: ignore[method-assign]
    return shown


def test_a_query_superseded_by_the_next_keystroke_never_shows_its_rows() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        shown = lists_shown(app)
        held = HeldReads(app)
        app.debounce = 0  # a query for each keystroke, each held until the next key
        app.updated.clear()
        await pilot.press("slash")
        for key in "wine":
            await pilot.press(key)
            await held.wait_held()
        held.release()
        await asyncio.wait_for(app.updated.wait(), 10)
        await settle(app, pilot)
        assert len(held.interrupted) == 3  # w, wi and win, each stopped mid-statement
        assert shown == [("wine", [5])] and shown_ids(app) == [5]
        assert "1 scene" in chips(app) and "wine lesson" in detail(app)
        assert notices(app) == []

    drive(None, scenario)


def test_after_an_interrupted_query_the_app_answers_the_next_one_without_an_error() -> None:
    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        held = HeldReads(app)
        app.debounce = 0
        await pilot.press("slash", "g")
        await held.wait_held()
        await pilot.press("o")  # stops "g" mid-statement
        await held.wait_held()
        held.release()
        await settle(app, pilot)
        assert len(held.interrupted) == 1 and shown_ids(app) == [4]  # "go": Goblin's scene
        await pilot.press("escape")
        await type_query(app, pilot, "drama:Goblinn")  # the empty result's message
        assert shown_ids(app) == []
        assert "No drama matches 'Goblinn'. Did you mean Goblin" in chips(app)
        await type_query(app, pilot, "goblin")
        assert shown_ids(app) == [4] and "1 scene" in chips(app)
        assert notices(app) == []
        await pilot.press("f")  # the read-only message, for a scene the thread read
        assert notices(app) and "shipped with kdrama" in notices(app)[0]

    drive(None, scenario)


def test_a_count_interrupted_by_a_keystroke_leaves_no_error_and_the_next_count_comes(
    make_catalog: Callable[..., Path],
) -> None:
    data = one_scene()
    scene = data["scenes"][0]
    data["scenes"] = [{**scene, "id": i, "title": f"Rain {i}"} for i in range(1, 2 * tui.PAGE)]
    db = make_catalog(data)

    async def scenario(app: tui.KdramaApp, pilot: Pilot[None]) -> None:
        # Once "rain"'s full first page is shown, its count is held; "rains" stops it.
        held = HeldReads(app, when=lambda: app.query_.words == "rain")
        app.debounce = 0
        await pilot.press("slash", *"rain")
        await held.wait_held()
        assert shown_ids(app) == list(range(1, tui.PAGE + 1)) and app.total is None
        await pilot.press("s")
        held.release()
        await settle(app, pilot)
        assert len(held.interrupted) == 1
        assert app.query_.words == "rains" and app.total == 2 * tui.PAGE - 1
        assert f"{2 * tui.PAGE - 1} scenes" in chips(app)
        assert notices(app) == []

    drive(db, scenario)
