"""Finding who is assigned what in the body of a directive, and its section headings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from .dates import cell_deadline, deadline_from_text, precision_of
from .execution import execution_clause
from .model import ParsedAssignment, Role
from .normalize import fold, squash, strip_marks
from .reflow import Para, split_sentences
from .units import (
    drop_titles,
    is_unit_start,
    narrates,
    opens_with_verb,
    split_units,
    unit_at,
    unit_end,
)

_GIAO_RE = re.compile(r"^[Gg]iao\s+(?:cho\s+)?")
# "Đề nghị UBND các huyện:" / "Yêu cầu Công an huyện ..." hands work out like "Giao".
_ASK_RE = re.compile(r"^(?:[Gg]iao|[Đđ]ề nghị|[Yy]êu cầu)\s+(?:cho\s+)?")
# "Yêu cầu các cơ quan, đơn vị nghiêm túc thực hiện" closes a document; it assigns nothing.
_GENERIC_RE = re.compile(
    r"^(?:các|những|mọi)\s+(?:cơ quan|đơn vị|tổ chức|cá nhân|địa phương|ngành|cấp|đồng chí"
    r"|thành viên)\b|\bcá nhân\b"
)
# "... triển khai thực hiện./." asks for the document to be carried out, nothing more.
_CARRY_OUT_RE = re.compile(
    r"^(?:(?:nghiêm túc|khẩn trương|tổ chức|chủ động|triển khai|quán triệt|tích cực)[\s,]+)*"
    r"(?:thực hiện|thi hành|triển khai)(?:\s+(?:tốt|nghiêm|nghiêm túc|có hiệu quả|hiệu quả))?"
    r"(?:\s+(?:nội dung|kế hoạch|công văn|văn bản|chỉ thị|thông báo|quyết định)(?:\s+này)?)?"
    r"[\s./]*$"
)
_CLOSING = ("trên đây", "yêu cầu", "đề nghị", "trong quá trình", "quá trình thực hiện", "nơi nhận")
# Section titles and role verbs are matched without marks, so that OCR slips ("TỔ CHỨC THỤC
# HIỆN", "chủ trỉ", "phôi hợp") still count; the texts themselves are left as written.
_IMPL = ("to chuc thuc hien", "phan cong", "trach nhiem")
_TASKS = ("nhiem vu", "giai phap")
# Sections that set out aims, background or funding; any other section may hand out work.
_NOT_TASKS = (
    "muc dich", "yeu cau", "quan diem", "muc tieu", "kinh phi", "can cu", "tinh hinh",
    "ket qua", "danh gia", "boi canh", "thuc trang", "pham vi", "doi tuong", "giai thich",
    "nguyen tac", "chi tieu", "du toan", "ton tai", "han che", "nguyen nhan", "bai hoc",
)  # fmt: skip
_LEAD_RE = re.compile(r"\bchu tri\b")
_COORD_WORD_RE = re.compile(r"\bphoi hop\b")
_COORD_NOUNS = {"sự", "chế", "việc", "tác", "quy", "có", "trong", "được"}
# A task that opens with coordinating: "Phối hợp với ...", "Có trách nhiệm phối hợp ...".
_COORD_OPEN_RE = re.compile(
    r"^\W*(?:(?:co trach nhiem|chu dong|tich cuc|tham gia|thuc hien|tiep tuc)\s+)?phoi hop\b"
)
_COORD_RE = re.compile(r"\bphoi hop(?:\s+(?:voi|cung))?\s+")
# "Định kỳ hằng quý (trước ngày 20 của tháng cuối quý) báo cáo": a bracket may sit between.
_BRACKET = r"\([^()\n]{0,80}\)"
_RECURRENCE_RE = re.compile(
    r"\bđịnh kỳ\b(?P<mid>(?:[^.;()\n]|" + _BRACKET + r"){0,60}?)\bbáo cáo", re.IGNORECASE
)
_PERIODS = (
    (re.compile(r"\b(?:6|sáu) tháng\b"), "half-yearly"),
    (re.compile(r"\b(?:hằng|hàng) năm\b|\bnăm\b"), "yearly"),
    (re.compile(r"\b(?:hằng|hàng) quý\b|\bquý\b"), "quarterly"),
    (re.compile(r"\b(?:hằng|hàng) tháng\b|\btháng\b"), "monthly"),
    (re.compile(r"\b(?:hằng|hàng) tuần\b|\btuần\b"), "weekly"),
)
_DAY_PERIOD_RE = re.compile(
    r"\b(?:chậm nhất|trước|hạn cuối)\s+(?:ngày\s+)?\d{1,2}(?:/\d{1,2})?\s+(?:hằng|hàng)\s+"
    r"(?P<p>năm|tháng)\b",
    re.IGNORECASE,
)
_PLAIN_PERIOD_RE = re.compile(
    r"\b(?:hằng|hàng) (?P<p>năm|quý|tháng|tuần)(?:\s*"
    + _BRACKET
    + r")?,? báo cáo|\bbáo cáo (?:định kỳ )?(?:hằng|hàng) "
    r"(?P<q>năm|quý|tháng|tuần)\b",
    re.IGNORECASE,
)
_REPORT_TAIL = (
    r"\s+(?:(?:kết quả|tình hình)(?:\s+thực hiện)?\s+)?(?:đề xuất\s+)?(?:(?:về|cho|lên|với)\s+)?"
)
# "báo cáo X" names whom to report to; "gửi về X" only when nothing says "báo cáo".
_REPORT_RES = (
    re.compile(r"\bbáo cáo" + _REPORT_TAIL, re.IGNORECASE),
    re.compile(r"\bgửi(?:\s+về)?" + _REPORT_TAIL, re.IGNORECASE),
)
# "báo cáo kết quả thực hiện Kế hoạch về Ủy ban nhân dân huyện": a longer object first.
_REPORT_LONG_RE = re.compile(r"\bbáo cáo\s(?P<object>[^.;:\n]{0,100})", re.IGNORECASE)
_TO_RE = re.compile(r"\s(?:về|lên)\s+")
# The closing article of a decision names who executes it; that is no follow-up task.
_EXECUTION_RE = re.compile(r"(?:có trách nhiệm|chịu trách nhiệm)?\s*thi hành\b")
# A unit name never runs longer than this: look no further after a keyword, so that reading
# a long paragraph stays linear in its length.
UNIT_WINDOW = 800
# Where a clause may start inside a paragraph: "(1)", "(ii)", or a capital after ":" or ";".
_CLAUSE_RE = re.compile(r"\s*\((?:\d{1,2}|[ivx]{1,4})\)\s+|(?<=[:;])\s+(?=[A-ZĐ])")
_SPEAKER_RE = re.compile(
    r"^(?:trân trọng\s+|kính\s+|xin\s+)?(?:đề nghị|yêu cầu|giao|thông báo để)\s+(?:cho\s+)?",
    re.IGNORECASE,
)
_VIA_RE = re.compile(r"^\s*\(\s*qua\s+(?P<via>[^)]+)\)")
# "Về thủ tục nhập khẩu tàu LNG: Giao Bộ Xây dựng hướng dẫn …": the topic, then who does it.
_TOPIC_RE = re.compile(r"^(?:[Vv]ề|[Đđ]ối với)\s[^:;.]{3,200}:\s+(?=\S)")
# Phrases that open a sentence before its unit: "Trên cơ sở đó, Bộ Tư pháp tổng hợp …".
_LEAD_IN_RE = re.compile(
    r"^(?:[Cc]ăn cứ|[Tt]rên cơ sở|[Đđ]ể|[Ss]au khi|[Tt]heo đó|[Đđ]ồng thời|[Nn]goài ra"
    r"|[Nn]hằm|[Tt]rong quá trình|[Tt]rường hợp)\b"
)
_COMMA_RE = re.compile(r",\s+")
_LEAD_IN_SPAN = 400
# "Căn cứ Luật …, Chủ tịch UBND tỉnh quyết định:" is a decision's preamble, not a task.
_DECIDES_RE = re.compile(r"^(?:quyết định|ban hành|quy định)\b")
# "Văn phòng Chính phủ thông báo để …", "Bộ X yêu cầu …": the issuer speaks, it takes no task;
# "Bộ Nội vụ được giao xây dựng …" tells the background.
_SPOKEN_RE = re.compile(
    r"^(?:(?:xin|trân trọng|kính)\s+)?(?:thông báo|đề nghị|yêu cầu|giao|cảm ơn|trả lời|gửi"
    r"|để|nhằm|được)\b",
    re.IGNORECASE,
)
_INNER_ASK_RE = re.compile(r"\s(?=(?:yêu cầu|đề nghị)\s)")
_LEADING_BRACKET_RE = re.compile(r"^\((?:[^()]|\([^()]*\))*\)")
_DEADLINE_STOP_RE = re.compile(r"\s+(?:chậm nhất|trước ngày|trước|trong|kết quả)\b.*$")


@dataclass
class _Draft:
    unit: str
    lead: str = ""
    tasks: list[str] = field(default_factory=list)
    # The heading number it was opened under ("2"), if any: a sibling number closes it.
    marker: str | None = None

    def text(self) -> str:
        """The draft's text so far, as one string."""
        # One task per line, so that a unit read after "báo cáo" cannot run into the next task.
        return "\n".join(t for t in [self.lead, *self.tasks] if t)


def _verb_use(text: str, m: re.Match[str], nouns: set[str], window: int = 1) -> bool:
    before = fold(text[max(0, m.start() - 40) : m.start()]).split()[-window:]
    return not nouns.intersection(before)


def _bare(text: str) -> str:
    return strip_marks(text).lower()


def _role(text: str) -> Role:
    bare = _bare(text)
    # "các hoạt động do các cơ quan nhà nước chủ trì" names someone else as lead.
    if any(_verb_use(text, m, {"do"}, window=6) for m in _LEAD_RE.finditer(bare)):
        return "lead"
    # "sự phối hợp chặt chẽ" is a noun; "phối hợp với ..." or "phối hợp chỉ đạo" is the unit's part.
    # A unit coordinates when that is what it is given to do: its first action is "phối hợp",
    # or every one of its tasks is; one "phối hợp" task among others does not make it so.
    if "phoi hop" not in bare:
        return "unspecified"
    # strip_marks keeps every character in place, so the bare lines match the text's lines.
    lines = [(t, b) for t, b in zip(text.split("\n"), bare.split("\n"), strict=True) if b.strip()]
    if _COORD_OPEN_RE.match(lines[0][1]) or all(_coordinates(t, b) for t, b in lines):
        return "coordinate"
    return "unspecified"


def _coordinates(line: str, bare: str) -> bool:
    return any(_verb_use(line, m, _COORD_NOUNS) for m in _COORD_WORD_RE.finditer(bare))


def _coordinators(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for m in _COORD_RE.finditer(_bare(text)):
        rest = text[m.end() : m.end() + UNIT_WINDOW]
        if not is_unit_start(rest):
            continue
        unit = rest[: unit_end(rest)].strip(" ,;:.")
        for u in split_units(unit):
            if fold(u) not in {fold(x) for x in out}:
                out.append(u)
    return tuple(out)


_PERIOD_NAMES = {"năm": "yearly", "quý": "quarterly", "tháng": "monthly", "tuần": "weekly"}


def _recurrence(text: str) -> tuple[str | None, str | None]:
    m = _RECURRENCE_RE.search(text)
    if m:
        mid = fold(m["mid"])
        # The period is named outside the bracket ("hằng quý (trước ngày 20 ...)").
        mid = re.sub(_BRACKET, " ", mid) if re.sub(_BRACKET, "", mid).strip() else mid
        for rx, name in _PERIODS:
            if rx.search(mid):
                return name, squash(m.group(0))
        # "định kỳ báo cáo … trước ngày 25 hằng tháng" names its period after the verb.
        day = _DAY_PERIOD_RE.search(text, m.end())
        if day:
            return _PERIOD_NAMES[fold(day["p"])], squash(day.group(0))
        return "periodic-unspecified", squash(m.group(0))
    p = _DAY_PERIOD_RE.search(text) or _PLAIN_PERIOD_RE.search(text)
    if p:
        word = fold(p["p"] or p["q"])
        return _PERIOD_NAMES[word], squash(p.group(0))
    return None, None


def _report_starts(text: str) -> Iterator[int]:
    """Where the unit reported to may start: right after "báo cáo" / "gửi về", or after the
    "về" that ends a longer object."""
    for rx in _REPORT_RES:
        for m in rx.finditer(text):
            yield m.end()
    for m in _REPORT_LONG_RE.finditer(text):
        for to in _TO_RE.finditer(text, m.start("object") - 1, m.end()):
            yield to.end()


def _report(text: str) -> tuple[str | None, str | None]:
    for start in _report_starts(text):
        rest = text[start : start + UNIT_WINDOW]
        if not is_unit_start(rest):
            continue
        end = unit_end(rest)
        unit = _DEADLINE_STOP_RE.sub("", rest[:end]).strip(" ,;:./")
        if unit:
            via = _VIA_RE.match(rest[end:])
            return unit, (squash(via["via"]) if via else None)
    return None, None


def _finish(d: _Draft, issued: date | None) -> ParsedAssignment:
    tasks = [t for t in d.tasks if t]
    if not tasks and d.lead:
        tasks = [d.lead]
    text = d.text()
    coordinators = _coordinators(text)
    deadline, deadline_text = deadline_from_text(text, issued)
    recurrence, recurrence_text = _recurrence(text)
    report_to, report_via = _report(text)
    return ParsedAssignment(
        unit=d.unit,
        units_split=split_units(d.unit),
        role=_role(text),
        coordinators=coordinators,
        tasks=tuple(_capitalise(t) for t in tasks),
        deadline=deadline,
        deadline_text=deadline_text,
        deadline_precision=precision_of(deadline_text) if deadline else None,
        recurrence=recurrence,
        recurrence_text=recurrence_text,
        report_to=report_to,
        report_via=report_via,
    )


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


def _region_of(heading: str) -> str:
    f = _bare(heading)
    if any(k in f for k in _IMPL):
        return "impl"
    if any(k in f for k in _TASKS):
        return "tasks"
    if any(k in f for k in _NOT_TASKS):
        return "other"
    return "tasks"


def _after_lead_in(text: str) -> str | None:
    """The clause after an opening phrase that names its unit and verb next, else None.

    "Trên cơ sở đề nghị của các Bộ, Bộ Tài chính khẩn trương rà soát …" and "Căn cứ Lịch
    … tại Điều 1, Thủ trưởng các đơn vị … chịu trách nhiệm …" give their unit after a comma.
    """
    if not _LEAD_IN_RE.match(text):
        return None
    for comma in _COMMA_RE.finditer(text, 0, _LEAD_IN_SPAN):
        clause = text[comma.end() :]
        # "… của các Bộ, cơ quan liên quan, Bộ Tài chính rà soát": the subject is capitalised.
        found = unit_at(clause) if clause[:1].isupper() else None
        if found is None:
            continue
        rest = found[1]
        if opens_with_verb(rest) and not narrates(rest) and not _DECIDES_RE.match(fold(rest)):
            return clause
    return None


def _open(p: Para, need_verb: bool) -> _Draft | None:
    """A draft assignment when the paragraph opens with "Giao <unit>" or a unit name."""
    text = p.text
    after_lead_in = _after_lead_in(text)
    if after_lead_in is not None:
        return _open(Para(p.kind, p.marker, after_lead_in), need_verb)
    topic = _TOPIC_RE.match(text)
    if topic:
        after = _open(Para(p.kind, p.marker, text[topic.end() :]), need_verb)
        if after is not None:
            return after
    # A numbered or bulleted item may open with "Đề nghị" or "Yêu cầu" as well as "Giao".
    giao = (_ASK_RE if p.kind in ("num", "letter", "bullet") else _GIAO_RE).match(text)
    body = text[giao.end() :] if giao else text
    found = unit_at(body)
    if not found:
        return None
    unit, rest = found
    if _EXECUTION_RE.match(fold(rest)):
        return None
    speaker = _SPEAKER_RE.match(rest)
    if speaker:
        # "Bộ Tài chính trân trọng đề nghị UBND các tỉnh …": the issuer asks someone else.
        return _open(Para(p.kind, p.marker, rest[speaker.end() :]), need_verb)
    unit = drop_titles(unit)
    if need_verb and not giao and not rest:
        return None
    if p.kind == "num" and not giao and not rest and len(unit.split()) > 25:
        return None
    if not giao and _listed_only(rest, text):
        return None
    if giao and not rest and text.rstrip().endswith(":") and _GENERIC_RE.search(fold(unit)):
        # "2. Giao các cơ quan, đơn vị:" introduces the units named under it.
        return None
    return _Draft(unit=unit, lead=_capitalise(rest) if rest else "")


def _listed_only(rest: str, text: str) -> bool:
    """True for an entry of a list of units ("a) UBND các xã, phường (gọi chung là UBND cấp
    xã);", "2. Các cơ quan, tổ chức có liên quan."): whom a rule applies to, not a task."""
    if not text.rstrip().endswith((".", ";")):
        return False
    if not rest:
        return True
    bracket = _LEADING_BRACKET_RE.match(rest)
    if bracket is None:
        return False
    # "Cơ quan chuyên môn (trừ …), tổ chức hành chính khác …": the list goes on after it.
    return rest[bracket.end() :].strip()[:1] in ("", ",", ";", ".")


def _other_unit(sentence: str, unit: str) -> _Draft | None:
    """A draft for a sentence that hands its work to a unit other than the given one."""
    clause = _after_lead_in(sentence) or sentence
    found = unit_at(clause) if clause[:1].isupper() else None
    if found is None:
        return None
    name, rest = drop_titles(found[0]), found[1]
    # "Bộ Nội vụ được giao xây dựng …" tells what the unit was given before (unlike "các đơn
    # vị được giao nhiệm vụ", a name).
    if fold(name).endswith(" được giao"):
        return None
    if fold(name) == fold(unit) or not opens_with_verb(rest) or narrates(rest):
        return None
    if _DECIDES_RE.match(fold(rest)) or _EXECUTION_RE.match(fold(rest)) or _SPOKEN_RE.match(rest):
        return None
    return _Draft(unit=name, tasks=[_capitalise(rest)])


def _hand_offs(d: _Draft) -> list[_Draft]:
    """The draft, and one more for each later sentence of a task that names another unit.

    "Bộ Y tế tổng hợp báo cáo trước ngày 05/12. Trên cơ sở đó, Bộ Tư pháp báo cáo Thủ tướng
    Chính phủ" gives Bộ Tư pháp the rest of that task; the draft's next tasks stay its own.
    """
    out = [d]
    tasks, d.tasks = d.tasks, []
    for n, task in enumerate(tasks):
        current = d
        kept: list[str] = []
        for k, sentence in enumerate(split_sentences(task)):
            other = _other_unit(sentence, current.unit) if (n or k or d.lead) else None
            if other is None:
                kept.append(sentence)
                continue
            if kept:
                current.tasks.append(" ".join(kept))
            kept = []
            current = other
            out.append(other)
        if kept:
            current.tasks.append(" ".join(kept))
    return out


def _is_lead_in(d: _Draft) -> bool:
    # "3. Ban cán sự đảng Ủy ban nhân dân tỉnh lãnh đạo, chỉ đạo" then bullets.
    return len(d.lead.split()) <= 6 and "." not in d.lead


class _Reader:
    """Reads body paragraphs in order, keeping the current section and the open assignment."""

    def __init__(self, issued: date | None) -> None:
        self.issued = issued
        # Column index of "task", "lead", "coord" and "time" under a task table's header row.
        self.columns: dict[str, int] | None = None
        self.width = 0
        # The last full row of the table, whose cells merged cells below it repeat.
        self.last_row: list[str] = []
        # Where each (unit, deadline, role) of the table's rows sits in the assignments.
        self.table_rows: dict[tuple[str, date | None, str], int] = {}
        self.assignments: list[ParsedAssignment] = []
        self.sections: list[str] = []
        # "none" before any heading, "tasks" under NHIỆM VỤ VÀ GIẢI PHÁP, "impl" under
        # TỔ CHỨC THỰC HIỆN, "other" under any other heading (MỤC ĐÍCH, KINH PHÍ).
        self.region = "none"
        self.draft: _Draft | None = None
        # True under a numbered topic that ends in a colon, whose paragraphs name the units.
        self.topic = False

    def close(self) -> None:
        """Finish the assignment being read, if any."""
        if self.draft is not None:
            self.assignments.extend(_finish(d, self.issued) for d in _hand_offs(self.draft))
            self.draft = None

    def open(self, draft: _Draft) -> _Draft:
        """Start reading a new assignment."""
        self.close()
        self.draft = draft
        return draft

    def read(self, p: Para) -> None:
        """Take one paragraph of the section."""
        # Headings are short; of a long paragraph only the opening words matter here.
        head = fold(p.text if len(p.text) <= 120 else p.text[:120])
        if p.kind == "row":
            self.row(p)
            return
        self.columns = None
        executes = execution_clause(p.text)
        if executes is not None:
            self.close()
            self.assignments.append(executes)
            return
        if p.kind == "roman" or (p.kind == "caps" and any(k in _bare(head) for k in _IMPL)):
            self.close()
            self.region = _region_of(p.text)
        elif p.kind == "num":
            self.numbered(p, head)
        elif p.kind in ("bullet", "letter"):
            self.item(p)
        elif p.kind == "text":
            self.prose(p, head)
        if p.text.rstrip().endswith("./."):
            self.close()

    def row(self, p: Para) -> None:
        """A table row ("STT | Nhiệm vụ | Cơ quan chủ trì | ..."): a header or one assignment."""
        cells = [c.strip() for c in p.text.split("|")]
        if _tracks_others(cells):
            self.close()
            self.columns = None
            return
        header = _table_columns(cells)
        if header is not None:
            self.close()
            self.columns, self.width = header, len(cells)
            self.last_row, self.table_rows = [], {}
            return
        cols = self.columns
        if cols is None:
            return
        if len(cells) < self.width and self.last_row and cells[0] and cells[0][0].isdigit():
            # "12 | Số lao động | Chính thức": the cells it lacks are merged with the row above.
            cells = [*cells, *self.last_row[len(cells) :]]
        # Rows with merged cells ("I | Nhóm nhiệm vụ về thể chế") are group headings; a row
        # whose lead cell names no unit ("4", "Đã hoàn thành") numbers or reports, not assigns.
        if len(cells) != self.width or not is_unit_start(cells[cols["lead"]]):
            return
        self.close()
        self.last_row = cells
        got = _row_assignment(cells, cols, self.issued)
        # Rows of one unit due the same day are one task to follow up, with each row's item.
        key = (fold(got.unit), got.deadline, got.role)
        same = self.table_rows.get(key)
        if same is None:
            self.table_rows[key] = len(self.assignments)
            self.assignments.append(got)
        else:
            prev = self.assignments[same]
            self.assignments[same] = replace(prev, tasks=(*prev.tasks, *got.tasks))

    def numbered(self, p: Para, head: str) -> None:
        """A numbered paragraph: a unit heading, or a task of the current unit."""
        self.topic = False
        if _bare(head).rstrip(".:").endswith(_IMPL) and len(head.split()) <= 6:
            self.close()
            self.region = "impl"
            return
        if self.region == "other":
            self.close()
            return
        new = _open(p, need_verb=False)
        draft = self.draft
        if new:
            self.open(new).marker = p.marker
            if new.lead and (not _is_lead_in(new) or p.text.rstrip().endswith(".")):
                new.tasks.extend(split_sentences(new.lead))
                new.lead = ""
        elif self.region != "other" and self.clauses(p.text):
            return
        elif self.region == "tasks" and "." not in p.marker:
            self.close()
            self.sections.append(f"{p.marker}. {p.text.rstrip(' .:')}")
            self.topic = p.text.rstrip().endswith(":")
        elif draft is not None and draft.marker and draft.marker.count(".") == p.marker.count("."):
            # "Điều 3." after "Điều 2. Giao Sở X ..." is the next item, not one of its tasks.
            self.close()
        elif draft is not None:
            draft.tasks.append(p.text)

    def item(self, p: Para) -> None:
        """A bulleted paragraph: a task, or a unit with its verb."""
        # Under a task section, "a) Bộ Y tế hoàn thành …" names a unit of its own.
        opens = self.region in ("none", "impl") or (self.region == "tasks" and p.kind == "letter")
        new = _open(p, need_verb=True) if opens else None
        if new:
            self.open(new).tasks.append(new.lead)
            new.lead = ""
        elif self.draft is not None:
            self.draft.tasks.append(_capitalise(p.text))

    def asked(self, text: str) -> bool:
        """Open an assignment for "Giao/Đề nghị/Yêu cầu <unit> ..." naming a unit of its own."""
        m = _ASK_RE.match(text)
        if not m:
            # "(Để …,) Bộ Tài chính đề nghị UBND các tỉnh …": the issuer names itself, then asks.
            for start in (0, *(c.end() for c in re.finditer(r",\s+", text))):
                spoken = unit_at(text[start:])
                m = _SPEAKER_RE.match(spoken[1]) if spoken else None
                if spoken and m:
                    text = spoken[1]
                    break
            else:
                # "…, Ban Chỉ đạo của Chính phủ về … yêu cầu Chủ tịch UBND các tỉnh tập trung
                # … một số nội dung sau:" asks after a name too long to read as a unit.
                inner = _INNER_ASK_RE.search(text) if text.rstrip().endswith(":") else None
                text = text[inner.end() :] if inner else ""
                m = _ASK_RE.match(text)
                if m is None or not is_unit_start(text[m.end() :]):
                    return False
        body = text[m.end() :]
        new = _open(Para("text", "", body), need_verb=False)
        if new is None:
            return False
        giao = fold(text).startswith("giao")
        plain = not giao and not text.rstrip().endswith(":")
        if plain and (_GENERIC_RE.search(fold(new.unit)) or _CARRY_OUT_RE.match(fold(new.lead))):
            return False
        self.open(new).tasks.extend(split_sentences(new.lead))
        new.lead = ""
        return True

    def clauses(self, text: str) -> bool:
        """Assignments for the clauses of a paragraph that each open with a unit and a verb.

        "Khẩn trương ban hành chiến lược: (1) Thanh tra Chính phủ ban hành trước …; (2) Bộ
        Công an chủ trì …" hands out work clause by clause after a topic.
        """
        drafts = []
        # The opening part is the topic, or a unit the caller has already looked at.
        for part in _CLAUSE_RE.split(text)[1:]:
            new = _open(Para("text", "", part), need_verb=True) if part.strip() else None
            if new is not None and opens_with_verb(new.lead) and not narrates(new.lead):
                drafts.append(new)
        if not drafts:
            return False
        self.close()
        for d in drafts:
            d.tasks, d.lead = split_sentences(d.lead), ""
            self.assignments.append(_finish(d, self.issued))
        return True

    def prose(self, p: Para, head: str) -> None:
        """A plain paragraph: a 'Giao …' sentence, or more of the current task."""
        if head.startswith(_CLOSING):
            self.close()
            # "Trên đây là ... Giao Phòng X theo dõi, đôn đốc ..., báo cáo UBND huyện."
            sentences = split_sentences(p.text)
            for k, sentence in enumerate(sentences):
                # One that ends in a colon hands out the items under it: leave it open.
                if self.asked(sentence) and not (k == len(sentences) - 1 and p.text.endswith(":")):
                    self.close()
            return
        if self.region == "none" and p.text.endswith(":") and "nhiệm vụ" in p.text.lower():
            # "... tập trung thực hiện tốt một số nhiệm vụ trọng tâm sau:" opens task sections.
            self.close()
            self.region = "tasks"
            return
        if self.region == "none" and p.text.endswith(":"):
            # "… Phó Thủ tướng có ý kiến như sau:" / "… Bộ Tài chính đề nghị UBND các tỉnh:"
            sentences = split_sentences(p.text) or [p.text]
            last = sentences[-1]
            # "… Sở X đề nghị UBND các xã … . Cụ thể:" asks in the sentence before.
            if len(sentences) > 1 and len(last.split()) <= 3:
                last = sentences[-2]
            if self.asked(last):
                return
            if "như sau" in fold(p.text[-60:]):
                self.close()
                self.region, self.topic = "tasks", True
                return
        new = None
        if self.region in ("none", "impl", "tasks") and _GIAO_RE.match(p.text):
            new = _open(p, need_verb=False)
        elif self.region == "impl":
            new = _open(p, need_verb=True)
        elif self.region == "tasks":
            # Under "1. Quyết liệt trong chỉ đạo:" the paragraphs name who does it.
            new = _open(p, need_verb=True) if self.topic else None
            if new is not None and not opens_with_verb(new.lead):
                new = None
            if new is None and self.clauses(p.text):
                return
        if new:
            self.open(new).tasks.extend(split_sentences(new.lead))
            new.lead = ""
        elif self.draft is not None:
            self.draft.tasks.extend(split_sentences(p.text))


_COLUMN_KEYS = (
    ("coord", ("phoi hop",)),
    ("lead", ("chu tri", "thuc hien", "trach nhiem", "co quan", "don vi")),
    ("time", ("thoi gian", "thoi han", "tien do", "hoan thanh")),
    ("task", ("nhiem vu", "noi dung", "cong viec", "hoat dong")),
)


# A table that quotes the document each task came from ("Văn bản giao nhiệm vụ"), or reports
# how far each one got ("Kết quả thực hiện" beside "Tiến độ"), tracks tasks given elsewhere:
# it assigns nothing anew. A plan's "Kết quả thực hiện" alone names the expected product.
_SOURCE_CELL = "van ban giao"
_STATUS_CELLS = ("ket qua thuc hien", "tien do")


def _tracks_others(cells: list[str]) -> bool:
    heads = [_bare(c) for c in cells if len(c) < 60]
    if any(h.startswith(_SOURCE_CELL) for h in heads):
        return True
    return all(any(h.startswith(k) for h in heads) for k in _STATUS_CELLS)


def _table_columns(cells: list[str]) -> dict[str, int] | None:
    """The task, lead, coordinator and time columns of a header row, or None."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(cells):
        bare = _bare(cell)
        for key, words in _COLUMN_KEYS:
            if key not in cols and any(w in bare for w in words):
                cols[key] = i
                break
    # A list of administrative procedures names who handles each one, not who must act.
    bare_cells = [_bare(c) for c in cells]
    if any("thu tuc" in c or "can cu phap ly" in c for c in bare_cells) and not any(
        "chu tri" in c for c in bare_cells
    ):
        return None
    # "Người đứng đầu chịu trách nhiệm" may stand before the "Cơ quan chủ trì" column.
    chu_tri = [i for i, c in enumerate(cells) if "chu tri" in _bare(c)]
    if chu_tri and cols.get("coord") != chu_tri[0]:
        cols["lead"] = chu_tri[0]
    if {"lead", "time"} <= cols.keys() and "task" not in cols and _bare(cells[0]) in ("stt", "tt"):
        # "STT | Tên thông tin | Thời gian | Đơn vị chịu trách nhiệm": the item is named first;
        # without a time column a table only lists (mines and their operators, say).
        cols["task"] = 1
    if "lead" in cols and "task" in cols:
        # Without a word for it, the lead column only lists who does the task.
        lead_head = _bare(cells[cols["lead"]])
        cols["lead_role"] = int("chu tri" in lead_head or "chiu trach nhiem" in lead_head)
        return cols
    return None


def _row_assignment(
    cells: list[str], cols: dict[str, int], issued: date | None
) -> ParsedAssignment:
    unit = drop_titles(squash(cells[cols["lead"]]).strip(" ,;."))
    coord = cells[cols["coord"]] if "coord" in cols else ""
    when = cells[cols["time"]] if "time" in cols else ""
    deadline, deadline_text = cell_deadline(when)
    if deadline is None and deadline_text is None:
        deadline, deadline_text = deadline_from_text(when, issued)
    recurrence, recurrence_text = _recurrence(when)
    task = squash(cells[cols["task"]])
    return ParsedAssignment(
        unit=unit,
        units_split=split_units(unit),
        role="lead" if cols["lead_role"] else "unspecified",
        coordinators=split_units(squash(coord).strip(" ,;.")) if coord.strip() else (),
        tasks=(_capitalise(task),) if task else (),
        deadline=deadline,
        deadline_text=deadline_text,
        deadline_precision=precision_of(deadline_text) if deadline else None,
        recurrence=recurrence,
        recurrence_text=recurrence_text,
    )


_GENERIC_PARTNER_RE = re.compile(
    r"^(?:các|những|mọi)?\s*(?:cơ quan|đơn vị|tổ chức|cá nhân|địa phương|ngành|sở, ngành"
    r"|bộ, ngành|doanh nghiệp|lực lượng)\b.*?(?:liên quan|có liên quan|khác)?$"
)


def is_generic(unit: str) -> bool:
    """True for partners named by kind only ("các cơ quan, đơn vị liên quan")."""
    return bool(_GENERIC_PARTNER_RE.match(fold(unit)))


def with_coordinators(assignments: list[ParsedAssignment]) -> list[ParsedAssignment]:
    """The assignments, then each named coordinator of a lead as an assignment of its own.

    It shares the lead's tasks and deadline and stays in the lead's coordinators list; it
    comes after the document's own assignments so that their numbers do not move. Partners
    named by kind only ("các đơn vị liên quan"), and units the document already gives a
    coordinating task of their own, stay in the list alone.
    """
    coordinating = {fold(a.unit) for a in assignments if a.role == "coordinate"}
    derived: list[ParsedAssignment] = []
    # A lead split by deadline lists the same partners again: one task each is enough.
    seen: set[tuple[str, str]] = set()
    for a in assignments:
        if a.role != "lead":
            continue
        for c in a.coordinators:
            pair = (fold(c), fold(a.unit))
            if is_generic(c) or fold(c) in coordinating or pair in seen:
                continue
            seen.add(pair)
            derived.append(
                replace(
                    a,
                    unit=c,
                    units_split=split_units(c),
                    role="coordinate",
                    coordinators=(),
                    tasks=tuple(f"Phối hợp với {a.unit}: {t}" for t in a.tasks),
                    coordinates_for=a.unit,
                )
            )
    return [*assignments, *derived]


def _dated(clause: str, issued: date | None) -> tuple[date | None, str | None]:
    """The clause's own deadline; a recurring one ("trước ngày 20 hằng tháng") is not one."""
    due, stated = deadline_from_text(clause, issued)
    if due is None or stated is None or re.search(r"\b(?:hằng|hàng)\b", stated, re.IGNORECASE):
        return None, None
    return due, stated


def _part_role(role: Role, part: str) -> Role:
    """The role of one dated part of a unit's tasks: it leads where its own clauses say
    "chủ trì", and not where only another part does; coordinating stays the whole's."""
    own = _role(part)
    return own if {role, own} == {"lead", "unspecified"} else role


def by_deadline(a: ParsedAssignment, issued: date | None) -> list[ParsedAssignment]:
    """One assignment per deadline, when a unit's tasks fall due on different days.

    "hoàn thành trước ngày 31/12/2025; xây dựng lại nhà … chậm nhất trước ngày 31/01/2026"
    is two tasks to follow up; clauses without a date of their own go with the one before.
    """
    groups: list[tuple[date | None, str | None, list[str]]] = []
    for task in a.tasks:
        for clause in re.split(r"(?<=;)\s+", task):
            due, stated = _dated(clause, issued)
            if groups and (due is None or due == groups[-1][0] or groups[-1][0] is None):
                last_due, last_stated, parts = groups[-1]
                groups[-1] = (last_due or due, last_stated or stated, [*parts, clause])
            else:
                groups.append((due, stated, [clause]))
    if sum(1 for g in groups if g[0] is not None) < 2:
        return [a]
    return [
        replace(
            a,
            tasks=(_capitalise(" ".join(parts)),),
            deadline=due,
            deadline_text=stated,
            deadline_precision=precision_of(stated) if due else None,
            role=_part_role(a.role, " ".join(parts)),
        )
        for due, stated, parts in groups
    ]


def extract(
    paras: list[Para], issued: date | None = None
) -> tuple[list[ParsedAssignment], list[str]]:
    """The assignments and the task-section headings of a document body."""
    reader = _Reader(issued)
    for p in paras:
        reader.read(p)
    reader.close()
    # A unit's later deadlines come after the document's own assignments, so their numbers
    # stay the ones a reader counts in the text.
    groups = [by_deadline(a, issued) for a in reader.assignments]
    split = [g[0] for g in groups] + [x for g in groups for x in g[1:]]
    return with_coordinators(split), reader.sections
