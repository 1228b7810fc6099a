"""One-time sign-up codes: an admin makes one for an official, who sends it to the bot."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.directives.normalize import fold
from bot.domain import Official
from bot.names import name_key
from storage import Store

# No 0/O, 1/I/L: the code is read off a screen and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # about 49 bits; codes also expire and work once


class InviteError(ValueError):
    """An invite that cannot be made, in one sentence."""


@dataclass(frozen=True)
class Invite:
    """A code made for an official, and the Telegram link that carries it (if known)."""

    official: Official
    code: str
    expires_at: datetime
    link: str | None


def new_code() -> str:
    """A random code from an alphabet without look-alike characters."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def deep_link(bot_username: str | None, code: str) -> str | None:
    """The t.me link that opens the bot and sends /start CODE, when the bot's name is known."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def find_official(officials: list[Official], name: str, unit: str | None) -> Official:
    """The one active official called `name` (in `unit`, when given); InviteError otherwise."""
    found = [o for o in officials if fold(o.name) == fold(name)]
    if unit is not None:
        found = [o for o in found if name_key(o.unit_name) == name_key(unit)]
    if not found:
        where = f" ở “{unit}”" if unit else ""
        raise InviteError(f"Không có cán bộ đang hoạt động tên “{name}”{where} trong danh sách.")
    if len(found) > 1:
        units = "; ".join(o.unit_name for o in found)
        raise InviteError(f"Có {len(found)} cán bộ tên “{name}” ({units}); hãy thêm --unit ĐƠN_VỊ.")
    return found[0]


async def make_invite(
    store: Store, official: Official, now: datetime, days: int, bot_username: str | None
) -> Invite:
    """Store a new code for `official`, valid `days` days; earlier unused codes stop working."""
    code = new_code()
    expires_at = now + timedelta(days=days)
    await store.create_invite(official.id, code, now, expires_at)
    return Invite(official, code, expires_at, deep_link(bot_username, code))
