"""Name keys: one spelling for the many ways officials write a unit's name."""

from __future__ import annotations

import re

from bot.directives.normalize import fold

_ABBREVIATIONS = [
    (re.compile(r"\bubnd\b"), "ủy ban nhân dân"),
    (re.compile(r"\bhđnd\b"), "hội đồng nhân dân"),
    (re.compile(r"\bmttq\b"), "mặt trận tổ quốc"),
    (re.compile(r"\bbtv\b"), "ban thường vụ"),
    (re.compile(r"\bp\.\s*"), "phòng "),
    (re.compile(r"\btt\.\s*"), "trung tâm "),
]
_DASH = re.compile(r"\s*-\s*")
_TRAILING = re.compile(r"[\s.,;:]+$")


def name_key(text: str) -> str:
    """A unit-name key: `fold`, dashes spaced alike, the usual abbreviations spelled out."""
    key = _TRAILING.sub("", _DASH.sub(" - ", fold(text)))
    for pattern, full in _ABBREVIATIONS:
        key = pattern.sub(full, key)
    return " ".join(key.split())
