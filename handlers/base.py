"""The shape of a handler and of the command table each handlers module exports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.domain import Official, Recipient
from bot.services import Services
from bot.transports import Reply, Request
from messages import render

Handler = Callable[[Services, Request, Official, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    """A chat command: Vietnamese name first, English alias, menu description."""

    name: str
    alias: str
    handler: Handler
    description: str


def say(
    svc: Services,
    template: str,
    *,
    task_id: int | None = None,
    pending_id: int | None = None,
    buttons: tuple[tuple[str, str], ...] = (),
    to: Recipient | None = None,
    **context: Any,
) -> Reply:
    """A reply rendered from a template in the user's language."""
    return Reply(
        render(template, svc.locale, **context),
        task_id=task_id,
        pending_id=pending_id,
        buttons=buttons,
        to=to,
    )


def error(svc: Services, code: str, **context: Any) -> list[Reply]:
    """A one-message answer explaining why nothing was done."""
    # Not linked to a task: a reply to an error message is not a progress note.
    return [Reply(render("error", svc.locale, code=code, **context))]
