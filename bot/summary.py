"""The leader's summary in chat: counts first, then what needs the leader, bounded in length."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.reports.figures import Figures, Part
from messages import render

# Telegram allows 4,096 characters; the margin keeps a summary whole in one message.
MESSAGE_LIMIT = 3500
MAX_BUTTONS = 10
MAX_SILENT = 12


@dataclass(frozen=True)
class Summary:
    """The chat text and the buttons that open its collapsed parts."""

    text: str
    buttons: tuple[tuple[str, str], ...]


def part_data(figures: Figures, part: Part, kind: str) -> str:
    """Button data opening one directive or one unit of the summary, in the same period."""
    scope = figures.scope
    if kind == "directive":
        key = f"{part.id}:{'' if scope.unit_id is None else scope.unit_id}"
    else:
        directive = "" if scope.directive_id is None else str(scope.directive_id)
        key = f"{directive}{'+' if scope.subtree else ''}:{part.id}"
    return f"sum:{key}:{figures.period.key}"


def _parts(figures: Figures) -> tuple[str, tuple[Part, ...]]:
    if len(figures.directives) > 1:
        return "directive", figures.directives
    if len(figures.units) > 1:
        return "unit", figures.units
    return "none", ()


def compose(figures: Figures, locale: str, tz: ZoneInfo, limit: int = MESSAGE_LIMIT) -> Summary:
    """The whole summary if it fits one message; else collapsed into parts with buttons.

    Blocks are dropped whole from the end of the attention list, never cut in the middle.
    """

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment else None

    render_with: Callable[..., str] = lambda **ctx: render(  # noqa: E731
        "summary", locale, f=figures, day=day, **ctx
    )
    attention = list(figures.attention)
    full = render_with(
        attention=attention,
        hidden=figures.urgent - len(attention),
        parts=figures.directives,
        more_parts=0,
        kind="directive",
        tap=False,
        silent=figures.silent_units,
        more_silent=0,
    )
    if len(full) <= limit:
        return Summary(full, ())
    kind, parts = _parts(figures)
    shown = parts[:MAX_BUTTONS]
    silent = figures.silent_units[:MAX_SILENT]

    def collapsed(count: int) -> str:
        return render_with(
            attention=attention[:count],
            hidden=figures.urgent - count,
            parts=shown,
            more_parts=len(parts) - len(shown),
            kind=kind,
            tap=True,
            silent=silent,
            more_silent=len(figures.silent_units) - len(silent),
        )

    # The most attention blocks that fit, found by halving: each try is a whole render.
    low, high = 0, len(attention)
    while low < high:
        middle = (low + high + 1) // 2
        if len(collapsed(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    text = collapsed(low)
    buttons = tuple(
        (render("summary_button", locale, part=p, kind=kind), part_data(figures, p, kind))
        for p in shown
    )
    return Summary(text, buttons)
