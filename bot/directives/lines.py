"""Cleaning the raw lines of an extracted file and tagging what each line is."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum, auto

from .dates import parse_place_date
from .normalize import fold, is_caps
from .refs import parse_number_line


class Tag(Enum):
    """What a line is, as far as one line can tell."""

    BLANK = auto()
    JUNK = auto()  # page numbers, "*", "-----", digital-signature stamps
    MOTTO = auto()
    NUMBER = auto()
    DATE = auto()
    STAMP = auto()  # received-document stamp: "ĐẾN", "Số: 494", "Ngày: 16/01/2024"
    STAMP_LABEL = auto()  # stamp label whose text belongs to the page: "Chuyên: ..."
    COPY = auto()  # "SAO Y", "SAO LỤC"
    TITLE = auto()  # "KẾ HOẠCH", "KẾT LUẬN"
    SIG = auto()  # "T/M BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH"
    CAPS = auto()
    KINH_GUI = auto()
    NOI_NHAN = auto()
    MARKED = auto()  # starts with a bullet or a heading number
    TEXT = auto()


@dataclass(frozen=True)
class Lines:
    """The cleaned lines of one file with their tags and layout measures."""

    text: tuple[str, ...]
    tags: tuple[Tag, ...]
    # True when blank lines separate paragraphs (not every line, as docx extraction does).
    blank_breaks: bool
    # Lines shorter than this end their paragraph in hard-wrapped text.
    short_len: float


_MARKDOWN_HEAD_RE = re.compile(r"^\s*#+\s*")
_PAGENUM_RE = re.compile(r"^[-–\s]*\d{1,3}[-–\s]*$")
_SEPARATOR_RE = re.compile(r"^[-_=*.·\s]+$")
_TIMESTAMP_RE = re.compile(
    r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[+-]\d{2}:?\d{2})?$"
)
_FOLD_WORTHY = ("đảng cộng", "cộng h", "độc lập", "đến", "công", "văn bản", "số", "ngày", "giờ")
_MOTTO_PREFIXES = (
    "đảng cộng sản việt nam",
    "cộng hòa xã hội chủ nghĩa việt nam",
    "độc lập - tự do - hạnh phúc",
)
_STAMP_RE = re.compile(
    r"^(?:(?:công văn |văn bản )?đến(?: qua mạng)?|số\s*:?\s*\d+|ngày\s*:\s*\d.*|giờ\s*:.*)$"
)
_STAMP_LABEL_RE = re.compile(
    r"^(?:Chuyên|Chuyển|Số và ký hiệu hồ sơ|Lưu hồ sơ số)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
_COLUMN_GAP_RE = re.compile(r"\s{4,}")
_KINH_GUI_RE = re.compile(r"^[-–\s]*Kính\s+gửi\b", re.IGNORECASE)
_NOI_NHAN_RE = re.compile(r"^Nơi\s+nhận\b", re.IGNORECASE)
_COPY_RE = re.compile(r"^(?:SAO Y|SAO LỤC|TRÍCH SAO)\b")
_SIG_RE = re.compile(
    r"^(?:(?:T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|Q\.|THỪA LỆNH|THAY MẶT|KÝ THAY)\s"
    r"|(?:PHÓ\s+)?(?:CHỦ TỊCH|BÍ THƯ|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|TRƯỞNG BAN|TRƯỞNG PHÒNG"
    r"|THỦ TRƯỞNG|CHỦ NHIỆM|HIỆU TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG|CỤC TRƯỞNG|VIỆN TRƯỞNG"
    r"|CHÁNH THANH TRA|TỔNG BIÊN TẬP|TRƯỞNG ĐOÀN)\s*$)"
)
KIND_TITLES = {
    "kế hoạch": "Kế hoạch",
    "kết luận": "Kết luận",
    "chương trình": "Chương trình",
    "quyết định": "Quyết định",
    "chỉ thị": "Chỉ thị",
    "nghị quyết": "Nghị quyết",
    "thông báo": "Thông báo",
    "báo cáo": "Báo cáo",
    "tờ trình": "Tờ trình",
    "hướng dẫn": "Hướng dẫn",
    "đề án": "Đề án",
    "công điện": "Công điện",
    "thông tri": "Thông tri",
    "quy định": "Quy định",
    "quy chế": "Quy chế",
    "công văn": "Công văn",
}
_TITLE_RE = re.compile(r"^(?P<kind>" + "|".join(KIND_TITLES) + r")\b")
MARKER_RE = re.compile(
    r"^(?:(?P<roman>[IVX]{1,5})\s*[.\-–)]\s+"
    r"|(?:Điều\s+)?(?P<num>\d{1,4}(?:\.\d{1,3})*)\s*[.)]\s+"
    r"|\(?(?P<letter>[a-zđ]|(?<=\()(?:\d{1,2}|[ivx]{2,4}))\s*\)\s*"
    r"|(?P<bullet>[-+•–—])\s*(?=\S))"
)


_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_UNDERSCORE_RE = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")


def clean_text(text: str) -> str:
    """The whole file in NFC with plain spaces, "\\n" line ends and no emphasis or stars."""
    if "&" in text:
        # Text copied out of web pages keeps its entities: "&amp;", "&nbsp;", "&#7889;".
        text = html.unescape(text)
    # Soft hyphens and zero-width marks from PDF extraction sit inside words ("tr\u00adước").
    text = _INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u00a0", " ").replace("\t", " ").replace("**", "").replace("★", "")


def clean_line(raw: str) -> str:
    """A line (of clean_text) without heading hashes, stray stars or outer spaces."""
    s = raw.strip()
    if s.startswith("#"):
        s = _MARKDOWN_HEAD_RE.sub("", s)
    if "_" in s:
        # Markdown emphasis ("_Nơi nhận:_"), not the underscores inside a word or a rule line.
        s = _UNDERSCORE_RE.sub("", s).strip() or s
    if "*" not in s or s == "*":
        return s
    if s.startswith("* "):
        s = "- " + s[2:]
    return s.replace("*", "").strip()


def drop_motto_column(s: str) -> str:
    """A two-column header line without its motto half ("TỈNH X      Độc lập - Tự do ...")."""
    if "    " not in s:
        return s
    cells = _COLUMN_GAP_RE.split(s)
    kept = [c for c in cells if not fold(c).startswith(_MOTTO_PREFIXES)]
    return "    ".join(kept) if kept and len(kept) < len(cells) else s


def stamp_label_text(line: str) -> str | None:
    """The page text a stamp label sits on ("Chuyên: tiếp tục ..." -> "tiếp tục ...")."""
    m = _STAMP_LABEL_RE.match(line)
    return m["rest"].strip() if m else None


def title_kind(line: str) -> str | None:
    """The document kind named by a title line ("KẾ HOẠCH" -> "Kế hoạch")."""
    m = _TITLE_RE.match(fold(line))
    return KIND_TITLES[m["kind"]] if m else None


def copy_kind(line: str) -> str | None:
    """The copy kind ("Sao y", "Sao lục") named by a copy-stamp line."""
    m = _COPY_RE.match(line)
    if not m:
        return None
    return "Sao lục" if "LỤC" in m.group(0) else "Sao y"


def is_signature_title(line: str) -> bool:
    """True for the capitalised lines of a signature block ("KT. CHỦ TỊCH", "BÍ THƯ")."""
    return bool(_SIG_RE.match(line))


def is_delegation(line: str) -> bool:
    """True for "T/M ...", "KT. ..." lines, which name on whose behalf one signs."""
    return bool(re.match(r"^(?:T/M|TM\.?|K/T|KT\.?|T/L|TL\.?|Q\.|THỪA LỆNH|THAY MẶT)\s", line))


def _tag(s: str) -> Tag:
    if not s:
        return Tag.BLANK
    # Most lines are wrapped prose that starts in lower case: nothing else to check.
    if s[0].islower() and len(s) > 2 and s[1] not in ").":
        return Tag.TEXT
    if s == "*" or _PAGENUM_RE.match(s) or _SEPARATOR_RE.match(s) or _TIMESTAMP_RE.match(s):
        return Tag.JUNK
    # Mottos, stamps and titles are short lines with known openings; fold only those.
    low = s[:12].lower()
    f = fold(s) if len(s) <= 80 and low.startswith(_FOLD_WORTHY) else ""
    if f.startswith(_MOTTO_PREFIXES):
        return Tag.MOTTO
    if parse_number_line(s):
        return Tag.NUMBER
    if _STAMP_RE.match(f):
        return Tag.STAMP
    if _STAMP_LABEL_RE.match(s):
        return Tag.STAMP_LABEL
    if _KINH_GUI_RE.match(s):
        return Tag.KINH_GUI
    if _NOI_NHAN_RE.match(s):
        return Tag.NOI_NHAN
    if parse_place_date(s):
        return Tag.DATE
    if MARKER_RE.match(s):
        return Tag.MARKED
    if is_caps(s):
        if _COPY_RE.match(s):
            return Tag.COPY
        if _SIG_RE.match(s):
            return Tag.SIG
        if _TITLE_RE.match(fold(s)) and len(s.split()) <= 8:
            return Tag.TITLE
        return Tag.CAPS
    return Tag.TEXT


def tag_line(s: str) -> Tag:
    """The tag of one cleaned line, as read_lines gives it before looking at its neighbours."""
    return _tag(s)


def column_cells(s: str) -> list[str]:
    """The cells of a line that lays two columns side by side ("- Như trên;      KT. CHỦ TỊCH")."""
    return [c for c in _COLUMN_GAP_RE.split(s) if c]


def first_letter_lower(s: str) -> bool:
    """True when the first letter of s is lower-case (the line continues a sentence)."""
    return next((c for c in s if c.isalpha()), "").islower()


_AWAITS_NUMBER_RE = re.compile(r"\b[Ss]ố\s*:?$")


def continues(prev: str, line: str, paragraph_break: bool, short_len: float) -> bool:
    """True when line carries on the paragraph whose last line is prev.

    A lower-case start always continues; otherwise the paragraph goes on only across a plain
    line break after a full-width line that does not end in a colon.
    """
    if first_letter_lower(line):
        return True
    # "Căn cứ Nghị định số" / "63/2010/NĐ-CP …": the number a line waits for is on the next.
    if _AWAITS_NUMBER_RE.search(prev) and line[:1].isdigit():
        return True
    return not paragraph_break and len(prev) >= short_len and not prev.endswith(":")


def _prev_nonblank(tags: list[Tag], i: int) -> int | None:
    j = i - 1
    while j >= 0 and tags[j] is Tag.BLANK:
        j -= 1
    return j if j >= 0 else None


def read_lines(text: str) -> Lines:
    """Clean and tag every line of a file, and measure its layout."""
    cleaned = [drop_motto_column(clean_line(r)) for r in clean_text(text).split("\n")]
    tags = [_tag(s) for s in cleaned]
    for i, s in enumerate(cleaned):
        j = _prev_nonblank(tags, i)
        if j is None:
            continue
        # A digital signature prints the signer's organisation just above its timestamp.
        if _TIMESTAMP_RE.match(s) and tags[j] is Tag.TEXT and len(cleaned[j]) <= 40:
            tags[j] = Tag.JUNK
        # A received stamp starts with the receiving office above "ĐẾN".
        if tags[i] is Tag.STAMP and tags[j] is Tag.CAPS and fold(s).startswith(("đến", "công")):
            tags[j] = Tag.STAMP
    filled = [i for i, t in enumerate(tags) if t is not Tag.BLANK]
    gaps = [b - a > 1 for a, b in zip(filled, filled[1:], strict=False)]
    blank_breaks = bool(gaps) and sum(gaps) / len(gaps) < 0.9
    return Lines(tuple(cleaned), tuple(tags), blank_breaks, _short_len(cleaned, tags, filled))


def _short_len(text: list[str], tags: list[Tag], filled: list[int]) -> float:
    """Below this length a line ends its paragraph: three quarters of the wrap width."""
    prose = (Tag.TEXT, Tag.MARKED)
    pairs = [(i, j) for i, j in zip(filled, filled[1:], strict=False) if tags[i] in prose]
    # A line followed by one that starts in lower case was certainly wrapped, so its length
    # is the wrap width, whatever long one-line paragraphs the file also holds.
    wrapped = sorted(len(text[i]) for i, j in pairs if first_letter_lower(text[j]))
    if len(pairs) >= 20 and len(wrapped) * 25 < len(pairs):
        # Hardly a line runs on into the next: one paragraph a line, as .docx text comes.
        return float("inf")
    if len(wrapped) >= 8:
        return 0.78 * wrapped[len(wrapped) // 2]
    lengths = sorted(len(text[i]) for i in filled if tags[i] in prose)
    p90 = lengths[int(len(lengths) * 0.9)] if lengths else 80
    return 0.75 * p90
