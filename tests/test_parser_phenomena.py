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
        ("trong thời hạn 03 ngày làm việc xây dựng quy trình", date(2025, 11, 20),
         date(2025, 11, 25), "day"),
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


def _one(text: str) -> list[tuple[str, str]]:
    (d,) = parse_text(text)
    return [(a.unit, a.role) for a in d.assignments if not a.coordinates_for]


def test_unit_first_sentences_and_asking_verbs() -> None:
    text = (
        "Để triển khai kịp thời, Ủy ban nhân dân tỉnh yêu cầu:\n"
        "1. Sở Công Thương có trách nhiệm kiểm tra thị trường xăng dầu.\n"
        "2. Đề nghị Bảo hiểm xã hội tỉnh rà soát đối tượng tham gia.\n"
        "3. Yêu cầu Công an tỉnh bảo đảm an ninh trật tự.\n"
        "4. Giao Sở Xây dựng chủ trì lập quy hoạch.\n"
        "5. UBND các xã, phường, đặc khu tổ chức tuyên truyền.\n"
    )
    assert _one(text) == [
        ("Sở Công Thương", "unspecified"),
        ("Bảo hiểm xã hội tỉnh", "unspecified"),
        ("Công an tỉnh", "unspecified"),
        ("Sở Xây dựng", "lead"),
        ("UBND các xã, phường, đặc khu", "unspecified"),
    ]


def test_numbered_giao_with_lettered_tasks_is_one_assignment() -> None:
    text = (
        "1. Giao Sở Tài chính:\n"
        "a) Rà soát nguồn vốn đầu tư công;\n"
        "b) Tham mưu phân bổ kinh phí, hoàn thành trước ngày 15/12/2025.\n"
        "2. Giao Sở Nội vụ hướng dẫn sắp xếp tổ chức bộ máy.\n"
    )
    (d,) = parse_text(text)
    first = d.assignments[0]
    assert (first.unit, len(first.tasks), first.deadline) == ("Sở Tài chính", 2, date(2025, 12, 15))
    assert d.assignments[1].unit == "Sở Nội vụ"


def test_articles_of_a_decision_and_its_attached_plan() -> None:
    text = (
        "QUYẾT ĐỊNH\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.\n\n"
        "Điều 2. Giao Sở Khoa học và Công nghệ chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.\n\n"
        "KẾ HOẠCH\n(Ban hành kèm theo Quyết định số 15/QĐ-UBND)\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Tài chính bố trí kinh phí trong quý I/2026.\n"
    )
    (d,) = parse_text(text)
    assert [(a.unit, a.deadline) for a in d.assignments] == [
        ("Sở Khoa học và Công nghệ", None),
        ("Sở Tài chính", date(2026, 3, 31)),
    ]


def test_party_conclusion_assigns_party_bodies() -> None:
    text = (
        "TỈNH ỦY HÒA AN\nSố: 45-KL/TU\nHòa An, ngày 02 tháng 12 năm 2025\nKẾT LUẬN\n"
        "của Ban Thường vụ Tỉnh ủy\n\n"
        "1. Giao Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo, chỉ đạo rà soát các dự án.\n"
        "2. Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Ủy ban Kiểm tra Tỉnh ủy tham mưu sắp "
        "xếp bộ máy, hoàn thành trong quý I/2026.\n"
        "3. Các đảng ủy xã, phường tổ chức quán triệt Kết luận này.\n"
    )
    (d,) = parse_text(text)
    assert (d.kind, d.number, d.symbol) == ("Kết luận", "45", "KL/TU")
    assert [(a.unit, a.role, a.deadline) for a in d.assignments] == [
        ("Đảng ủy Ủy ban nhân dân tỉnh", "unspecified", None),
        ("Ban Tổ chức Tỉnh ủy", "lead", date(2026, 3, 31)),
        ("Các đảng ủy xã, phường", "unspecified", None),
        ("Ủy ban Kiểm tra Tỉnh ủy", "coordinate", date(2026, 3, 31)),
    ]


def test_header_dates_in_short_forms_and_a_trailing_credit() -> None:
    (a,) = parse_text(
        "UBND HUYỆN AN PHÚ\nSố: 12/UBND-VP\nAn Phú, ngày 07-9-2015\n\nGiao Phòng Y tế.\n"
    )
    (b,) = parse_text(
        "UBND HUYỆN AN PHÚ\nSố: 13/UBND-VP\nAn Phú, ngày 20.9.2020\n\nGiao Phòng Y tế.\n"
    )
    assert (a.date, a.place, b.date) == (date(2015, 9, 7), "An Phú", date(2020, 9, 20))
    (c,) = parse_text(
        "Kế hoạch chuyển đổi số của huyện\n\n1. Phòng Nội vụ chủ trì rà soát.\n\n"
        "(Theo Công văn số 1962/UBND-KT, ngày 25/4/2024)\n"
    )
    assert (c.number, c.symbol, c.date, c.kind) == (
        "1962",
        "UBND-KT",
        date(2024, 4, 25),
        "Công văn",
    )


def test_letter_spaced_ocr_and_split_syllables_are_joined() -> None:
    text = (
        "ỦY B AN NHÂN D Â N\nHUYỆN AN PHÚ\nSố: 12/UBND-VP\nAn Phú, ngày 20 tháng 9 năm 2020\n\n"
        "1. Phòng Y t ế chủ trì theo dõi tình hình dịch b ệnh.\n2. Đ ả ng ủy xã tổ chức quán triệt.\n"
    )
    (d,) = parse_text(text)
    assert d.issuer == "ỦY BAN NHÂN DÂN HUYỆN AN PHÚ"
    assert [a.unit for a in d.assignments] == ["Phòng Y tế", "Đảng ủy xã"]


def test_signature_blob_is_not_a_unit_or_a_signer() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nXÃ AN HÒA\nSố: 9/UBND-VP\nAn Hòa, ngày 02 tháng 12 năm 2025\n\n"
        "1. Công an xã chủ trì tuần tra, hoàn thành trước ngày 31/12/2025.\n\n"
        "CHỦ TỊCH\n\nNguyễn Văn An\n"
        "Ký bởi: Ủy ban nhân dân xã An Hòa\nEmail: ubnd@anhoa.gov.vn\n"
        "Cơ quan: Tỉnh Hòa An\n02.12.2025 09:51:23 +07:00\n"
    )
    (d,) = parse_text(text)
    assert d.signer == "Nguyễn Văn An"
    assert [a.unit for a in d.assignments] == ["Công an xã"]


@pytest.mark.parametrize(
    "table",
    [
        # ruled, as a .docx or a PDF gives it
        "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
        "1 | Rà soát quy hoạch | Sở Xây dựng | Sở Tài chính | Quý II/2026\n"
        "2 | Số hóa hồ sơ | Sở Nội vụ | | 2026\n",
        # one cell per line between rules, as web copies give it
        "|\nSTT\n|\nNhiệm vụ\n|\nCơ quan chủ trì\n|\nCơ quan phối hợp\n|\nThời gian hoàn thành\n|\n"
        "|\n1\n|\nRà soát quy hoạch\n|\nSở Xây dựng\n|\nSở Tài chính\n|\nQuý II/2026\n|\n"
        "|\n2\n|\nSố hóa hồ sơ\n|\nSở Nội vụ\n|\n|\n2026\n|\n",
    ],
)
def test_task_tables_ruled_or_one_cell_per_line(table: str) -> None:
    (d,) = parse_text("II. NHIỆM VỤ CỤ THỂ\n" + table)
    got = [(a.unit, a.role, a.deadline, a.deadline_precision) for a in d.assignments]
    assert got[0] == ("Sở Xây dựng", "lead", date(2026, 6, 30), "quarter")
    assert ("Sở Nội vụ", "lead", date(2026, 12, 31), "year") in got


def test_a_table_of_procedures_assigns_nothing() -> None:
    table = (
        "STT | Tên thủ tục hành chính | Lĩnh vực | Cơ quan thực hiện\n"
        "1 | Cấp giấy phép xây dựng | Xây dựng | Sở Xây dựng\n"
        "2 | Đăng ký hộ kinh doanh | Kinh doanh | UBND cấp xã\n"
    )
    (d,) = parse_text(
        "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.\n" + table
    )
    assert d.assignments == ()


def test_units_named_clause_by_clause_under_a_topic() -> None:
    text = (
        "III. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM\n"
        "1. Quyết liệt trong chỉ đạo, điều hành:\n"
        "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực tiếp chỉ đạo, đôn đốc, hoàn thành "
        "trước ngày 25/11/2025.\n"
        "2. Ban hành chiến lược dữ liệu: (1) Thanh tra Chính phủ ban hành trước ngày "
        "30/11/2025; (2) Bộ Công an chủ trì, phối hợp các bộ hướng dẫn rà soát cơ sở dữ liệu; "
        "Các bộ, ngành, địa phương gửi kết quả về Bộ Công an trước ngày 10/12/2025.\n"
    )
    (d,) = parse_text(text)
    assert [(a.unit, a.deadline) for a in d.assignments if not a.coordinates_for] == [
        ("Ủy ban nhân dân các tỉnh, thành phố", date(2025, 11, 25)),
        ("Thanh tra Chính phủ", date(2025, 11, 30)),
        ("Bộ Công an", None),
        ("Các bộ, ngành, địa phương", date(2025, 12, 10)),
    ]


def test_plan_attached_after_the_signature_is_read() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH HÒA AN\nSố: 15/QĐ-UBND\nHòa An, ngày 03 tháng 11 năm 2025\n\n"
        "QUYẾT ĐỊNH\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số.\n\n"
        "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\n\nCHỦ TỊCH\n\nTrần Văn Bình\n\n"
        "KẾ HOẠCH\n(Ban hành kèm theo Quyết định số 15/QĐ-UBND)\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n1. Sở Tài chính bố trí kinh phí trong quý I/2026.\n"
    )
    (d,) = parse_text(text)
    assert [(a.unit, a.deadline) for a in d.assignments] == [("Sở Tài chính", date(2026, 3, 31))]
    assert d.signer == "Trần Văn Bình"


def test_the_issuer_asking_is_not_the_assignee() -> None:
    text = (
        "Bộ Tài chính trân trọng đề nghị Ủy ban nhân dân các tỉnh báo cáo trước ngày 24/11/2025.\n"
    )
    (d,) = parse_text("II. TỔ CHỨC THỰC HIỆN\n" + text)
    assert [(a.unit, a.deadline) for a in d.assignments] == [
        ("Ủy ban nhân dân các tỉnh", date(2025, 11, 24))
    ]


def test_a_table_naming_the_unit_responsible_for_each_item() -> None:
    table = (
        "STT | Tên thông tin thống kê | Thời gian phổ biến | Đơn vị chịu trách nhiệm phổ biến\n"
        "1 | Số đơn vị hành chính | Tháng 6/2026 | Vụ Chính quyền địa phương\n"
        "2 | Số phong trào thi đua | Tháng 5/2026 | Ban Thi đua - Khen thưởng Trung ương\n"
    )
    (d,) = parse_text(table)
    assert [(a.unit, a.role, a.deadline) for a in d.assignments] == [
        ("Vụ Chính quyền địa phương", "lead", date(2026, 6, 30)),
        ("Ban Thi đua - Khen thưởng Trung ương", "lead", date(2026, 5, 31)),
    ]


def test_a_table_that_only_lists_assigns_nothing() -> None:
    table = (
        "TT | Đơn vị khai thác | Khu vực khoáng sản | Số giấy phép\n"
        "1 | Công ty TNHH Đá Hóa An | Tân Uyên | 12/GP-UBND\n"
        "2 | Công ty CP Khoáng sản Bình Dương | Dĩ An | 13/GP-UBND\n"
    )
    (d,) = parse_text(table)
    assert d.assignments == ()


def test_a_government_office_letter_passes_on_what_the_leader_said() -> None:
    text = (
        "Kính gửi: Bộ Khoa học và Công nghệ.\n\n"
        "Xét Tờ trình số 226/TTr-BKHCN, Phó Thủ tướng Chính phủ có ý kiến như sau:\n\n"
        "Bộ Khoa học và Công nghệ chủ trì, phối hợp với Bộ Quốc phòng rà soát mô hình tổ chức, "
        "báo cáo Thủ tướng Chính phủ trong quý I năm 2026.\n\n"
        "Văn phòng Chính phủ thông báo để Bộ Khoa học và Công nghệ biết, thực hiện./.\n"
    )
    (d,) = parse_text(text)
    lead = d.assignments[0]
    assert (lead.unit, lead.role, lead.deadline) == (
        "Bộ Khoa học và Công nghệ",
        "lead",
        date(2026, 3, 31),
    )


def test_the_issuer_asks_for_the_items_that_follow() -> None:
    text = (
        "Để phát huy hiệu quả, Bộ Tài chính đề nghị UBND các tỉnh, thành phố quan tâm chỉ đạo:\n"
        "1. Phổ biến rộng rãi Cẩm nang đến công chức cấp xã.\n"
        "2. Tổ chức tập huấn cho công chức cấp xã.\n"
    )
    (d,) = parse_text(text)
    (a,) = d.assignments
    assert (a.unit, len(a.tasks)) == ("UBND các tỉnh, thành phố", 3)


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        ("Ủy ban nhân dân cấp xã quyết định tiêu chuẩn diện tích.", "Ủy ban nhân dân cấp xã"),
        ("Các đơn vị sự nghiệp công lập rà soát tài sản.", "Các đơn vị sự nghiệp công lập"),
        ("Các cơ quan, tổ chức, đơn vị tổ chức quán triệt.", "Các cơ quan, tổ chức, đơn vị"),
        ("Đài Truyền hình Việt Nam (VTV) chủ trì tuyên truyền.", "Đài Truyền hình Việt Nam (VTV)"),
        ("Bộ Công an đã hướng dẫn; Bộ Y tế hoàn thành cấp phép.", "Bộ Công an"),
        ("Thuế tỉnh Tây Ninh hướng dẫn doanh nghiệp kê khai.", "Thuế tỉnh Tây Ninh"),
        ("Đại học Công nghiệp Hà Nội xây dựng đề án.", "Đại học Công nghiệp Hà Nội"),
        ("Thống đốc Ngân hàng Nhà nước Việt Nam chỉ đạo giãn nợ.", "Ngân hàng Nhà nước Việt Nam"),
        ("Vụ Tổ chức cán bộ - Quán triệt đến công chức.", "Vụ Tổ chức cán bộ"),
    ],
)
def test_where_a_unit_ends(sentence: str, unit: str) -> None:
    (d,) = parse_text("II. TỔ CHỨC THỰC HIỆN\n1. " + sentence + "\n")
    assert d.assignments[0].unit == unit


def test_table_rows_whose_lead_cell_names_no_unit_are_skipped() -> None:
    table = (
        "STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành\n"
        "A | B | 1 | 2\n"
        "1 | Rà soát | Sở Y tế | Quý I/2026\n"
        "2 | Số hóa | Đã hoàn thành | 2025\n"
    )
    (d,) = parse_text(table)
    assert [a.unit for a in d.assignments] == ["Sở Y tế"]


def test_glued_words_are_split() -> None:
    (d,) = parse_text("II. TỔ CHỨC THỰC HIỆN\n1. UBND cáchuyện, thị xã tổ chức tuyên truyền.\n")
    assert d.assignments[0].unit == "UBND các huyện, thị xã"


def test_tasks_due_on_different_days_are_assignments_of_their_own() -> None:
    text = (
        "Thủ tướng Chính phủ yêu cầu:\n"
        "1. Chủ tịch Ủy ban nhân dân các tỉnh:\n"
        "a) Sửa chữa nhà cửa, hoàn thành trước ngày 31/12/2025; xây mới nhà ở cho các hộ, "
        "hoàn thành trước ngày 31/01/2026.\n"
        "b) Báo cáo kết quả trước ngày 20 hằng tháng.\n"
    )
    (d,) = parse_text(text)
    assert [(a.unit, a.deadline) for a in d.assignments] == [
        ("Ủy ban nhân dân các tỉnh", date(2025, 12, 31)),
        ("Ủy ban nhân dân các tỉnh", date(2026, 1, 31)),
    ]
    assert d.assignments[1].tasks[0].startswith("Xây mới nhà ở")
