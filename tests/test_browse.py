"""`kdrama browse`: the catalog in Datasette, read-only, tested with Datasette's own
test client (no network); the command itself with its server replaced."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from packaging.requirements import Requirement

from kdrama_cli import cli_browse, web
from kdrama_cli.errors import CatalogError, MissingExtra
from kdrama_cli.install import DISTRIBUTION, Install, Kind, extra_requiring, install_command
from kdrama_cli.storage import Location, Origin, open_catalog, transaction
from kdrama_cli.writer import Writer

from .conftest import BUNDLED, ROOT, Invoke, bundled_source, one_scene, run_process

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

INTERNAL = {
    "bundled_scenes",
    "character_counts",
    "character_counts_stale",
    "character_keys",
    "drama_counts",
    "drama_counts_stale",
    "drama_keys",
    "person_counts",
    "person_counts_stale",
    "person_keys",
    "scene_search",
    "tag_counts",
    "tag_counts_stale",
    "scene_search_config",
    "scene_search_content",
    "scene_search_data",
    "scene_search_docsize",
    "scene_search_idx",
    "search_stale",
}


def get(ds: Any, path: str, **kwargs: Any) -> httpx.Response:
    response: httpx.Response = asyncio.run(ds.client.get(path, **kwargs))
    return response


def post(ds: Any, path: str, **kwargs: Any) -> httpx.Response:
    response: httpx.Response = asyncio.run(ds.client.post(path, **kwargs))
    return response


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture
def serve() -> Iterator[Callable[..., Any]]:
    """Make Datasettes for catalog files; close their connections afterwards."""
    made: list[Any] = []

    def make(path: Path, *, immutable: bool = False) -> Any:
        made.append(web.make_datasette(path, immutable=immutable))
        return made[-1]

    yield make
    for ds in made:
        ds.get_database(web.DATABASE).close()


@pytest.fixture
def bundled(serve: Callable[..., Any]) -> Any:
    return serve(BUNDLED, immutable=True)


@pytest.fixture
def user_catalog(make_catalog: Callable[..., Path]) -> Path:
    return make_catalog(one_scene(), "my #1 catalog?.db")


def test_index_page_shows_the_title_description_and_source(bundled: Any) -> None:
    page = get(bundled, "/")
    assert page.status_code == 200
    assert "<h1>kdrama</h1>" in page.text
    assert "A catalog of memorable K-drama scenes" in page.text
    assert "6 Most Romantic Scenes In Recent K-Dramas" in page.text


def test_scene_view_has_the_six_scenes_with_actors_as_json_arrays(bundled: Any) -> None:
    rows = get(bundled, "/scenes/scenes_with_cast.json?_shape=array").json()
    assert [row["id"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert json.loads(rows[5]["actors"]) == ["Hyun Bin", "Son Ye Jin"]
    assert json.loads(rows[5]["characters"]) == [
        "Ri Jeong Hyeok (Hyun Bin)",
        "Yoon Se Ri (Son Ye Jin)",
    ]
    assert rows[5]["drama"] == "Crash Landing on You"


def test_scene_view_facets_by_actor_drama_year_and_tag_without_being_asked(
    bundled: Any,
) -> None:
    facets = get(bundled, "/scenes/scenes_with_cast.json").json()["facet_results"]
    assert set(facets) == {"actors", "drama", "year", "tags"}
    counts = {result["value"]: result["count"] for result in facets["actors"]["results"]}
    assert counts["Son Ye Jin"] == 2 and counts["Hyun Bin"] == 1
    assert {r["value"]: r["count"] for r in facets["year"]["results"]}[2018] == 2
    assert len(facets["drama"]["results"]) == 6


def facet_counts(page: dict[str, Any], name: str) -> dict[Any, int]:
    return {r["value"]: r["count"] for r in page["facet_results"][name]["results"]}


def dramas(page: dict[str, Any]) -> list[str]:
    column = page["columns"].index("drama")
    return [row[column] for row in page["rows"]]


def follow(ds: Any, url: str) -> httpx.Response:
    """Get an absolute URL a page gave, such as a facet's toggle_url."""
    return get(ds, httpx.URL(url).raw_path.decode())


def test_clicking_an_actor_in_the_facet_shows_their_scenes(bundled: Any) -> None:
    page = get(bundled, "/scenes/scenes_with_cast.json").json()
    [son] = [r for r in page["facet_results"]["actors"]["results"] if r["value"] == "Son Ye Jin"]
    assert not son["selected"]
    clicked = follow(bundled, son["toggle_url"]).json()
    assert dramas(clicked) == ["Something in the Rain", "Crash Landing on You"]
    assert clicked["filtered_table_rows_count"] == 2
    assert facet_counts(clicked, "actors") == {"Son Ye Jin": 2, "Hyun Bin": 1, "Jung Hae In": 1}
    assert facet_counts(clicked, "year") == {2018: 1, 2020: 1}
    # Clicking it again takes the filter off.
    [again] = [r for r in clicked["facet_results"]["actors"]["results"] if r["selected"]]
    assert again["value"] == "Son Ye Jin"
    assert follow(bundled, again["toggle_url"]).json()["filtered_table_rows_count"] == 6


@pytest.mark.parametrize("name", ["Son Ye Jin", "son ye-jin", "손예진"])
def test_the_actor_filter_matches_names_as_list_actor_does(
    bundled: Any, kdrama: Invoke, name: str
) -> None:
    rows = get(bundled, f"/scenes/scenes_with_cast.json?_shape=array&_actor={name}").json()
    listed = json.loads(kdrama("list", "--actor", name, "--json").stdout)
    assert [row["id"] for row in rows] == [scene["id"] for scene in listed] == [2, 6]


def test_clicking_a_year_then_an_actor_narrows_down_with_both(bundled: Any) -> None:
    page = get(bundled, "/scenes/scenes_with_cast.json?year=2018").json()
    assert facet_counts(page, "year") == {2018: 2}
    assert facet_counts(page, "actors")["Son Ye Jin"] == 1
    both = get(bundled, "/scenes/scenes_with_cast.json?year=2018&_actor=Son+Ye+Jin").json()
    assert dramas(both) == ["Something in the Rain"]
    assert facet_counts(both, "drama") == {"Something in the Rain": 1}


def test_the_facets_count_right_when_the_kept_counts_wait_to_be_counted_again(
    serve: Callable[..., Any], make_catalog: Callable[..., Path]
) -> None:
    """Another program wrote the catalog: its kept counts are wrong and marked stale,
    so the facets count the scenes themselves."""
    path = make_catalog(one_scene(), "other.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE person_counts SET scenes = 99")
        conn.execute("UPDATE drama_counts SET scenes = 99")
        conn.execute("INSERT INTO person_counts_stale SELECT person_id FROM person_counts")
        conn.execute("INSERT INTO drama_counts_stale SELECT drama_id FROM drama_counts")
    conn.close()
    page = get(serve(path), "/scenes/scenes_with_cast.json").json()
    assert set(facet_counts(page, "actors").values()) == {1}
    assert set(facet_counts(page, "drama").values()) == {1}
    assert set(facet_counts(page, "year").values()) == {1}


def test_the_actors_facet_reads_the_kept_counts_when_nothing_is_filtered(
    serve: Callable[..., Any], make_catalog: Callable[..., Path]
) -> None:
    """With no filter the counts come from person_counts and drama_counts, not from
    the scenes (which is what makes them fast on a large catalog): a count changed
    behind kdrama's back, not marked stale, shows."""
    path = make_catalog(one_scene(), "other.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE person_counts SET scenes = 7")
        conn.execute("UPDATE drama_counts SET scenes = 5")
    conn.close()
    ds = serve(path)
    page = get(ds, "/scenes/scenes_with_cast.json").json()
    assert set(facet_counts(page, "actors").values()) == {7}
    assert set(facet_counts(page, "drama").values()) == {5}
    filtered = get(ds, "/scenes/scenes_with_cast.json?id=1").json()
    assert set(facet_counts(filtered, "actors").values()) == {1}


@pytest.mark.parametrize("orphan", [False, True])
def test_the_scene_view_counts_the_scenes_it_shows(
    serve: Callable[..., Any], make_catalog: Callable[..., Path], orphan: bool
) -> None:
    """The count with no filter is read from the tables, not the view; it is the
    view's all the same, even where another program took a scene's drama away (the
    view leaves such a scene out) or a scene has no source."""
    path = make_catalog(bundled_source(), "other.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE scenes SET source_id = NULL WHERE id = 1")
        if orphan:
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute("DELETE FROM dramas WHERE title = 'Goblin'")
        [[shown]] = conn.execute("SELECT count(*) FROM scenes_with_cast").fetchall()
    conn.close()
    assert shown == (5 if orphan else 6)
    page = get(serve(path), "/scenes/scenes_with_cast.json").json()
    assert page["filtered_table_rows_count"] == len(page["rows"]) == shown


# Search: the scene view searches kdrama's index with kdrama's own query parser.


@pytest.mark.parametrize(
    "query",
    [
        "rain",
        "the one with the wine",  # filler words skipped
        "tears",  # stemmed
        "불시착",  # Hangul inside a word
        "도깨비",
        "Son Ye Jin",
        "손예진",
        "goblin",  # an alias of a drama
        "kiss rain",
        "zzz",
    ],
)
def test_the_web_search_finds_what_kdrama_search_finds(
    bundled: Any, kdrama: Invoke, query: str
) -> None:
    page = get(bundled, f"/scenes/scenes_with_cast.json?_shape=array&_search={query}")
    assert page.status_code == 200
    run = kdrama("search", *query.split(), "--json")
    found = json.loads(run.stdout) if run.exit_code == 0 else []
    assert sorted(row["id"] for row in page.json()) == sorted(scene["id"] for scene in found)


def test_a_search_finds_at_least_one_scene_for_most_of_those_queries(bundled: Any) -> None:
    """So that the comparison above is not between two empty lists."""
    view = "/scenes/scenes_with_cast.json?_shape=array&_search="
    found = {
        query: len(get(bundled, view + query).json())
        for query in ["rain", "the one with the wine", "tears", "불시착", "손예진", "goblin"]
    }
    assert all(found.values()), found


@pytest.mark.parametrize("query", ["", "!!!", '"', "AND OR NOT", "*"])
def test_a_search_with_nothing_to_look_for_shows_no_scene_and_no_error(
    bundled: Any, query: str
) -> None:
    page = get(bundled, "/scenes/scenes_with_cast.json", params={"_search": query})
    assert page.status_code == 200
    assert page.json()["rows"] == []


def test_the_facets_count_the_scenes_a_search_found(bundled: Any) -> None:
    page = get(bundled, "/scenes/scenes_with_cast.json?_search=Son+Ye+Jin").json()
    assert page["filtered_table_rows_count"] == 2
    assert facet_counts(page, "drama") == {"Something in the Rain": 1, "Crash Landing on You": 1}
    assert facet_counts(page, "actors") == {"Son Ye Jin": 2, "Hyun Bin": 1, "Jung Hae In": 1}


def test_the_scene_page_has_a_search_box(bundled: Any) -> None:
    page = get(bundled, "/scenes/scenes_with_cast?_search=rain").text
    assert 'name="_search"' in page
    assert "1 row where search matches &#34;rain&#34;" in page


def test_the_home_page_links_to_the_scenes_and_searches_them(bundled: Any) -> None:
    home = get(bundled, "/").text
    assert '<a href="scenes/scenes_with_cast">scenes_with_cast</a>' in home
    assert '<form action="scenes/scenes_with_cast" method="get">' in home
    assert 'name="_search"' in home
    assert get(bundled, "/scenes/scenes_with_cast").status_code == 200


def test_internal_tables_are_hidden_and_the_data_is_listed(bundled: Any) -> None:
    database = get(bundled, "/scenes.json").json()
    hidden = {table["name"] for table in database["tables"] if table["hidden"]}
    shown = {table["name"] for table in database["tables"] if not table["hidden"]}
    assert hidden == INTERNAL
    assert {"scenes", "dramas", "people", "characters", "sources"} <= shown
    assert [view["name"] for view in database["views"]] == ["scenes_with_cast"]


def test_descriptions_from_the_metadata_appear_on_the_pages(bundled: Any) -> None:
    view = get(bundled, "/scenes/scenes_with_cast").text
    assert "One row per scene, with its drama, its cast, where it is" in view
    assert "The actors in the scene, in billing order" in view
    assert "Actors, with their names in Hangul." in get(bundled, "/scenes/people").text
    assert "Dramas, with their Korean titles" in get(bundled, "/scenes/dramas").text


def test_error_pages_have_their_status_and_print_no_traceback(
    bundled: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    assert get(bundled, "/scenes/no_such_table").status_code == 404
    assert get(bundled, "/scenes.json?sql=select+*+from+nowhere").status_code == 400
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_bundled_catalog_is_served_immutable(bundled: Any) -> None:
    [database] = get(bundled, "/-/databases.json").json()
    assert (database["name"], database["is_mutable"]) == ("scenes", False)


def test_a_user_catalog_is_served_as_scenes_whatever_its_file_name(
    serve: Callable[..., Any], user_catalog: Path
) -> None:
    ds = serve(user_catalog)
    [database] = get(ds, "/-/databases.json").json()
    assert (database["name"], database["is_mutable"]) == ("scenes", True)
    rows = get(ds, "/scenes/scenes_with_cast.json?_shape=array").json()
    assert [(row["title"], json.loads(row["actors"])) for row in rows] == [
        ("A scene", ["Kim Actor", "Lee Actress"])
    ]
    assert "source" not in get(ds, "/-/metadata.json").json()


def test_changes_made_while_serving_show_on_the_next_page(
    serve: Callable[..., Any], user_catalog: Path, kdrama: Invoke
) -> None:
    ds = serve(user_catalog)
    assert get(ds, "/scenes/scenes_with_cast.json?_shape=array").json()[0]["favorite"] == 0
    assert kdrama("fav", "1", "--db", str(user_catalog)).exit_code == 0
    assert get(ds, "/scenes/scenes_with_cast.json?_shape=array").json()[0]["favorite"] == 1


@pytest.mark.parametrize("which", ["bundled", "user"])
def test_nothing_served_can_write_the_catalog(
    serve: Callable[..., Any], user_catalog: Path, which: str
) -> None:
    path = BUNDLED if which == "bundled" else user_catalog
    before = fingerprint(path)
    ds = serve(path, immutable=which == "bundled")
    insert = "insert into sources (name) values ('x')"
    refused = get(ds, f"/scenes.json?sql={insert}")
    assert refused.status_code == 400
    assert refused.json()["error"] == "Statement must be a SELECT"
    # Datasette 0.65 has no write API: its 1.0 endpoints are not there.
    for endpoint in ["/scenes/sources/-/insert", "/scenes/-/create", "/scenes/sources/-/drop"]:
        assert post(ds, endpoint, json={"row": {"name": "x"}}).status_code in (403, 404, 405)
    # And were a plugin to try, the connection it writes with is read-only too.
    database = ds.get_database(web.DATABASE)
    with pytest.raises(sqlite3.OperationalError, match="readonly|read-only"):
        asyncio.run(database.execute_write(insert))
    assert fingerprint(path) == before


def test_a_file_that_is_not_a_catalog_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CatalogError, match="not a kdrama catalog"):
        web.make_datasette(other, immutable=False)


def test_without_datasette_make_datasette_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide_datasette(monkeypatch)
    with pytest.raises(MissingExtra, match=r"^kdrama browse needs the web extra: uv sync"):
        web.make_datasette(BUNDLED, immutable=True)


def hide_datasette(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ["datasette", "datasette.app", "datasette.database"]:
        monkeypatch.setitem(sys.modules, name, None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, tuple[str, int]]]:
    """What the command would serve, and where, instead of serving it."""
    calls: list[tuple[Any, tuple[str, int]]] = []
    monkeypatch.setattr(
        cli_browse, "_serve", lambda app, sock: calls.append((app, sock.getsockname()))
    )
    return calls


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr("webbrowser.open", urls.append)
    return urls


def test_browse_prints_the_url_and_serves_on_host_and_port(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], opened: list[str]
) -> None:
    port = free_port()
    run = kdrama("browse", "--port", str(port))
    assert (run.exit_code, run.stdout) == (0, "")
    assert f"http://127.0.0.1:{port}/" in run.stderr
    assert "read-only" in run.stderr
    [(app, address)] = served
    assert address == ("127.0.0.1", port)
    assert callable(app)
    assert opened == []  # not a terminal, so no browser unless asked


def test_browse_open_opens_the_browser_at_the_url(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], opened: list[str]
) -> None:
    port = free_port()
    assert kdrama("browse", "--host", "127.0.0.1", "--port", str(port), "--open").exit_code == 0
    assert opened == [f"http://127.0.0.1:{port}/"]


def test_browse_serves_the_catalog_given_with_db(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], user_catalog: Path
) -> None:
    run = kdrama("browse", "--db", str(user_catalog), "--port", str(free_port()), "--no-open")
    assert run.exit_code == 0
    assert str(user_catalog) in run.stderr


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http"])
def test_browse_with_a_bad_port_is_a_usage_error(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], port: str
) -> None:
    run = kdrama("browse", "--port", port)
    assert run.exit_code == 2
    assert repr(port) in run.stderr
    assert served == []


def test_browse_on_a_port_in_use_is_a_one_line_error(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = kdrama("browse", "--port", str(port))
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert run.stderr.count("\n") == 1
    assert served == []


def test_browse_a_missing_catalog_is_an_error(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], tmp_path: Path
) -> None:
    run = kdrama("browse", "--db", str(tmp_path / "none.db"))
    assert (run.exit_code, run.stderr) == (1, f"Error: no catalog at {tmp_path / 'none.db'}\n")
    assert not (tmp_path / "none.db").exists()


def test_browse_without_datasette_says_how_to_install_it(
    kdrama: Invoke, served: list[tuple[Any, tuple[str, int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    hide_datasette(monkeypatch)
    run = kdrama("browse")
    assert (run.exit_code, run.stdout) == (1, "")
    # The tests run from a clone with `uv run`, so the hint is the clone's.
    assert run.stderr == "Error: kdrama browse needs the web extra: uv sync --extra web\n"
    assert served == []


# The hint fits the install: each way of installing kdrama, made up in tmp_path.

WEB = ["datasette<1,>=0.65"]


def make_install(prefix: Path, *, base: Path, package_dir: Path | None = None) -> Install:
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "lib" / "python3.11" / "site-packages" / "kdrama_cli"
    return Install(prefix, base, prefix / "bin" / "python", package_dir or site)


def make_clone(root: Path) -> Path:
    """A kdrama source tree at ``root``; returns its package folder."""
    (root / "src" / "kdrama_cli").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "kdrama"\n')
    return root / "src" / "kdrama_cli"


@pytest.mark.parametrize(
    ("requirement", "command"),
    [
        ('{ name = "kdrama", directory = "/src/my kdrama" }', "'/src/my kdrama[web]'"),
        ('{ name = "kdrama", editable = "/src/kdrama" }', "--editable '/src/kdrama[web]'"),
        ('{ name = "kdrama", extras = ["zz"], directory = "/k" }', "'/k[web,zz]'"),
        ('{ name = "kdrama", specifier = ">=0.1" }', "'kdrama[web]>=0.1'"),
        ('{ name = "kdrama" }', "'kdrama[web]'"),
    ],
)
def test_a_uv_tool_install_is_told_to_install_the_tool_again_from_its_source_with_the_extra(
    tmp_path: Path, requirement: str, command: str
) -> None:
    install = make_install(tmp_path / "uv" / "tools" / "kdrama", base=tmp_path / "python")
    receipt = f"[tool]\nrequirements = [{requirement}]\n"
    (install.prefix / "uv-receipt.toml").write_text(receipt)
    assert install.kind is Kind.UV_TOOL
    assert install_command(install, "web", WEB) == f"uv tool install --force {command}"


def test_a_uv_tool_receipt_that_cannot_be_read_still_gets_a_command(tmp_path: Path) -> None:
    install = make_install(tmp_path / "tools" / "kdrama", base=tmp_path / "python")
    (install.prefix / "uv-receipt.toml").write_text("[tool\n")
    assert install_command(install, "web", WEB) == "uv tool install --force 'kdrama[web]'"


@pytest.mark.parametrize("venv", ["kdrama", "kdrama@2"])
def test_a_pipx_install_is_told_to_inject_the_extra_into_its_own_venv(
    tmp_path: Path, venv: str
) -> None:
    install = make_install(tmp_path / "pipx" / "venvs" / venv, base=tmp_path / "python")
    (install.prefix / "pipx_metadata.json").write_text('{"pipx_metadata_version": "0.5"}')
    assert install.kind is Kind.PIPX
    assert install_command(install, "web", WEB) == f"pipx inject {venv} 'datasette<1,>=0.65'"


def test_a_clone_run_with_uv_run_is_told_to_sync_the_extra(tmp_path: Path) -> None:
    root = tmp_path / "my clone"
    install = make_install(root / ".venv", base=tmp_path / "python", package_dir=make_clone(root))
    assert (install.kind, install.project) == (Kind.CLONE, root)
    assert install_command(install, "web", WEB) == "uv sync --extra web"


def test_a_clone_installed_into_another_venv_is_told_to_use_that_venvs_pip(
    tmp_path: Path,
) -> None:
    package = make_clone(tmp_path / "clone")
    install = make_install(tmp_path / "other env", base=tmp_path / "python", package_dir=package)
    assert install.kind is Kind.VENV
    assert install_command(install, "web", WEB) == (
        f"'{tmp_path}/other env/bin/python' -m pip install 'datasette<1,>=0.65'"
    )


def test_pip_in_a_venv_is_told_to_use_the_venvs_own_python(tmp_path: Path) -> None:
    install = make_install(tmp_path / "venv", base=tmp_path / "python")
    assert install.kind is Kind.VENV
    assert install_command(install, "web", WEB) == (
        f"{tmp_path}/venv/bin/python -m pip install 'datasette<1,>=0.65'"
    )


def test_pip_outside_a_venv_is_told_to_pip_install_the_extras_requirements(
    tmp_path: Path,
) -> None:
    install = make_install(tmp_path / "python", base=tmp_path / "python")
    assert install.kind is Kind.PIP
    assert install_command(install, "web", WEB) == "pip install 'datasette<1,>=0.65'"


def test_the_extra_and_its_requirements_are_read_from_kdramas_metadata() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    name = pyproject["project"]["name"]
    extra, wanted = "web", pyproject["project"]["optional-dependencies"]["web"]
    extra_found, requirements = extra_requiring("datasette")
    assert (DISTRIBUTION, extra_found) == (name, extra)
    assert [Requirement(r) for r in requirements] == [Requirement(w) for w in wanted]


def test_the_real_kdrama_browse_without_datasette_hints_the_clone_command(
    tmp_path: Path,
) -> None:
    """The installed entry point, in a new process where Datasette cannot be imported:
    a stand-in package earlier on the path refuses to load."""
    hidden = tmp_path / "hide"
    (hidden / "datasette").mkdir(parents=True)
    (hidden / "datasette" / "__init__.py").write_text(
        'raise ImportError("datasette is hidden by this test")\n'
    )
    run = run_process("browse", "--no-open", env={"PYTHONPATH": str(hidden)})
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == "Error: kdrama browse needs the web extra: uv sync --extra web\n"


# Issue 17 in the web view: clip links with thumbnails, tags as a facet, the moment
# and the note. Links and tags are written with the Python API (writer.Writer), as the
# commands that set them would.

CLIP = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
THUMBNAIL = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
OTHER_CLIP = "https://tv.example.org/goblin/ep1?from=fans&x=1"


def write_moments(path: Path, write: Callable[[Writer], None]) -> None:
    conn = open_catalog(Location(path, Origin.OPTION), write=True)
    with closing(conn), transaction(conn):
        write(Writer(conn))


@pytest.fixture
def tagged(make_catalog: Callable[..., Path]) -> Path:
    """The bundled scenes, with links, tags, a moment and a note on some of them."""
    path = make_catalog(bundled_source(), "tagged.db")

    def write(writer: Writer) -> None:
        writer.set_urls(6, [CLIP])
        writer.set_urls(4, [OTHER_CLIP])
        writer.set_tags(6, ["Kiss", "rain"])
        writer.set_tags(2, ["kiss", "umbrella"])
        writer.set_tags(4, ["KISS"])
        writer.update_scene(6, episode=10, time=2533, note="The one fans rewatch.")
        writer.update_scene(4, episode=1)

    write_moments(path, write)
    return path


def cell(page: str, column: str, row: int) -> str:
    """The inner HTML of a column's cell in the ``row``-th row (from 0) of a table page."""
    cells = re.findall(rf'<td class="col-{column} [^"]*">(.*?)</td>', page, re.S)
    return str(cells[row])


def test_the_scene_view_has_the_new_columns_last_in_the_json_contracts_order(
    serve: Callable[..., Any], tagged: Path
) -> None:
    rows = get(serve(tagged), "/scenes/scenes_with_cast.json?_shape=array").json()
    assert list(rows[5])[-5:] == ["episode", "time", "urls", "tags", "note"]
    assert (rows[5]["episode"], rows[5]["time"], rows[5]["note"]) == (
        10,
        2533,
        "The one fans rewatch.",
    )
    assert json.loads(rows[5]["urls"]) == [CLIP]
    assert json.loads(rows[5]["tags"]) == ["Kiss", "rain"]
    assert (rows[0]["episode"], json.loads(rows[0]["urls"]), json.loads(rows[0]["tags"])) == (
        None,
        [],
        [],
    )


def test_a_youtube_link_shows_as_a_link_at_the_scenes_time_with_its_thumbnail(
    serve: Callable[..., Any], tagged: Path
) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast").text
    shown = cell(page, "urls", 5)
    assert f'href="{CLIP}&amp;t=2533s"' in shown
    assert 'rel="noopener noreferrer"' in shown
    assert f'<img src="{THUMBNAIL}" alt="Thumbnail of the clip" loading="lazy"' in shown
    assert shown.endswith(f"{CLIP}</a>")


def test_another_sites_link_shows_as_it_is_with_no_thumbnail(
    serve: Callable[..., Any], tagged: Path
) -> None:
    shown = cell(get(serve(tagged), "/scenes/scenes_with_cast").text, "urls", 3)
    assert shown == (
        '<a class="kdrama-clip" href="https://tv.example.org/goblin/ep1?from=fans&amp;x=1"'
        ' rel="noopener noreferrer">https://tv.example.org/goblin/ep1?from=fans&amp;x=1</a>'
    )


def test_a_scene_without_links_or_tags_shows_empty_cells(
    serve: Callable[..., Any], tagged: Path
) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast").text
    assert cell(page, "urls", 0) == cell(page, "tags", 0) == "&nbsp;"


def test_the_episode_and_time_show_as_e10_42_13(serve: Callable[..., Any], tagged: Path) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast").text
    assert cell(page, "episode", 5) == "E10 42:13"
    assert cell(page, "time", 5) == "42:13"
    assert cell(page, "episode", 3) == "E1"
    assert cell(page, "note", 5) == "The one fans rewatch."


def test_each_tag_of_a_scene_links_to_the_scenes_with_that_tag(
    serve: Callable[..., Any], tagged: Path
) -> None:
    ds = serve(tagged)
    shown = cell(get(ds, "/scenes/scenes_with_cast").text, "tags", 5)
    links = re.findall(r'<a class="kdrama-tag" href="([^"]*)">([^<]*)</a>', shown)
    assert [text for _, text in links] == ["Kiss", "rain"]
    assert links[0][0] == "/scenes/scenes_with_cast?_tag=Kiss"
    rows = get(ds, links[0][0].replace("?", ".json?_shape=array&")).json()
    assert [row["id"] for row in rows] == [2, 4, 6]


def test_the_tags_facet_counts_each_tag_in_the_form_first_typed(
    serve: Callable[..., Any], tagged: Path
) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast.json").json()
    assert facet_counts(page, "tags") == {"Kiss": 3, "rain": 1, "umbrella": 1}
    assert [r["value"] for r in page["facet_results"]["tags"]["results"]][0] == "Kiss"


def test_clicking_a_tag_in_the_facet_shows_its_scenes_and_again_shows_all(
    serve: Callable[..., Any], tagged: Path
) -> None:
    ds = serve(tagged)
    page = get(ds, "/scenes/scenes_with_cast.json").json()
    [rain] = [r for r in page["facet_results"]["tags"]["results"] if r["value"] == "rain"]
    clicked = follow(ds, rain["toggle_url"]).json()
    assert dramas(clicked) == ["Crash Landing on You"]
    assert clicked["filtered_table_rows_count"] == 1
    assert facet_counts(clicked, "tags") == {"Kiss": 1, "rain": 1}
    [again] = [r for r in clicked["facet_results"]["tags"]["results"] if r["selected"]]
    assert again["value"] == "rain"
    assert follow(ds, again["toggle_url"]).json()["filtered_table_rows_count"] == 6


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("_tag=kiss", [2, 4, 6]),
        ("_tag=KISS", [2, 4, 6]),
        ("_tag=kiss&_tag=rain", [6]),
        ("_tag=rain&_actor=Son+Ye+Jin", [6]),
        ("_tag=kiss&year=2018", [2]),
        ("_tag=nothing", []),
    ],
)
def test_the_tag_filter_ignores_case_and_repeated_means_all_of_them(
    serve: Callable[..., Any], tagged: Path, query: str, ids: list[int]
) -> None:
    rows = get(serve(tagged), f"/scenes/scenes_with_cast.json?_shape=array&{query}").json()
    assert [row["id"] for row in rows] == ids


def test_the_tag_filter_is_said_in_the_pages_heading(
    serve: Callable[..., Any], tagged: Path
) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast?_tag=rain").text
    assert "1 row where tag is &#34;rain&#34;" in page


def test_the_tags_facet_reads_the_kept_counts_when_nothing_is_filtered(
    serve: Callable[..., Any], tagged: Path
) -> None:
    with sqlite3.connect(tagged) as conn:
        conn.execute("UPDATE tag_counts SET scenes = 40")
    conn.close()
    ds = serve(tagged)
    assert set(facet_counts(get(ds, "/scenes/scenes_with_cast.json").json(), "tags").values()) == {
        40
    }
    filtered = get(ds, "/scenes/scenes_with_cast.json?year=2018").json()
    assert facet_counts(filtered, "tags") == {"Kiss": 1, "umbrella": 1}


def test_the_tags_facet_counts_right_when_the_kept_counts_wait_to_be_counted_again(
    serve: Callable[..., Any], tagged: Path
) -> None:
    """Another program tagged a scene: the tag counts are marked stale (by the
    catalog's triggers), so the facet counts the tags of the scenes themselves."""
    with sqlite3.connect(tagged) as conn:
        conn.execute(
            "INSERT INTO scene_tags (scene_id, tag_id, position)"
            " SELECT 1, id, 0 FROM tags WHERE key = 'rain'"
        )
    conn.close()
    page = get(serve(tagged), "/scenes/scenes_with_cast.json").json()
    assert facet_counts(page, "tags") == {"Kiss": 3, "rain": 2, "umbrella": 1}


def test_the_links_and_tags_tables_are_listed_and_the_tag_counts_hidden(
    serve: Callable[..., Any], tagged: Path
) -> None:
    database = get(serve(tagged), "/scenes.json").json()
    shown = {table["name"] for table in database["tables"] if not table["hidden"]}
    hidden = {table["name"] for table in database["tables"] if table["hidden"]}
    assert {"scene_urls", "tags", "scene_tags"} <= shown
    assert {"tag_counts", "tag_counts_stale"} <= hidden


def test_the_links_table_shows_each_link_as_a_link(serve: Callable[..., Any], tagged: Path) -> None:
    page = get(serve(tagged), "/scenes/scene_urls").text
    assert f'href="{CLIP}" rel="noopener noreferrer"><img src="{THUMBNAIL}"' in page


def test_a_scenes_own_page_shows_its_moment_and_links_to_its_clip_links(
    serve: Callable[..., Any], tagged: Path
) -> None:
    ds = serve(tagged)
    page = get(ds, "/scenes/scenes/6").text
    assert '<td class="col-time type-int">42:13</td>' in page
    assert "/scenes/scene_urls?scene_id=6" in page
    assert "their clip links in scene_urls and their tags in scene_tags" in page
    assert CLIP in get(ds, "/scenes/scene_urls?scene_id=6").text


def test_a_scenes_own_page_shows_its_clip_links_and_tags(
    serve: Callable[..., Any], tagged: Path
) -> None:
    ds = serve(tagged)
    page = get(ds, "/scenes/scenes/6").text
    clips = re.search(r'<p class="kdrama-clips">(.*?)</p>', page, re.S)
    assert clips is not None
    assert f'href="{CLIP}&amp;t=2533s" rel="noopener noreferrer"><img src="{THUMBNAIL}"' in (
        clips.group(1)
    )
    tags = re.findall(r'<a class="kdrama-tag" href="([^"]*)">([^<]*)</a>', page)
    assert tags == [
        ("/scenes/scenes_with_cast?_tag=Kiss", "Kiss"),
        ("/scenes/scenes_with_cast?_tag=rain", "rain"),
    ]
    bare = get(ds, "/scenes/scenes/1")
    assert bare.status_code == 200
    assert "Clip links" not in bare.text and "kdrama-tag" not in bare.text
    assert get(ds, "/scenes/scenes/99").status_code == 404


# Hostile values: written straight into the file by another program, past kdrama's
# checks. They show as text, never as markup, and no link but http(s) is clickable.

HOSTILE_TAG = '<script>alert("tag")</script>'
HOSTILE_NOTE = '<img src=x onerror=alert("note")>\x1b[2J\u202e'
HOSTILE_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "https://example.com/a b",
    "https://example.com/\x1b[31m",
    'https://example.com/"><script>alert("url")</script>',
    "//example.com/no-scheme",
]


@pytest.fixture
def hostile(make_catalog: Callable[..., Path]) -> Path:
    path = make_catalog(bundled_source(), "hostile.db")
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO scene_urls (scene_id, position, url) VALUES (1, ?, ?)",
            list(enumerate(HOSTILE_URLS)),
        )
        conn.execute("INSERT INTO tags (id, name, key) VALUES (50, ?, ?)", (HOSTILE_TAG, "x"))
        conn.execute("INSERT INTO scene_tags VALUES (1, 50, 0)")
        conn.execute("UPDATE scenes SET note = ?, time = 'soon' WHERE id = 1", (HOSTILE_NOTE,))
    conn.close()
    return path


def test_hostile_links_tags_and_notes_show_as_text_never_as_markup(
    serve: Callable[..., Any], hostile: Path
) -> None:
    ds = serve(hostile)
    page = get(ds, "/scenes/scenes_with_cast").text
    for marker in ('alert("tag")', 'alert("note")', 'alert("url")', "alert(1)"):
        # Every hostile script or handler is there only escaped.
        assert "<script>" + marker not in page and "onerror=" + marker not in page
    assert "&lt;script&gt;alert(&#34;tag&#34;)&lt;/script&gt;" in cell(page, "tags", 0)
    assert cell(page, "note", 0) == (
        "&lt;img src=x onerror=alert(&#34;note&#34;)&gt;\\x1b[2J\\u202e"
    )
    assert "\x1b" not in page and "\u202e" not in page


def test_a_scenes_own_page_shows_hostile_links_and_tags_as_text(
    serve: Callable[..., Any], hostile: Path
) -> None:
    page = get(serve(hostile), "/scenes/scenes/1").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\x1b" not in page
    clips = re.search(r'<p class="kdrama-clips">(.*?)</p>', page, re.S)
    assert clips is not None
    assert len(re.findall(r"href=", clips.group(1))) == 1
    assert '<span class="kdrama-not-a-link">javascript:alert(1)</span>' in clips.group(1)
    assert "&lt;script&gt;alert(&#34;tag&#34;)&lt;/script&gt;</a>" in page


def test_only_http_and_https_links_are_clickable(serve: Callable[..., Any], hostile: Path) -> None:
    shown = cell(get(serve(hostile), "/scenes/scenes_with_cast").text, "urls", 0)
    hrefs = re.findall(r'href="([^"]*)"', shown)
    assert hrefs == [
        "https://example.com/&#34;&gt;&lt;script&gt;alert(&#34;url&#34;)&lt;/script&gt;"
    ]
    texts = re.findall(r'<span class="kdrama-not-a-link">([^<]*)</span>', shown)
    assert texts == [
        "javascript:alert(1)",
        "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
        "file:///etc/passwd",
        "https://example.com/a b",
        "https://example.com/\\x1b[31m",
        "//example.com/no-scheme",
    ]


def test_a_hostile_tag_in_the_facet_and_the_filter_is_text(
    serve: Callable[..., Any], hostile: Path
) -> None:
    ds = serve(hostile)
    page = get(ds, "/scenes/scenes_with_cast").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;tag&#34;)&lt;/script&gt;" in page
    filtered = get(ds, "/scenes/scenes_with_cast", params={"_tag": HOSTILE_TAG})
    assert filtered.status_code == 200
    assert "<script>alert" not in filtered.text


def test_the_scene_views_page_shows_the_sql_of_the_view_it_serves(
    serve: Callable[..., Any], tagged: Path
) -> None:
    page = get(serve(tagged), "/scenes/scenes_with_cast").text
    assert "CREATE VIEW scenes_with_cast AS" in page
    assert "CREATE TEMP VIEW scenes_with_cast AS" in page
    assert "AS tags" in page
