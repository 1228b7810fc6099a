"""Chat text from jinja2 templates, Vietnamese first: one environment, one `render`."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

from bot.dates import fmt_date
from bot.labels import cut_words, directive_label, task_title

LOCALES = ("vi", "en")
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_LOCALE = "vi"


def _ddmmyyyy(value: date | None) -> str:
    return fmt_date(value) if value else "—"


def _local_date(moment: datetime) -> str:
    # Notes are stored in UTC; officials read the date of their own zone.
    return fmt_date(moment.astimezone(LOCAL_ZONE).date())


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
        bytecode_cache=_bytecode_cache(),
        # Templates ship with the code: no stat() of the file before every render.
        auto_reload=False,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["ddmmyyyy"] = _ddmmyyyy
    env.filters["shorten"] = cut_words
    env.filters["title"] = task_title
    env.filters["local_date"] = _local_date
    env.filters["words"] = cut_words
    env.globals["directive_name"] = _directive_name
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    # Compiling every template takes about a second of CPU; a process that finds them
    # compiled (keyed by their source, so an edit is never stale) loads them in milliseconds.
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder: compile in memory
        return None


def warm_up() -> int:
    """Load every chat template now, so no answer waits for one to compile; how many."""
    env = environment()
    names = [n for n in env.list_templates(extensions=["j2"]) if n.split("/")[0] in LOCALES]
    for name in names:
        env.get_template(name)
    return len(names)


def render(template: str, locale: str = DEFAULT_LOCALE, /, **context: Any) -> str:
    """Render `template` (e.g. "tasks") in `locale` with `context`."""
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    return environment().get_template(f"{locale}/{template}.j2").render(**context).strip()


def task_buttons(locale: str, task_id: int) -> tuple[tuple[str, str], ...]:
    """The buttons of a message about one task: done, report, more time, later, details."""
    return tuple((label, f"t:{action}:{task_id}") for label, action in _task_labels(locale))


@cache
def _task_labels(locale: str) -> tuple[tuple[str, str], ...]:
    # The same five labels on every nudge: rendered once per language.
    keys = (
        ("done", "done"),
        ("note", "note"),
        ("extend", "ext"),
        ("snooze", "snz"),
        ("show", "show"),
    )
    return tuple((render("button", locale, key=key), action) for key, action in keys)
