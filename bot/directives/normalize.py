"""Text normalisation shared by the directive parser and the unit matcher."""

from __future__ import annotations

import re
import unicodedata

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# Old-style tone placement puts the mark on the second vowel of an open "oa", "oe" or "uy"
# syllable ("hoá", "uỷ"); the new style puts it on the first ("hóa", "ủy"). "qu" is a
# consonant, so "quý" is the same in both styles and must be left alone.
_OLD_TONE = re.compile(r"(?<![q])([ou])([àáảãạèéẻẽẹỳýỷỹỵ])(?!\w)")


def _move_tone(m: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFD", m.group(2))
    base, marks = decomposed[0], decomposed[1:]
    return unicodedata.normalize("NFC", m.group(1) + marks) + base


def fold(s: str) -> str:
    """Lower-case, NFC, new-style tone marks, plain dashes and single spaces, for comparing."""
    s = unicodedata.normalize("NFC", s).lower()
    s = _DASHES.sub("-", s)
    s = _OLD_TONE.sub(_move_tone, s)
    return " ".join(s.split())


def _bare_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    # Latin-1 and Latin Extended letters, where every Vietnamese vowel with marks lives.
    for code in range(0xC0, 0x1F00):
        base = unicodedata.normalize("NFD", chr(code))[:1]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


_BARE = _bare_table()


def strip_marks(s: str) -> str:
    """s without tone or vowel marks, one character for each of s ("Thục" -> "Thuc").

    Keeping positions lets a match on the bare text be cut out of the original; OCR slips
    mostly change marks ("THỤC HIỆN", "chủ trỉ", "phôi hợp"), so keywords are matched bare.
    """
    return s.translate(_BARE)


def squash(s: str) -> str:
    """Collapse runs of whitespace into one space and trim the ends."""
    return " ".join(s.split())


def is_caps(s: str) -> bool:
    """True when every letter of the line is upper-case (and there are at least two)."""
    if not s.isupper():
        return False
    letters = 0
    for c in s:
        if c.isalpha():
            letters += 1
            if letters == 2:
                return True
    return False


_AREA_WORDS = ("tỉnh", "huyện", "xã", "phường", "quận", "thị xã", "thành phố", "thị trấn")
_NAMED_HEADS = ("bộ", "sở", "ban", "phòng")


def org_case(name: str) -> str:
    """Write an upper-case organisation name the usual way: "Văn phòng Tỉnh ủy Long An"."""
    words = fold(name).split()
    out: list[str] = []
    proper = False
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        prev = words[i - 1] if i else ""
        level_uy = nxt == "ủy" and w in ("tỉnh", "huyện", "thành", "thị", "quận", "đảng")
        if i == 0 or proper or level_uy or prev in _NAMED_HEADS and i == 1:
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
        # Whatever follows "Tỉnh ủy" or an area word ("huyện", "thành phố") is a place name.
        if (prev in ("tỉnh", "huyện", "thành", "thị", "quận") and w == "ủy") or (
            w in _AREA_WORDS and nxt != "ủy"
        ):
            proper = True
        if f"{w} {nxt}" in _AREA_WORDS:
            proper = False
        if f"{prev} {w}" in _AREA_WORDS:
            proper = True
    return " ".join(out)
