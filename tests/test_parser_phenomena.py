"""Rules for what real directives do, each on a short text written for the rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.directives.dates import add_working_days
from bot.directives.parse import parse_text

DECISION = """ỦY BAN NHÂN DÂN
TỈNH HÒA AN
Số: 41/QĐ-UBND
Hòa An, ngày 03 tháng 11 năm 2025

QUYẾT ĐỊNH
Về việc công bố danh mục thủ tục hành chính

Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các Sở: Tư pháp, Nội vụ; Chủ tịch UBND các xã, \
phường, đặc khu và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.
"""


def test_execution_clause_is_one_execute_assignment_without_tasks() -> None:
    (d,) = parse_text(DECISION)
    (a,) = [a for a in d.assignments if a.role == "execute"]
    assert a.units_split == (
        "Văn phòng UBND tỉnh",
        "Sở Tư pháp",
        "Sở Nội vụ",
        "UBND các xã, phường, đặc khu",
        "các tổ chức, cá nhân có liên quan",
    )
    assert (a.tasks, a.deadline) == ((), None)


def test_named_coordinators_get_assignments_of_their_own_generic_partners_do_not() -> None:
    text = (
        "1. Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp, Công an tỉnh và các cơ quan, đơn vị "
        "liên quan rà soát thủ tục, hoàn thành trước ngày 30/6/2026.\n"
    )
    (d,) = parse_text(text)
    lead, *others = d.assignments
    assert (lead.unit, lead.role, lead.coordinators) == (
        "Sở Nội vụ",
        "lead",
        ("Sở Tư pháp", "Công an tỉnh", "các cơ quan, đơn vị liên quan"),
    )
    assert [(a.unit, a.role, a.deadline, a.coordinates_for) for a in others] == [
        ("Sở Tư pháp", "coordinate", lead.deadline, "Sở Nội vụ"),
        ("Công an tỉnh", "coordinate", lead.deadline, "Sở Nội vụ"),
    ]
    assert others[0].tasks[0].startswith("Phối hợp với Sở Nội vụ: ")


@pytest.mark.parametrize(
    ("text", "issued", "due", "precision"),
    [
        # 20/11/2025 is a Thursday: five working days later is Thursday 27/11.
        ("báo cáo chậm nhất 05 ngày làm việc kể từ ngày ban hành", date(2025, 11, 20),
         date(2025, 11, 27), "day"),
        ("hoàn thành trong 30 ngày kể từ ngày ký", date(2025, 11, 20), date(2025, 12, 20), "day"),
        ("hoàn thành trong tháng 11/2025", date(2025, 11, 1), date(2025, 11, 30), "month"),
        ("hoàn thành trong năm 2025", date(2025, 3, 1), date(2025, 12, 31), "year"),
        ("trình Thủ tướng trong quý I/2026", date(2025, 11, 1), date(2026, 3, 31), "quarter"),
    ],
)  # fmt: skip
def test_relative_and_period_deadlines(text: str, issued: date, due: date, precision: str) -> None:
    (d,) = parse_text(
        f"ỦY BAN NHÂN DÂN\nTỈNH HÒA AN\nSố: 7/UBND-VP\nHòa An, ngày {issued.day} tháng "
        f"{issued.month} năm {issued.year}\n\n1. Giao Sở Tài chính {text}.\n"
    )
    (a,) = d.assignments
    assert (a.deadline, a.deadline_precision) == (due, precision)


def test_working_days_skip_weekends_and_holidays() -> None:
    # 30/4 and 1/5/2026 (Thursday, Friday) are public holidays.
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert add_working_days(date(2025, 11, 28), 1) == date(2025, 12, 1)


def test_a_parent_documents_deadline_quoted_is_not_ours() -> None:
    text = (
        "1. Sở Y tế rà soát theo yêu cầu (hoàn thành trước ngày 30/9/2025 tại Công văn số "
        "12/UBND-VX của UBND tỉnh), báo cáo UBND tỉnh trước ngày 15/12/2025.\n"
    )
    (d,) = parse_text(text)
    assert d.assignments[0].deadline == date(2025, 12, 15)


def test_recurring_duty_keeps_its_day() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: 3/UBND-VP\nAn Hòa, ngày 02 tháng 12 năm 2025\n\n"
        "1. Công an xã báo cáo tình hình trước ngày 20 hằng tháng.\n"
    )
    (d,) = parse_text(text)
    (a,) = d.assignments
    assert (a.recurrence, a.deadline) == ("monthly", date(2025, 12, 20))


PLAN = """KẾ HOẠCH
Triển khai chuyển đổi số năm 2026

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm đồng bộ giữa các cơ quan.
Trung tâm Y tế huyện tổ chức tiêm chủng mở rộng cho trẻ em.

II. TỔ CHỨC THỰC HIỆN
1. Phòng Nội vụ chủ trì rà soát hồ sơ, hoàn thành trước ngày 30/6/2026.
"""


def test_unit_with_a_verb_that_gave_no_assignment_is_listed_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (d,) = parse_text(PLAN)
    assert [a.unit for a in d.assignments] == ["Phòng Nội vụ"]
    assert [(u.line, u.unit) for u in d.unassigned] == [(6, "Trung tâm Y tế huyện")]
    path = tmp_path / "kh.txt"
    path.write_text(PLAN, encoding="utf-8")
    assert main(["directive", "parse", str(path), "--json"]) == 0
    (doc,) = json.loads(capsys.readouterr().out)
    assert doc["unassigned"][0]["line"] == 6
    assert doc["unassigned"][0]["text"].startswith("Trung tâm Y tế huyện tổ chức")


def test_items_past_99_are_items_of_their_own() -> None:
    text = "II. TỔ CHỨC THỰC HIỆN\n" + "\n".join(
        f"{n}. Sở Y tế chủ trì rà soát hồ sơ số {n}." for n in range(95, 106)
    )
    (d,) = parse_text(text)
    assert len(d.assignments) == 11
    assert d.assignments[-1].tasks == ("Chủ trì rà soát hồ sơ số 105",)
