"""Recognising unit names in running text: where they start, end and how a list splits."""

from __future__ import annotations

import re

from .normalize import fold, strip_marks

_PUNCT = ',;:.()"“”'

# Words that open a unit name whatever follows them.
_HEADS = {
    "ubnd", "hđnd", "mttq", "btv", "ủy ban", "hội đồng", "đảng đoàn", "đảng ủy", "đảng bộ", "chi bộ",
    "ban cán sự", "mặt trận", "tỉnh ủy", "thành ủy", "huyện ủy", "thị ủy", "quận ủy",
    "xã ủy", "phường ủy", "thường trực", "chủ tịch", "phó chủ tịch", "giám đốc",
    "thủ trưởng", "trưởng phòng", "trưởng ban", "cơ quan", "đơn vị", "cấp ủy",
    "chính quyền", "bí thư", "ủy viên", "công an", "bộ chỉ huy", "ban chỉ huy",
    "liên đoàn", "liên minh", "viện kiểm sát", "tòa án", "ngân hàng", "kho bạc",
    "bảo hiểm", "thanh tra", "văn phòng", "chi cục", "tổng cục", "bệnh viện",
    "công ty", "tập đoàn", "hợp tác xã", "đài phát thanh", "báo", "đồng chí", "công chức",
    "tiểu ban", "phó thủ tướng",
}  # fmt: skip
# Words that open a unit name only before a proper name ("Bộ Chính trị", "Hội Nông dân").
_CAPITAL_HEADS = {
    "bộ", "đoàn", "hội", "cục", "viện", "trường", "đài", "trung tâm", "ủy ban", "trạm", "hạt",
    "vụ", "tiểu ban", "đại học", "học viện", "tổng công ty",
}  # fmt: skip
# Since 2025 tax and statistics offices are named by their area: "Thuế tỉnh Tây Ninh".
_AREA_OFFICE_RE = re.compile(r"^(?:thuế|thống kê)\s+(?:tỉnh|thành phố|cơ sở|khu vực)\b")
# What may follow "các"/"những" in a group of units ("các sở, ban, ngành").
_GROUP_NOUNS = {
    "phòng", "ban", "sở", "ngành", "cơ quan", "đơn vị", "địa phương", "xã", "phường",
    "huyện", "tỉnh", "quận", "tổ chức", "hội", "đoàn thể", "cấp ủy", "đảng đoàn", "đảng ủy",
    "đảng bộ", "chi bộ", "tỉnh ủy", "huyện ủy", "thành ủy", "thị ủy", "quận ủy", "ủy ban",
    "trường", "bộ", "cục", "chi cục", "trung tâm", "doanh nghiệp", "đồng chí", "đ/c",
    "ban ngành", "sở ngành", "phòng ban", "hiệp hội", "ban đảng", "ban cán sự",
    "đảng ủy viên", "tỉnh ủy viên", "huyện ủy viên", "thành viên", "ủy viên", "bí thư",
    "ấp", "thôn", "bản", "khu phố", "tổ dân phố", "thị trấn", "trạm",
}  # fmt: skip
# Verbs (and verb-like adverbs) that end the unit at the head of an assignment sentence.
_VERBS = {
    "chủ trì", "phối hợp", "chỉ đạo", "lãnh đạo", "tổ chức", "nghiên cứu", "quán triệt",
    "xây dựng", "tham mưu", "thực hiện", "triển khai", "hướng dẫn", "theo dõi", "kiểm tra",
    "giám sát", "rà soát", "tăng cường", "đẩy mạnh", "phát huy", "tuyên truyền", "phổ biến",
    "báo cáo", "đề xuất", "cụ thể hóa", "ban hành", "bố trí", "xem xét", "có trách nhiệm",
    "chịu trách nhiệm", "căn cứ", "theo chức năng", "theo nhiệm vụ", "khẩn trương", "kịp thời", "tích cực",
    "thường xuyên", "tiếp tục", "bảo đảm", "đảm bảo", "quan tâm", "nâng cao", "hỗ trợ",
    "vận động", "cập nhật", "sơ kết", "tổng kết", "phân công", "chủ động", "đôn đốc",
    "định kỳ", "thống nhất", "hoàn thành", "đánh giá", "tổng hợp", "thẩm định", "cung cấp",
    "sắp xếp", "thành lập", "huy động", "bổ sung", "sửa đổi", "giải quyết", "xử lý",
    "ưu tiên", "tập trung", "sao gửi", "sao lục", "gửi", "trình", "lập", "nắm", "kết quả",
    "để", "nhằm", "trong công tác", "trong việc", "trong quá trình", "xem", "chuẩn bị",
    "mở", "đưa", "phát động", "lồng ghép", "duy trì", "tuyên dương", "khen thưởng",
    "biểu dương", "vận hành", "áp dụng", "thúc đẩy", "khuyến khích", "phân bổ", "tham gia",
    "kiến nghị", "tiếp nhận", "công bố", "đăng tải", "trang trí", "phát hành",
    "nâng cấp", "cải tạo", "sửa chữa", "hoàn thiện", "khảo sát", "tập huấn", "lắp đặt",
    "mua sắm", "kiện toàn", "củng cố", "khắc phục", "thu gom", "điều tra", "bàn giao",
    "ký kết", "số hóa", "ứng dụng", "chuyển đổi", "thống kê", "xác minh", "là", "trong đó",
    "trực tiếp", "quyết liệt", "nghiêm túc", "phải", "cần", "khẩn cấp", "dứt điểm",
    "trân trọng", "đề nghị", "yêu cầu", "quyết định", "xác định", "đã", "đang", "sẽ",
    "trong thời hạn", "trong vòng", "chậm nhất", "trước ngày", "đẩy nhanh",
}  # fmt: skip
# Words no unit's name runs into that are no verb either: "gửi UBND các tỉnh về việc …".
_NAME_STOPS = {"về việc"}
# A verb right after these is a noun inside the name ("các tổ chức", "Ban chỉ đạo").
_NOUN_BEFORE = {"các", "những", "ban", "và", "công"}
# A name that ends in its level ("UBND huyện", "Phòng Nội vụ huyện") ends there: a lower-case
# word after it, unless one of these, is the verb, whether or not it is a known one.
_LEVEL_END = {"huyện", "tỉnh", "xã", "phường", "quận", "trấn"}
_AFTER_LEVEL = {
    "và", "các", "những", "có", "trên", "thuộc", "trực", "liên", "tại", "ở", "nơi", "đã",
    "được", "cùng", "với", "hoặc", "thị", "thành", "ủy", "đoàn", "hội", "nhà", "theo",
    "trong", "ngoài", "mới", "cũ", "phía", "vùng", "miền", "biên", "khó", "đặc", "chưa",
}  # fmt: skip
# "tổ chức" is a noun before these ("tổ chức chính trị - xã hội", "tổ chức cơ sở đảng").
_NOUN_AFTER = {"tổ chức": {"chính", "cơ", "đoàn", "xã", "hội", "đảng", "khoa", "thành"}}
_NOT_UNIT_AFTER = {
    "ban": {"hành"},
    "phòng": {"chống", "ngừa", "tránh", "thủ", "cháy", "vệ", "hộ"},
    "sở": {"hữu", "thích", "dĩ", "cứ"},
    "báo": {"cáo"},
}


# Verb phrases as OCR may misspell them ("chủ trỉ", "phôi hợp"): compared without marks.
_BARE_VERBS = {strip_marks(v) for v in _VERBS if " " in v}
# A person's title before the unit they head: "Giám đốc Sở Y tế", "Chủ tịch UBND các xã".
_TITLE_RE = re.compile(
    r"^(?:đồng chí\s+)?(?:phó\s+)?(?:chủ tịch|(?:tổng\s+)?giám đốc|thủ trưởng|hiệu trưởng"
    r"|chỉ huy trưởng|bộ trưởng|thứ trưởng|vụ trưởng|(?:tổng\s+)?cục trưởng|chi cục trưởng"
    r"|viện trưởng|thống đốc|chánh|trưởng)\s+"
)
# "các Sở: Tài chính, Xây dựng" names one kind of unit, then the proper names that follow it.
_FACTOR_HEAD_RE = re.compile(
    r"\b(?:các|những)\s+(?:sở|phòng|ban|bộ|ngành|cơ quan|đơn vị|xã|phường|huyện|ấp|thôn"
    r"|đồng chí|trường|hội|đoàn thể|trung tâm|chi cục|đảng ủy|chi bộ|tỉnh|thành phố|cục|vụ"
    r"|tỉnh, thành phố(?: trực thuộc trung ương)?|bộ, cơ quan|bộ, ngành)$"
)


def _title_words(text: str) -> int:
    """How many words of a leading person's title text opens with, when a unit follows it."""
    m = _TITLE_RE.match(fold(" ".join(text.split(None, 4)[:4])))
    if not m:
        return 0
    n = len(m.group(0).split())
    rest = text.split(None, n)[n:]
    return n if rest and is_unit_start(rest[0]) else 0


_COMRADE_RE = re.compile(r"^(?:các\s+)?đồng chí\s+(?=[A-ZĐÀ-Ỹ])", re.IGNORECASE)


def drop_title(unit: str) -> str:
    """The unit a person's title names: "Giám đốc Sở Y tế" -> "Sở Y tế"."""
    comrade = _COMRADE_RE.match(unit)
    if comrade:
        unit = unit[comrade.end() :]
        unit = unit[:1].upper() + unit[1:]
    n = _title_words(unit)
    if not n:
        return unit
    rest = unit.split(None, n)[n]
    if fold(rest).startswith(("các ", "những ")):
        return rest
    return rest[:1].upper() + rest[1:]


_LIST_SEP_RE = re.compile(r"(\s*[,;]\s*|\s+và\s+)")


def drop_titles(unit: str) -> str:
    """A list of units without the person's title before any of them.

    "Trưởng phòng Văn hóa và Thông tin, Giám đốc Trung tâm Văn hóa - Truyền thông huyện"
    -> "Phòng Văn hóa và Thông tin, Trung tâm Văn hóa - Truyền thông huyện".
    """
    parts = _LIST_SEP_RE.split(drop_title(unit))
    for i in range(2, len(parts), 2):
        if parts[i] and _title_words(parts[i]):
            parts[i] = drop_title(parts[i])
    return "".join(parts)


def _words(text: str, n: int) -> list[str]:
    head = " ".join(text.split(None, n)[:n])
    return [w.strip(_PUNCT) for w in fold(head).split()]


def is_unit_start(text: str) -> bool:
    """True when text opens with the name of a unit or group of units."""
    raw = text.split(None, 5)[:5]
    words = _words(text, 5)
    if not words or not words[0]:
        return False
    w0 = words[0]
    two = " ".join(words[:2])
    three = " ".join(words[:3])
    nxt = words[1] if len(words) > 1 else ""
    if w0 in ("các", "những"):
        rest2 = " ".join(words[1:3])
        return nxt in _GROUP_NOUNS or rest2 in _GROUP_NOUNS or " ".join(words[1:4]) in _GROUP_NOUNS
    if nxt in _NOT_UNIT_AFTER.get(w0, ()) or raw[0].endswith(","):
        return False
    if _TITLE_RE.match(" ".join(words)) and _title_words(text):
        return True
    if three in _HEADS or two in _HEADS or _AREA_OFFICE_RE.match(" ".join(words)):
        return True
    for head in (two, w0):
        if head in _CAPITAL_HEADS:
            size = len(head.split())
            after = raw[size] if len(raw) > size else ""
            if after[:1].isupper() or (head == "hội" and nxt in ("quần", "cựu")):
                return True
    if w0 in _HEADS:
        return True
    # "Ban Tuyên giáo", "Phòng Kinh tế", "Sở Tài chính", "ban đảng", "ban cán sự đảng";
    # "P. TC-KH" is how a district writes "Phòng Tài chính - Kế hoạch" in a hurry.
    return (w0 in ("ban", "phòng", "sở") or raw[0] == "P.") and bool(nxt)


_TOKEN_RE = re.compile(r"\S+")
_ABBREVIATION_RE = re.compile(r"^\([A-ZĐ0-9&]{2,10}\)[,;:.]?$")
# Verbs no unit's name holds: after a proper name too ("… Việt Nam Phối hợp") they end it.
_STRONG_VERBS = {
    "phối hợp", "chủ trì", "khẩn trương", "tập trung", "có trách nhiệm", "chịu trách nhiệm",
    "tiếp tục", "chủ động", "rà soát", "nghiên cứu", "hoàn thành", "quán triệt", "triển khai",
    "tham mưu", "hướng dẫn", "theo dõi", "báo cáo",
}  # fmt: skip
# "Ủy ban Kiểm tra", "Ban Chỉ đạo": after these a capitalised verb is the body's name.
_NAMED_BY_NEXT = {
    "ban",
    "phòng",
    "sở",
    "bộ",
    "cục",
    "vụ",
    "viện",
    "tổ",
    "đoàn",
    "hội",
    "tâm",
    "đội",
}


def unit_end(text: str) -> int:
    """Where the unit opening text ends: before its verb, a colon or the sentence's end."""
    # Most units end within a line's worth of words; widen the window only when they do not.
    end = len(text)
    for window in (160, 600):
        found = _unit_end_within(text, window)
        if found is not None:
            end = found
            break
    if text[end : end + 1] == ":" and _FACTOR_HEAD_RE.search(fold(text[:end])):
        # The list of names after the colon belongs to the unit; it ends at the verb.
        return end + 1 + unit_end(text[end + 1 :])
    return end


def _unit_end_within(text: str, window: int) -> int | None:
    toks = list(_TOKEN_RE.finditer(text, 0, window))
    # fold() keeps every token in place (it only lowers case and moves tone marks).
    folded = [w.strip(_PUNCT) for w in fold(text[: toks[-1].end()] if toks else "").split()]
    # A verb phrase needs the words after it; stop early enough to see them in this window.
    last = len(toks) if len(text) <= window else len(toks) - 3
    bare: list[str] = []
    for i, tok in enumerate(toks[: max(last, 0)]):
        word = tok.group(0)
        # "Đài Truyền hình Việt Nam (VTV)": a bracketed abbreviation belongs to the name.
        if i and (
            (word.startswith("(") and not _ABBREVIATION_RE.match(word))
            or "\n" in text[toks[i - 1].end() : tok.start()]
        ):
            return tok.start()
        if (
            i >= 2
            and word[:1].islower()
            and folded[i - 1] in _LEVEL_END
            and folded[i - 2] not in ("các", "những", "cấp", "thị", "và")
            and folded[i].strip("./") not in _AFTER_LEVEL
            and not text[toks[i - 1].end() : tok.start()].strip()
            and not toks[i - 1].group(0).endswith((",", ";", ":"))
        ):
            return tok.start()
        prev = toks[i - 1].group(0) if i else ""
        # Web copies bold the unit and capitalise the verb after it: "... ngang bộ Tập trung".
        named = folded[i - 1] in _NAMED_BY_NEXT and (i < 2 or toks[i - 2].group(0)[:1].isupper())
        verbs = _VERBS if prev[:1].islower() else _STRONG_VERBS
        if (
            i
            and word[:1].isupper()
            and not named
            and folded[i - 1] != "và"
            and not prev.endswith((",", ";", ":"))
            and any(" ".join(folded[i : i + n]) in verbs for n in (3, 2))
        ):
            return tok.start()
        if i and word[:1].islower() and folded[i - 1] not in _NOUN_BEFORE:
            for size in (3, 2, 1):
                phrase = " ".join(folded[i : i + size])
                # "các cơ quan, tổ chức, đơn vị": in a list "tổ chức" is one more noun.
                listed = phrase == "tổ chức" and prev.endswith(",")
                if (
                    (phrase in _VERBS or phrase in _NAME_STOPS)
                    and not listed
                    and not _noun_use(phrase, folded, i + size)
                ):
                    return tok.start()
            bare = bare or strip_marks(" ".join(folded)).split(" ")
            pair = " ".join(bare[i : i + 2])
            if pair in _BARE_VERBS and not (pair == "to chuc" and prev.endswith(",")):
                return tok.start()
        if word.endswith((":", ".")) and not (i == 0 and word == "P."):
            return tok.end() - 1
    return None if len(text) > window else len(text)


def _noun_use(phrase: str, folded: list[str], after: int) -> bool:
    nxt = folded[after] if after < len(folded) else ""
    return nxt in _NOUN_AFTER.get(phrase, ())


def unit_at(text: str) -> tuple[str, str] | None:
    """(unit, rest) when text opens with a unit name, else None."""
    if not is_unit_start(text):
        return None
    end = unit_end(text)
    unit = text[:end].strip(" ,;:.-–")
    if not unit:
        return None
    return unit, text[end:].strip(" ,;:.")


_LEVEL_UY_RE = re.compile(r"^(?:các\s+)?(?:tỉnh|thành|huyện|thị|quận|đảng|xã|phường)\s+ủy\b")
_HAS_LEVEL_UY_RE = re.compile(r"(?:^|\bcác\s+)(?:tỉnh|thành|huyện|thị|quận|đảng)\s+ủy\b")
_BARE_RE = re.compile(r"^(?:ban|ngành|phòng|sở|cơ quan|đơn vị|địa phương|đoàn thể)\b")
_PLURAL_GENERIC_RE = re.compile(
    r"\b(?:các|những)\s+(?:phòng|sở|ban|ngành|cơ quan|đơn vị|địa phương|xã|phường|huyện)$"
)


def _bare(piece: str, pattern: re.Pattern[str]) -> bool:
    # Only a level or kind with no proper name after it: "thị ủy", "ban thuộc huyện".
    m = pattern.match(fold(piece))
    if not m:
        return False
    rest = piece.split()[len(m.group(0).split()) :]
    return not rest or rest[0][:1].islower()


# "Văn phòng HĐND và UBND huyện" is one office serving both bodies.
_JOINT_OFFICE_RE = re.compile(r"\bvăn phòng (?:hđnd|hội đồng nhân dân|đoàn đbqh)$")
_JOINT_BODY_RE = re.compile(r"^(?:ubnd|ủy ban nhân dân|hđnd|hội đồng nhân dân)\b")


def _joins(last: str, piece: str, sep: str = ",") -> bool:
    if not is_unit_start(piece):
        return True
    last_f = fold(last)
    if sep.strip() == "và" and _JOINT_OFFICE_RE.search(last_f):
        return bool(_JOINT_BODY_RE.match(fold(piece)))
    if _bare(piece, _LEVEL_UY_RE) and _HAS_LEVEL_UY_RE.search(last_f):
        # "các huyện ủy, thị ủy, thành ủy" lists levels of one group.
        return True
    return _bare(piece, _BARE_RE) and bool(_PLURAL_GENERIC_RE.search(last_f))


def _factored(unit: str) -> tuple[str, ...] | None:
    """ "các Sở: Tài chính, Xây dựng" as ("Sở Tài chính", "Sở Xây dựng"), else None."""
    head, colon, items = unit.partition(":")
    if not colon or not _FACTOR_HEAD_RE.search(fold(head.strip())):
        return None
    kind = re.sub(r"\b(?:[Cc]ác|[Nn]hững)\s+", "", drop_title(head.strip()))
    kind = kind[:1].upper() + kind[1:]
    out: list[str] = []
    for item in re.split(r"\s*[,;]\s*", items.strip(" .")):
        if item:
            # "...; UBND các huyện" after the list is a unit of its own, not one more Sở.
            out.extend(split_units(item if is_unit_start(item) else f"{kind} {item}"))
    return tuple(out)


def split_units(unit: str) -> tuple[str, ...]:
    """The units a group names, split on ";", "," and "và" only where a new unit starts."""
    factored = _factored(unit)
    if factored:
        return factored
    out: list[str] = []
    for segment in re.split(r"\s*;\s*", unit):
        parts = re.split(r"(,\s*|\s+và\s+)", segment.strip())
        group = parts[0]
        last = parts[0]
        for sep, piece in zip(parts[1::2], parts[2::2], strict=True):
            if not piece:
                continue
            if _joins(last, piece, sep):
                group += sep + piece
            else:
                out.append(group)
                group = piece
            last = piece
        if group.strip(" ,."):
            out.append(group.strip(" ,."))
    return tuple(out)


# "Bộ Công an đã kịp thời hỗ trợ …" tells what a unit did or is doing: no task.
_NARRATIVE_RE = re.compile(r"^(?:đã|đang|vừa|chưa)\b")


def narrates(text: str) -> bool:
    """True when text tells what was done or is under way ("đã …", "đang …"), not what to do."""
    return bool(_NARRATIVE_RE.match(fold(text.lstrip())))


def opens_with_verb(text: str) -> bool:
    """True when text starts with an action verb ("chủ trì", "tổ chức", "báo cáo")."""
    words = [w.strip(_PUNCT) for w in fold(" ".join(text.split(None, 3)[:3])).split()]
    return any(" ".join(words[:n]) in _VERBS for n in (3, 2, 1) if len(words) >= n)
