"""The parser against hand-made gold extractions of unseen documents, and the seeds' score."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.directives.dates import cell_deadline, deadline_from_text
from bot.directives.parse import parse_text
from bot.directives.score import MUST_HAVE, score_file
from bot.directives.units import drop_title, split_units, unit_at

GOLD_DIR = Path(__file__).parent / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.gold.json"))
SEEDS_GOLD = Path(__file__).parents[2] / "shared" / "directives" / "seeds.gold.json"


@pytest.mark.parametrize("gold", GOLD_FILES, ids=[p.name for p in GOLD_FILES])
def test_gold_file_must_haves(gold: Path) -> None:
    metrics = score_file(gold)
    assert metrics["documents"].f1 == 1.0
    for name in MUST_HAVE:
        assert (name, metrics[name].f1) == (name, 1.0)


@pytest.mark.parametrize("gold", GOLD_FILES, ids=[p.name for p in GOLD_FILES])
def test_gold_file_other_fields(gold: Path) -> None:
    metrics = score_file(gold)
    for name in ("symbol", "kind", "place", "subject", "signer", "units_split", "report_to"):
        assert (name, metrics[name].f1) == (name, 1.0)


BLIND_GOLD = Path(__file__).parent / "gold_blind" / "blind.gold.json"


def test_held_out_documents_keep_their_scores() -> None:
    """Documents written without looking at the parser: a floor, so regressions show."""
    metrics = score_file(BLIND_GOLD, Path(__file__).parent / "gold_blind")
    for name in ("number", "date", "issuer", "parents", "roles", "deadlines", "signer"):
        assert (name, metrics[name].f1) == (name, 1.0)
    assert metrics["units"].recall >= 0.94
    assert metrics["units"].precision == 1.0


@pytest.mark.skipif(not SEEDS_GOLD.exists(), reason="seed folder is absent")
def test_seeds_score_full_marks_on_must_haves() -> None:
    metrics = score_file(SEEDS_GOLD)
    for name in MUST_HAVE:
        assert (name, metrics[name].f1) == (name, 1.0)


def test_factored_list_gives_one_unit_per_item() -> None:
    text = "các Sở: Kế hoạch và Đầu tư, Tài chính, Nội vụ theo chức năng rà soát hồ sơ"
    found = unit_at(text)
    assert found is not None
    assert split_units(found[0]) == ("Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Nội vụ")


@pytest.mark.parametrize(
    ("unit", "bare"),
    [
        ("Giám đốc Sở Y tế", "Sở Y tế"),
        ("Chủ tịch UBND các xã", "UBND các xã"),
        ("Trưởng phòng Nội vụ", "Phòng Nội vụ"),
        ("Chánh Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
        ("Thường trực Huyện ủy", "Thường trực Huyện ủy"),
    ],
)
def test_person_titles_are_dropped(unit: str, bare: str) -> None:
    assert drop_title(unit) == bare


def test_noisy_text_keeps_keywords_roles_and_entities() -> None:
    text = (
        "**II. TỔ CHỨC THỤC HIỆN**\n"
        "+ Phòng Nông nghiệp &amp; PTNT chủ trỉ, phôi hợp với Phòng Tài chính - Kế hoạch "
        "rà soát, hoàn thành tr\u00adước ngày 20/5/2024.\n"
        "• Ban Ch&#7881; huy Quân sự huyện phối hợp thực hiện.\n"
    )
    (d,) = parse_text(text)
    got = [
        (a.unit, a.role, a.coordinators, a.deadline) for a in d.assignments if not a.coordinates_for
    ]
    assert got == [
        ("Phòng Nông nghiệp & PTNT", "lead", ("Phòng Tài chính - Kế hoạch",), date(2024, 5, 20)),
        ("Ban Chỉ huy Quân sự huyện", "coordinate", (), None),
    ]


def test_task_table_rows_are_assignments() -> None:
    text = (
        "III. NHIỆM VỤ CỤ THỂ\n"
        "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
        "1 | Rà soát thủ tục | Sở Nội vụ | Sở Tư pháp; Công an tỉnh | Quý II/2025\n"
        "2 | Tuyên truyền | Giám đốc Sở Y tế | | Thường xuyên\n"
    )
    (d,) = parse_text(text)
    got = [
        (a.unit, a.role, a.coordinators, a.deadline, a.tasks)
        for a in d.assignments
        if not a.coordinates_for
    ]
    assert got == [
        (
            "Sở Nội vụ",
            "lead",
            ("Sở Tư pháp", "Công an tỉnh"),
            date(2025, 6, 30),
            ("Rà soát thủ tục",),
        ),
        ("Sở Y tế", "lead", (), None, ("Tuyên truyền",)),
    ]


def test_decision_parents_skip_laws_decrees_and_proposals() -> None:
    text = (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n"
        "Căn cứ Nghị định số 31/2021/NĐ-CP ngày 26/3/2021 của Chính phủ;\n\n"
        "Căn cứ Kế hoạch số 12/KH-UBND ngày 02/01/2025 của UBND tỉnh;\n\n"
        "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 5/TTr-SNV ngày 03/01/2025.\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n"
    )
    (d,) = parse_text(text)
    assert [(p.number, p.date, p.issuer) for p in d.parents] == [
        ("12/KH-UBND", date(2025, 1, 2), "UBND tỉnh")
    ]


@pytest.mark.parametrize(
    ("text", "issued", "expected"),
    [
        (
            "báo cáo trước ngày 15/12 hằng năm",
            date(2025, 3, 1),
            (date(2025, 12, 15), "trước ngày 15/12 hằng năm"),
        ),
        (
            "báo cáo trước ngày 20 hằng tháng",
            date(2024, 7, 22),
            (date(2024, 8, 20), "trước ngày 20 hằng tháng"),
        ),
        ("báo cáo trước ngày 20 hằng tháng", None, (None, "trước ngày 20 hằng tháng")),
        (
            "xong trước ngày 10/8/2024; báo cáo trước ngày 25 hằng tháng",
            date(2024, 7, 22),
            (date(2024, 8, 10), "trước ngày 10/8/2024"),
        ),
    ],
)
def test_recurring_deadlines(
    text: str, issued: date | None, expected: tuple[date | None, str | None]
) -> None:
    assert deadline_from_text(text, issued) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Quý II/2025", date(2025, 6, 30)),
        ("Tháng 3/2025", date(2025, 3, 31)),
        ("Trước ngày 30/4/2025", date(2025, 4, 30)),
        ("15/11/2025", date(2025, 11, 15)),
        ("31/02/2025", None),
        ("Thường xuyên", None),
    ],
)
def test_cell_deadline(cell: str, expected: date | None) -> None:
    assert cell_deadline(cell)[0] == expected


def test_impossible_deadline_keeps_its_words() -> None:
    (d,) = parse_text("1. Giao Phòng Nội vụ báo cáo chậm nhất ngày 31/02/2024.")
    (a,) = d.assignments
    assert (a.deadline, a.deadline_text) == (None, "chậm nhất ngày 31/02/2024")


def test_forwarded_document_is_a_parent() -> None:
    text = (
        "Văn phòng Huyện ủy sao gửi Kết luận số 15-KL/TU ngày 04/3/2024 của Ban Thường vụ "
        "Tỉnh ủy đến các chi, đảng bộ trực thuộc để biết, thực hiện.\n"
    )
    (d,) = parse_text(text)
    assert [(p.number, p.date) for p in d.parents] == [("15-KL/TU", date(2024, 3, 4))]
