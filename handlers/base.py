"""The shape of a handler and of the command table each handlers module exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain import Official, Recipient
from bot.services import Services
from bot.transports import Reply, Request
from messages import render

Handler = Callable[[Services, Request, Official, str], Awaitable[list[Reply]]]
ButtonHandler = Callable[[Services, Request, Official], Awaitable[list[Reply]]]


Audience = Literal["all", "head", "leader"]
LEVELS: dict[str, tuple[Audience, ...]] = {
    "member": ("all",),
    "head": ("all", "head"),
    "leader": ("all", "head", "leader"),
    "admin": ("all", "head", "leader"),
}


@dataclass(frozen=True)
class Command:
    """A chat command: Vietnamese name first, English alias, who sees it in the menu.

    Its menu text is in the `menu` template, in each language.
    """

    name: str
    alias: str
    handler: Handler
    audience: Audience = "all"


def say(
    svc: Services,
    template: str,
    *,
    task_id: int | None = None,
    pending_id: int | None = None,
    buttons: tuple[tuple[str, str], ...] = (),
    to: Recipient | None = None,
    force_reply: bool = False,
    edit_of: str | None = None,
    toast: str | None = None,
    expects: str | None = None,
    **context: Any,
) -> Reply:
    """A reply rendered from a template in the user's language."""
    return Reply(
        render(template, svc.locale, **context),
        task_id=task_id,
        pending_id=pending_id,
        buttons=buttons,
        to=to,
        force_reply=force_reply,
        edit_of=edit_of,
        toast=toast,
        expects=expects,
    )


def toast(svc: Services, what: str, **context: Any) -> str:
    """The short notice shown on a pressed button."""
    return render("toast", svc.locale, what=what, **context)


def refusal(svc: Services, code: str, **context: Any) -> list[Reply]:
    """A pressed button that cannot act: why, as a notice on the button; nothing changes."""
    return [Reply("", toast=render("error", svc.locale, code=code, **context)[:200])]


def label(svc: Services, key: str) -> str:
    """A button's label in the user's language."""
    return render("button", svc.locale, key=key)


def task_buttons(svc: Services, task_id: int) -> tuple[tuple[str, str], ...]:
    """What one tap can do on a message about a task."""
    keys = (
        ("done", "done"),
        ("note", "note"),
        ("extend", "ext"),
        ("snooze", "snz"),
        ("show", "show"),
    )
    return tuple((label(svc, key), f"t:{action}:{task_id}") for key, action in keys)


def error(svc: Services, code: str, **context: Any) -> list[Reply]:
    """A one-message answer explaining why nothing was done."""
    # Not linked to a task: a reply to an error message is not a progress note.
    return [Reply(render("error", svc.locale, code=code, **context))]
