"""Bytes → text: UTF-8 (with or without BOM), UTF-16 (BOM or detectable), legacy Windows-1256 Arabic.

Everything else is refused with a typed error that says why:

* :class:`~marsad.errors.BinaryInputError` (M102) for known binary signatures, NUL bytes and control bytes;
* :class:`~marsad.errors.EncodingError` (M101) for bytes that are neither UTF-8, UTF-16 nor plausible
  Windows-1256 Arabic.

``decode_bytes`` is pure and works on whole buffers; ``sniff_encoding`` looks at the head of a file so that
line-oriented formats (JSONL, CSV) can be streamed without reading a large file into memory.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from marsad.errors import BinaryInputError, EncodingError

#: Signatures of common binary formats (checked before anything else).
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ\x90\x00", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
)

_SNIFF = 8192
# C0 control bytes that never occur in text (TAB, LF, VT, FF, CR and ESC are allowed).
_CONTROL = frozenset(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# High bytes of UTF-16 code units that make up Arabic or Latin text: Basic Latin, Arabic, general
# punctuation, Arabic presentation forms.
_UTF16_HIGH = frozenset((0x00, 0x06, 0x20, 0xFB, 0xFC, 0xFD, 0xFE))


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the encoding it was read with."""

    text: str
    encoding: str


def binary_signature(head: bytes) -> str | None:
    """The name of the binary format ``head`` starts with, if any."""
    for magic, name in BINARY_SIGNATURES:
        if head.startswith(magic):
            return name
    return None


def _bom(head: bytes) -> str | None:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when ``sample`` looks like BOM-less UTF-16 text, else ``None``."""
    n = len(sample) - (len(sample) % 2)
    if n < 8:
        return None
    even, odd = sample[0:n:2], sample[1:n:2]
    for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        hits = sum(1 for b in high if b in _UTF16_HIGH)
        zeros = high.count(0)
        if hits / len(high) >= 0.95 and zeros / len(high) >= 0.05 and low.count(0) / len(low) < 0.05:
            return enc
    return None


def _check_binary(data: bytes, *, what: str) -> None:
    name = binary_signature(data[:16])
    if name:
        raise BinaryInputError(f"{what} is a {name}, not text", value=name)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryInputError(f"{what} contains NUL bytes (first at byte {nul}): binary data, not text", value=nul)
    head = data[:_SNIFF]
    controls = sum(1 for b in head if b in _CONTROL)
    if head and controls / len(head) > 0.01:
        raise BinaryInputError(
            f"{what} has {controls} control bytes in its first {len(head)} bytes: binary data, not text",
            value=controls)


def plausible_arabic_cp1256(text: str) -> bool:
    """Whether ``text`` (decoded as Windows-1256) reads as Arabic rather than mis-decoded bytes."""
    arabic = 0
    other = 0
    glued = 0
    prev = ""
    for ch in text:
        if ch < "\x80":
            if ch.isalpha() and "\u0600" <= prev <= "\u06ff":
                glued += 1
        elif "\u0600" <= ch <= "\u06ff":
            arabic += 1
            if prev.isascii() and prev.isalpha():
                glued += 1
        elif ch not in "\u200c\u200d\u200e\u200f«»…–—‘’“”\xa0":
            other += 1
        prev = ch
    if arabic == 0:
        return False
    return arabic >= 0.8 * (arabic + other) and glued <= 0.05 * arabic


def decode_bytes(data: bytes, *, what: str = "input") -> Decoded:
    """Decode a whole buffer. Raises ``BinaryInputError`` (M102) or ``EncodingError`` (M101)."""
    enc = _bom(data[:4])
    if enc is None and b"\x00" in data[:_SNIFF]:
        enc = _utf16_without_bom(data[:_SNIFF])
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise EncodingError(f"{what} starts as {enc} but is not valid {enc}: {exc.reason} at byte {exc.start}",
                                value=enc) from None
        if "\x00" in text:
            raise BinaryInputError(f"{what} contains NUL characters: binary data, not text", value=enc)
        return Decoded(text, enc.removesuffix("-sig"))
    _check_binary(data, what=what)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        utf8_reason = f"invalid UTF-8 (byte 0x{bad} at offset {exc.start})"
    text = data.decode("cp1256")
    if plausible_arabic_cp1256(text):
        return Decoded(text, "cp1256")
    raise EncodingError(
        f"{what} cannot be decoded: {utf8_reason}, no UTF-16 byte-order mark, and not plausible "
        "Windows-1256 Arabic", value=utf8_reason)


def sniff_encoding(head: bytes, *, what: str = "input") -> str:
    """Pick the encoding to stream a file with from its first bytes.

    Returns ``"utf-8-sig"``, ``"utf-16"``, ``"utf-16-le"``/``"-be"``, ``"utf-32"`` or ``"utf-8"`` (meaning:
    UTF-8, with a per-record fallback to Windows-1256). Raises ``BinaryInputError`` for binary heads.
    """
    enc = _bom(head[:4])
    if enc is not None:
        return enc
    if b"\x00" in head:
        enc = _utf16_without_bom(head)
        if enc is not None:
            return enc
    _check_binary(head, what=what)
    return "utf-8"


def decode_record(data: bytes, *, what: str) -> str:
    """Decode one record (a JSONL line, say) of a file sniffed as UTF-8: UTF-8 or Windows-1256 Arabic."""
    if b"\x00" in data:
        raise BinaryInputError(f"{what} contains NUL bytes", value=data.find(b"\x00"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("cp1256")
        if plausible_arabic_cp1256(text):
            return text
        raise EncodingError(f"{what} is not valid UTF-8 (byte at offset {exc.start}) nor Windows-1256 Arabic",
                            value=exc.start) from None
