"""Exceptions the library raises, with messages ready to show a user, and exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes kdrama uses, named once."""

    OK = 0
    RUNTIME_ERROR = 1
    USAGE_ERROR = 2
    BROKEN_PIPE = 141
    INTERRUPTED = 130


class KdramaError(Exception):
    """A failure the user can act on; its message is one line, ready to print."""


class CatalogError(KdramaError):
    """The catalog file is missing, unreadable, not a kdrama catalog, or too new."""


class SceneNotFound(KdramaError):
    """No scene has the requested id."""

    def __init__(self, scene_id: int) -> None:
        super().__init__(f"no scene with id {scene_id}")
        self.scene_id = scene_id


class NothingToPick(KdramaError):
    """A random pick was asked of an empty selection."""


class CatalogSourceError(KdramaError):
    """The catalog's text source is inconsistent (an unknown drama, a duplicate id...)."""


class MissingExtra(KdramaError):
    """A command needs an optional extra that is not installed; the message says how."""
