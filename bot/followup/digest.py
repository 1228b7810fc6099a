"""The weekly digest to each head and leader: what needs their attention this week."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.dates import working_day_on_or_after
from bot.domain import Recipient
from bot.followup.calendar import add_working_days, at_hour
from bot.services import Services
from bot.transports.contract import Reply
from bot.transports.outbox import address
from messages import render
from storage import Outgoing


def digest_moment(now: datetime, svc: Services) -> tuple[str, datetime]:
    """This week's digest: its key ("2027-W02") and when it is due (a holiday moves it on)."""
    today = now.astimezone(svc.tz).date()
    iso = today.isocalendar()
    day = today - timedelta(days=today.weekday()) + timedelta(days=svc.rules.digest_weekday or 0)
    return f"{iso.year}-W{iso.week:02d}", at_hour(
        working_day_on_or_after(day), svc.rules.digest_hour, svc.tz
    )


async def owe_digests(svc: Services, now: datetime) -> int:
    """Owe this week's digests once their time has come; how many messages were owed."""
    if svc.rules.digest_weekday is None:
        return 0
    week, due = digest_moment(now, svc)
    store = svc.store
    today = now.astimezone(svc.tz).date()
    # A digest is news for a day or two; one missed by a longer downtime is not sent late.
    if now < due or today > add_working_days(due.date(), 1) or await store.digest_owed(week):
        return 0
    week_end = today + timedelta(days=6 - today.weekday())
    async with store.atomic():
        await store.begin_write()
        if not await store.claim_digest(week, now):
            return 0
        outgoing = []
        people: dict[int, list[Recipient]] = {}

        async def reach(unit: int) -> list[Recipient]:
            if unit not in people:
                people[unit] = [p for p in await store.recipients(unit) if address(svc, p)]
            return people[unit]

        for official_id, unit_id, role in await store.digest_readers():
            person = next((p for p in await reach(unit_id) if p.official_id == official_id), None)
            target = address(svc, person) if person is not None else None
            if person is None or target is None:
                continue
            units = [unit_id] if role == "head" else await store.subtree(unit_id)
            lists = await store.digest_lists(units, today, week_end)
            open_units = await store.units_with_open_tasks(units)
            silent = [name for u, name in open_units if not await reach(u)]
            refused = await store.unreachable(units)
            if not any(count for count, _ in lists.values()) and not silent and not refused:
                continue  # nothing needs attention: no message
            text = render(
                "digest",
                person.locale or svc.locale,
                week=week,
                lists=lists,
                silent=silent,
                refused=refused,
                today=today,
            )
            key = f"digest:{week}:{official_id}"
            outgoing.append(
                Outgoing(*target, Reply(text), official_id=official_id, key=key, bulk=True)
            )
        await store.enqueue(outgoing, svc.now())
    return len(outgoing)
