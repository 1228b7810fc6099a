"""Rules for how real directives hand out work, each on a short text written for the rule."""

from __future__ import annotations

from datetime import date

from bot.directives.dates import deadline_from_text
from bot.directives.model import ParsedAssignment, ParsedDocument
from bot.directives.parse import parse_text

HEAD = """ỦY BAN NHÂN DÂN
TỈNH HÒA AN
Số: 215/UBND-KT
Hòa An, ngày 03 tháng 11 năm 2025

Kính gửi:
- Sở Tài chính;
- Trung tâm Phục vụ hành chính công Khoa học và Công nghệ.

"""
TAIL = """
Nơi nhận:
- Như trên;
- Lưu: VT.

CHỦ TỊCH

Trần Văn Bình
"""


def _doc(body: str) -> ParsedDocument:
    (d,) = parse_text(HEAD + body + TAIL)
    return d


def _own(d: ParsedDocument) -> list[ParsedAssignment]:
    return [a for a in d.assignments if not a.coordinates_for]


def test_roman_numbered_clauses_in_brackets_are_items_of_their_own() -> None:
    d = _doc(
        "Để bảo đảm tiến độ dự án, Chủ tịch UBND tỉnh có ý kiến như sau:\n"
        "1. Về dự án đường tỉnh 12\n"
        "(i) Sở Xây dựng rà soát hồ sơ thiết kế, hoàn thành trong tháng 11 năm 2025.\n"
        "(ii) Sở Tài chính bố trí vốn cho dự án, hoàn thành trước ngày 15/12/2025.\n"
        "(iii) Ủy ban nhân dân xã Tân Lộc bàn giao mặt bằng sạch cho chủ đầu tư.\n"
    )
    assert [(a.unit, a.deadline and a.deadline.isoformat()) for a in _own(d)] == [
        ("Sở Xây dựng", "2025-11-30"),
        ("Sở Tài chính", "2025-12-15"),
        ("Ủy ban nhân dân xã Tân Lộc", None),
    ]


def test_topic_before_a_colon_then_the_unit() -> None:
    d = _doc(
        "Chủ tịch UBND tỉnh có ý kiến như sau:\n"
        "a) Về thủ tục cấp phép khai thác cát: Giao Sở Nông nghiệp và Môi trường hướng dẫn "
        "doanh nghiệp hoàn thiện hồ sơ.\n"
        "b) Đối với tuyến ống cấp nước: Ủy ban nhân dân xã Tân Lộc xử lý dứt điểm trong "
        "tháng 12 năm 2025.\n"
    )
    assert [a.unit for a in _own(d)] == [
        "Sở Nông nghiệp và Môi trường",
        "Ủy ban nhân dân xã Tân Lộc",
    ]


_TRACKING = """Ủy ban nhân dân tỉnh yêu cầu các sở khẩn trương hoàn thành các nhiệm vụ sau:
1. Sở Tài chính tổng hợp dự toán năm 2026, hoàn thành trước ngày 30/11/2025.

PHỤ LỤC
{header}
1 | Xây dựng đề án chuyển đổi số | Quyết định số 12/QĐ-UBND | Sở Khoa học và Công nghệ | 30/6/2025
2 | Rà soát quy hoạch đô thị | Kế hoạch số 40/KH-UBND | Sở Xây dựng | 31/8/2025
"""


def test_a_table_that_cites_where_each_task_was_given_assigns_nothing() -> None:
    header = "STT | Nhiệm vụ | Văn bản giao nhiệm vụ | Cơ quan chủ trì | Thời hạn"
    d = _doc(_TRACKING.format(header=header))
    assert [a.unit for a in _own(d)] == ["Sở Tài chính"]


def test_a_table_of_progress_assigns_nothing_a_plan_with_products_does() -> None:
    status = "STT | Tên nhiệm vụ | Cơ quan chủ trì | Kết quả thực hiện | Tiến độ"
    rows = "1 | Xây dựng đề án chuyển đổi số | Sở Khoa học và Công nghệ | Đã trình | Đã xong"
    d = _doc(f"Phụ lục kết quả thực hiện.\n{status}\n{rows}\n")
    assert _own(d) == []
    plan = "STT | Nhiệm vụ | Cơ quan chủ trì | Kết quả thực hiện | Thời hạn hoàn thành"
    rows = "1 | Xây dựng đề án chuyển đổi số | Sở Khoa học và Công nghệ | Đề án | 30/6/2026"
    d = _doc(f"Phụ lục nhiệm vụ.\n{plan}\n{rows}\n")
    assert [(a.unit, a.role) for a in _own(d)] == [("Sở Khoa học và Công nghệ", "lead")]


def test_what_a_unit_did_is_no_task_nor_is_a_letter_about_something() -> None:
    d = _doc(
        "Ủy ban nhân dân tỉnh có ý kiến như sau:\n"
        "Trong tháng 10, công tác chuyển đổi số có chuyển biến; Sở Tài chính đã kịp thời "
        "hướng dẫn các đơn vị lập dự toán; Sở Xây dựng đang rà soát quy hoạch.\n"
        "Sở Nội vụ đã có văn bản gửi các sở, ngành; Ủy ban nhân dân các xã về việc hướng "
        "dẫn sắp xếp cán bộ.\n"
    )
    assert _own(d) == []


def test_an_acronym_of_a_unit_is_spelled_out_from_the_recipients() -> None:
    d = _doc(
        "1. Sở Tài chính chủ trì, phối hợp với Trung tâm Phục vụ hành chính công KHCN rà "
        "soát thủ tục, hoàn thành trước ngày 30/12/2025.\n"
        "2. Trung tâm Phục vụ hành chính công KHCN cập nhật cơ sở dữ liệu hằng tuần.\n"
    )
    full = "Trung tâm Phục vụ hành chính công Khoa học và Công nghệ"
    lead, centre = _own(d)
    assert lead.coordinators == (full,)
    assert (centre.unit, centre.units_split) == (full, (full,))
    # An acronym no written-out name fits stays as written.
    d = _doc("1. Trung tâm CNTT cập nhật cơ sở dữ liệu hằng tuần.\n")
    assert [a.unit for a in _own(d)] == ["Trung tâm CNTT"]


def test_a_subcommittee_heads_its_own_tasks() -> None:
    d = _doc(
        "Ủy ban nhân dân tỉnh yêu cầu:\n"
        "1. Tiểu ban giúp việc Ban Chỉ đạo tỉnh\n"
        "- Phân công nhiệm vụ cho các thành viên, xác định sản phẩm cụ thể.\n"
    )
    assert [a.unit for a in _own(d)] == ["Tiểu ban giúp việc Ban Chỉ đạo tỉnh"]


def test_rows_with_merged_cells_take_them_from_the_row_above() -> None:
    d = _doc(
        "Phụ lục lịch công bố số liệu.\n"
        "STT | Tên chỉ tiêu | Thời gian công bố | Đơn vị chịu trách nhiệm\n"
        "1 | Số doanh nghiệp thành lập mới | Tháng 3/2026 | Sở Tài chính\n"
        "2 | Số doanh nghiệp giải thể\n"
        "3 | Vốn đăng ký bình quân | Tháng 6/2026\n"
        "4 | Số hộ kinh doanh | Tháng 3/2026 | Sở Tài chính\n"
        "5 | Số lao động qua đào tạo | Tháng 6/2026 | Sở Nội vụ\n"
    )
    got = [(a.unit, a.deadline and a.deadline.isoformat(), len(a.tasks)) for a in _own(d)]
    assert got == [
        ("Sở Tài chính", "2026-03-31", 3),
        ("Sở Tài chính", "2026-06-30", 1),
        ("Sở Nội vụ", "2026-06-30", 1),
    ]


def test_the_unit_after_an_opening_phrase_is_the_one_assigned() -> None:
    d = _doc(
        "Ủy ban nhân dân tỉnh yêu cầu:\n"
        "1. Trên cơ sở đề nghị của các sở, ngành liên quan, Sở Tài chính khẩn trương bố trí "
        "kinh phí thực hiện.\n"
        "2. Căn cứ kế hoạch tại mục 1, Thủ trưởng các đơn vị thuộc tỉnh chịu trách nhiệm tổ "
        "chức thực hiện.\n"
        "3. Trong quá trình thực hiện, nếu có vướng mắc, các cơ quan, đơn vị kịp thời phản "
        "ánh về Sở Nội vụ.\n"
    )
    assert [a.unit for a in _own(d)] == ["Sở Tài chính", "các đơn vị thuộc tỉnh"]


def test_a_request_before_cu_the_opens_the_items_under_it() -> None:
    d = _doc(
        "Nhằm bảo đảm sức khỏe cho học sinh, Sở Tài chính đề nghị Ủy ban nhân dân các xã, "
        "phường thực hiện nghiêm các biện pháp sau. Cụ thể:\n"
        "- Theo dõi chất lượng không khí hằng ngày.\n"
        "- Hạn chế hoạt động ngoài trời của học sinh.\n"
    )
    (a,) = _own(d)
    assert a.unit == "Ủy ban nhân dân các xã, phường"
    assert len(a.tasks) == 3


def test_a_later_sentence_naming_another_unit_is_that_units_task() -> None:
    d = _doc(
        "Ủy ban nhân dân tỉnh yêu cầu:\n"
        "1. Sở Y tế tổng hợp báo cáo gửi Sở Nội vụ trước ngày 05/12/2025. Trên cơ sở đó, "
        "Sở Nội vụ tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 10/12/2025. Ủy ban nhân "
        "dân các xã: Tân Lộc, Tân Hòa đẩy nhanh việc rà soát hồ sơ.\n"
        "2. Sở Tài chính bố trí kinh phí. Sở Tài chính được giao thẩm định dự toán từ năm "
        "2024. Sở Xây dựng đã hoàn thành phần việc của mình.\n"
        "Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan biết, thực hiện./.\n"
    )
    got = [(a.unit, a.deadline and a.deadline.isoformat()) for a in _own(d)]
    assert got == [
        ("Sở Y tế", "2025-12-05"),
        ("Sở Nội vụ", "2025-12-10"),
        ("Ủy ban nhân dân các xã: Tân Lộc, Tân Hòa", None),
        ("Sở Tài chính", None),
    ]


def test_a_dash_after_a_whole_paragraph_line_goes_on_with_it() -> None:
    d = _doc(
        "Xét báo cáo của Ủy ban nhân dân xã Tân Lộc về tình hình cung ứng vật liệu xây dựng "
        "phục vụ Dự án đường cao tốc đoạn qua các xã Tân Lộc, Tân Hòa theo phương thức đối tác "
        "công tư, thuộc tuyến đường bộ Ninh Bình\n"
        "- Hải Phòng, Chủ tịch Ủy ban nhân dân tỉnh có ý kiến như sau:\n"
        "Sở Xây dựng khẩn trương làm việc với các địa phương liên quan.\n"
    )
    assert [a.unit for a in _own(d)] == ["Sở Xây dựng"]


def test_a_list_of_whom_a_rule_applies_to_assigns_nothing() -> None:
    d = _doc(
        "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng\n"
        "1. Ủy ban nhân dân các xã, phường (gọi chung là UBND cấp xã);\n"
        "2. Cơ quan chuyên môn, đơn vị sự nghiệp công lập (trừ đơn vị tự chủ chi thường "
        "xuyên), tổ chức hành chính khác thuộc Ủy ban nhân dân tỉnh.\n"
        "3. Các cơ quan, tổ chức, cá nhân có liên quan.\n"
        "Điều 2. Tổ chức thực hiện\n"
        "1. Giao các cơ quan, đơn vị:\n"
        "a) Sở Nội vụ hướng dẫn, kiểm tra việc thực hiện Quyết định này.\n"
        "b) UBND cấp xã (trừ đặc khu) rà soát vị trí việc làm, báo cáo Sở Nội vụ.\n"
    )
    assert [a.unit for a in _own(d)] == ["Sở Nội vụ", "UBND cấp xã"]


def test_an_opening_glued_to_the_addressee_is_the_body() -> None:
    text = (
        "BỘ TÀI CHÍNH\nSố: 1790/BTC-CTK\nHà Nội, ngày 17 tháng 11 năm 2025\n"
        "V/v cung cấp số liệu thống kê\n"
        "Kính gửi: Ủy\nban nhân dân các tỉnh, thành phố trực thuộc trung ương Thực hiện Nghị "
        "định số 94/2022/NĐ-CP ngày 07/11/2022 của Chính phủ, Bộ Tài chính đề nghị Ủy ban nhân "
        "dân các tỉnh, thành phố trực thuộc trung ương:\n"
        "- Chỉ đạo các sở, ngành đánh giá tình hình kinh tế - xã hội quý IV năm 2025;\n"
        "- Giao Thống kê tỉnh, thành phố chủ trì rà soát số liệu, gửi Bộ Tài chính chậm nhất "
        "ngày 22/11/2025.\n" + TAIL
    )
    (d,) = parse_text(text)
    assert d.recipients == ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",)
    assert [a.unit for a in _own(d)] == [
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
        "Thống kê tỉnh, thành phố",
    ]


def test_a_request_after_a_long_issuing_body_opens_the_items() -> None:
    d = _doc(
        "Thực hiện Kết luận số 21-KL/TU ngày 12/11/2025 của Ban Thường vụ Tỉnh ủy, Ban Chỉ đạo "
        "của tỉnh về sắp xếp đơn vị hành chính các cấp yêu cầu Chủ tịch Ủy ban nhân dân các "
        "xã, phường tập trung giải quyết một số nội dung cụ thể sau:\n"
        "1. Về tổ chức bộ máy\n"
        "- Hoàn thiện tổ chức bộ máy các đơn vị sự nghiệp công lập ở cấp xã.\n"
    )
    (a,) = _own(d)
    assert a.unit == "Ủy ban nhân dân các xã, phường"
    assert any("Hoàn thiện tổ chức bộ máy" in t for t in a.tasks)


def test_the_end_of_a_period_is_a_deadline() -> None:
    assert deadline_from_text("cơ bản tháo gỡ khó khăn xong cuối tháng 12 năm 2025")[0] == date(
        2025, 12, 31
    )
    assert deadline_from_text("bảo đảm đến hết năm 2025 không còn vướng mắc")[0] == date(
        2025, 12, 31
    )
    assert deadline_from_text("hoàn thành hết tháng 3/2026")[0] == date(2026, 3, 31)
    # The last months of a year are a time of year, not a deadline.
    assert deadline_from_text("những tháng cuối năm 2025 và dịp Tết")[0] is None


def test_a_yearly_day_written_in_words_recurs() -> None:
    issued = date(2025, 11, 20)
    got = deadline_from_text("gửi kết quả về Sở, hạn cuối ngày 15 tháng 12 hàng năm.", issued)
    assert got == (date(2025, 12, 15), "hạn cuối ngày 15 tháng 12 hàng năm")
    assert deadline_from_text("hạn cuối ngày 05/12/2025", issued)[0] == date(2025, 12, 5)


def _decision(bases: str) -> ParsedDocument:
    (d,) = parse_text(
        "ỦY BAN NHÂN DÂN\nTỈNH HÒA AN\nSố: 41/QĐ-UBND\nHòa An, ngày 03 tháng 11 năm 2025\n\n"
        f"QUYẾT ĐỊNH\nVề việc công bố thủ tục hành chính\n\n{bases}\n\nQUYẾT ĐỊNH:\n\n"
        "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.\n"
        "Điều 2. Sở Tư pháp chủ trì rà soát quy trình nội bộ.\n" + TAIL
    )
    return d


def test_the_decisions_a_decision_is_based_on_are_its_parents() -> None:
    laws = "\n".join(f"Căn cứ Luật số {n}/2024/QH15 ngày 01/01/2024;" for n in range(20))
    d = _decision(
        f"{laws}\nCăn cứ Nghị định số\n63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ;\n"
        "Căn cứ Quyết định số\n642/QĐ-BNNMT ngày 03/4/2025 của Bộ trưởng Bộ Nông nghiệp và "
        "Môi trường;\nCăn cứ Quyết định 1003/QĐ-BNNMT ngày 22/4/2025 của Bộ trưởng Bộ Nông "
        "nghiệp và Môi trường;\nTheo đề nghị của Giám đốc Sở Tư pháp."
    )
    assert [p.number for p in d.parents] == ["642/QĐ-BNNMT", "1003/QĐ-BNNMT"]


def test_a_dispatch_opens_after_its_addressees() -> None:
    (d,) = parse_text(
        "THỦ TƯỚNG CHÍNH PHỦ\nSố: 220/CĐ-TTg\nHà Nội, ngày 18 tháng 11 năm 2025\n\n"
        "CÔNG ĐIỆN\nVề việc cắt giảm thủ tục hành chính\n\n"
        "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Bộ trưởng các Bộ, Thủ trưởng cơ quan ngang bộ;\n"
        "- Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n\n"
        "Đồng kính gửi:\n\nBí thư Tỉnh ủy, Thành ủy các tỉnh, thành phố để lãnh đạo, chỉ đạo.\n\n"
        "Thực hiện Nghị quyết số 66/NQ-CP ngày 26 tháng 3 năm 2025 của Chính phủ về cắt giảm "
        "thủ tục hành chính, Thủ tướng Chính phủ yêu cầu:\n"
        "1. Bộ trưởng Bộ Tư pháp rà soát văn bản quy phạm pháp luật trong năm 2025.\n" + TAIL
    )
    assert [p.number for p in d.parents] == ["66/NQ-CP"]


def test_deputy_prime_ministers_are_assigned_by_a_dispatch() -> None:
    d = _doc(
        "Thủ tướng Chính phủ yêu cầu:\n"
        "1. Giao Phó Thủ tướng Nguyễn Văn A và các Phó Thủ tướng theo nhiệm vụ được phân công "
        "chỉ đạo, đôn đốc các Bộ, địa phương thực hiện Công điện này.\n"
    )
    assert [a.unit for a in _own(d)] == ["Phó Thủ tướng Nguyễn Văn A và các Phó Thủ tướng"]


def test_each_dated_part_of_a_units_tasks_has_the_role_its_clauses_state() -> None:
    d = _doc(
        "Ủy ban nhân dân tỉnh yêu cầu:\n"
        "a) Sở Tài chính: (1) trình Ủy ban nhân dân tỉnh dự toán năm 2026, hoàn thành trong "
        "tháng 11 năm 2025; (2) chủ trì, phối hợp với Sở Nội vụ rà soát định mức chi, hoàn "
        "thành trước ngày 10/12/2025.\n"
    )
    got = [(a.role, a.deadline and a.deadline.isoformat()) for a in _own(d)]
    assert got == [("unspecified", "2025-11-30"), ("lead", "2025-12-10")]
