"""Rules for what real directives do, each on a short text written for the rule."""

from __future__ import annotations

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
