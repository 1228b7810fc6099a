"""General parsing rules, each checked on a small hand-written document."""

from __future__ import annotations

from bot.directives.model import ParsedDocument
from bot.directives.parse import parse_text


def _doc(head: str, body: str, tail: str = "") -> ParsedDocument:
    """A one-document file with the given letterhead, body and closing block."""
    text = f"""{head}

Số: 120/KH-SNN

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Vinh, ngày 10 tháng 3 năm 2025

KẾ HOẠCH
Triển khai công tác phòng, chống thiên tai năm 2025

{body}

{tail or "Nơi nhận:" + chr(10) + "- Như trên;" + chr(10) + "- Lưu: VT." + chr(10) * 2 + "GIÁM ĐỐC" + chr(10) * 2 + "Nguyễn Văn An"}
"""
    docs = parse_text(text)
    assert len(docs) == 1
    return docs[0]


_BODY = """Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về phòng, chống thiên tai.

1. Chi cục Thủy lợi chủ trì rà soát các công trình đê điều, hoàn thành trước ngày 30/4/2025."""


def test_letterhead_name_wrapped_after_connective() -> None:
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN", _BODY)
    assert d.issuer == "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    assert d.parent_issuer == "UBND TỈNH NGHỆ AN"


def test_letterhead_name_wrapped_before_connective() -> None:
    d = _doc("UBND TỈNH HÀ TĨNH\nSỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI", _BODY)
    assert d.issuer == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    assert d.parent_issuer == "UBND TỈNH HÀ TĨNH"
    d = _doc("UBND TỈNH HÀ TĨNH\nSỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI", _BODY)
    assert d.issuer == "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"


def test_letterhead_two_names_stay_apart() -> None:
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", _BODY)
    assert (d.issuer, d.parent_issuer) == ("SỞ TÀI CHÍNH", "UBND TỈNH NGHỆ AN")
    d = _doc("ỦY BAN NHÂN DÂN\nHUYỆN BÌNH SƠN", _BODY)
    assert (d.issuer, d.parent_issuer) == ("ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN", None)


_SIG_BODY = """Căn cứ Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về phòng, chống thiên tai.

1. Phòng Nông nghiệp chủ trì rà soát các công trình đê điều, hoàn thành trước ngày 30/4/2025."""


def test_signature_beside_recipients_with_column_gaps() -> None:
    tail = (
        "Nơi nhận:\n"
        "- Như trên;                              KT. CHỦ TỊCH\n"
        "- TT Huyện ủy;                           PHÓ CHỦ TỊCH\n"
        "- Lưu: VT.                               Trần Văn Hùng\n"
    )
    d = _doc("ỦY BAN NHÂN DÂN\nHUYỆN NAM ĐÀN", _SIG_BODY, tail)
    assert (d.signer, d.signer_title) == ("Trần Văn Hùng", "PHÓ CHỦ TỊCH")


def test_signature_beside_recipients_flattened() -> None:
    tail = (
        "Nơi nhận: KT. CHỦ TỊCH\n"
        "- Như trên; PHÓ CHỦ TỊCH\n"
        "- TT Huyện ủy;\n"
        "- Lưu: VT. Trần Văn Hùng\n"
    )
    d = _doc("ỦY BAN NHÂN DÂN\nHUYỆN NAM ĐÀN", _SIG_BODY, tail)
    assert (d.signer, d.signer_title) == ("Trần Văn Hùng", "PHÓ CHỦ TỊCH")


def test_signature_interleaved_with_recipients() -> None:
    tail = (
        "Nơi nhận:\n"
        "KT. CHỦ TỊCH\n"
        "- Như trên;\n"
        "PHÓ CHỦ TỊCH\n"
        "- TT Huyện ủy;\n"
        "- Lưu: VT.\n"
        "(Đã ký)\n"
        "Trần Văn Hùng\n"
    )
    d = _doc("ỦY BAN NHÂN DÂN\nHUYỆN NAM ĐÀN", _SIG_BODY, tail)
    assert (d.signer, d.signer_title) == ("Trần Văn Hùng", "PHÓ CHỦ TỊCH")
    tail = (
        "Nơi nhận:                              TM. ỦY BAN NHÂN DÂN\n"
        "- Như trên;                            CHỦ TỊCH\n"
        "- Lưu: VT.\n"
        "\n"
        "                                       Lê Thị Mai\n"
    )
    d = _doc("ỦY BAN NHÂN DÂN\nHUYỆN NAM ĐÀN", _SIG_BODY, tail)
    assert (d.signer, d.signer_title) == ("Lê Thị Mai", "CHỦ TỊCH")


def _numbers(d: ParsedDocument) -> list[str]:
    return [p.number for p in d.parents]


def test_parents_joined_by_va_are_siblings() -> None:
    body = (
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về phòng, chống "
        "thiên tai, tìm kiếm cứu nạn năm 2025 và Chỉ thị số 05/CT-UBND ngày 20/02/2025 của "
        "Chủ tịch Ủy ban nhân dân tỉnh về tăng cường công tác phòng, chống lụt, bão; Sở ban "
        "hành Kế hoạch thực hiện như sau:\n\n"
        "1. Chi cục Thủy lợi chủ trì rà soát các công trình đê điều."
    )
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", body)
    assert _numbers(d) == ["45/KH-UBND", "05/CT-UBND"]
    assert d.parents[1].issuer == "Chủ tịch Ủy ban nhân dân tỉnh"
    body = body.replace(" và Chỉ thị", ", Chỉ thị")
    assert _numbers(_doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", body)) == ["45/KH-UBND", "05/CT-UBND"]


def test_document_the_parent_implements_is_no_parent() -> None:
    body = (
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về thực hiện Nghị "
        "quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương và Chỉ thị số "
        "12-CT/TU của Tỉnh ủy, Sở ban hành Kế hoạch thực hiện như sau:\n\n"
        "1. Chi cục Thủy lợi chủ trì rà soát các công trình đê điều."
    )
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", body)
    assert _numbers(d) == ["45/KH-UBND"]


def test_opening_paragraph_after_a_review() -> None:
    body = (
        "Năm 2024, công tác phòng, chống thiên tai trên địa bàn tỉnh đạt nhiều kết quả; các "
        "công trình đê điều được tu bổ kịp thời, thiệt hại về người và tài sản giảm rõ rệt.\n\n"
        "Bên cạnh đó vẫn còn một số hạn chế: công tác dự báo chưa kịp thời, lực lượng tại chỗ "
        "còn mỏng.\n\n"
        "Căn cứ Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về phòng, chống thiên "
        "tai năm 2025, Sở ban hành Kế hoạch như sau:\n\n"
        "1. Chi cục Thủy lợi chủ trì rà soát các công trình đê điều.\n\n"
        "2. Thực hiện Công văn số 77/UBND-NN của UBND tỉnh, Chi cục Kiểm lâm rà soát rừng."
    )
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", body)
    assert _numbers(d) == ["45/KH-UBND"]
    # A numbered section ends the search: what it cites is no parent of the document.
    late = body.replace("Căn cứ Kế hoạch", "Các đơn vị tiếp tục thực hiện Kế hoạch")
    assert _numbers(_doc("UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", late)) == []


def _impl(items: str) -> ParsedDocument:
    body = (
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về chuyển đổi số.\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n\n"
        "Nâng cao hiệu quả chuyển đổi số trong các cơ quan nhà nước.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\n" + items
    )
    return _doc("ỦY BAN NHÂN DÂN\nHUYỆN NAM ĐÀN", body)


def test_joint_office_is_one_unit() -> None:
    d = _impl(
        "1. Văn phòng HĐND và UBND huyện chủ trì vận hành Cổng thông tin điện tử huyện.\n\n"
        "2. Văn phòng Huyện ủy và Phòng Lao động - Thương binh và Xã hội rà soát hồ sơ.\n\n"
        "3. Phòng Tài nguyên và Môi trường và UBND các xã số hóa hồ sơ đất đai."
    )
    got = [a.units_split for a in d.assignments]
    assert got == [
        ("Văn phòng HĐND và UBND huyện",),
        ("Văn phòng Huyện ủy", "Phòng Lao động - Thương binh và Xã hội"),
        ("Phòng Tài nguyên và Môi trường", "UBND các xã"),
    ]


def test_titles_dropped_from_every_unit_of_a_list() -> None:
    d = _impl(
        "1. Trưởng phòng Văn hóa và Thông tin, Giám đốc Trung tâm Văn hóa - Truyền thông "
        "huyện chỉ đạo tuyên truyền về chuyển đổi số."
    )
    a = d.assignments[0]
    assert a.unit == "Phòng Văn hóa và Thông tin, Trung tâm Văn hóa - Truyền thông huyện"
    assert a.units_split == ("Phòng Văn hóa và Thông tin", "Trung tâm Văn hóa - Truyền thông huyện")


def test_coordinators_end_at_the_verb() -> None:
    d = _impl(
        "1. Phòng Văn hóa và Thông tin chủ trì, phối hợp Văn phòng HĐND và UBND huyện nâng "
        "cấp hạ tầng mạng.\n\n"
        "2. Phòng Nội vụ chủ trì, phối hợp với Phòng Tài chính - Kế hoạch huyện lựa chọn cán "
        "bộ phụ trách chuyển đổi số."
    )
    assert [a.coordinators for a in d.assignments if not a.coordinates_for] == [
        ("Văn phòng HĐND và UBND huyện",),
        ("Phòng Tài chính - Kế hoạch huyện",),
    ]


def test_one_coordinating_task_among_others_is_no_coordinator_role() -> None:
    d = _impl(
        "1. Chủ tịch UBND các xã, thị trấn:\n\n"
        "- Chỉ đạo rà soát, huy động trẻ trong độ tuổi ra lớp.\n\n"
        "- Phối hợp với nhà trường vận động học sinh bỏ học trở lại lớp.\n\n"
        "2. Công an huyện:\n\n"
        "- Phối hợp với Phòng Giáo dục và Đào tạo bảo đảm an ninh trường học.\n\n"
        "3. Đoàn Thanh niên huyện phối hợp với các trường tổ chức tuyên truyền."
    )
    got = [(a.units_split, a.role) for a in d.assignments]
    assert got == [
        (("UBND các xã, thị trấn",), "unspecified"),
        (("Công an huyện",), "coordinate"),
        (("Đoàn Thanh niên huyện",), "coordinate"),
    ]


def test_recurrence_with_a_bracket_before_the_report() -> None:
    d = _impl(
        "1. Phòng Nội vụ chủ trì triển khai; định kỳ hằng quý (trước ngày 20 của tháng cuối "
        "quý) báo cáo UBND huyện.\n\n"
        "2. Phòng Văn hóa và Thông tin tổng hợp số liệu hằng tuần (vào thứ Năm) báo cáo "
        "Ban Chỉ đạo huyện."
    )
    assert [a.recurrence for a in d.assignments] == ["quarterly", "weekly"]


def test_report_to_after_a_long_object() -> None:
    d = _impl(
        "1. Phòng Nội vụ chủ trì triển khai Kế hoạch. Tổng hợp, báo cáo kết quả thực hiện Kế "
        "hoạch về Ủy ban nhân dân huyện trước ngày 15/12/2025."
    )
    assert d.assignments[0].report_to == "Ủy ban nhân dân huyện"


def test_de_nghi_with_a_unit_is_an_assignment() -> None:
    body = (
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND tỉnh về phòng, chống dịch "
        "bệnh trên đàn gia súc, Sở Nông nghiệp và Phát triển nông thôn đề nghị:\n\n"
        "Đề nghị UBND các huyện, thành phố, thị xã:\n\n"
        "- Chỉ đạo tiêm phòng cho đàn gia súc, hoàn thành trước ngày 30/4/2025.\n\n"
        "- Định kỳ hằng tháng báo cáo kết quả về Sở Nông nghiệp và Phát triển nông thôn.\n\n"
        "Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./."
    )
    d = _doc("UBND TỈNH NGHỆ AN\nSỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN", body)
    assert len(d.assignments) == 1
    a = d.assignments[0]
    assert a.unit == "UBND các huyện, thành phố, thị xã"
    assert a.recurrence == "monthly"
    assert len(a.tasks) == 2


def test_closing_sentence_that_assigns_follow_up() -> None:
    d = _impl(
        "1. Phòng Nội vụ chủ trì rà soát hồ sơ công chức.\n\n"
        "Trên đây là Kế hoạch chuyển đổi số năm 2025 của UBND huyện. Giao Phòng Giáo dục và "
        "Đào tạo theo dõi, đôn đốc việc thực hiện, định kỳ báo cáo UBND huyện. Yêu cầu các "
        "cơ quan, đơn vị nghiêm túc thực hiện./."
    )
    assert [a.unit for a in d.assignments] == ["Phòng Nội vụ", "Phòng Giáo dục và Đào tạo"]
    assert d.assignments[1].report_to == "UBND huyện"
