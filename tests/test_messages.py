"""Every template exists in every language and renders with a sample context."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from bot.domain import Evidence, Identity, Note, Official, TaskStatus, TaskView
from bot.invites import Invite
from bot.reach import UnitReach
from bot.roster import RosterPlan
from bot.summary import compile_summary
from messages import LOCALES, render

FOLDER = Path(__file__).resolve().parents[1] / "messages"
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
TASK = TaskView(
    1,
    1,
    "412/KH-UBND",
    2,
    "Phòng Nội vụ",
    "lead",
    "Dự thảo\nchi tiết",
    date(2026, 11, 30),
    TaskStatus.OPEN,
    "đạt 40%",
    40,
    datetime(2026, 11, 20, tzinfo=UTC),
)
ME = Official(1, 2, "Phòng Nội vụ", "An", "head")
ERROR_CODES = re.findall(r'code == "(\w+)"', (FOLDER / "vi" / "error.j2").read_text("utf-8"))
SAMPLES = {
    "start": {"official": ME, "task_count": 2, "linked": True},
    "not_registered": {"user_id": "42", "platform": "zalo", "bad_code": False},
    "help": {"example_date": TODAY},
    "tasks": {
        "tasks": [TASK],
        "groups": [{"unit": "Phòng Nội vụ", "tasks": [TASK]}],
        "grouped": True,
        "scope": "Phòng Nội vụ",
        "filter_name": "quá hạn",
        "total": 7,
        "page": 1,
        "pages": 2,
        "today": TODAY,
    },
    "task": {
        "task": TASK,
        "today": TODAY,
        "chain": ["69-KL/TW", "2018-CV/TU"],
        "notes": [Note(datetime(2026, 11, 20, tzinfo=UTC), "An", "đạt 40%", 40, "blocked")],
        "evidence": [Evidence(1, "a.jpg", "photo", 4096, "An", datetime(2026, 11, 21, tzinfo=UTC))],
    },
    "org_name": {},
    "language_set": {},
    "channel": {"linked": ["telegram", "zalo"], "chosen": "zalo", "asked": True},
    "which_task": {},
    "menu": {"name": "nhiemvu"},
    "deadline_moved": {"task": TASK, "deadline": TODAY, "who": ME},
    "update_saved": {
        "task": TASK,
        "text": "đạt 40%",
        "percent": 40,
        "done": False,
        "blocked": True,
        "propose_done": True,
        "after_done": False,
    },
    "done_by_member": {"task": TASK, "who": ME},
    "done_note": {},
    "reopen_note": {},
    "reopened": {"task": TASK},
    "evidence_saved": {"task": TASK, "kind": "photo", "file": {"file_name": "a.jpg", "size": 2048}},
    "duplicate_update": {"task": TASK},
    "deadline_set": {"task": TASK, "deadline": TODAY},
    "nudge": {"task": TASK, "kind": "before-3", "days": 3},
    "summary": {"scope": "UBND", "directives": [], "today": TODAY},
    "import_preview": {"file_name": "kh.docx", "plans": [], "changes": []},
    "import_corrected": {
        "done": [
            {"what": "deadline", "number": "2", "deadline": TODAY},
            {"what": "unit", "number": "3", "unit": "Phòng Nội vụ"},
            {"what": "skip", "number": "4"},
            {"what": "add", "unit": "Phòng Nội vụ", "text": "Rà soát"},
        ]
    },
    "import_unmatched": {"items": [{"number": 3, "parsed": {"unit": "Sở Nội vụ"}}]},
    "tasks_changed": {"tasks": [TASK], "today": TODAY},
    "import_cancelled": {"file_name": "kh.docx"},
    "import_done": {
        "added": 1,
        "revised": 0,
        "tasks": 3,
        "undated": 1,
        "skipped": [],
        "silent": ["Phòng Nội vụ"],
        "removed": 1,
        "retained": 1,
    },
    "new_tasks": {"tasks": [TASK], "today": TODAY},
    "admin_error": {"error": "BadRequest('x')", "user": None},
    "group_chat": {},
    "button": {"key": "done"},
    "ask_note": {"task": TASK},
    "toast": {"what": "done", "task_id": 3},
    "how_to": {"action": "ext", "task": TASK},
    "file_elsewhere": {"names": ["bao-cao.docx"]},
    "choices": {"labels": ["✅ Xác nhận", "❌ Hủy"]},
    "org_deactivate": {"officials": [ME]},
    "org_import": {"plan": RosterPlan(officials_added=2, deactivated=[ME])},
    "org_invite": {"invite": Invite(ME, "ABCD234567", NOW, None), "expires": TODAY},
    "org_status": {
        "units": [
            UnitReach(
                "Phòng Nội vụ",
                [ME],
                [(ME, Identity("telegram", "5", 1, NOW, NOW, NOW, "Forbidden: bot was blocked"))],
            )
        ],
        "total": 3,
    },
}


def test_every_template_is_in_every_language() -> None:
    names = {loc: sorted(p.name for p in (FOLDER / loc).glob("*.j2")) for loc in LOCALES}
    assert names["vi"] == names["en"]
    assert set(SAMPLES) | {"error", "_macros"} == {n.removesuffix(".j2") for n in names["vi"]}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_renders(locale: str, name: str) -> None:
    assert render(name, locale, **SAMPLES[name]).strip()


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("code", ERROR_CODES)
def test_error_messages_render(locale: str, code: str) -> None:
    context = {
        "command": "capnhat",
        "task_id": 3,
        "text": "x",
        "length": 5000,
        "limit": 1000,
        "size": 12,
        "reason": "tệp rỗng.",
        "number": 4,
        "name": "Phòng X",
        "close": ["Phòng Y"],
        "file_name": "kh.pdf",
        "percent": 150,
    }
    text = render("error", locale, code=code, **context)
    assert text and "undefined" not in text


def test_unknown_error_code_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("error", "vi", code="no-such-code")


def test_vietnamese_is_the_default_and_english_differs() -> None:
    assert "nhiệm vụ" in render("help", example_date=TODAY)
    assert "tasks" in render("help", "en", example_date=TODAY)
    assert render("help", "fr", example_date=TODAY) == render("help", example_date=TODAY)


def test_summary_renders_counts() -> None:
    text = render(
        "summary",
        "vi",
        scope="UBND",
        directives=compile_summary([TASK], [_directive()], TODAY),
        today=TODAY,
    )
    assert "🔄 đang thực hiện 1 · ⛔ quá hạn 0 · ⚪ chưa báo cáo 0" in text
    assert "• Phòng Nội vụ: #1 🔄 đang thực hiện 40% — đạt 40%" in text


def _directive():  # type: ignore[no-untyped-def]
    from bot.domain import Directive

    return Directive(1, "412/KH-UBND", "Kế hoạch", "UBND", TODAY, "Chuyển đổi số")
