"""Splitting long messages for Telegram's limit."""

from __future__ import annotations

from bot.transports import split_text


def test_short_text_is_one_piece() -> None:
    assert split_text("xin chào", 4096) == ["xin chào"]


def test_cuts_at_line_breaks() -> None:
    text = "\n".join(f"dòng {n}" for n in range(100))
    pieces = split_text(text, 50)
    assert all(len(p) <= 50 for p in pieces)
    assert "\n".join(pieces) == text


def test_never_cuts_an_entity_or_a_tag() -> None:
    text = "A" * 8 + "&amp;" + "B" * 20 + "<b>x</b>" + "C" * 20
    pieces = split_text(text, 10)
    assert "".join(pieces) == text
    for piece in pieces:
        assert piece.count("&") == piece.count(";")
        assert piece.count("<") == piece.count(">")
