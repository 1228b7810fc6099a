"""Whose tasks a report covers: what the asker may see, narrowed to a directive or a unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from typing import Any

from bot.domain import Official
from bot.importer import directory_of
from bot.reports.period import Period, current_period, find_period
from storage import Store

# The label of the whole organisation: blank, so each language's template names it.
WHOLE = ""


class ScopeError(Exception):
    """A scope or period that cannot be reported on; `code` names the message."""

    def __init__(self, code: str, **context: Any) -> None:
        super().__init__(code)
        self.code = code
        self.context: dict[str, Any] = context


@dataclass(frozen=True)
class Scope:
    """The units and directives a report covers, already limited to what the asker may see."""

    label: str
    unit_ids: frozenset[int]
    directive_ids: frozenset[int] | None = None
    directive_id: int | None = None
    unit_id: int | None = None
    subtree: bool = False


async def visible_units(store: Store, me: Official) -> set[int]:
    """Admins see the whole organisation, leaders their unit's subtree, others their own unit."""
    if me.role == "admin":
        return {u.id for u in await store.units()}
    if me.role == "leader":
        return set(await store.subtree(me.unit_id))
    return {me.unit_id}


async def resolve(
    store: Store, me: Official | None, args: str, today: date
) -> tuple[Scope, Period]:
    """Read "412/KH-UBND quý I/2027" or "Phòng Nội vụ tháng 3"; `me` None is the whole organisation."""
    period, rest = find_period(args, today)
    if period is None:
        period = current_period(today)
    if period.start > today:
        raise ScopeError("future_period", period=period.label)
    if me is None:
        units = {u.id for u in await store.units()}
        label = WHOLE
    else:
        units = await visible_units(store, me)
        label = WHOLE if me.role == "admin" else me.unit_name
    scope = Scope(label, frozenset(units))
    if rest:
        scope = await narrow(store, scope, rest)
    return scope, period


async def narrow(store: Store, scope: Scope, name: str) -> Scope:
    """Narrow a scope to a directive (with its subtree) or a unit named by the asker."""
    directive = await _directive_named(store, name)
    if directive is not None:
        directive_id, code = directive
        ids = await store.directive_subtree(directive_id)
        label = code if scope.unit_id is None else f"{code} · {scope.label}"
        return Scope(label, scope.unit_ids, frozenset(ids), directive_id, scope.unit_id, True)
    directory = await directory_of(store)
    unit = directory.by_name(name)
    if unit is None:
        codes = [code for _, code in await store.directive_codes()]
        close = directory.closest(name) + get_close_matches(name, codes, n=2, cutoff=0.5)
        raise ScopeError("unknown_scope", name=name, close=close[:4])
    if unit.id not in scope.unit_ids:
        raise ScopeError("outside_scope", name=unit.name)
    units = frozenset(await store.subtree(unit.id)) & scope.unit_ids
    label = unit.name if scope.directive_id is None else f"{scope.label} · {unit.name}"
    return Scope(label, units, scope.directive_ids, scope.directive_id, unit.id, scope.subtree)


async def from_key(store: Store, me: Official, key: str) -> Scope | None:
    """The scope a button's data names, limited to what `me` may see; None if it is not one."""
    match = re.fullmatch(r"(\d*)(\+?):(\d*)", key)
    if match is None:
        return None
    units = frozenset(await visible_units(store, me))
    scope = Scope(WHOLE if me.role == "admin" else me.unit_name, units)
    if match[3]:
        unit_id = int(match[3])
        if unit_id not in units:
            return None
        names = {u.id: u.name for u in await store.units()}
        units = frozenset(await store.subtree(unit_id)) & units
        scope = Scope(names[unit_id], units, None, None, unit_id)
    if match[1]:
        directive_id = int(match[1])
        codes = dict(await store.directive_codes())
        if directive_id not in codes:
            return None
        ids = await store.directive_subtree(directive_id) if match[2] else [directive_id]
        label = (
            codes[directive_id]
            if scope.unit_id is None
            else f"{codes[directive_id]} · {scope.label}"
        )
        scope = Scope(
            label, scope.unit_ids, frozenset(ids), directive_id, scope.unit_id, bool(match[2])
        )
    return scope


def _key(code: str) -> str:
    return re.sub(r"\s+", "", code).lower()


async def _directive_named(store: Store, name: str) -> tuple[int, str] | None:
    wanted = _key(name)
    codes = await store.directive_codes()
    exact = [(i, c) for i, c in codes if _key(c) == wanted]
    if exact:
        return exact[-1]
    # "412" or "412/KH" stands for the one directive whose number starts so.
    prefix = [
        (i, c)
        for i, c in codes
        if _key(c).startswith(wanted) and _key(c)[len(wanted) :][:1] in "/-"
    ]
    if wanted and wanted[0].isdigit() and len(prefix) == 1:
        return prefix[0]
    return None
