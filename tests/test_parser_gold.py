"""The directive parser against the hand-made gold extraction of the seed files, plus its parts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.directives.dates import deadline_from_text, parse_place_date, parse_vn_date
from bot.directives.model import ParsedDocument
from bot.directives.normalize import fold, org_case
from bot.directives.parse import parse_text
from bot.directives.reflow import split_sentences
from bot.directives.refs import find_references, parse_number_line
from bot.directives.units import split_units, unit_at

SHARED = Path(__file__).parents[2] / "shared" / "directives"
SEEDS = SHARED / "seeds"
GOLD_PATH = SHARED / "seeds.gold.json"

GOLD: list[dict[str, Any]] = (
    json.loads(GOLD_PATH.read_text()) if GOLD_PATH.exists() and SEEDS.is_dir() else []
)
FILES = sorted({g["file"] for g in GOLD})
needs_seeds = pytest.mark.skipif(not GOLD, reason=f"seed folder {SHARED} is absent")


def _doc_id(g: dict[str, Any]) -> str:
    return f"{g['file']}#{g['doc_index']}"


def _f(v: str | None) -> str | None:
    return fold(v) if v is not None else None


@cache
def _parsed(file: str) -> tuple[ParsedDocument, ...]:
    return tuple(parse_text((SEEDS / file).read_text(encoding="utf-8")))


def _pair(g: dict[str, Any]) -> tuple[dict[str, Any], ParsedDocument]:
    docs = _parsed(g["file"])
    assert g["doc_index"] < len(docs), f"only {len(docs)} documents found"
    d = docs[g["doc_index"]]
    # The seeds list coordinators only inside their lead's assignment, not as their own.
    own = tuple(a for a in d.assignments if a.coordinates_for is None)
    return g, replace(d, assignments=own)


gold_docs = pytest.mark.parametrize("gold", GOLD, ids=[_doc_id(g) for g in GOLD])


# --- gold: must-haves -----------------------------------------------------------------------


@needs_seeds
@pytest.mark.parametrize("file", FILES)
def test_document_count(file: str) -> None:
    expected = sum(1 for g in GOLD if g["file"] == file)
    assert len(_parsed(file)) == expected


@needs_seeds
@gold_docs
def test_number_symbol_kind(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    assert (d.number, d.symbol, d.kind) == (g["number"], g["symbol"], g["kind"])


@needs_seeds
@gold_docs
def test_date_and_place(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    got = (d.date.isoformat() if d.date else None, d.date_partial, _f(d.place))
    assert got == (g["date"], g.get("date_partial"), _f(g["place"]))


@needs_seeds
@gold_docs
def test_issuer(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    got = (_f(d.issuer), _f(d.parent_issuer))
    assert got == (_f(g["issuer"]), _f(g["parent_issuer"]))


@needs_seeds
@gold_docs
def test_parents(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    want = {(p["number"], p["date"], _f(p["issuer"])) for p in g["parents"]}
    got = {(p.number, p.date.isoformat() if p.date else None, _f(p.issuer)) for p in d.parents}
    assert got == want


@needs_seeds
@gold_docs
def test_assignments(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    want = [(_f(a["unit"]), a["role"], a["deadline"]) for a in g["assignments"]]
    got = [
        (_f(a.unit), a.role, a.deadline.isoformat() if a.deadline else None) for a in d.assignments
    ]
    assert got == want


@needs_seeds
@gold_docs
def test_units_split(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    want = [[fold(u) for u in a["units_split"]] for a in g["assignments"]]
    assert [[fold(u) for u in a.units_split] for a in d.assignments] == want


# --- gold: the rest of the extraction -------------------------------------------------------


@needs_seeds
@gold_docs
def test_subject_signer_recipients(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    assert _f(d.subject) == _f(g["subject"])
    assert (d.signer, d.signer_title) == (g["signer"], g["signer_title"])
    assert [fold(r) for r in d.recipients] == [fold(r) for r in g["recipients"]]


@needs_seeds
@gold_docs
def test_sections(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    assert [fold(s) for s in d.sections] == [fold(s) for s in g["sections"]]


@needs_seeds
@gold_docs
def test_assignment_details(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    keys = ("coordinators", "deadline_text", "recurrence", "recurrence_text")
    keys += ("report_to", "report_via")

    def view(a: dict[str, Any]) -> dict[str, Any]:
        return {k: [fold(x) for x in a[k]] if isinstance(a[k], list) else _f(a[k]) for k in keys}

    assert [view(a) for a in d.to_json()["assignments"]] == [view(a) for a in g["assignments"]]


@needs_seeds
@gold_docs
def test_tasks_are_split_and_reflowed(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    assert [len(a.tasks) for a in d.assignments] == [len(a["tasks"]) for a in g["assignments"]]
    for a in d.assignments:
        for t in a.tasks:
            assert t and "\n" not in t and "  " not in t


@needs_seeds
@gold_docs
def test_to_json_keys_match_gold(gold: dict[str, Any]) -> None:
    g, d = _pair(gold)
    assert set(g) - {"file", "doc_index", "date_partial"} <= set(d.to_json())


# --- pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ngày 04 tháng 6 năm 2024", (date(2024, 6, 4), None)),
        ("ngày       tháng 3 năm 2025", (None, "2025-03")),
        ("ngày   tháng   năm 2024", (None, "2024")),
        ("ngày 11/01/2024", (date(2024, 1, 11), None)),
        ("ngày 31 tháng 02 năm 2024", (None, None)),
    ],
)
def test_parse_vn_date(text: str, expected: tuple[date | None, str | None]) -> None:
    assert parse_vn_date(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Quảng ngãi, ngày 22 tháng 02 năm 2024  ", ("Quảng ngãi", date(2024, 2, 22), None)),
        (" Mỹ Xuyên, ngày       tháng 3 năm 2025 ", ("Mỹ Xuyên", None, "2025-03")),
        (
            "Số:           /UBND-TNMT            Bình Sơn, ngày       tháng     năm 2024",
            ("Bình Sơn", None, "2024"),
        ),
        ("Hội nghị họp tại Hà Nội, ngày 5 tháng 3 năm 2024", None),
    ],
)
def test_parse_place_date(line: str, expected: tuple[str, date | None, str | None] | None) -> None:
    assert parse_place_date(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "dự thảo gửi về Thường trực Tỉnh ủy chậm nhất ngày 27/02/2024.",
            (date(2024, 2, 27), "chậm nhất ngày 27/02/2024"),
        ),
        ("báo cáo UBND huyện trước ngày 20/5/2024.", (date(2024, 5, 20), "trước ngày 20/5/2024")),
        ("hoàn thành trong tháng 3/2025", (date(2025, 3, 31), "trong tháng 3/2025")),
        ("hoàn thành trong quý II/2025", (date(2025, 6, 30), "trong quý II/2025")),
        ("chậm nhất ngày 31/02/2024", (None, "chậm nhất ngày 31/02/2024")),
        ("thường xuyên theo dõi, đôn đốc", (None, None)),
    ],
)
def test_deadline_from_text(text: str, expected: tuple[date | None, str | None]) -> None:
    assert deadline_from_text(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Số:           /UBND-TNMT", (None, "UBND-TNMT")),
        ("Số 69 KL/TW", ("69", "KL/TW")),
        ("Số 1614-CV/HU", ("1614", "CV/HU")),
        ("    Số:          /KH-UBND ", (None, "KH-UBND")),
        ("Số: 123/QĐ-UBND", ("123", "QĐ-UBND")),
        ("Số: 494", None),
        ("Số lượng cán bộ tăng", None),
    ],
)
def test_parse_number_line(line: str, expected: tuple[str | None, str] | None) -> None:
    assert parse_number_line(line) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tỉnh uỷ Long An", "tỉnh ủy long an"),
        ("công nghiệp hoá", "công nghiệp hóa"),
        ("Đảng khoá XI", "đảng khóa xi"),
        ("ĐẢNG  UỶ   trực thuộc", "đảng ủy trực thuộc"),
        ("kinh tế – xã hội", "kinh tế - xã hội"),
    ],
)
def test_fold_normalises(a: str, b: str) -> None:
    assert fold(a) == b


@pytest.mark.parametrize("word", ["quý", "hoàn thành", "thuyền", "khoản"])
def test_fold_leaves_new_style_and_closed_syllables(word: str) -> None:
    assert fold(word) == word


def test_org_case() -> None:
    assert org_case("VĂN PHÒNG TỈNH ỦY LONG AN") == "Văn phòng Tỉnh ủy Long An"
    assert org_case("ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN") == "Ủy ban nhân dân huyện Bình Sơn"


@pytest.mark.parametrize(
    ("unit", "pieces"),
    [
        ("Phòng Kinh tế và Hạ tầng", ["Phòng Kinh tế và Hạ tầng"]),
        ("Phòng Văn hóa, Khoa học và Thông tin", ["Phòng Văn hóa, Khoa học và Thông tin"]),
        (
            "Ban thường vụ các huyện ủy, thị ủy, thành ủy, Đảng ủy trực thuộc Tỉnh ủy",
            ["Ban thường vụ các huyện ủy, thị ủy, thành ủy, Đảng ủy trực thuộc Tỉnh ủy"],
        ),
        (
            "Các phòng, ban thuộc huyện và UBND các xã, thị trấn",
            ["Các phòng, ban thuộc huyện", "UBND các xã, thị trấn"],
        ),
        (
            "Các tỉnh uỷ, thành uỷ, ban đảng, ban cán sự đảng, đảng đoàn, "
            "đảng uỷ trực thuộc Trung ương",
            [
                "Các tỉnh uỷ, thành uỷ",
                "ban đảng",
                "ban cán sự đảng",
                "đảng đoàn",
                "đảng uỷ trực thuộc Trung ương",
            ],
        ),
        ("Sở Tài chính; Kho bạc Nhà nước tỉnh", ["Sở Tài chính", "Kho bạc Nhà nước tỉnh"]),
        ("Huyện ủy Bình Sơn, Thành ủy Quảng Ngãi", ["Huyện ủy Bình Sơn", "Thành ủy Quảng Ngãi"]),
    ],
)
def test_split_units(unit: str, pieces: list[str]) -> None:
    assert list(split_units(unit)) == pieces


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        (
            "Ban Tuyên giáo Trung ương chủ trì, phối hợp với các cơ quan",
            "Ban Tuyên giáo Trung ương",
        ),
        (
            "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh tổ chức phổ biến",
            "Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh",
        ),
        (
            "Ban cán sự đảng Ủy ban nhân dân tỉnh lãnh đạo, chỉ đạo",
            "Ban cán sự đảng Ủy ban nhân dân tỉnh",
        ),
        ("Phòng Kinh tế và Hạ tầng.", "Phòng Kinh tế và Hạ tầng"),
        ("Ban hành quy chế làm việc", None),
        ("Phòng, chống tham nhũng", None),
        ("Tăng cường sự lãnh đạo của Đảng", None),
    ],
)
def test_unit_at(text: str, unit: str | None) -> None:
    found = unit_at(text)
    assert (found[0] if found else None) == unit


def test_find_references_reads_date_and_issuer() -> None:
    text = (
        "Thực hiện Chương trình số 69-CTr/HU ngày 17/02/2025 của Huyện ủy Mỹ Xuyên thực hiện "
        "Kết luận số 69-KL/TW, ngày 11/01/2024 của Bộ Chính trị và Chương trình số 66-CTr/TU"
    )
    refs = [(r.number, r.date, r.issuer) for r in find_references(text)]
    assert refs == [
        ("69-CTr/HU", date(2025, 2, 17), "Huyện ủy Mỹ Xuyên"),
        ("69-KL/TW", date(2024, 1, 11), "Bộ Chính trị"),
        ("66-CTr/TU", None, None),
    ]


def test_split_sentences_keeps_abbreviations() -> None:
    text = "Thực hiện Kết luận số 69-KL/TW. Xây dựng kế hoạch tại TP. Hồ Chí Minh. Báo cáo kết quả."
    assert split_sentences(text) == [
        "Thực hiện Kết luận số 69-KL/TW.",
        "Xây dựng kế hoạch tại TP. Hồ Chí Minh.",
        "Báo cáo kết quả.",
    ]


UNSEEN = """UBND TỈNH QUẢNG NGÃI
SỞ TÀI CHÍNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1234/STC-NS
Quảng Ngãi, ngày 15 tháng 4 năm 2025
V/v triển khai Quyết định số 45/QĐ-UBND ngày 02/4/2025
của UBND tỉnh

Kính gửi:
- Phòng Tài chính - Kế hoạch các huyện, thị xã, thành phố;
- Các đơn vị dự toán cấp I thuộc tỉnh.

Căn cứ Quyết định số 45/QĐ-UBND ngày 02/4/2025 của UBND tỉnh về việc giao dự toán bổ sung; \
Sở Tài chính đề nghị như sau:

1. Phòng Tài chính - Kế hoạch các huyện, thị xã, thành phố chủ trì, phối hợp với Kho bạc \
Nhà nước huyện rà soát số liệu, báo cáo Sở Tài chính trước ngày 30/4/2025.

2. Các đơn vị dự toán cấp I thuộc tỉnh khẩn trương hoàn thiện hồ sơ, gửi về Sở Tài chính \
trong tháng 5/2025; định kỳ hằng quý báo cáo Sở Tài chính (qua Phòng Ngân sách).

Giao Phòng Ngân sách theo dõi, tổng hợp, báo cáo Giám đốc Sở chậm nhất ngày 31/02/2025.

Nơi nhận:
- Như trên;
- Lưu: VT, NS.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trần Văn Bình
"""


def test_unseen_official_letter() -> None:
    (d,) = parse_text(UNSEEN.replace("\n", "\r\n"))
    assert (d.issuer, d.parent_issuer) == ("SỞ TÀI CHÍNH", "UBND TỈNH QUẢNG NGÃI")
    assert (d.number, d.symbol, d.date, d.kind) == ("1234", "STC-NS", date(2025, 4, 15), "Công văn")
    assert [(p.number, p.date, p.issuer) for p in d.parents] == [
        ("45/QĐ-UBND", date(2025, 4, 2), "UBND tỉnh")
    ]
    assert (d.signer, d.signer_title) == ("Trần Văn Bình", "PHÓ GIÁM ĐỐC")
    got = [
        (a.unit, a.role, a.deadline, a.recurrence, a.report_to)
        for a in d.assignments
        if not a.coordinates_for
    ]
    assert got == [
        (
            "Phòng Tài chính - Kế hoạch các huyện, thị xã, thành phố",
            "lead",
            date(2025, 4, 30),
            None,
            "Sở Tài chính",
        ),
        (
            "Các đơn vị dự toán cấp I thuộc tỉnh",
            "unspecified",
            date(2025, 5, 31),
            "quarterly",
            "Sở Tài chính",
        ),
        ("Phòng Ngân sách", "unspecified", None, None, "Giám đốc Sở"),
    ]
    assert d.assignments[0].coordinators == ("Kho bạc Nhà nước huyện",)
    assert d.assignments[1].report_via == "Phòng Ngân sách"


DECISION = """ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH SÓC TRĂNG                              Độc lập - Tự do - Hạnh phúc

Số: 995/QĐ-UBND                        Sóc Trăng, ngày 05 tháng 9 năm 2024

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số năm 2025

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị quyết số 12/NQ-HĐND ngày 10/7/2024 của Hội đồng nhân dân tỉnh;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2025.
Điều 2. Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các sở, ngành, địa phương \
triển khai thực hiện; định kỳ 6 tháng báo cáo Ủy ban nhân dân tỉnh.
Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở chịu trách nhiệm thi hành./.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.
CHỦ TỊCH

Lâm Văn Mẫn
"""


def test_unseen_two_column_decision() -> None:
    (d,) = parse_text(DECISION)
    assert (d.issuer, d.parent_issuer) == ("ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG", None)
    assert (d.code, d.kind, d.place, d.date) == (
        "995/QĐ-UBND",
        "Quyết định",
        "Sóc Trăng",
        date(2024, 9, 5),
    )
    assert d.subject == "Về việc ban hành Kế hoạch chuyển đổi số năm 2025"
    assert [p.number for p in d.parents] == ["12/NQ-HĐND"]
    (a,) = d.assignments
    assert (a.unit, a.role, a.coordinators) == (
        "Sở Thông tin và Truyền thông",
        "lead",
        ("các sở, ngành, địa phương",),
    )
    assert (a.recurrence, a.report_to) == ("half-yearly", "Ủy ban nhân dân tỉnh")


def test_role_reads_verbs_not_nouns() -> None:
    text = "Ban Tuyên giáo Tỉnh ủy phối hợp chỉ đạo trang trí; tăng cường sự phối hợp."
    (d,) = parse_text(f"III. TỔ CHỨC THỰC HIỆN\n1. {text}\n2. Sở Tài chính bố trí kinh phí.")
    assert [(a.unit, a.role) for a in d.assignments] == [
        ("Ban Tuyên giáo Tỉnh ủy", "coordinate"),
        ("Sở Tài chính", "unspecified"),
    ]


def test_blank_text_has_no_documents() -> None:
    assert parse_text("  \n\n ") == []
