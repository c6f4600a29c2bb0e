"""Bytes of a file → text: byte-order marks, UTF-8, the Chinese legacy encodings, then charset-normalizer.

:func:`decode_bytes` is what :mod:`kg.extract.reader` decodes every file with;
binary or undecodable data is a :class:`DecodeFailure` whose message says what to do.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache

__all__ = ["DecodeFailure", "decode_bytes"]

# Legacy encodings a Chinese text may plausibly be in, tried after UTF-8 and the
# BOMs. GB18030 is a superset of GBK and GB2312, so it reads all three.
# charset-normalizer's own ranking is not used for these: measured on short
# samples it calls GBK text (工会, 总工会慰问) Big5 and Big5 text UTF-16-BE,
# because every candidate decodes without "chaos". Ranking the strict decodings
# by how common their characters are settles it; charset-normalizer remains the
# fallback for everything that is not Chinese.
_CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16_le", "utf_16_be")
# A decoding is accepted when at least this share of its characters is
# ordinary text (ASCII, CJK punctuation, common hanzi); garbage decodings of
# the wrong encoding land on rare characters and score far lower.
_MIN_PLAUSIBILITY = 0.85

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf_32_le"),
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")
#: the control characters that mark text as binary
_BAD_CONTROL_CHARS = frozenset(chr(c) for c in range(32) if chr(c) not in _ALLOWED_CONTROLS) | {"\x7f"}
#: the same set as one character class (counted in C, not per character)
_BAD_CONTROLS = re.compile("[" + "".join(map(re.escape, sorted(_BAD_CONTROL_CHARS))) + "]")


class DecodeFailure(ValueError):
    """Bytes that are not readable text; the message says why and what to do."""


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode file content; return ``(text, encoding name)``. A leading BOM is removed.

    Order: an explicit *encoding*; a byte-order mark; strict UTF-8; then the
    plausible Chinese encodings (GB18030/GBK, Big5, BOM-less UTF-16) ranked by
    how ordinary the decoded text looks, with charset-normalizer as the last
    resort. Raises :class:`DecodeFailure` for binary or undecodable data.

    >>> decode_bytes("工会".encode("gbk"))
    ('工会', 'gb18030')
    >>> decode_bytes(codecs.BOM_UTF8 + "本报讯".encode())
    ('本报讯', 'utf_8')
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise DecodeFailure(f"unknown encoding {encoding!r}; give a Python codec name such as gb18030") from None
        except UnicodeDecodeError as exc:
            raise DecodeFailure(
                f"not valid {encoding} (byte {exc.start}); check --encoding or leave it out to detect"
            ) from None
        return _check_text(text.removeprefix("\ufeff")), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom) :].decode(name)), name
            except UnicodeDecodeError:
                raise DecodeFailure(
                    f"starts with a {name} byte-order mark but is not valid {name}; re-save it as UTF-8"
                ) from None
    if b"\x00" not in data:  # UTF-8 text never holds NUL; BOM-less UTF-16 does
        try:
            return _check_text(data.decode("utf_8")), "utf_8"
        except UnicodeDecodeError:
            pass
    text, name = _detect_chinese(data)
    return _check_text(text), name


def _check_text(text: str) -> str:
    """Reject decoded text that is really binary (NUL bytes, control garbage)."""
    if "\x00" in text:
        raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
    controls = sum(1 for _ in _BAD_CONTROLS.finditer(text))
    if controls and controls > max(2, len(text) // 100):
        raise DecodeFailure(
            f"looks binary ({controls} control characters); give kg a text file (.txt/.md/.jsonl/.csv)"
        )
    return text


def _is_bad_control(ch: str) -> bool:
    return ch in _BAD_CONTROL_CHARS


def _detect_chinese(data: bytes) -> tuple[str, str]:
    """Choose among the plausible Chinese encodings of non-UTF-8 bytes."""
    candidates: dict[str, str] = {}
    for name in _CHINESE_ENCODINGS:
        if name.startswith("utf_16") and len(data) % 2:
            continue
        try:
            candidates[name] = data.decode(name)
        except UnicodeDecodeError:
            continue
    if b"\x00" in data:
        # NUL bytes in a text file mean UTF-16 (ASCII characters have a zero
        # high byte); the zeros sit on odd positions for LE, even ones for BE.
        utf16 = {k: v for k, v in candidates.items() if k.startswith("utf_16")}
        if not utf16:
            raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
        # On a tie the position of the zeros decides: ASCII characters have a
        # zero high byte, on odd positions in LE and on even ones in BE.
        zeros = {"utf_16_le": data[1::2].count(0), "utf_16_be": data[0::2].count(0)}
        best = max(utf16, key=lambda n: (round(_plausibility(utf16[n]), 2), zeros[n]))
        if _plausibility(utf16[best]) >= _MIN_PLAUSIBILITY:
            return utf16[best], best
        raise DecodeFailure("looks binary (contains NUL bytes); give kg a text file (.txt/.md/.jsonl/.csv)")
    if candidates:
        # Rank by plausibility; on a tie keep the order of _CHINESE_ENCODINGS
        # (GB18030 first: short GBK text also decodes as Big5 and UTF-16).
        order = {name: i for i, name in enumerate(_CHINESE_ENCODINGS)}
        best = max(candidates, key=lambda n: (round(_plausibility(candidates[n]), 2), -order[n]))
        if _plausibility(candidates[best]) >= _MIN_PLAUSIBILITY:
            return candidates[best], best
    # Not Chinese in any encoding we expect: let charset-normalizer try the rest.
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        text = str(match)
        if _plausibility(text, chinese=False) >= _MIN_PLAUSIBILITY:
            return text, match.encoding
    for name in ("utf_8", "gb18030"):
        damaged = data.decode(name, errors="replace")
        bad = damaged.count("\ufffd")
        if bad and bad <= max(3, len(damaged) // 200) and _plausibility(damaged) >= _MIN_PLAUSIBILITY:
            try:
                data.decode(name)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise DecodeFailure(
                    f"{name} text with {bad} damaged byte sequence(s), the first at line {line}; "
                    "repair the file or re-save it as UTF-8"
                ) from None
    raise DecodeFailure(
        "cannot tell the text encoding (not UTF-8, GB18030/GBK, Big5 or UTF-16); "
        "re-save it as UTF-8 or pass --encoding"
    )


def _plausibility(text: str, *, chinese: bool = True) -> float:
    """Share of characters that ordinary (Chinese) news text is made of.

    >>> _plausibility("本报讯 工会开展活动。")
    1.0
    """
    if not text:
        return 0.0
    common = _common_hanzi()
    ok = 0
    for ch in text:
        if ch < "\x7f":
            ok += not _is_bad_control(ch)
        elif ch in common or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or "\u2010" <= ch <= "\u2027":
            ok += 1
        elif not chinese and unicodedata.category(ch)[0] in "LNPZS" and not "\ue000" <= ch <= "\uf8ff":
            ok += 1
    return ok / len(text)


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 (all simplified hanzi of daily use) plus Big5 level 1 (common traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return frozenset(chars)
