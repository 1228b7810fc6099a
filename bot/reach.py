"""Who the bot cannot reach: officials with no chat account, or whose account refuses messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import Identity, Official
from storage import Store


@dataclass
class UnitReach:
    """One unit's officials the bot cannot message."""

    unit_name: str
    unlinked: list[Official] = field(default_factory=list)
    unreachable: list[tuple[Official, Identity]] = field(default_factory=list)


async def reach_report(store: Store) -> list[UnitReach]:
    """Per unit (in roster order), the active officials without an account or marked unreachable."""
    accounts: dict[int, list[Identity]] = {}
    for identity in await store.identities():
        accounts.setdefault(identity.official_id, []).append(identity)
    units: dict[int, UnitReach] = {}
    for official in await store.officials():
        mine = accounts.get(official.id, [])
        refused = [i for i in mine if i.unreachable_at is not None]
        if mine and not refused:
            continue
        unit = units.setdefault(official.unit_id, UnitReach(official.unit_name))
        if not mine:
            unit.unlinked.append(official)
        unit.unreachable.extend((official, i) for i in refused)
    return list(units.values())
