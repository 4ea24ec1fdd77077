"""The rules of the values that say where a moment is and what a fan keeps about it:
times in an episode, clip links and tags. One place checks them, for options, import
files and the Python API alike; each refusal is a ValueError whose message names the
value and says what is wrong, fit to print after "Error: ".
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# A time in an episode as fans write it: 42:13, 1:02:07, or seconds alone (95).
_TIME = re.compile(r"(?:(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,3}):)?(?P<s>\d{1,5})")
# An episode runs a few hours at most; a longer time is a typing mistake.
LONGEST_TIME = 10 * 3600

MAX_URL_LENGTH = 2000
_SCHEMES = ("http", "https")

MAX_TAG_LENGTH = 40


def parse_time(text: str) -> int:
    """Seconds from "42:13", "1:02:07" or "95". Minutes and seconds after a colon
    have two digits and are below 60."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time; write it like 42:13 or 1:02:07")
    hours, minutes, seconds = (int(match[part] or 0) for part in ("h", "m", "s"))
    after_colon = [match["s"]] if match["m"] else []
    after_colon += [match["m"]] if match["h"] else []
    if any(len(part) != 2 or int(part) > 59 for part in after_colon):
        raise ValueError(f"{text!r} is not a time; write it like 42:13 or 1:02:07")
    total = hours * 3600 + minutes * 60 + seconds
    return check_time(total, text)


def check_time(seconds: int, shown: object = None) -> int:
    """``seconds`` when it can be a time in an episode; ValueError otherwise."""
    if not 0 <= seconds <= LONGEST_TIME:
        value = seconds if shown is None else shown
        raise ValueError(
            f"{value!r} is not a time in an episode (0 to {format_time(LONGEST_TIME)})"
        )
    return seconds


def format_time(seconds: int) -> str:
    """A time as fans write it: 42:13 within the first hour, 1:02:07 after it."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def check_episode(number: int) -> int:
    """``number`` when it can be an episode; ValueError otherwise."""
    if number < 1:
        raise ValueError(f"episode {number} is not a positive whole number")
    return number


def check_url(url: str) -> str:
    """``url`` when it is a clip link kdrama keeps: http or https, with a host, no
    spaces or control characters, at most MAX_URL_LENGTH characters."""
    shown = url if len(url) <= 80 else url[:77] + "..."
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"{shown!r} is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in url):
        raise ValueError(f"{shown!r} has spaces or control characters; a link has none")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ValueError(f"{shown!r} is not a link") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise ValueError(f"{shown!r} is not an http or https link")
    if not parts.hostname:
        raise ValueError(f"{shown!r} has no host")
    return url


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube link (youtube.com/watch?v=, youtu.be/, /shorts/,
    /embed/), or None for any other link."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.lstrip("/").split("/")[0]
    elif host in ("youtube.com", "music.youtube.com"):
        if parts.path == "/watch":
            candidate = dict(parse_qsl(parts.query)).get("v", "")
        elif parts.path.startswith(("/shorts/", "/embed/", "/live/")):
            candidate = parts.path.split("/")[2]
    return candidate if _YOUTUBE_ID.fullmatch(candidate) else None


def at_time(url: str, seconds: int | None) -> str:
    """The link that starts the clip at ``seconds``, for sites that take the time in
    the link (YouTube's ``t``); any other link as it is."""
    if seconds is None or youtube_id(url) is None:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
    query.append(("t", f"{seconds}s"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def thumbnail_url(url: str) -> str | None:
    """The still image YouTube serves for a video link (from its id; nothing is
    downloaded here), or None for any other link."""
    video = youtube_id(url)
    return f"https://i.ytimg.com/vi/{video}/hqdefault.jpg" if video else None


def clean_tag(text: str) -> str:
    """A tag as it is kept: one word (letters, digits, and - _ . ' inside), at most
    MAX_TAG_LENGTH characters, in the form typed (NFC). It cannot begin with + or -,
    which ``kdrama tag`` reads as add and remove."""
    tag = unicodedata.normalize("NFC", text.strip())
    if not tag:
        raise ValueError("a tag cannot be empty")
    if len(tag) > MAX_TAG_LENGTH:
        raise ValueError(
            f"tag {tag[:MAX_TAG_LENGTH]!r}... is longer than {MAX_TAG_LENGTH} characters"
        )
    if not all(ch.isalnum() or ch in "-_.'" for ch in tag) or not tag[0].isalnum():
        raise ValueError(
            f"tag {tag!r} is not one word; use letters, digits and - _ . ' (like first-meeting)"
        )
    return tag


def tag_key(tag: str) -> str:
    """What two tags that are the same tag share: Kiss, kiss and KISS are one."""
    return unicodedata.normalize("NFC", tag).casefold()


def _shown_time(time: object) -> str:
    # A value another program stored in place of seconds is shown as it is.
    return format_time(time) if isinstance(time, int) and time >= 0 else str(time)


def short_where(episode: object, time: object) -> str:
    """Where a moment is, short, for a table: "E10 42:13", "E10", "42:13" or ""."""
    parts = [] if episode is None else [f"E{episode}"]
    return " ".join(parts + ([] if time is None else [_shown_time(time)]))


def long_where(episode: object, time: object) -> str:
    """Where a moment is, in words: "Episode 10, 42:13", "Episode 10", "at 42:13" or ""."""
    if episode is None:
        return "" if time is None else f"at {_shown_time(time)}"
    return f"Episode {episode}" + ("" if time is None else f", {_shown_time(time)}")
