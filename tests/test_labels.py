"""Names officials recognise: directives by kind, number, issuer and year; task titles."""

from __future__ import annotations

from datetime import date

from bot.labels import cut_words, directive_label, task_title


def test_a_directive_is_named_as_officials_name_it() -> None:
    bin_son = "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN"
    assert (
        directive_label("Công văn", "/UBND-TNMT", bin_son, date(2024, 3, 1))
        == "Công văn (chưa số)/UBND-TNMT của UBND huyện Bình Sơn, 2024"
    )
    assert directive_label("Kế hoạch", "Kế hoạch", "Tỉnh ủy Bình Định", None) == (
        "Kế hoạch (chưa số) của Tỉnh ủy Bình Định"
    )
    assert directive_label(None, "69-KL/TW", None, None) == "69-KL/TW"


def test_a_title_keeps_what_the_task_is_about() -> None:
    text = (
        "Chủ trì, phối hợp các cơ quan, đơn vị liên quan tham mưu UBND huyện xây dựng kế hoạch "
        "chuyển đổi số năm 2027 và tổ chức triển khai thực hiện trên địa bàn huyện"
    )
    title = task_title(text, 60)
    assert title.startswith("Xây dựng kế hoạch chuyển đổi số năm 2027")
    assert title.endswith("…") and len(title) <= 60
    assert not title[:-1].endswith(" ")


def test_cutting_stops_at_a_word() -> None:
    assert cut_words("một hai ba bốn năm", 12) == "một hai ba…"
    assert cut_words("ngắn", 12) == "ngắn"
