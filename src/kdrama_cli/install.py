"""How kdrama was installed, and so the command that adds an optional extra to it.

``install_command`` is pure: it looks only at the paths it is given (the running
Python's ``sys.prefix``, ``sys.base_prefix`` and ``sys.executable``, and the folder the
``kdrama_cli`` package was imported from), so every way of installing can be tried with
made-up folders. ``Install.current()`` gives the real ones; ``extra_requiring`` reads
the extra's name and its requirements from kdrama's installed metadata.

The ways told apart, first match wins:

- ``uv tool install``: uv writes ``uv-receipt.toml`` in the tool's environment;
- ``pipx install``: pipx writes ``pipx_metadata.json`` in the package's venv;
- a clone run with ``uv run``: the package sits in ``<project>/src/`` beside a
  ``pyproject.toml``, and Python runs from that project's ``.venv``;
- ``pip`` in a virtual environment: ``sys.prefix`` is not ``sys.base_prefix``;
- otherwise ``pip`` itself.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from enum import Enum
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "kdrama"
"""kdrama's name as a package (its distribution name): the one place it is spelled."""


class Kind(str, Enum):
    UV_TOOL = "uv tool"
    PIPX = "pipx"
    CLONE = "clone"
    VENV = "venv"
    PIP = "pip"


@dataclass(frozen=True)
class Install:
    """Where the running kdrama lives."""

    prefix: Path
    base_prefix: Path
    executable: Path
    package_dir: Path

    @classmethod
    def current(cls) -> Install:
        return cls(
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(sys.executable),
            Path(__file__).resolve().parent,
        )

    @property
    def kind(self) -> Kind:
        if (self.prefix / "uv-receipt.toml").is_file():
            return Kind.UV_TOOL
        if (self.prefix / "pipx_metadata.json").is_file():
            return Kind.PIPX
        if self.project is not None:
            return Kind.CLONE
        if _resolved(self.prefix) != _resolved(self.base_prefix):
            return Kind.VENV
        return Kind.PIP

    @property
    def project(self) -> Path | None:
        """The source tree kdrama runs from, when it runs from its project's ``.venv``."""
        source = self.package_dir.parent
        root = source.parent
        if source.name != "src" or not (root / "pyproject.toml").is_file():
            return None
        return root if _resolved(self.prefix) == _resolved(root / ".venv") else None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def install_command(install: Install, extra: str, requirements: list[str]) -> str:
    """The shell command that adds ``extra`` (which brings ``requirements``) to kdrama
    as it was installed."""
    spec = shlex.quote(f"{DISTRIBUTION}[{extra}]")
    kind = install.kind
    if kind is Kind.UV_TOOL:
        return f"uv tool install --force {spec}"
    if kind is Kind.PIPX:
        # inject keeps the install as it is (its source, its suffix): the venv's name is
        # the one pipx knows it by.
        wanted = " ".join(shlex.quote(r) for r in requirements)
        return f"pipx inject {shlex.quote(install.prefix.name)} {wanted}"
    if kind is Kind.CLONE:
        return f"uv sync --extra {shlex.quote(extra)}"
    if kind is Kind.VENV:
        return f"{shlex.quote(str(install.executable))} -m pip install {spec}"
    return f"pip install {spec}"


def extra_requiring(name: str) -> tuple[str, list[str]]:
    """The extra of kdrama's metadata that brings the package ``name``, with all that
    extra's requirements (markers dropped), e.g. ``("web", ["datasette<1,>=0.65"])``.
    LookupError when there is no such extra or no metadata.
    """
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise LookupError(f"{DISTRIBUTION} is not installed") from None
    by_extra: dict[str, list[str]] = {}
    for line in requires:
        requirement, _, marker = line.partition(";")
        marker = marker.replace('"', "'").replace(" ", "")
        if "extra==" in marker:
            extra = marker.split("extra=='", 1)[1].split("'", 1)[0]
            by_extra.setdefault(extra, []).append(requirement.strip())
    for extra, wanted in by_extra.items():
        if any(_name(r) == name for r in wanted):
            return extra, wanted
    raise LookupError(f"no extra of {DISTRIBUTION} requires {name}")


def _name(requirement: str) -> str:
    for index, char in enumerate(requirement):
        if not (char.isalnum() or char in "-_."):
            return requirement[:index].lower()
    return requirement.lower()
