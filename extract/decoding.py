"""Turn fetched bytes into text, and tell HTML from binary garbage."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _known(encoding: str | None) -> str | None:
    try:
        return codecs.lookup(encoding).name if encoding else None
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes (BOM or <meta>)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    match = _META_CHARSET.search(data[:4096])
    return _known(match.group(1).decode("ascii", "ignore")) if match else None


_SINGLE_BYTE = {"latin-1", "iso8859-1", "cp1252", "iso8859-15", "ascii"}


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    """Valid UTF-8 containing multi-byte sequences: practically never meant as a single-byte charset."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad_sequences(data: bytes, encoding: str) -> int:
    return data.decode(encoding, errors="replace").count("\ufffd")


def _fits_utf8_better(data: bytes, declared: str) -> bool:
    """The declared charset leaves bad sequences, and UTF-8 leaves far fewer and decodes multi-byte characters."""
    if data.isascii():
        return False
    declared_bad = _bad_sequences(data, declared)
    return declared_bad >= MISLABELLED_MIN_BAD_SEQUENCES and _bad_sequences(data, "utf-8") * 10 < declared_bad


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# Fewer bad sequences than this, or any valid multi-byte character, and a UTF-8 label is believed
# (a stray bad byte becomes U+FFFD, as in a browser); more, and none valid, is a legacy charset.
MISLABELLED_MIN_BAD_SEQUENCES = 8


def _mostly_not_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    valid_multibyte = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return bad >= MISLABELLED_MIN_BAD_SEQUENCES and valid_multibyte == 0


def _detected(data: bytes) -> str:
    """The charset that fits bytes nobody labelled right (charset_normalizer, trafilatura's own detector)."""
    match = charset_normalizer.from_bytes(data[:200_000]).best()
    return _known(match.encoding) if match and match.encoding else "cp1252"


def decode_html(data: bytes | str, encoding: str | None = None) -> str:
    """Decode with ``encoding`` if given and known, else the meta charset, else UTF-8; never raises.

    A label that the bytes contradict is not trusted: bytes that are plainly not UTF-8 under
    a UTF-8 label (or under none) are decoded with the meta charset or a detected one, and
    valid multi-byte UTF-8 under a Latin-1 label is read as UTF-8."""
    if isinstance(data, str):
        return data
    chosen = _known(encoding) or declared_charset(data) or "utf-8"
    if chosen in _SINGLE_BYTE and _is_utf8_with_non_ascii(data):
        chosen = "utf-8"  # a page saved as UTF-8 that still declares latin-1 would come out as mojibake ("â€™")
    elif chosen != "utf-8" and _fits_utf8_better(data, chosen):
        chosen = "utf-8"  # a page saved as UTF-8 that still declares its former multi-byte charset (GB2312, Shift_JIS)
    elif chosen == "utf-8" and not _decodes(data, "utf-8") and _mostly_not_utf8(data):
        meta = declared_charset(data)
        chosen = meta if meta and meta != "utf-8" and _decodes(data, meta) else _detected(data)
    text = data.decode(chosen, errors="replace")
    return text.lstrip("\ufeff")


_JUNK = re.compile("[\x01-\x08\x0b\x0e-\x1f\ufffd]")  # control characters other than whitespace, U+FFFD


def looks_binary(text: str) -> bool:
    """True for content that is not text: NUL bytes, many control or replacement characters."""
    sample = text[:20000]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    return len(_JUNK.findall(sample)) / len(sample) > 0.05
