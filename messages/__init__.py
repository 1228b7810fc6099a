"""Chat text from jinja2 templates, Vietnamese first: one environment, one `render`."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.dates import fmt_date
from bot.labels import cut_words, directive_label, task_title

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def _ddmmyyyy(value: date | None) -> str:
    return fmt_date(value) if value else "—"


def _directive_name(task: Any) -> str:
    """The directive of a task as officials name it."""
    return directive_label(
        task.directive_kind, task.directive_code, task.directive_issuer, task.directive_date
    )


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
    env.filters["shorten"] = cut_words
    env.filters["title"] = task_title
    env.filters["words"] = cut_words
    env.globals["directive_name"] = _directive_name
    return env


def render(template: str, locale: str = DEFAULT_LOCALE, /, **context: Any) -> str:
    """Render `template` (e.g. "tasks") in `locale` with `context`."""
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    return environment().get_template(f"{locale}/{template}.j2").render(**context).strip()
