"""Replies for text-only chats (Zalo): light markup as plain text, choices as numbered lines.

Pure functions. Lengths are counted in UTF-16 code units, which is never less than the count
in code points: whichever of the two Zalo counts, a piece within the limit is accepted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from messages import render

ZALO_LIMIT = 2000

# Only the markup the handlers' templates produce; any other "<" was escaped by them.
_LINK = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|tg-spoiler|span|blockquote)(?:\s[^>]*)?>",
    re.IGNORECASE,
)
_CHOICE = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")


def text_length(text: str) -> int:
    """The length as Zalo may count it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def to_plain(markup: str) -> str:
    """Light markup (<b>, <i>, <code>, links, HTML entities) as the plain text a user reads."""

    def link(match: re.Match[str]) -> str:
        url, label = html.unescape(match[1]), match[2]
        shown = html.unescape(_TAG.sub("", label))
        return shown if not url or url == shown else f"{shown} ({url})"

    return html.unescape(_TAG.sub("", _LINK.sub(link, markup)))


def choices_text(labels: Sequence[str], locale: str = "vi") -> str:
    """Choices as numbered lines ("Trả lời 1 để …"), one a line, from the `choices` template."""
    if not labels:
        return ""
    return to_plain(render("choices", locale, labels=[to_plain(label) for label in labels]))


def pick_choice(answer: str, count: int) -> int | None:
    """The 0-based choice a reply like "2", "2." or "#2" picks among `count`, else None."""
    match = _CHOICE.match(answer)
    if match is None:
        return None
    number = int(match[1])
    return number - 1 if 1 <= number <= count else None


def split_lines(text: str, limit: int = ZALO_LIMIT, keep: str = "") -> list[str]:
    """Pieces of at most `limit` units, cut at line breaks; `keep` (a choice block) stays whole.

    `keep` goes after the text, in the last piece if it fits there, else alone. Only a line
    longer than the limit is cut inside, at a space if there is one. No piece is empty.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in _fit(text.strip("\n").split("\n"), limit):
        added = text_length(line) + (1 if current else 0)
        if current and size + added > limit:
            pieces.append("\n".join(current))
            current, size = [], 0
            added = text_length(line)
        current.append(line)
        size += added
    if current:
        pieces.append("\n".join(current))
    pieces = [piece.strip("\n") for piece in pieces if piece.strip()]
    keep = keep.strip()
    if keep:
        if pieces and text_length(pieces[-1]) + 2 + text_length(keep) <= limit:
            pieces[-1] = f"{pieces[-1]}\n\n{keep}"
        elif text_length(keep) <= limit:
            pieces.append(keep)
        else:
            pieces.extend(split_lines(keep, limit))
    return pieces


def render_plain(
    markup: str, labels: Sequence[str] = (), locale: str = "vi", limit: int = ZALO_LIMIT
) -> list[str]:
    """A reply as the plain-text messages to send: body, then its choices, within `limit`."""
    return split_lines(to_plain(markup), limit, choices_text(labels, locale))


def _fit(lines: list[str], limit: int) -> list[str]:
    """The lines, with each one longer than `limit` cut into parts that fit."""
    out: list[str] = []
    for line in lines:
        while text_length(line) > limit:
            cut = _cut_at(line, limit)
            out.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        out.append(line)
    return out


def _cut_at(line: str, limit: int) -> int:
    """The index to cut a too-long line at: the last space within the limit, else the limit."""
    end = 0
    units = 0
    for index, char in enumerate(line):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            break
        end = index + 1
    space = line.rfind(" ", 0, end)
    return space if space > end // 2 else max(end, 1)
