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

# What catalog text must never send to a terminal as it is:
# - C0 controls but tab and newline, DEL, and C1 (whose 0x9b starts an escape sequence
#   on some terminals);
# - bidirectional marks, embeddings, overrides and isolates, which reorder what is
#   shown around them (U+202E shows "txt.exe" as "exe.txt");
# - zero-width characters, which hide inside a name so that two names look the same;
#   the zero-width joiner is taken between two emoji, where it joins them into one
#   (a family, a profession), and nowhere else;
# - line and paragraph separators, which break a line where no line feed shows;
# - lone surrogates, which are not text at all and cannot be written out.
_EMOJI = "\u00a9\u00ae\u203c\u2049\u2122-\u2b55\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001faff"
# The characters above U+00FF among them, which ``records`` also strips on request.
UNICODE_CONTROL = (
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\u200b\u200c\u2060\ufeff"
    "\u2028\u2029"
    "\ud800-\udfff]"
    f"|(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])"
)
CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f]|{UNICODE_CONTROL}")


def visible(text: str) -> str:
    """Catalog text as it may be shown to people: each character of ``CONTROL`` written
    out as ``\\xNN`` or ``\\uNNNN``, so an imported title can neither clear the screen,
    set the window title, write to the clipboard, hide a link, nor reorder or hide the
    text around it. Machine formats keep the text exact."""
    return CONTROL.sub(written_out, text)


def written_out(match: re.Match[str]) -> str:
    """One character a regular expression matched, written out as ``\\xNN`` or
    ``\\uNNNN``: how ``visible`` and piped lines show what cannot be shown."""
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# The favourite mark, in tables for people and in lines.
HEART = "♥"


class Row(Protocol):
    """Anything written as one JSON object a row, such as ``facets.ActorCount``."""

    def to_dict(self) -> dict[str, Any]: ...


class Column(NamedTuple):
    """A column of a table of rows: the row attribute it shows, and its heading."""

    attribute: str
    heading: str
    justify: Literal["left", "center", "right"] = "left"
