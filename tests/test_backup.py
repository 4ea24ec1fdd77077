"""Every export is a complete backup: exporting, importing into a new catalog and
exporting again gives the same bytes, in JSON, JSON Lines, CSV and TSV, for the bundled
catalog, for one a user has changed, and for generated catalogs full of awkward text.
And a JSON array imports the same scenes as JSON Lines however it is laid out."""

from __future__ import annotations

import datetime
import json
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdrama_cli.text import CONTROL

from .conftest import BUNDLED, Invoke, run_process

FORMATS = ["json", "jsonl", "csv", "tsv"]
LATEST = datetime.date.today().year + 5


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalog."""
    path = tmp_path / "mine.db"
    path.write_bytes(BUNDLED.read_bytes())
    return path


def round_trip(kdrama: Invoke, db: Path, folder: Path, fmt: str) -> tuple[bytes, bytes]:
    """Export ``db``, import that into a new catalog, export the new catalog: the two
    exports' bytes."""
    backup, again, restored = folder / f"backup.{fmt}", folder / f"again.{fmt}", folder / "new.db"
    run = kdrama("export", "--db", str(db), "-o", str(backup))
    assert run.exit_code == 0, run.stderr
    run = kdrama("import", str(backup), "--db", str(restored))
    assert run.exit_code == 0, run.stderr
    assert run.stderr.endswith(" added, 0 updated.\n")
    run = kdrama("export", "--db", str(restored), "-o", str(again))
    assert run.exit_code == 0, run.stderr
    return backup.read_bytes(), again.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_bundled_catalog_exports_imports_and_exports_to_the_same_bytes(
    kdrama: Invoke, db: Path, tmp_path: Path, fmt: str
) -> None:
    backup, again = round_trip(kdrama, db, tmp_path, fmt)
    assert again == backup
    restored = kdrama("list", "--json", "--db", str(tmp_path / "new.db")).json()
    assert restored == kdrama("list", "--json", "--db", str(BUNDLED)).json()


def change_everything_a_backup_holds(kdrama: Invoke, db: Path) -> None:
    """Favourites, ratings, a scene with Hangul names and awkward text, and aliases
    of a drama, a person and a character, as a user would make them."""
    for args in [
        ["fav", "2", "6"],
        ["rate", "6", "5"],
        ["rate", "3", "2"],
        ["add", "-t", '눈 오는 밤; "first" snow = 첫눈 | \\ 🎬', "-d", "Goblin", "-y", "2017",
         "-a", "Gong Yoo", "-c", "김신=Gong Yoo", "-a", "김고은",
         "--description", "Line one, with a comma\nline two\tand a tab", "--source", "My notes"],
        ["fav", "7"],
        ["rate", "7", "4"],
        ["drama", "edit", "CLOY", "--alias", "Love's Emergency Landing"],
        ["person", "edit", "Gong Yoo", "--hangul", "공유", "--alias", "Kong Yoo"],
        ["person", "edit", "김고은", "--alias", "Kim Go Eun"],
        ["person", "edit", "Hyun Bin", "--alias", "Kim Tae Pyung"],
        ["character", "edit", "Ri Jeong Hyeok", "--alias", "Comrade Captain"],
        ["character", "edit", "김신", "--alias", "Kim Shin; the Goblin"],
    ]:  # fmt: skip
        run = kdrama(*args, "--db", str(db))
        assert run.exit_code == 0, (args, run.stderr)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_catalog_exports_imports_and_exports_to_the_same_bytes(
    kdrama: Invoke, db: Path, tmp_path: Path, fmt: str
) -> None:
    change_everything_a_backup_holds(kdrama, db)
    backup, again = round_trip(kdrama, db, tmp_path, fmt)
    assert again == backup
    restored = kdrama("list", "--json", "--db", str(tmp_path / "new.db")).json()
    assert restored == kdrama("list", "--json", "--db", str(db)).json()
    cloy, goblin = restored[5], restored[6]
    assert "Love's Emergency Landing" in cloy["drama_aliases"]
    assert cloy["actor_aliases"][0] == ["Kim Tae Pyung"]
    assert cloy["characters"][0]["aliases"] == ["Comrade Captain"]
    assert (goblin["favorite"], goblin["rating"], goblin["source"]) == (True, 4, "My notes")
    assert goblin["actors_korean"] == ["공유", None]
    assert goblin["actor_aliases"] == [["Kong Yoo"], ["Kim Go Eun"]]
    assert goblin["characters"][0]["aliases"] == ["Kim Shin; the Goblin"]


def test_a_backup_of_your_own_catalog_restores_as_the_readme_shows(
    kdrama: Invoke, tmp_path: Path
) -> None:
    """`kdrama export -o backup.jsonl`, `kdrama import backup.jsonl --db restored.db`,
    `kdrama export --db restored.db -o again.jsonl && cmp backup.jsonl again.jsonl`."""
    assert kdrama("fav", "4").exit_code == 0  # makes your own catalog
    assert kdrama("person", "edit", "Hyun Bin", "--alias", "Kim Tae Pyung").exit_code == 0
    backup, again = tmp_path / "backup.jsonl", tmp_path / "again.jsonl"
    assert run_process("export", "-o", str(backup)).exit_code == 0
    restored = tmp_path / "restored.db"
    assert run_process("import", str(backup), "--db", str(restored)).exit_code == 0
    assert run_process("export", "--db", str(restored), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == backup.read_bytes()
    assert b"Kim Tae Pyung" in backup.read_bytes()


# --- Generated catalogs -----------------------------------------------------------------
#
# kdrama finds dramas, people and characters by name "in any spelling" (case, spaces,
# punctuation, romanization and doubled letters do not count), so two generated
# names must never be spellings of one another, or the import rightly joins them.
# Each generated name starts with a code of three digits, no two alike side by side
# (spelling folds "001" into "01"), and the rest of a name holds no digits: two
# names with different codes are never the same name in any spelling.

CODES = [c for c in map(str, range(101, 1000)) if c[0] != c[1] != c[2]]


def clean(text: str) -> str:
    """Text as kdrama stores it: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()


# Quoting, CSV list separators and escapes, line breaks, Hangul and emoji.
SPECIAL = st.sampled_from(
    [";", "=", "|", "\\", ",", '"', "'", "\n", "\t", " ", "한", "국", "어", "🎬", "💕"]
)
# Import refuses Cc but \t and \n, and what else text.CONTROL names (bidi controls,
# zero-width characters, line separators).
ANY = st.characters(exclude_categories=("Cs", "Cc")).filter(lambda c: not CONTROL.search(c))
NO_DIGITS = st.characters(exclude_categories=("Cs", "Cc", "Nd", "Nl", "No")).filter(
    lambda c: not CONTROL.search(c)
)
HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)

texts = st.text(ANY | SPECIAL, max_size=20).map(clean)
some_texts = st.text(ANY | SPECIAL, min_size=1, max_size=20).map(clean).filter(bool)
optional_texts = st.none() | some_texts
# Clip links with what a CSV cell or a URL makes special (; % = & # \), and tags in
# mixed case, each in one form (a tag keeps the form first typed).
urls = st.builds(
    "{}://{}.kr/{}".format,
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True).filter(lambda h: h[0] != "-"),
    st.text(st.sampled_from(list("aZ9;%=&?#/\\|,'-_.~")), max_size=16),
)
TAGS = ["Kiss", "rain", "FIRST-meeting", "우산", "l'amour", "v1.2", "snow_day", "Ep.10"]
name_rests = st.text(NO_DIGITS | SPECIAL, max_size=12).map(clean)
hangul = st.text(HANGUL | st.sampled_from([" ", "·"]), min_size=1, max_size=6).map(clean)
optional_hangul = st.none() | hangul.filter(bool)


def named(code: str, rest: str) -> str:
    return clean(f"{code} {rest}")


@st.composite
def aliases(draw: st.DrawFn, code: str) -> list[str]:
    """Other names of the thing with this code: the code and a letter, then text."""
    count = draw(st.integers(0, 2))
    return sorted({named(code + "xz"[k], draw(name_rests)) for k in range(count)})


@dataclass
class Person:
    name: str
    korean: str | None
    aliases: list[str]


@dataclass
class Character:
    name: str
    person: Person
    korean: str | None
    aliases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "actor": self.person.name,
            "name_korean": self.korean,
            "actor_korean": self.person.korean,
            "aliases": self.aliases,
        }


@dataclass
class Drama:
    title: str
    year: int
    korean: str | None
    network: str | None
    aliases: list[str]
    characters: list[Character]


@st.composite
def catalogs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Scene objects as `kdrama list --json` writes them: each drama, person and
    character the same in every scene it is in. Some people share a Hangul name, some
    dramas are remakes (the title of another, another year), and some characters of
    different dramas have the same name."""
    codes = iter(CODES)
    people: list[Person] = []
    for _ in range(draw(st.integers(1, 5))):
        code = next(codes)
        shared = [p.korean for p in people if p.korean]
        korean = draw(optional_hangul | st.sampled_from(shared) if shared else optional_hangul)
        people.append(Person(named(code, draw(name_rests)), korean, draw(aliases(code))))
    dramas: list[Drama] = []
    for _ in range(draw(st.integers(1, 3))):
        code = next(codes)
        title, year = named(code, draw(name_rests)), draw(st.integers(1900, LATEST))
        if dramas and draw(st.booleans()):  # a remake
            title = dramas[0].title
            year = draw(st.integers(1900, LATEST).filter(lambda y: y != dramas[0].year))
        characters = []
        for _ in range(draw(st.integers(0, 4))):
            character_code = next(codes)
            name = named(character_code, draw(name_rests))
            elsewhere = [c.name for d in dramas for c in d.characters]
            if elsewhere and draw(st.booleans()):
                name = draw(st.sampled_from(elsewhere))
                character_code = name[:3]
            if name in [c.name for c in characters]:
                continue
            characters.append(
                Character(
                    name,
                    draw(st.sampled_from(people)),
                    draw(optional_hangul),
                    draw(aliases(character_code)),
                )
            )
        dramas.append(
            Drama(
                title,
                year,
                draw(optional_hangul),
                draw(optional_texts),
                draw(aliases(code)),
                characters,
            )
        )
    count = draw(st.integers(1, 6))
    ids = draw(st.lists(st.integers(1, 2**53 - 1), min_size=count, max_size=count, unique=True))
    return [draw(scene_objects(scene_id, dramas, people)) for scene_id in ids]


@st.composite
def scene_objects(
    draw: st.DrawFn, scene_id: int, dramas: list[Drama], people: list[Person]
) -> dict[str, Any]:
    drama = draw(st.sampled_from(dramas))
    actors: list[Person] = draw(
        st.lists(st.sampled_from(people), min_size=1, max_size=3, unique_by=lambda p: p.name)
    )
    playing = [c for c in drama.characters if c.person in actors]
    characters: list[Character] = (
        draw(st.lists(st.sampled_from(playing), max_size=3, unique_by=lambda c: c.name))
        if playing
        else []
    )
    source = draw(optional_texts)
    return {
        "id": scene_id,
        "title": draw(some_texts),
        "drama": drama.title,
        "drama_korean": drama.korean,
        "year": drama.year,
        "network": drama.network,
        "actors": [p.name for p in actors],
        "characters": [c.to_dict() for c in characters],
        "description": draw(texts),
        "rank": draw(st.none() | st.integers(1, 2**53 - 1)),
        "source": source,
        "source_title": draw(optional_texts) if source else None,
        "source_credit": draw(optional_texts) if source else None,
        "favorite": draw(st.booleans()),
        "rating": draw(st.none() | st.integers(1, 5)),
        "drama_aliases": drama.aliases,
        "actors_korean": [p.korean for p in actors],
        "actor_aliases": [p.aliases for p in actors],
        "episode": draw(st.none() | st.integers(1, 2000)),
        "time": draw(st.none() | st.integers(0, 36000)),
        "urls": draw(st.lists(urls, max_size=3, unique=True)),
        "tags": draw(st.lists(st.sampled_from(TAGS), max_size=4, unique=True)),
        "note": draw(st.none() | st.text(ANY | SPECIAL, min_size=1, max_size=40).map(clean))
        or None,
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(objects=catalogs())
def test_any_catalog_exports_imports_and_exports_to_the_same_bytes_in_every_format(
    kdrama: Invoke, tmp_path: Path, objects: list[dict[str, Any]]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    source, first = folder / "generated.json", folder / "first.db"
    source.write_text(json.dumps(objects, ensure_ascii=False), "utf-8")
    run = kdrama("import", str(source), "--db", str(first))
    assert run.exit_code == 0, run.stderr
    stored = kdrama("list", "--json", "--db", str(first)).json()
    assert stored == sorted(objects, key=lambda scene: scene["id"])  # stored as given
    for fmt in FORMATS:
        fmt_folder = folder / fmt
        fmt_folder.mkdir()
        backup, again = round_trip(kdrama, first, fmt_folder, fmt)
        assert again.decode("utf-8") == backup.decode("utf-8")


# --- JSON arrays, however they are laid out ------------------------------------------------


def streamed_scenes(count: int) -> list[dict[str, Any]]:
    """Scenes whose text holds what a JSON reader cut into pieces could trip on:
    brackets, braces, commas, quotes, backslashes, escapes and multi-byte text."""
    return [
        {
            "id": 100 + n,
            "title": f'Scene {n}: "}}, {{" and "]" [{n}]',
            "drama": f"Drama {n % 40}",
            "drama_korean": f"드라마 {n % 40}",
            "year": 1990 + n % 40,
            "actors": [f"Actor {n % 97}", f"배우 {n % 89}"],
            "characters": [{"name": f"Hero {n % 11}", "actor": f"Actor {n % 97}"}],
            "description": f"Line \\ one 🎬 {n}\n\tline two, 한국어 {'x' * (n % 50)}",
            "favorite": n % 3 == 0,
            "rating": n % 6 or None,
        }
        for n in range(count)
    ]


def oddly_laid_out(rows: list[dict[str, Any]]) -> str:
    """A JSON array of ``rows`` with every kind of whitespace between and inside its
    items, some items spread over many lines, some with \\u escapes for all but ASCII."""
    gaps = [",", " ,\n", "\r\n,\t", ",\n\n   ", "\t,  "]
    parts = []
    for n, row in enumerate(rows):
        if n % 3 == 0:
            parts.append(json.dumps(row, indent=n % 5, ensure_ascii=n % 2 == 0))
        elif n % 3 == 1:
            parts.append(json.dumps(row, separators=(" ,\r\n", " :\t ")))
        else:
            parts.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    text = parts[0]
    for n, part in enumerate(parts[1:]):
        text += gaps[n % len(gaps)] + part
    return "\ufeff \r\n [\n\t" + text + "\n]  \n\n"


def jsonl_export(kdrama: Invoke, db: Path) -> str:
    run = kdrama("export", "--db", str(db), "--format", "jsonl")
    assert run.exit_code == 0, run.stderr
    return run.stdout


def test_a_large_json_array_imports_the_same_scenes_as_json_lines(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = streamed_scenes(6000)
    lines = tmp_path / "scenes.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    array = tmp_path / "scenes.json"
    array.write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")
    assert array.stat().st_size > 2_000_000  # many times what is read at once
    for source in (lines, array):
        run = kdrama("import", str(source), "--db", str(tmp_path / f"{source.suffix}.db"))
        assert (run.exit_code, run.stderr) == (
            0,
            "Imported 6,000 scene(s): 6,000 added, 0 updated.\n",
        )
    expected = jsonl_export(kdrama, tmp_path / ".jsonl.db")
    assert jsonl_export(kdrama, tmp_path / ".json.db") == expected
    assert expected.count("\n{") == 6000 - 1


def test_a_json_array_laid_out_oddly_imports_the_same_scenes_as_json_lines(
    kdrama: Invoke, tmp_path: Path
) -> None:
    rows = streamed_scenes(3000)
    lines = tmp_path / "scenes.jsonl"
    lines.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert kdrama("import", str(lines), "--db", str(tmp_path / "lines.db")).exit_code == 0
    odd = oddly_laid_out(rows)
    assert json.loads(odd.removeprefix("\ufeff")) == rows
    from_file = tmp_path / "odd.json"
    from_file.write_text(odd, "utf-8")
    run = kdrama("import", str(from_file), "--db", str(tmp_path / "file.db"))
    assert (run.exit_code, run.stderr) == (0, "Imported 3,000 scene(s): 3,000 added, 0 updated.\n")
    piped = run_process("import", "-", "--db", str(tmp_path / "pipe.db"), input=odd)
    assert (piped.exit_code, piped.stderr) == (
        0,
        "Imported 3,000 scene(s): 3,000 added, 0 updated.\n",
    )
    expected = jsonl_export(kdrama, tmp_path / "lines.db")
    assert jsonl_export(kdrama, tmp_path / "file.db") == expected
    assert jsonl_export(kdrama, tmp_path / "pipe.db") == expected
