"""Text normalisation shared by the directive parser and the unit matcher."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# Old-style tone placement puts the mark on the second vowel of an open "oa", "oe" or "uy"
# syllable ("hoá", "uỷ"); the new style puts it on the first ("hóa", "ủy"). "qu" is a
# consonant, so "quý" is the same in both styles and must be left alone.
_OLD_TONE = re.compile(r"(?<![q])([ou])([àáảãạèéẻẽẹỳýỷỹỵ])(?!\w)")


def _move_tone(m: re.Match[str]) -> str:
    decomposed = unicodedata.normalize("NFD", m.group(2))
    base, marks = decomposed[0], decomposed[1:]
    return unicodedata.normalize("NFC", m.group(1) + marks) + base


# The same unit names, words and cells are folded again and again while a file is read.
@lru_cache(maxsize=16384)
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


@lru_cache(maxsize=16384)
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


_VOWELS = set("aăâeêioôơuưy")
_FINALS = {"c", "ch", "m", "n", "ng", "nh", "p", "t"}
_SPACED_RE = re.compile(r"(?:^|\s)[^\W\d_]\s+[^\W\d_]")
_DOUBLE_INITIALS = {"ch", "gh", "gi", "kh", "ng", "nh", "ph", "th", "tr"}


def _has_vowel(token: str) -> bool:
    return any(c in _VOWELS for c in strip_marks(token.lower()))


def _is_initial(token: str) -> bool:
    # A consonant or two ("b", "Đ", "nh") that begins a syllable split by OCR.
    return token.isalpha() and len(token) <= 2 and not _has_vowel(token)


def join_split_syllables(line: str) -> str:
    """OCR's letter-spaced or split syllables joined: "ỦY B AN NHÂN D Â N", "Bộ Y t ế".

    A lone initial consonant is joined to the vowel that follows it ("t ế" -> "tế"); a lone
    final consonant to the syllable just rebuilt before it ("Đ ả ng" -> "Đảng"), or to any
    syllable before it when no vowel follows, which would make it the next one's initial.
    Ordinary words are never split, only joined.
    """
    if not _SPACED_RE.search(line):
        return line
    tokens = line.split(" ")
    # Every join needs a lone consonant or two ("t", "nh"): without one the line stays as is.
    if not any(len(t) <= 6 and _is_initial(t.rstrip(".,;:)")) for t in tokens):
        return line
    out: list[str] = []
    rebuilt = False
    for i, tok in enumerate(tokens):
        core = tok.rstrip(".,;:)")
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = out[-1] if out else ""
        starts_vowel = core.isalpha() and strip_marks(core[:1].lower()) in _VOWELS
        if (
            prev
            and _is_initial(prev)
            and starts_vowel
            and len(core) <= 4
            and (len(prev) == 1 or prev.lower() in _DOUBLE_INITIALS)
        ):
            out[-1] = prev + tok
            rebuilt = True
            continue
        vowel_next = nxt[:1].isalpha() and strip_marks(nxt[:1].lower()) in _VOWELS
        if (
            prev.isalpha()
            and core.isalpha()
            and core.lower() in _FINALS
            and strip_marks(prev[-1:].lower()) in _VOWELS
            and (rebuilt or not vowel_next)
        ):
            out[-1] = prev + tok
            rebuilt = False
            continue
        out.append(tok)
        rebuilt = False
    return " ".join(out)


# PDF extraction drops the space after a short word: "cáchuyện", "cácxã", "vàUBND".
_GLUED_RE = re.compile(
    r"\b(các|những|và|của|cho|tại)(huyện|xã|phường|sở|ban|ngành|tỉnh|phòng|cấp|đơn vị"
    r"|cơ quan|địa phương|thị trấn|đặc khu|UBND|Ủy ban)\b",
    re.IGNORECASE,
)


def split_glued_words(line: str) -> str:
    """A space put back between a short word and the unit word glued to it ("cáchuyện")."""
    return _GLUED_RE.sub(r"\1 \2", line)
