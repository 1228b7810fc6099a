"""Unit names shortened by an acronym, spelled out from the full name the document gives.

A document names "Trung tâm Chuyển đổi số Văn hóa, Thể thao và Du lịch" among its
recipients and "Trung tâm Chuyển đổi số VHTTDL" in its task table: both are one unit, and
the roster knows it by the full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .model import ParsedAssignment
from .normalize import fold
from .units import split_units

# An acronym of capitals (and "&"), three letters at least: "VHTTDL", "KH&CN", "GDĐT".
_ACRONYM_RE = re.compile(r"(?<!\S)([A-ZĐ][A-ZĐ&]{2,11})(?=$|[\s,;.)])")
_WORD_RE = re.compile(r"[^\W\d_]+")
# Small words an acronym leaves out: "Văn hóa, Thể thao và Du lịch" is VHTTDL.
_SKIPPED = {"và", "&"}


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if fold(w) not in _SKIPPED).upper()


def _spelled_out(name: str, full_names: Iterable[tuple[str, str]]) -> str | None:
    """The full name the acronym in name stands for, when exactly one known name fits.

    full_names holds each known name with its folded form.
    """
    m = _ACRONYM_RE.search(name)
    if not m:
        return None
    head, acronym, tail = name[: m.start(1)], m.group(1).replace("&", ""), name[m.end(1) :]
    folded_head = fold(head)
    fits: set[str] = set()
    for full, folded in full_names:
        if not folded.startswith(folded_head) or (tail.strip() and tail not in full):
            continue
        rest = full[len(head) :]
        if tail.strip():
            rest = rest[: rest.find(tail)]
        words = _WORD_RE.findall(rest)
        if words and _initials(words) == acronym:
            fits.add(full[: len(head) + len(rest)] + tail)
    return fits.pop() if len(fits) == 1 else None


def spell_out(assignments: list[ParsedAssignment], known: Iterable[str]) -> list[ParsedAssignment]:
    """The assignments with each acronym-shortened unit written as the full name known."""
    # A long plan names the same few units again and again: fold each once, look each up once.
    names = [(n, fold(n)) for n in dict.fromkeys(known) if not _ACRONYM_RE.search(n)]
    if not names:
        return assignments
    seen: dict[str, str] = {}

    def full(unit: str) -> str:
        if unit not in seen:
            seen[unit] = _spelled_out(unit, names) or unit
        return seen[unit]

    out: list[ParsedAssignment] = []
    for a in assignments:
        split = tuple(full(u) for u in a.units_split)
        unit = full(a.unit) if len(a.units_split) == 1 else a.unit
        out.append(
            replace(
                a,
                unit=unit,
                units_split=split,
                coordinators=tuple(full(c) for c in a.coordinators),
                coordinates_for=full(a.coordinates_for) if a.coordinates_for else None,
            )
        )
    return out


def known_names(recipients: Iterable[str], assignments: Iterable[ParsedAssignment]) -> list[str]:
    """Every unit name the document writes out: its recipients, assignees and partners."""
    names: list[str] = []
    for r in recipients:
        names.extend(split_units(r))
    for a in assignments:
        names.extend(a.units_split)
        names.extend(a.coordinators)
    return names
