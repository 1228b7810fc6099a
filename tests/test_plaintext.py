"""Plain-text replies for Zalo: markup removed, choices numbered, long text split safely."""

from __future__ import annotations

from datetime import date

import pytest

from bot.transports.plaintext import (
    ZALO_LIMIT,
    choices_text,
    pick_choice,
    render_plain,
    split_lines,
    text_length,
    to_plain,
)
from messages import render

LABELS = ["✅ Xác nhận", "❌ Hủy"]


def test_markup_becomes_plain_text() -> None:
    assert to_plain("<b>Nhiệm vụ #3</b> — <i>hạn</i> <code>#3 hạn 30/6/2027</code>") == (
        "Nhiệm vụ #3 — hạn #3 hạn 30/6/2027"
    )
    assert to_plain("P. TC&amp;KH &lt;b&gt; &quot;x&quot; &#39;y&#39; &lt;3") == (
        "P. TC&KH <b> \"x\" 'y' <3"
    )
    assert to_plain('<a href="https://x.vn/a?b=1&amp;c=2">văn bản</a>') == (
        "văn bản (https://x.vn/a?b=1&c=2)"
    )
    assert to_plain('<a href="https://x.vn">https://x.vn</a>') == "https://x.vn"


def test_the_real_templates_render_without_markup() -> None:
    text = to_plain(render("help", example_date=date(2027, 1, 30)))
    assert "<" not in text and "&amp;" not in text and "/nhiemvu" in text


def test_choices_are_numbered_lines_in_each_language() -> None:
    assert choices_text(LABELS) == "Trả lời 1 để ✅ Xác nhận\nTrả lời 2 để ❌ Hủy"
    assert choices_text(["Confirm", "A & B"], "en") == "Reply 1 to Confirm\nReply 2 to A & B"
    assert choices_text([]) == ""


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("1", 0),
        (" 2 ", 1),
        ("2.", 1),
        ("#1", 0),
        ("3", None),
        ("0", None),
        ("1 2", None),
        ("xong", None),
    ],
)
def test_pick_choice(answer: str, expected: int | None) -> None:
    assert pick_choice(answer, 2) == expected


def test_short_reply_is_one_message_with_its_choices() -> None:
    assert render_plain("<b>Văn bản 12/KH</b>\nXác nhận?", LABELS) == [
        "Văn bản 12/KH\nXác nhận?\n\nTrả lời 1 để ✅ Xác nhận\nTrả lời 2 để ❌ Hủy"
    ]
    assert render_plain("  \n") == []


def test_long_text_is_split_at_line_breaks_under_the_limit() -> None:
    lines = [f"#{n} Phòng Tài chính - Kế hoạch · chủ trì · hạn 30/6/2027" for n in range(200)]
    pieces = split_lines("\n".join(lines))
    assert len(pieces) > 1
    assert all(text_length(p) <= ZALO_LIMIT for p in pieces)
    assert "\n".join(pieces).split("\n") == lines  # nothing lost, no line cut


def test_choice_block_is_never_cut() -> None:
    choices = choices_text(LABELS)
    body = "\n".join("x" * 99 for _ in range(20))  # 1,999 units: the block cannot join it
    pieces = split_lines(body, keep=choices)
    assert pieces[-1] == choices and pieces[0] == body
    fits = split_lines("ngắn", keep=choices)
    assert fits == [f"ngắn\n\n{choices}"]


def test_one_overlong_line_is_cut_at_a_space() -> None:
    words = " ".join(["nhiệm-vụ"] * 500)  # 4,499 characters, no line break
    pieces = split_lines(words, 2000)
    assert all(text_length(p) <= 2000 for p in pieces)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert " ".join(pieces) == words
    assert split_lines("a" * 4500, 2000) == ["a" * 2000, "a" * 2000, "a" * 500]


def test_emoji_count_two_units() -> None:
    text = "😀" * 1500  # 1,500 code points, 3,000 UTF-16 units
    pieces = split_lines(text, 2000)
    assert [len(p) for p in pieces] == [1000, 500]
    assert all(text_length(p) <= 2000 for p in pieces)
