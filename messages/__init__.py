"""Chat text from jinja2 templates, Vietnamese first: one environment, one `render`."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.dates import fmt_date

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def _ddmmyyyy(value: date | None) -> str:
    return fmt_date(value) if value else "—"


def _shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@cache
def environment() -> Environment:
    """The one jinja2 environment: Telegram-HTML autoescape, strict undefined variables."""
    env = Environment(
        loader=PackageLoader("messages", "."),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["ddmmyyyy"] = _ddmmyyyy
    env.filters["shorten"] = _shorten
    return env


def render(template: str, locale: str = DEFAULT_LOCALE, /, **context: Any) -> str:
    """Render `template` (e.g. "tasks") in `locale` with `context`."""
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    return environment().get_template(f"{locale}/{template}.j2").render(**context).strip()
