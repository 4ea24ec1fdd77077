"""The files ``kdrama import`` reads, as a stream: bytes counted and bounded, decoded
from UTF-8 (with or without a byte order mark) into lines, or chunks of text, or the
items of a JSON array parsed one by one, so that an import never holds its file whole.

``records`` turns what is read here into checked scenes; both say where a problem is
with :class:`RecordError`.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from types import TracebackType
from typing import Any, BinaryIO, NoReturn

from .errors import KdramaError
from .models import FILE_EXTENSIONS, ExportFormat


class RecordError(KdramaError):
    """An import file is malformed or holds a bad value; the message names where."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where


# The formats ``kdrama import`` reads are exactly those ``kdrama export`` writes.
ImportFormat = ExportFormat


def guess_format(name: str | None, head: str) -> ImportFormat:
    """The format of a file named ``name`` (None for stdin) whose text starts ``head``.

    The extension decides when it is a known one (``models.FILE_EXTENSIONS``), since it
    is what the user chose; otherwise the text does: "[" opens a JSON array, "{" a JSON
    line, and a first line holding a tab is a TSV header (no column name has one);
    anything else is taken for a CSV header.
    """
    if name is not None:
        known = FILE_EXTENSIONS.get(PurePath(name).suffix.lower())
        if known is not None:
            return known
    text = head.lstrip().lstrip("\ufeff").lstrip()
    start = text[:1]
    if start == "[":
        return ImportFormat.json
    if start == "{":
        return ImportFormat.jsonl
    if "\t" in text.partition("\n")[0]:
        return ImportFormat.tsv
    return ImportFormat.csv


MAX_INPUT_BYTES = 1 << 30  # one import; larger ones are split
MAX_RECORD_BYTES = 32 << 20  # one line or one array item: a real scene is far smaller

_CHUNK = 1 << 16
_SPACE_BYTES = b" \t\r\n"
_BOM = codecs.BOM_UTF8


class _Counted(io.RawIOBase):
    """The bytes of a file or of stdin, counted as they are read (for the progress bar)
    and stopped at MAX_INPUT_BYTES; the first few are read ahead to guess the format."""

    def __init__(self, stream: BinaryIO, name: str) -> None:
        self._stream = stream
        self._name = name
        self._ahead = b""
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._ahead:
            size = min(len(view), len(self._ahead))
            view[:size] = self._ahead[:size]
            self._ahead = self._ahead[size:]
            return size
        data = self._read(len(view))
        view[: len(data)] = data
        return len(data)

    def head(self) -> bytes:
        """The first bytes, up to the first one that is not white space (or a little
        more), without consuming them."""
        while len(self._ahead) < _CHUNK and not self._ahead.lstrip(_BOM).strip(_SPACE_BYTES):
            data = self._read(_CHUNK)
            if not data:
                break
            self._ahead += data
        return self._ahead

    def _read(self, size: int) -> bytes:
        read1 = getattr(self._stream, "read1", None)
        try:
            data: bytes = read1(size) if read1 is not None else self._stream.read(size)
        except OSError as error:
            raise RecordError("", f"cannot read {self._name}: {error.strerror}") from None
        self.count += len(data)
        if self.count > MAX_INPUT_BYTES:
            _too_large(self._name)
        return data


def _size(count: int) -> str:
    """A number of bytes as a message says it: "32 MB", or "1,000 bytes"."""
    return f"{count >> 20:,} MB" if count >= 1 << 20 else f"{count:,} bytes"


def _too_large(name: str) -> NoReturn:
    raise RecordError(
        "", f"{name} is over {MAX_INPUT_BYTES >> 20:,} MB; import it in smaller parts"
    )


class ImportInput:
    """An import file ("-" for stdin), read as a stream: its lines, or chunks of its
    text, decoded from UTF-8 (with or without a byte order mark) as they are needed.

    ``size`` is the file's size when it is known; ``bytes_read`` how much has been
    read so far. Use it as a context manager, so that the file is closed.
    """

    def __init__(self, file: str, stream: BinaryIO | None = None) -> None:
        self.file = file
        self.size: int | None = None
        if stream is None:
            stream = self._open(file)
        self._stream = stream
        self._counted = _Counted(stream, file)
        self._buffered = io.BufferedReader(self._counted, _CHUNK)

    def _open(self, file: str) -> BinaryIO:
        try:
            stream: BinaryIO = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115
        except OSError as error:
            raise RecordError("", f"cannot read {file}: {error.strerror}") from None
        try:
            info = os.fstat(stream.fileno())
        except (OSError, ValueError):  # a stream with no file behind it
            return stream
        if stat.S_ISREG(info.st_mode):
            self.size = info.st_size
            if info.st_size > MAX_INPUT_BYTES:
                self.close_stream(stream)
                _too_large(file)
        return stream

    @staticmethod
    def close_stream(stream: BinaryIO) -> None:
        if stream is not sys.stdin.buffer:
            stream.close()

    @property
    def name(self) -> str | None:
        """The file's name, or None for stdin."""
        return None if self.file == "-" else self.file

    @property
    def bytes_read(self) -> int:
        return self._counted.count

    def head(self) -> str:
        """The start of the text, to guess the format from."""
        return self._counted.head().decode("utf-8", errors="replace")

    def lines(self) -> Iterator[str]:
        """The text's lines, each with its line end; only "\\n" ends a line (JSON text
        may hold U+2028 and other characters that str.splitlines() splits on)."""
        number = 0
        while line := self._buffered.readline(MAX_RECORD_BYTES + 1):
            number += 1
            if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
                raise RecordError(f"line {number}", f"is longer than {_size(MAX_RECORD_BYTES)}")
            if number == 1:
                line = line.removeprefix(_BOM)
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise RecordError(
                    f"line {number}", f"{self.file} is not UTF-8 text (byte {error.start + 1})"
                ) from None

    def chunks(self) -> Iterator[str]:
        """The text in pieces of some tens of kilobytes."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        place = _Place()
        ahead = self._buffered.read(len(_BOM)).removeprefix(_BOM)  # read() waits for all 3
        while True:
            data = self._buffered.read1(_CHUNK)
            if ahead:
                data, ahead = ahead + data, b""
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as error:
                # The bytes the decoder holds back from the last chunk (a character cut
                # in two) come first in error.object; they hold no line end.
                held = len(error.object) - len(data)
                place.add(error.object[: error.start], held)
                raise RecordError(
                    f"line {place.line}", f"{self.file} is not UTF-8 text (byte {place.byte})"
                ) from None
            place.add(data)
            if text:
                yield text
            if not data:
                return

    def close(self) -> None:
        self.close_stream(self._stream)

    def __enter__(self) -> ImportInput:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Place:
    """Where the bytes read so far end: the line (from 1) and the byte in it (from 1)
    that comes next. Bytes are counted, not characters: a line feed byte is never part
    of another UTF-8 character."""

    def __init__(self) -> None:
        self.line = 1
        self._column = 0  # bytes of the line read so far

    @property
    def byte(self) -> int:
        return self._column + 1

    def add(self, data: bytes, counted: int = 0) -> None:
        """Move past ``data``, whose first ``counted`` bytes were passed already."""
        end = data.rfind(b"\n")
        if end < 0:
            self._column += len(data) - counted
        else:
            self.line += data.count(b"\n")
            self._column = len(data) - end - 1


def split_lines(text: str) -> Iterator[str]:
    """Text in memory as ``ImportInput.lines`` gives a file's: split after each \\n."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


_DECODER = json.JSONDecoder()  # what json.loads uses
_NOT_SPACE = re.compile(r"[^ \t\n\r]")


class JsonArray:
    """The items of a JSON array, parsed one by one as its text arrives in chunks, so
    that a large file is never held whole. The text of the item being read is kept
    (at most MAX_RECORD_BYTES of it), and that of the items before it dropped."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._text = ""
        self._at = 0
        self._lines = 0  # line ends in the text dropped so far
        self._ended = False

    def items(self) -> Iterator[tuple[int, object]]:
        """Each item with its position in the array, from 1."""
        start = self._next()
        if start != "[":
            if start != "{":
                self._value(0)  # raises the parser's own description of the text
            raise RecordError("", "the JSON file must be an array of scene objects")
        self._at += 1
        if self._next() == "]":
            self._at += 1
        else:
            number = 0
            while True:
                number += 1
                self._next()
                yield number, self._value(number)
                after = self._next()
                if after == "]":
                    self._at += 1
                    break
                if after != ",":
                    self._fail(self._at, "Expecting ',' delimiter")
                self._at += 1
        if self._next():
            self._fail(self._at, "Extra data")

    def _next(self) -> str:
        """The next character that is not white space ("" at the end), not consumed."""
        while True:
            found = _NOT_SPACE.search(self._text, self._at)
            if found:
                self._at = found.start()
                return self._text[self._at]
            self._at = len(self._text)
            if self._ended:
                return ""
            self._more(1)

    def _value(self, number: int) -> object:
        """The JSON value that starts here, read on until it is complete."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError as error:
                if not self._ended:
                    self._too_long(len(self._text) - self._at, number)
                    self._more(len(self._text) - self._at)
                    continue
                self._fail(error.pos, error.msg)
            except ValueError:  # an integer with more digits than Python converts
                raise RecordError(
                    f"item {number}", "not valid JSON (a number is too long)"
                ) from None
            except RecursionError:
                raise RecordError(f"item {number}", "not valid JSON (nested too deeply)") from None
            # A number at the end of the text read so far may go on in the next chunk.
            if end == len(self._text) and not self._ended:
                self._more(1)
                continue
            self._too_long(end - self._at, number)
            self._at = end
            return value

    @staticmethod
    def _too_long(length: int, number: int) -> None:
        """Refuse an item longer than a scene can be, read so far or whole."""
        if length > MAX_RECORD_BYTES:
            raise RecordError(f"item {number}", f"is longer than {_size(MAX_RECORD_BYTES)}")

    def _more(self, at_least: int) -> None:
        """Read on until ``at_least`` more characters came, or the end. Asking for as
        much again as the item has so far keeps a long item's reading linear; ``_value``
        bounds how long that may be."""
        if self._at:
            self._lines += self._text.count("\n", 0, self._at)
            self._text = self._text[self._at :]
            self._at = 0
        added = 0
        pieces = [self._text]
        while added < at_least:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True
                break
            pieces.append(chunk)
            added += len(chunk)
        self._text = "".join(pieces)

    def _fail(self, position: int, message: str) -> NoReturn:
        line = self._lines + self._text.count("\n", 0, position) + 1
        raise RecordError(f"line {line}", f"not valid JSON ({message})")
