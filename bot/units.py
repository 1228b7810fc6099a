"""Matching the unit names written in directives to the units of the roster."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

from bot.domain import Unit
from bot.names import name_key

# "Ủy ban nhân dân huyện Mỹ Xuyên" is also written "UBND huyện" inside its own district.
_AREA_TAIL = re.compile(
    r"^(.*\b(?:huyện|tỉnh|thị xã|thành phố|quận|xã|phường|đặc khu|thị trấn))\s+\S.*$"
)
# Since 1/7/2025 a province's communes are xã, phường and đặc khu (island special zones).
_COMMUNE = re.compile(r"^ủy ban nhân dân (?:xã|thị trấn|phường|đặc khu) ")
_PROVINCE_DEPARTMENT = re.compile(r"^sở ")
_DEPARTMENT = re.compile(r"^(?:phòng|văn phòng|thanh tra|trung tâm|ban quản lý|ban chỉ huy) ")
_GROUP = re.compile(r"(?:^|\s)(?:các|những)\s")
# Group names that stand for a district's own units; provincial or party groups
# ("các sở, ban, ngành", "Ban thường vụ các huyện ủy") name bodies outside the roster.
_COMMUNE_GROUP = re.compile(r"\b(?:xã|thị trấn|phường|đặc khu)\b")
_DEPARTMENT_GROUP = re.compile(r"\b(?:phòng|cơ quan chuyên môn)\b")
# "các sở, ban, ngành (tỉnh)" are the province's departments; a district roster has none.
_PROVINCE_GROUP = re.compile(r"\b(?:sở|cơ quan chuyên môn)\b")
_OUTSIDE = re.compile(r"\b(?:ủy|đảng)\b")
# "Ban thường vụ các huyện ủy, thị ủy, thành ủy" (or "các huyện, thị, thành ủy"): the
# district-level party committees of the roster.
_DISTRICT_PARTY_GROUP = re.compile(r"\bcác huyện(?: ủy|,)")
_DISTRICT_PARTY = re.compile(r"^(?:ban thường vụ )?(?:huyện|thị|thành|quận) ủy ")


@dataclass(frozen=True)
class Match:
    """The units one name in a directive stands for; empty when nothing matched."""

    name: str
    units: tuple[Unit, ...]


class UnitDirectory:
    """The roster's units, indexed by name key, with group names expanded."""

    def __init__(self, units: Iterable[Unit], aliases: Iterable[tuple[str, int]] = ()) -> None:
        self.units = list(units)
        self._by_key: dict[str, Unit] = {}
        by_id = {u.id: u for u in self.units}
        short: dict[str, list[Unit]] = {}
        for unit in self.units:
            key = name_key(unit.name)
            self._by_key[key] = unit
            tail = _AREA_TAIL.match(key)
            if tail:
                short.setdefault(tail[1], []).append(unit)
        # A short form is only an alias where it names one unit.
        for key, found in short.items():
            if len(found) == 1:
                self._by_key.setdefault(key, found[0])
        # An alias an admin added wins over a derived short form.
        for key, unit_id in aliases:
            if unit_id in by_id:
                self._by_key[key] = by_id[unit_id]

    def closest(self, name: str, n: int = 3) -> list[str]:
        """The roster names most like `name`, for "did you mean" hints."""
        names = {name_key(u.name): u.name for u in self.units}
        return [names[k] for k in get_close_matches(name_key(name), list(names), n=n, cutoff=0.6)]

    def by_name(self, name: str) -> Unit | None:
        """The one unit `name` stands for, if exactly one."""
        units = self.match(name).units
        return units[0] if len(units) == 1 else None

    def match(self, name: str) -> Match:
        """The unit, or the group of units, that `name` stands for."""
        key = name_key(name)
        unit = self._by_key.get(key)
        if unit is not None:
            return Match(name, (unit,))
        if _GROUP.search(key):
            return Match(name, self._group(key))
        return Match(name, ())

    def _group(self, key: str) -> tuple[Unit, ...]:
        if _DISTRICT_PARTY_GROUP.search(key):
            return tuple(u for u in self.units if _DISTRICT_PARTY.match(name_key(u.name)))
        local = key.replace("ủy ban nhân dân", "").replace("xã hội", "")
        if _OUTSIDE.search(local):
            return ()
        found: list[Unit] = []
        if _COMMUNE_GROUP.search(local):
            found += [u for u in self.units if _COMMUNE.match(name_key(u.name))]
        if _DEPARTMENT_GROUP.search(local):
            found += [u for u in self.units if _DEPARTMENT.match(name_key(u.name))]
        if _PROVINCE_GROUP.search(local):
            found += [u for u in self.units if _PROVINCE_DEPARTMENT.match(name_key(u.name))]
        return tuple(dict.fromkeys(found))
