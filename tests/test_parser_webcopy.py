"""Web copies: the document is cut out of the page, its metadata fills a missing letterhead."""

from __future__ import annotations

from datetime import date

from bot.directives.parse import parse_text
from bot.directives.webcopy import unwrap

PAGE = """# a portal page
|
Bản quyền thuộc về **
TRANG LUẬT**.
**Số hiệu:**
|
512/UBND-KT
|
**Loại văn bản:**
|
Công văn
|
**Nơi ban hành:**
|
Tỉnh Hòa An
|
**Ngày ban hành:**
|
07/10/2025
|
**Tình trạng:**
|
Đã biết
|
**Kính gửi:**
|
- Sở Tài chính;
- Sở Xây dựng.
|
Thực hiện chỉ đạo của Thủ tướng Chính phủ, Chủ tịch UBND tỉnh yêu cầu:
1. Sở Tài chính chủ trì rà soát nguồn vốn, báo cáo trước ngày 20/10/2025.
|
**KT. CHỦ TỊCH**
PHÓ CHỦ TỊCH
**Trần
Văn Bình**
Công văn 512/UBND-KT năm 2025 rà soát nguồn vốn do Tỉnh Hòa An ban hành
## Văn bản liên quan
Ban hành: 01/01/2024
"""


def test_metadata_block_gives_number_date_kind_and_issuer_without_letterhead() -> None:
    (d,) = parse_text(PAGE)
    assert (d.number, d.symbol, d.date, d.kind) == ("512", "UBND-KT", date(2025, 10, 7), "Công văn")
    assert d.issuer == "ỦY BAN NHÂN DÂN TỈNH HÒA AN"
    assert d.signer == "Trần Văn Bình"
    assert [(a.unit, a.deadline) for a in d.assignments] == [("Sở Tài chính", date(2025, 10, 20))]


def test_site_text_after_the_document_is_cut() -> None:
    source = unwrap(PAGE)
    assert source.meta is not None and source.meta.number == "512/UBND-KT"
    assert "Văn bản liên quan" not in source.text and "Ban hành: 01/01/2024" not in source.text
    assert "|" not in source.text


def test_wrapped_bold_letterhead_and_italic_date_are_joined() -> None:
    text = (
        "|\n**ỦY BAN NHÂN DÂN\nTỈNH HÒA AN**\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n"
        "|\nSố: 88/QĐ-UBND\n|\n*Hòa An, ngày 03\ntháng 11 năm 2025*\n|\n"
        "**QUYẾT ĐỊNH**\n|\n|\nĐiều 1. Giao Sở Y tế rà soát.\n|\n|\n|\n|\n|\n|\n|\n|\n|\n|\n"
    )
    (d,) = parse_text(text)
    assert d.issuer == "ỦY BAN NHÂN DÂN TỈNH HÒA AN"
    assert (d.number, d.date, d.place) == ("88", date(2025, 11, 3), "Hòa An")


def test_date_broken_after_ngay_is_joined() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 5/UBND-VP\nBắc Ninh, ngày\n22 tháng 11 năm 2025\n\n"
        "Sở Y tế chủ trì rà soát.\n"
    )
    (d,) = parse_text(text)
    assert (d.date, d.place) == (date(2025, 11, 22), "Bắc Ninh")


def test_ragged_cell_tables_do_not_break_the_parse() -> None:
    text = "|\nSTT\n|\nNội dung\n|\nĐơn vị\n|\n|\n1\n|\nA\n|\n|\n|\n|\n|\n|\n|\nx\n"
    assert parse_text(text + PAGE)


def test_a_portal_summary_before_the_letterhead_is_not_read_twice() -> None:
    summary = (
        "Thủ tướng yêu cầu:\nBộ Y tế hoàn thành cấp phép trước ngày 30/11/2025.\n"
        + "Tóm tắt của trang.\n" * 8
    )
    letterhead = (
        "|\n**THỦ TƯỚNG CHÍNH PHỦ**\n|\n**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n|\n"
        "Số: 9/CĐ-TTg\n|\n*Hà Nội, ngày 23 tháng 11 năm 2025*\n|\n"
    )
    body = "Thủ tướng Chính phủ yêu cầu:\n1. Bộ Y tế hoàn thành cấp phép trước ngày 30/11/2025.\n"
    page = PAGE.replace("**Kính gửi:**", summary + letterhead + body + "**Kính gửi:**")
    (d,) = parse_text(page)
    assert [a.unit for a in d.assignments].count("Bộ Y tế") == 1
