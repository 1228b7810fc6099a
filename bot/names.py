"""Name keys: one spelling for the many ways officials write a unit's name."""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement ("uỷ", "hoá") and new-style ("ủy", "hóa") are the same word.
_TONE_FIXES = {
    "uỷ": "ủy",
    "uý": "úy",
    "uỳ": "ùy",
    "uỹ": "ũy",
    "uỵ": "ụy",
    "oá": "óa",
    "oà": "òa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oé": "óe",
    "oè": "òe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
}
_TONE_RE = re.compile("|".join(_TONE_FIXES))

_ABBREVIATIONS = [
    (re.compile(r"\bubnd\b"), "ủy ban nhân dân"),
    (re.compile(r"\bhđnd\b"), "hội đồng nhân dân"),
    (re.compile(r"\bmttq\b"), "mặt trận tổ quốc"),
    (re.compile(r"\bbtv\b"), "ban thường vụ"),
    (re.compile(r"\bp\.\s*"), "phòng "),
    (re.compile(r"\btt\.\s*"), "trung tâm "),
]
_DASHES = re.compile(r"\s*[-–—‐]\s*")
_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.,;:]+$")


def fold(text: str) -> str:
    """Lower-case, NFC, one tone placement and single spaces: for comparing names."""
    folded = unicodedata.normalize("NFC", text).lower()
    folded = _TONE_RE.sub(lambda m: _TONE_FIXES[m.group(0)], folded)
    folded = _DASHES.sub(" - ", folded)
    return _TRAILING.sub("", _SPACES.sub(" ", folded).strip())


def name_key(text: str) -> str:
    """A unit-name key: `fold` plus the usual abbreviations spelled out (UBND, HĐND, P. …)."""
    key = fold(text)
    for pattern, full in _ABBREVIATIONS:
        key = pattern.sub(full, key)
    return _SPACES.sub(" ", key).strip()
