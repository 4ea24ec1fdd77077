"""Text safe for terminals, and the shape of a table of rows: what both renderers use.

``render`` writes every format and imports ``render_rich`` for the ones drawn for
people; what ``render_rich`` needs besides lives here, below both, so that the import
between them goes one way only. ``records`` refuses on import the control characters
that ``visible`` writes out for people, and ``cli_core`` and ``cli_db`` show notes and
catalog facts through it.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple, Protocol

# C0 controls but tab and newline, DEL, and C1 (whose 0x9b starts an escape sequence
# on some terminals): what catalog text must never send to a terminal as it is.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Catalog text as it may be shown to people: each control character written out
    as ``\\xNN``, so an imported title can neither clear the screen, set the window
    title, write to the clipboard nor hide a link. Machine formats keep the text exact."""
    return CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", text)


class Row(Protocol):
    """Anything written as one JSON object a row, such as ``facets.ActorCount``."""

    def to_dict(self) -> dict[str, Any]: ...


class Column(NamedTuple):
    """A column of a table of rows: the row attribute it shows, and its heading."""

    attribute: str
    heading: str
    justify: Literal["left", "center", "right"] = "left"
