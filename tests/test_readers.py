"""Reading .txt, .docx and .pdf directive files, and refusing what cannot be read."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from docx.table import Table
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from PIL import Image

from bot.directives.parse import parse_text
from bot.directives.readers import MAX_BYTES, DocumentError, read_document, read_document_file

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples" / "directives"
LETTERHEAD = [
    (
        "ỦY BAN NHÂN DÂN\nHUYỆN MỸ XUYÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    ),
    ("Số: 12/CT-UBND", "Mỹ Xuyên, ngày 05 tháng 3 năm 2024"),
]
TASKS = [
    ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"),
    (
        "1",
        "Xây dựng kế hoạch chuyển đổi số",
        "Phòng Văn hóa và Thông tin",
        "Các xã",
        "Tháng 6/2024",
    ),
    ("2", "Rà soát hạ tầng", "Phòng Kinh tế và Hạ tầng", "", "Quý III/2024"),
]


def _fails(data: bytes, name: str, *words: str) -> str:
    with pytest.raises(DocumentError) as err:
        read_document(data, name)
    message = str(err.value)
    for word in words:
        assert word in message
    return message


def _docx_bytes(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill(table: Table, rows: Sequence[tuple[str, ...]]) -> None:
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text


def _directive_docx() -> Document:
    document = docx.Document()
    _fill(document.add_table(rows=2, cols=2), LETTERHEAD)
    document.add_paragraph("CHỈ THỊ")
    document.add_paragraph("Về việc đẩy mạnh chuyển đổi số năm 2024")
    document.add_paragraph("Giao các cơ quan, đơn vị thực hiện các nhiệm vụ sau:")
    _fill(document.add_table(rows=3, cols=5), TASKS)
    document.add_paragraph("Chủ tịch Ủy ban nhân dân các xã chịu trách nhiệm tổ chức thực hiện.")
    return document


# --- .docx ---


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    text = read_document(_docx_bytes(_directive_docx()), "chi-thi.docx")
    assert text.splitlines() == [
        # The letterhead table: left column top to bottom, then the right one.
        "ỦY BAN NHÂN DÂN",
        "HUYỆN MỸ XUYÊN",
        "Số: 12/CT-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Mỹ Xuyên, ngày 05 tháng 3 năm 2024",
        "CHỈ THỊ",
        "Về việc đẩy mạnh chuyển đổi số năm 2024",
        "Giao các cơ quan, đơn vị thực hiện các nhiệm vụ sau:",
        "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian",
        "1 | Xây dựng kế hoạch chuyển đổi số | Phòng Văn hóa và Thông tin | Các xã | Tháng 6/2024",
        "2 | Rà soát hạ tầng | Phòng Kinh tế và Hạ tầng |  | Quý III/2024",
        "Chủ tịch Ủy ban nhân dân các xã chịu trách nhiệm tổ chức thực hiện.",
    ]
    assert text.endswith("\n")


def test_docx_header_parses() -> None:
    (doc,) = parse_text(read_document(_docx_bytes(_directive_docx()), "chi-thi.docx"))
    assert doc.issuer == "ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN"
    assert (doc.number, doc.symbol) == ("12", "CT-UBND")
    assert doc.kind == "Chỉ thị"
    assert str(doc.date) == "2024-03-05"


def test_docx_merged_cells_once_per_row() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    _fill(table, [("STT", "Nhiệm vụ", "Chủ trì", "Thời gian"), ("1", "Rà soát"), ("2", "Báo cáo")])
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Phòng Nội vụ"  # vertical: each row's lead
    table.cell(1, 3).merge(table.cell(2, 3)).text = "Quý II"
    table.cell(0, 1).merge(table.cell(0, 2))  # horizontal: "Nhiệm vụ" spans two columns
    lines = read_document(_docx_bytes(document), "a.docx").splitlines()
    assert lines == [
        "STT | Nhiệm vụ Chủ trì | Thời gian",
        "1 | Rà soát | Phòng Nội vụ | Quý II",
        "2 | Báo cáo | Phòng Nội vụ | Quý II",
    ]


def test_docx_list_numbers_and_bullets() -> None:
    document = docx.Document()
    document.add_paragraph("Nhiệm vụ:")
    document.add_paragraph("Phòng Nội vụ rà soát biên chế.", style="List Number")
    document.add_paragraph("báo cáo trước ngày 15/4;", style="List Bullet")
    document.add_paragraph("Phòng Tài chính bố trí kinh phí.", style="List Number")
    document.add_paragraph("", style="List Number")  # an empty list item shows no label
    lines = read_document(_docx_bytes(document), "a.docx").splitlines()
    assert lines == [
        "Nhiệm vụ:",
        "1. Phòng Nội vụ rà soát biên chế.",
        "- báo cáo trước ngày 15/4;",
        "2. Phòng Tài chính bố trí kinh phí.",
    ]


def _explicit_numbering(paragraph: Paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", str(ilvl)), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        num_pr.append(child)
    ppr.append(num_pr)


def test_docx_multilevel_numbering_restarts_sublevels() -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, fmt, text in ((0, "upperRoman", "%1."), (1, "lowerLetter", "%2)")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    for text, ilvl in (("Mục tiêu", 0), ("Chung", 1), ("Cụ thể", 1), ("Nhiệm vụ", 0), ("Giao", 1)):
        _explicit_numbering(document.add_paragraph(text), "90", ilvl)
    lines = read_document(_docx_bytes(document), "a.docx").splitlines()
    assert lines == ["I. Mục tiêu", "a) Chung", "b) Cụ thể", "II. Nhiệm vụ", "a) Giao"]


def test_docx_letterhead_in_page_header_other_header_footer_text_ignored() -> None:
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.paragraphs[0].text = "Trang đầu"
    _fill(first.add_table(rows=2, cols=2, width=Inches(6)), LETTERHEAD)
    section.header.paragraphs[0].text = "Tiêu đề trang sau"
    section.footer.paragraphs[0].text = "Trang 1/2"
    document.add_paragraph("KẾ HOẠCH")
    lines = read_document(_docx_bytes(document), "a.docx").splitlines()
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "HUYỆN MỸ XUYÊN", "Số: 12/CT-UBND"]
    assert lines[-1] == "KẾ HOẠCH"
    assert not any("Trang" in s or "Tiêu đề" in s for s in lines)


def test_docx_text_in_nfc_and_line_breaks_kept() -> None:
    document = docx.Document()
    document.add_paragraph(unicodedata.normalize("NFD", "Ủy ban nhân dân huyện\nPhòng Nội vụ"))
    text = read_document(_docx_bytes(document), "a.docx")
    assert text == "Ủy ban nhân dân huyện\nPhòng Nội vụ\n"
    assert unicodedata.is_normalized("NFC", text)


def test_docx_found_by_content_whatever_its_name() -> None:
    assert "CHỈ THỊ" in read_document(_docx_bytes(_directive_docx()), "tai-ve")


def test_docx_damaged() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>không phải XML")
    _fails(out.getvalue(), "a.docx", ".docx", "bị hỏng")
    _fails(_docx_bytes(_directive_docx())[:3000], "a.docx", "bị hỏng")


def test_docx_with_no_text_is_empty() -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    _fails(_docx_bytes(document), "a.docx", "Tệp rỗng")


# --- .pdf ---


def test_pdf_text_layer_letterhead_table_and_pages() -> None:
    text = read_document_file(FIXTURES / "chi-thi.pdf")
    lines = text.splitlines()
    # The letterhead's columns stay apart by a wide gap, which the parser splits on.
    assert lines[:3] == [
        "ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "HUYỆN MỸ XUYÊN    Độc lập - Tự do - Hạnh phúc",
        "Số: 12/CT-UBND    Mỹ Xuyên, ngày 05 tháng 3 năm 2024",
    ]
    assert lines[3:5] == ["CHỈ THỊ", "Về việc đẩy mạnh chuyển đổi số năm 2024"]
    # The ruled table comes row by row, wrapped cells joined.
    rows = [s for s in lines if " | " in s]
    assert rows == [
        "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian",
        "1 | Xây dựng kế hoạch ứng dụng công nghệ thông tin | Phòng Văn hóa và Thông tin"
        " | Văn phòng HĐND và UBND huyện | Tháng 6/2024",
        "2 | Rà soát hạ tầng mạng | Phòng Kinh tế và Hạ tầng | UBND các xã | Quý III/2024",
    ]
    assert lines.index(rows[0]) > lines.index(
        "2. Ủy ban nhân dân các xã, thị trấn triển khai thực hiện nghiêm túc Chỉ thị này."
    )
    # Page 2 was written with combining marks; the reader gives NFC.
    assert lines[-1] == "Nơi nhận: Phòng Tài nguyên và Môi trường; Lưu: VT."
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\n\n" not in text


def test_pdf_header_parses() -> None:
    (doc,) = parse_text(read_document_file(FIXTURES / "chi-thi.pdf"))
    assert doc.issuer == "ỦY BAN NHÂN DÂN HUYỆN MỸ XUYÊN"
    assert (doc.number, doc.symbol, doc.place) == ("12", "CT-UBND", "Mỹ Xuyên")
    assert doc.subject == "Về việc đẩy mạnh chuyển đổi số năm 2024"


PROSE = (
    "Giao Phong Noi vu chu tri, phoi hop voi cac co quan, don vi lien quan ra soat bien che "
    "va bao cao Uy ban nhan dan huyen truoc ngay 15 thang 4 nam 2024. "
)


def _pdf(pages: list[str], image: bool = False, stamp: str = "") -> FPDF:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        if image:
            scan = Image.new("L", (400, 560), 235)
            pdf.image(scan, x=0, y=0, w=pdf.w, h=pdf.h)
        if stamp:
            pdf.set_xy(120, 20)
            pdf.multi_cell(80, 5, stamp)
        if text:
            pdf.multi_cell(0, 6, text)
    return pdf


def _pdf_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def test_pdf_pages_in_order() -> None:
    data = _pdf_bytes(_pdf(["Trang mot. " + PROSE * 3, "Trang hai. " + PROSE, "Trang ba."]))
    text = read_document(data, "a.pdf")
    assert text.index("Trang mot") < text.index("Trang hai") < text.index("Trang ba")


def test_pdf_scanned_image_only() -> None:
    message = _fails(_pdf_bytes(_pdf(["", ""], image=True)), "scan.pdf", "bản quét", ".docx")
    assert "lớp chữ" in message


def test_pdf_scan_with_signature_stamp_is_still_a_scan() -> None:
    stamp = "Ky boi: Uy ban nhan dan huyen My Xuyen. Thoi gian ky: 05.03.2024 09:15:02 +07:00"
    _fails(_pdf_bytes(_pdf(["", ""], image=True, stamp=stamp)), "scan.pdf", "bản quét")


def test_pdf_blank_pages_are_a_scan_too() -> None:
    _fails(_pdf_bytes(_pdf([""])), "a.pdf", "bản quét")


def test_pdf_with_user_password() -> None:
    pdf = _pdf([PROSE * 3])
    pdf.set_encryption(owner_password="chu", user_password="mo")
    _fails(_pdf_bytes(pdf), "a.pdf", "mật khẩu")


def test_pdf_with_only_an_owner_password_reads() -> None:
    # Offices often lock copying or printing only; such a file opens without a password.
    pdf = _pdf([PROSE * 3])
    pdf.set_encryption(owner_password="chu")
    assert "Phong Noi vu" in read_document(_pdf_bytes(pdf), "a.pdf")


def test_pdf_damaged() -> None:
    good = (FIXTURES / "chi-thi.pdf").read_bytes()
    _fails(good[:2000], "a.pdf", ".pdf", "bị hỏng")
    _fails(b"%PDF-1.7\n" + bytes(range(256)) * 40, "a.pdf", ".pdf", "bị hỏng")
    _fails(b"Day khong phai PDF", "a.pdf", ".pdf", "bị hỏng")


# --- .txt ---


def _cp1258(text: str) -> bytes:
    """cp1258 as Windows writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


VIET = "Ủy ban nhân dân huyện Mỹ Xuyên\nGiao Phòng Nội vụ chủ trì thực hiện."


@pytest.mark.parametrize(
    "data",
    [
        VIET.encode(),
        b"\xef\xbb\xbf" + VIET.encode(),
        VIET.replace("\n", "\r\n").encode(),
        VIET.encode("utf-16"),  # with its BOM, as Notepad's "Unicode"
        b"\xfe\xff" + VIET.encode("utf-16-be"),
        unicodedata.normalize("NFD", VIET).encode(),
        _cp1258(VIET),  # Vietnamese Windows "ANSI"
    ],
    ids=["utf8", "utf8-bom", "crlf", "utf16le", "utf16be", "nfd", "cp1258"],
)
def test_txt_encodings(data: bytes) -> None:
    assert read_document(data, "a.txt") == VIET + "\n"


def test_txt_of_another_code_page_is_refused() -> None:
    _fails("Café à la carte, ça coûte très cher".encode("cp1252"), "a.txt", "UTF-8")


def test_txt_examples_parse_as_before() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        assert parse_text(read_document_file(path)) == parse_text(raw), path.name


# --- bad input ---


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  ", "\ufeff \n".encode()])
def test_empty(data: bytes) -> None:
    _fails(data, "a.txt", "Tệp rỗng")


def test_binary_junk() -> None:
    junk = random.Random(7).randbytes(4096)
    _fails(junk, "a.txt", "không phải tệp văn bản", ".txt, .docx hoặc .pdf")
    _fails(junk.replace(b"\x00", b"\x01"), "tai-lieu", "không phải tệp văn bản")


def test_too_big_bytes() -> None:
    _fails(b"a" * (20 * 1024 * 1024), "a.txt", "quá lớn", "20,0 MB", "tối đa 10 MB")
    assert read_document(b"a" * MAX_BYTES, "a.txt").startswith("aaa")


def test_too_big_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "lon.pdf"
    with path.open("wb") as f:
        f.truncate(20 * 1024 * 1024)  # sparse: no time spent writing
    with pytest.raises(DocumentError, match="quá lớn"):
        read_document_file(path)


def test_old_word_doc() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)
    _fails(ole, "chi-thi.doc", ".doc", ".docx")
    _fails(ole, "chi-thi", ".doc")
    _fails("Văn bản đổi tên thành .doc".encode(), "chi-thi.doc", ".docx")


def test_zip_that_is_not_docx() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("bao-cao.txt", "Báo cáo")
    _fails(out.getvalue(), "a.zip", "không phải tệp .docx", ".txt, .docx hoặc .pdf")
    _fails(out.getvalue(), "a.docx", "không phải tệp .docx")


def test_image() -> None:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    _fails(out.getvalue(), "anh.png", "ảnh", ".txt, .docx hoặc .pdf")
    _fails(out.getvalue(), "anh.txt", "ảnh")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Uû ban nh©n d©n tØnh Sãc Tr¨ng\nCéng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do",
            "TCVN3",
        ),
        ("UÛY BAN NHAÂN DAÂN TÆNH\nCoäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp", "VNI"),
    ],
)
def test_legacy_vietnamese_encodings_are_named(text: str, name: str) -> None:
    _fails(text.encode("utf-8"), "a.txt", name)
