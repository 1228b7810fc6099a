"""Dates as Vietnamese directives write them: issue dates, reference dates and deadlines."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.dates import is_working_day

# "11/01/2024", "06/3/2024", "25.8.2023", "23-01-2024".
DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
# "ngày 04 tháng 6 năm 2024"; day and month may be left blank for a hand-written date.
LONG_DATE = r"ngày\s*(?P<ld>\d{1,2})?\s*tháng\s*(?P<lm>\d{1,2})?\s*năm\s*(?P<ly>\d{4})"

_DMY_RE = re.compile(DMY)
_LONG_RE = re.compile(LONG_DATE, re.IGNORECASE)
# The place is a few words right before ", ngày"; it may share its line with the number,
# separated by a wide gap ("Số: /UBND-TNMT      Bình Sơn, ngày ...").
_PLACE_DATE_RE = re.compile(
    r"(?P<place>[^\W\d_][^\s,\d]*(?: [^\W\d_][^\s,\d]*){0,4})\s*,\s*" + LONG_DATE + r"\s*\.?\s*$",
    re.IGNORECASE,
)


def safe_date(y: int, m: int, d: int) -> date | None:
    """A date, or None when the parts do not make one (31/02)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_vn_date(text: str) -> tuple[date | None, str | None]:
    """The first "ngày d tháng m năm y" or "dd/mm/yyyy" in text, and its ISO prefix when partial.

    "ngày 04 tháng 6 năm 2024" -> (2024-06-04, None); "ngày    tháng 3 năm 2025" -> (None, "2025-03").
    """
    m = _LONG_RE.search(text)
    if m:
        y = int(m["ly"])
        if m["lm"] is None:
            return None, f"{y:04d}"
        if m["ld"] is None:
            return None, f"{y:04d}-{int(m['lm']):02d}"
        return safe_date(y, int(m["lm"]), int(m["ld"])), None
    n = _DMY_RE.search(text)
    if n:
        return safe_date(int(n["y"]), int(n["m"]), int(n["d"])), None
    return None, None


_PLACE_DMY_RE = re.compile(
    r"(?P<place>[^\W\d_][^\s,\d]*(?: [^\W\d_][^\s,\d]*){0,4})\s*,\s*ngày\s*" + DMY + r"\s*\.?\s*$",
    re.IGNORECASE,
)


def parse_place_date(line: str) -> tuple[str, date | None, str | None] | None:
    """Place, date and partial date of an issue-date line "Bình Sơn, ngày  tháng  năm 2024".

    Short forms count too: "An Phú, ngày 07-9-2015", "Hà Nội, ngày 20.9.2020".
    """
    # The date closes the line; searching long prose lines for it would be slow and pointless.
    comma = line.rfind(",", 0, len(line))
    if comma < 0:
        return None
    tail = line[comma:].lower()
    # Both forms put "ngày" after the last comma.
    if "ngày" not in tail:
        return None
    if "tháng" not in tail:
        short = _PLACE_DMY_RE.search(line, max(0, comma - 60))
        if not short or line[: short.start()].strip():
            return None
        return (
            short["place"].strip(),
            safe_date(int(short["y"]), int(short["m"]), int(short["d"])),
            None,
        )
    m = _PLACE_DATE_RE.search(line, max(0, comma - 60))
    if not m:
        return None
    prefix = line[: m.start("place")]
    # Anything before the place must be a separate column (the number), not running text.
    if prefix.strip() and not re.search(r"\s{2,}$", prefix):
        return None
    d, partial = parse_vn_date(line[m.start("place") :])
    return m["place"].strip(), d, partial


def end_of_month(y: int, m: int) -> date | None:
    """The last day of month m of year y, or None for a month that does not exist."""
    if not 1 <= m <= 12:
        return None
    return date(y, m, calendar.monthrange(y, m)[1])


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# "xong cuối tháng 12 năm 2025", "đến hết năm 2025" fall due at the period's end too.
_DEADLINE_WORDS = ("chậm nhất", "trước", "hạn", "trong", "hoàn thành", "kể từ", "cuối", "hết")
_DEADLINE_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "day",
        re.compile(
            r"(?:chậm nhất|hạn chót|hạn cuối|thời hạn|trước)\s*(?:là\s*|vào\s*|trước\s*)?"
            r"(?:ngày\s*)?:?\s*(?:" + DMY + "|" + LONG_DATE + ")",
            re.IGNORECASE,
        ),
    ),
    (
        "month",
        re.compile(
            r"(?:chậm nhất|trong|trước|cuối|hết)\s*(?:trong\s*)?tháng\s*(?P<mm>\d{1,2})"
            r"\s*(?:/|năm)\s*(?P<my>\d{4})",
            re.IGNORECASE,
        ),
    ),
    (
        "quarter",
        re.compile(
            r"(?:chậm nhất|trong|trước)\s*(?:trong\s*)?quý\s*(?P<q>IV|I{1,3}|[1-4])"
            r"\s*(?:/|năm)\s*(?P<qy>\d{4})",
            re.IGNORECASE,
        ),
    ),
    (
        "year",
        re.compile(
            r"(?:chậm nhất|trong|trước|đến hết|hoàn thành(?=\s*năm))\s*(?:trong\s*)?năm"
            r"\s*(?P<yy>\d{4})\b"
            r"(?!\s*[-–]\s*\d{4})",
            re.IGNORECASE,
        ),
    ),
    (
        "relative",
        re.compile(
            r"(?:chậm nhất|trong(?:\s+vòng|\s+thời\s+hạn)?|tối đa|không quá)\s*(?:là\s*)?"
            r"(?P<n>\d{1,3})\s*ngày(?:(?P<work>\s*làm\s*việc)(?!\s*,?\s*(?:kể\s*)?từ\s*ngày"
            r"\s*(?:nhận|tiếp nhận))|\s*,?\s*(?:kể\s*)?từ\s*(?:ngày\s*)?(?:ban\s*hành|ký))",
            re.IGNORECASE,
        ),
    ),
)
# "… theo yêu cầu tại Công văn số 12/UBND (hoàn thành trước ngày 30/9)" quotes a parent's
# deadline; so does one right before "của/tại <kind> số …".
_QUOTED_RE = re.compile(
    r"\W{0,3}(?:\S+\s+){0,3}?(?:của|tại|theo)\s+(?:[Kk]ế hoạch|[Cc]ông văn|[Qq]uyết định"
    r"|[Cc]hỉ thị|[Nn]ghị quyết|[Cc]ông điện|[Tt]hông báo|[Kk]ết luận|[Vv]ăn bản)\s+số"
)
_QUOTING_RE = re.compile(r"(?:đã|từng)\s+(?:yêu cầu|chỉ đạo|giao)[^.;]{0,60}$", re.IGNORECASE)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after start (weekends and Vietnamese public holidays skipped)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def precision_of(stated: str | None) -> str | None:
    """How precise a stated deadline is: "day", "month", "quarter" or "year"."""
    if not stated:
        return None
    low = stated.lower()
    if re.search(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|ngày\s*\d", low):
        return "day"
    if "quý" in low:
        return "quarter"
    if "tháng" in low:
        return "month"
    if re.search(r"năm\s*\d{4}|^\d{4}\.?$", low):
        return "year"
    return "day"


def _deadline_of(kind: str, m: re.Match[str], issued: date | None = None) -> date | None:
    before = m.group(0).lower().startswith("trước")
    if kind == "relative":
        if issued is None:
            return None
        n = int(m["n"])
        return add_working_days(issued, n) if m["work"] else issued + timedelta(days=n)
    if kind == "year":
        y = int(m["yy"])
        return date(y - 1, 12, 31) if before else date(y, 12, 31)
    if kind == "day":
        if m["y"]:
            return safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if m["ld"] and m["lm"]:
            return safe_date(int(m["ly"]), int(m["lm"]), int(m["ld"]))
        return None
    if kind == "month":
        y, mo = int(m["my"]), int(m["mm"])
        if before:
            first = safe_date(y, mo, 1)
            return first - timedelta(days=1) if first else None
        return end_of_month(y, mo)
    q, y = _ROMAN[m["q"].lower()], int(m["qy"])
    if before:
        return date(y, 3 * q - 2, 1) - timedelta(days=1)
    return end_of_month(y, 3 * q)


# A duty that recurs on a fixed day: "trước ngày 15/12 hằng năm", "trước ngày 20 hằng tháng".
_RECURRING_RE = re.compile(
    r"(?:chậm nhất|trước|hạn cuối)\s*(?:là\s*|vào\s*)?(?:ngày\s*)?(?P<d>\d{1,2})"
    r"(?:\s*/\s*(?P<m>\d{1,2})|\s+tháng\s+(?P<lm>\d{1,2}))?(?!\s*/)\s*,?\s*(?:của\s*)?"
    r"(?:hằng|hàng)\s*(?P<per>năm|tháng)",
    re.IGNORECASE,
)
_CELL_DMY_RE = re.compile(r"^(?:ngày\s*)?" + DMY + r"$", re.IGNORECASE)


def _next_on(day: int, month: int | None, after: date) -> date | None:
    """The first day/month (or day of any month) on or after `after`."""
    if month is not None:
        for y in (after.year, after.year + 1):
            d = safe_date(y, month, day)
            if d is not None and d >= after:
                return d
        return None
    y, m = after.year, after.month
    for _ in range(4):
        d = safe_date(y, m, day)
        if d is not None and d >= after:
            return d
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return None


def _recurring(text: str, issued: date | None) -> tuple[date | None, str | None]:
    m = _RECURRING_RE.search(text)
    # "ngày 15 tháng 12 hằng năm" names its month in words.
    given = m and (m["m"] or m["lm"])
    if not m or (m["per"].lower() == "tháng") != (not given):
        return None, None
    words = " ".join(m.group(0).split())
    if issued is None:
        return None, words
    month = int(given) if given else None
    return _next_on(int(m["d"]), month, issued), words


def deadline_from_text(text: str, issued: date | None = None) -> tuple[date | None, str | None]:
    """The earliest stated deadline in text and the words that state it, or (None, None).

    "chậm nhất ngày 27/02/2024", "trước ngày 20/5/2024", "trong tháng 3/2025" (last day of the
    month), "trong quý II/2025" (last day of the quarter). An impossible date gives no deadline
    but keeps its words. A recurring one ("trước ngày 20 hằng tháng") counts only when nothing
    is dated, as its first occurrence on or after `issued`.
    """
    low = text.lower()
    if not any(k in low for k in _DEADLINE_WORDS):
        return None, None
    found: list[tuple[int, date, str]] = []
    impossible: str | None = None
    for kind, rx in _DEADLINE_RES:
        for m in rx.finditer(text):
            if _QUOTED_RE.match(text, m.end()) or _QUOTING_RE.search(text, 0, m.start()):
                continue
            d = _deadline_of(kind, m, issued)
            if d is not None:
                found.append((m.start(), d, " ".join(m.group(0).split())))
                break
            impossible = impossible or " ".join(m.group(0).split())
    if found:
        _, first, stated = min(found)
        return first, stated
    recurring, words = _recurring(text, issued)
    if words:
        return recurring, words
    return None, impossible


def cell_deadline(cell: str) -> tuple[date | None, str | None]:
    """The deadline in a table's time column: "Quý II/2025", "Tháng 6/2025", "15/11/2025"."""
    text = " ".join(cell.split())
    if not text:
        return None, None
    m = _CELL_DMY_RE.match(text)
    if m:
        return safe_date(int(m["y"]), int(m["m"]), int(m["d"])), text
    year = re.match(r"^(?:(?:trong\s+)?năm\s+)?(\d{4})\.?$", text, re.IGNORECASE)
    if year:
        return date(int(year[1]), 12, 31), text
    bare = re.sub(r"^(?:trong|hoàn thành trong)\s+", "", text, flags=re.IGNORECASE)
    if re.match(r"(?:tháng|quý)\b", bare, re.IGNORECASE):
        d, _ = deadline_from_text(f"trong {bare}")
        return d, text
    d, _ = deadline_from_text(text)
    return d, (text if d or any(c.isdigit() for c in text) else None)
