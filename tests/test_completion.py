"""Shell completion of names: the protocol each shell speaks, a real bash, and the
promise that completion does not load the heavy parts of the CLI."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kdrama_cli.completion import complete, split_words

from .conftest import one_scene

BIN = str(Path(sys.executable).parent)


def bash_env(line: str, **extra: str) -> dict[str, str]:
    words = split_words(line)
    cword = len(words) if line.endswith(" ") else len(words) - 1
    return {
        "_KDRAMA_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(cword),
        **extra,
    }


def zsh_env(line: str) -> dict[str, str]:
    return {"_KDRAMA_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}


def fish_env(line: str, action: str = "get-args") -> dict[str, str]:
    return {
        "_KDRAMA_COMPLETE": "complete_fish",
        "_TYPER_COMPLETE_ARGS": line,
        "_TYPER_COMPLETE_FISH_ACTION": action,
    }


def bash_words(line: str, **extra: str) -> list[str]:
    answer = complete(bash_env(line, **extra))
    assert answer is not None
    return answer.output.splitlines()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kdrama list --actor So", ["Son\\ Ye\\ Jin", "Song\\ Hye\\ Kyo", "Song\\ Joong\\ Ki"]),
        ("kdrama list --actor son", ["Son\\ Ye\\ Jin", "Song\\ Hye\\ Kyo", "Song\\ Joong\\ Ki"]),
        ("kdrama list --actor 손", ["Son\\ Ye\\ Jin"]),
        ("kdrama list --actor Hyeon", ["Hyun\\ Bin"]),
        ("kdrama list --actor Ye-jin", ["Son\\ Ye\\ Jin"]),
        ("kdrama list --actor Bak", ["Park\\ Bo\\ Gum", "Park\\ Min\\ Young", "Park\\ Seo\\ Joon"]),
        ("kdrama random -a Lee", ["Lee\\ Dong\\ Wook"]),
        ("kdrama list --character 세", ["Yoon\\ Se\\ Ri"]),
        ("kdrama list -c Grim", ["Grim\\ Reaper"]),
        ("kdrama list --drama CL", ["Crash\\ Landing\\ on\\ You"]),
        ("kdrama list --drama secr", ["What\\'s\\ Wrong\\ with\\ Secretary\\ Kim"]),
        ("kdrama list --drama 도깨", ["Goblin"]),
        ("kdrama list --actor Zz", []),
        ("kdrama list --actor=Hyun", ["Hyun\\ Bin"]),
        ("kdrama list --actor = Hyun", ["Hyun\\ Bin"]),
    ],
)
def test_bash_completes_names_in_any_spelling(line: str, expected: list[str]) -> None:
    assert bash_words(line) == expected


def test_empty_word_offers_every_name() -> None:
    assert len(bash_words("kdrama list --actor ")) == 10


def test_completion_uses_the_catalog_named_by_db_or_env(make_catalog: Callable[..., Path]) -> None:
    db = make_catalog(one_scene())
    assert bash_words(f"kdrama list --db {db} --actor K") == ["Kim\\ Actor"]
    assert bash_words(f"kdrama list --db={db} --actor K") == ["Kim\\ Actor"]
    assert bash_words("kdrama list --actor K", KDRAMA_DB=str(db)) == ["Kim\\ Actor"]
    assert bash_words("kdrama list --db /no/such/file.db --actor So") == []


def test_names_spelled_as_typed_come_first_then_names_that_sound_alike(
    make_catalog: Callable[..., Path],
) -> None:
    data = one_scene()
    data["people"] += [{"name": "Bak Bo Young"}, {"name": "Park Bo Gum"}, {"name": "Kim Bo"}]
    data["dramas"][0]["characters"] += [
        {"name": "Third", "actor": "Bak Bo Young"},
        {"name": "Fourth", "actor": "Park Bo Gum"},
        {"name": "Fifth", "actor": "Kim Bo"},
    ]
    db = make_catalog(data)
    offered = f"kdrama list --db {db} --actor"
    assert bash_words(f"{offered} 'Park Bo'") == ["Park\\ Bo\\ Gum", "Bak\\ Bo\\ Young"]
    assert bash_words(f"{offered} 'Bak Bo'") == ["Bak\\ Bo\\ Young", "Park\\ Bo\\ Gum"]
    # One word is a surname being typed: the names spelled so are enough.
    assert bash_words(f"{offered} Park") == ["Park\\ Bo\\ Gum"]
    # Nothing spelled so: the names that sound so.
    assert bash_words(f"{offered} Pak") == ["Bak\\ Bo\\ Young", "Park\\ Bo\\ Gum"]


def test_names_holding_control_characters_are_not_offered(
    make_catalog: Callable[..., Path],
) -> None:
    data = one_scene()
    data["people"].append({"name": "Kim\x1b]0;pwned\x07 Actor"})
    data["people"].append({"name": "Kim\nLine"})
    data["dramas"][0]["characters"].append({"name": "Third", "actor": "Kim\x1b]0;pwned\x07 Actor"})
    data["dramas"][0]["characters"].append({"name": "Fourth", "actor": "Kim\nLine"})
    db = make_catalog(data)
    assert bash_words(f"kdrama list --db {db} --actor K") == ["Kim\\ Actor"]


def test_names_that_reorder_or_hide_text_are_not_offered(
    make_catalog: Callable[..., Path],
) -> None:
    """Bidirectional overrides, zero-width characters and line separators would show
    a name other than the one inserted; emoji joined by a zero-width joiner are fine."""
    data = one_scene()
    odd = ["Kim\u202eroTca", "Kim\u200bActor", "Kim\u2028Actor", "Kim\u2066Actor\u2069"]
    for name in [*odd, "Kim 👩\u200d🚀"]:
        data["people"].append({"name": name})
        data["dramas"][0]["characters"].append({"name": f"Role {name}", "actor": name})
    db = make_catalog(data)
    offered = bash_words(f"kdrama list --db {db} --actor K")
    assert [word.replace("\\", "") for word in offered] == ["Kim Actor", "Kim 👩\u200d🚀"]


def test_a_name_stored_as_binary_data_is_left_out(make_catalog: Callable[..., Path]) -> None:
    db = make_catalog(one_scene())
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE people SET name = ? WHERE name = 'Lee Actress'", (b"Lee\xff",))
    conn.close()
    assert bash_words(f"kdrama list --db {db} --actor ") == ["Kim\\ Actor"]


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"COMP_WORDS": "kdrama list --actor So", "COMP_CWORD": "x"}, "not 'x'"),
        ({"COMP_WORDS": "kdrama li", "COMP_CWORD": "-1"}, "not '-1'"),
        ({"COMP_WORDS": "kdrama li"}, "needs COMP_WORDS and COMP_CWORD"),
        ({}, "needs COMP_WORDS and COMP_CWORD"),
    ],
    ids=["not a number", "negative", "no COMP_CWORD", "neither"],
)
def test_broken_completion_variables_are_one_line_and_exit_2(
    env: dict[str, str], error: str
) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("COMP_")}
    run = subprocess.run(
        [str(Path(BIN) / "kdrama")],
        env={**full, "_KDRAMA_COMPLETE": "complete_bash", **env},
        capture_output=True,
        text=True,
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("Error: cannot complete: ") and run.stderr.count("\n") == 1
    assert error in run.stderr


def test_a_word_number_past_the_last_word_completes_a_new_word() -> None:
    assert bash_words("kdrama list --actor", COMP_CWORD="3")[:1] == ["Hyun\\ Bin"]


def test_other_words_are_left_to_typer() -> None:
    assert complete(bash_env("kdrama li")) is None
    assert complete(bash_env("kdrama list --ye")) is None
    assert complete(zsh_env("kdrama list --sort ")) is None
    assert complete({}) is None


def test_zsh_gets_code_that_adds_the_names() -> None:
    literal = complete(zsh_env("kdrama list --actor Hyun"))
    assert literal is not None
    assert literal.output == (
        "local -a kdrama_shown=('Hyun Bin  -- 현빈'); compadd -l -d kdrama_shown -- 'Hyun Bin'"
    )
    other_spelling = complete(zsh_env("kdrama list --drama what"))
    assert other_spelling is not None
    assert "compadd -U -l" in other_spelling.output
    assert "'What'\\''s Wrong with Secretary Kim'" in other_spelling.output
    several = complete(zsh_env("kdrama list --character Se"))
    assert several is not None and several.output.endswith("; compstate[insert]=menu")
    nothing = complete(zsh_env("kdrama list --actor Zz"))
    assert nothing is not None and nothing.output == "_files"


def test_fish_gets_names_with_korean_help_and_hangul_for_hangul() -> None:
    latin = complete(fish_env("kdrama list --actor 'Son Y"))
    assert latin is not None and latin.output == "Son Ye Jin\t손예진"
    hangul = complete(fish_env("kdrama list --actor 손"))
    assert hangul is not None and hangul.output == "손예진\tSon Ye Jin"
    yes = complete(fish_env("kdrama list --actor Son", "is-args"))
    no = complete(fish_env("kdrama list --actor Zz", "is-args"))
    assert yes is not None and no is not None
    assert (yes.exit_code, no.exit_code) == (0, 1)


def test_entry_point_answers_completion_without_loading_typer_or_rich(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from kdrama_cli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('typer', 'rich', 'sqlite_utils') if m in sys.modules))\n"
    )
    env = {**os.environ, **bash_env("kdrama list --actor So")}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.splitlines() == [
        "Son\\ Ye\\ Jin",
        "Song\\ Hye\\ Kyo",
        "Song\\ Joong\\ Ki",
        "[]",
    ]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_install_completion_writes_the_script_for_each_shell(tmp_path: Path, shell: str) -> None:
    install = subprocess.run(
        ["kdrama", "--install-completion", shell],
        env={
            **os.environ,
            "HOME": str(tmp_path),
            "PATH": BIN + os.pathsep + os.environ["PATH"],
            "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        },
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    assert f"{shell} completion installed" in install.stdout
    scripts = [p for p in tmp_path.rglob("*kdrama*") if p.is_file()]
    assert scripts and "_KDRAMA_COMPLETE=complete_" + shell in scripts[0].read_text()


def test_tab_in_a_real_bash_offers_son_ye_jin(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "PATH": BIN + os.pathsep + os.environ["PATH"],
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
    }
    subprocess.run(
        ["kdrama", "--install-completion", "bash"], env=env, check=True, capture_output=True
    )
    script = (
        "source ~/.bashrc\n"
        "COMP_WORDS=(kdrama list --actor So); COMP_CWORD=3\n"
        "_kdrama_completion kdrama\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert run.stdout.splitlines() == ["Son\\ Ye\\ Jin", "Song\\ Hye\\ Kyo", "Song\\ Joong\\ Ki"]
