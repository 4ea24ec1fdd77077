"""How kdrama was installed, and so the command that adds an optional extra to it.

``install_command`` is pure: it looks only at the paths it is given (the running
Python's ``sys.prefix``, ``sys.base_prefix`` and ``sys.executable``, and the folder the
``kdrama_cli`` package was imported from), so every way of installing can be tried with
made-up folders (and the uv tool receipt, when there is one, for the source kdrama was
installed from). ``Install.current()`` gives the real ones; ``extra_requiring`` reads
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
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

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
    as it was installed, from the source it was installed from.

    kdrama is installed from a clone (``pipx install .``, ``uv tool install .``,
    ``pip install .``), so a command naming ``kdrama[web]`` alone would look for it on
    a package index. pip and pipx install the extra's requirements beside kdrama
    (pip keeps no record of extras, so that is all ``kdrama[web]`` would do); uv
    keeps a record of the tool's requirements, so the tool is installed again with the
    extra, from the source its receipt names."""
    wanted = " ".join(shlex.quote(r) for r in requirements)
    kind = install.kind
    if kind is Kind.UV_TOOL:
        return _uv_tool_command(install.prefix / "uv-receipt.toml", extra)
    if kind is Kind.PIPX:
        # The venv's name is the one pipx knows the install by (suffix included).
        return f"pipx inject {shlex.quote(install.prefix.name)} {wanted}"
    if kind is Kind.CLONE:
        return f"uv sync --extra {shlex.quote(extra)}"
    if kind is Kind.VENV:
        return f"{shlex.quote(str(install.executable))} -m pip install {wanted}"
    return f"pip install {wanted}"


def _uv_tool_command(receipt: Path, extra: str) -> str:
    """``uv tool install --force`` of kdrama with ``extra`` added to the extras its
    receipt records, from the folder it records (``uv tool install [--editable] DIR``),
    else by name and version specifier."""
    requirement = _receipt_requirement(receipt)
    recorded = requirement.get("extras")
    kept = [e for e in recorded if isinstance(e, str)] if isinstance(recorded, list) else []
    extras = ",".join(sorted({*kept, extra}))
    for key, flag in [("editable", " --editable"), ("directory", "")]:
        folder = requirement.get(key)
        if isinstance(folder, str):
            return f"uv tool install --force{flag} {shlex.quote(f'{folder}[{extras}]')}"
    specifier = requirement.get("specifier", "")
    spec = f"{DISTRIBUTION}[{extras}]{specifier if isinstance(specifier, str) else ''}"
    return f"uv tool install --force {shlex.quote(spec)}"


def _receipt_requirement(receipt: Path) -> dict[str, Any]:
    """kdrama's entry in a uv tool receipt's requirements, or {} if it cannot be read."""
    try:
        with receipt.open("rb") as file:
            requirements = tomllib.load(file).get("tool", {}).get("requirements", [])
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return {}
    for requirement in requirements if isinstance(requirements, list) else []:
        if isinstance(requirement, dict) and requirement.get("name") == DISTRIBUTION:
            return requirement
    return {}


def extra_hint(command: str, package: str, install: Install) -> str:
    """One line saying that ``command`` needs ``package``, and how to add the extra
    that brings it to kdrama as ``install`` has it."""
    try:
        extra, requirements = extra_requiring(package.lower())
    except LookupError:  # kdrama runs without its metadata (not installed)
        return f"{command} needs {package}, which is not installed"
    return f"{command} needs the {extra} extra: {install_command(install, extra, requirements)}"


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
