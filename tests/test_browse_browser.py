"""`kdrama browse` in a real browser: headless Chromium (Debian's ``chromium``), driven
with Playwright, loads the page the installed ``kdrama`` serves (the bundled scenes,
some tagged and with clip links), follows the home page's link, searches, clicks an
actor and a tag in the facets, finds a scene's clip link, and saves a screenshot.

Playwright is given the system's Chromium, so nothing is downloaded. The test skips
only where Chromium is not installed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from kdrama_cli.writer import Writer

from .conftest import KDRAMA_BIN, bundled_source
from .test_browse import CLIP, THUMBNAIL, free_port, write_moments

CHROMIUM = shutil.which("chromium")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)",
)


@pytest.fixture
def catalog(make_catalog: Callable[..., Path]) -> Path:
    """The bundled scenes; Crash Landing on You's is tagged and has a YouTube clip."""
    path = make_catalog(bundled_source(), "browsed.db")

    def write(writer: Writer) -> None:
        writer.set_urls(6, [CLIP])
        writer.set_tags(6, ["kiss", "rain"])
        writer.set_tags(2, ["kiss"])

    write_moments(path, write)
    return path


@pytest.fixture
def served_url(catalog: Path) -> Iterator[str]:
    """The URL the installed ``kdrama browse`` serves ``catalog`` at. Its first line on
    stderr gives the URL once the port is listening; Ctrl-C stops it."""
    server = subprocess.Popen(
        [KDRAMA_BIN, "browse", "--no-open", "--db", str(catalog), "--port", str(free_port())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    try:
        first = server.stderr.readline()
        found = re.search(r" at (http://\S+/) ", first)
        assert found, f"kdrama browse said: {first!r}"
        yield found.group(1)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            server.kill()
            raise
        finally:
            server.stderr.close()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 1000})
        finally:
            browser.close()


def dramas(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("td.col-drama").all_inner_texts()]


def test_a_browser_follows_the_home_link_searches_and_clicks_a_facet(
    served_url: str, page: Page, tmp_path: Path
) -> None:
    page.goto(served_url)
    expect(page.locator("h1")).to_have_text("kdrama")

    # The home page links to the scenes.
    page.locator(".metadata-description").get_by_role("link", name="scenes_with_cast").click()
    expect(page).to_have_url(f"{served_url}scenes/scenes_with_cast")
    expect(page.locator("h3").first).to_contain_text("6 rows")

    # The search box searches as kdrama search does: Hangul finds the actor.
    page.locator("#_search").fill("손예진")
    page.locator("#_search").press("Enter")
    expect(page.locator("h3").first).to_contain_text("2 rows")
    assert dramas(page) == ["Something in the Rain", "Crash Landing on You"]
    actors = page.locator("#facet-actors")
    expect(actors.get_by_role("listitem")).to_have_count(3)

    # A click on an actor in the facet narrows the found scenes down to theirs.
    actors.get_by_role("link", name="Hyun Bin").click()
    expect(page.locator("h3").first).to_contain_text("1 row")
    expect(page.locator("h3").first).to_contain_text('actor is "Hyun Bin"')
    assert dramas(page) == ["Crash Landing on You"]
    assert "_search=" in page.url and "_actor=Hyun+Bin" in page.url
    expect(page.locator("#facet-year li")).to_have_text(["2020 1"])

    # On all the scenes, a click on a tag in its facet shows the scenes with that tag,
    # and the scene shows its clip link, which opens apart, with its thumbnail.
    page.goto(f"{served_url}scenes/scenes_with_cast")
    tags = page.locator("#facet-tags")
    expect(tags.locator("li")).to_have_text(["kiss 2", "rain 1"])
    tags.get_by_role("link", name="rain").click()
    expect(page.locator("h3").first).to_contain_text('1 row where tag is "rain"')
    assert dramas(page) == ["Crash Landing on You"]
    link = page.locator("td.col-urls a")
    expect(link).to_have_attribute("href", CLIP)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link.locator("img")).to_have_attribute("src", THUMBNAIL)

    screenshot = tmp_path / "browse.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    print(f"screenshot: {screenshot}")
