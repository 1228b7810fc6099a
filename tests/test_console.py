"""The terminal demo, driven by scripted input."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.console import chat, load_examples
from bot.services import Services
from bot.transports.plaintext import to_plain
from tests.conftest import EXAMPLES, Clock


def script(lines: list[str]) -> tuple[list[str], object]:
    """An output list and an async reader that returns `lines`, then end of input."""
    feed: Iterator[str] = iter(lines)
    out: list[str] = []

    async def read(prompt: str) -> str | None:
        out.append(prompt)
        return next(feed, None)

    return out, read


async def test_demo_loads_examples_and_talks(svc: Services, clock: Clock) -> None:
    out: list[str] = []
    await load_examples(svc, out.append)
    assert any("my-xuyen-chuyen-doi-so.txt" in line for line in out)
    officials = await svc.store.officials()
    mai = next(n for n, o in enumerate(officials, 1) if o.name == "Huỳnh Ngọc Mai")
    tri = next(n for n, o in enumerate(officials, 1) if o.name == "Nguyễn Minh Trí")
    tasks = await svc.store.tasks_of_units([officials[mai - 1].unit_id])
    draft = next(t.id for t in tasks if "dự thảo" in t.text)

    log, read = script(
        [
            str(mai),
            "/nhiemvu",
            f"/capnhat #{draft} đạt 50%",
            "/nhac",
            "/doi",
            str(tri),
            "/tonghop",
            "/thoat",
        ]
    )
    await chat(svc, read, log.append)  # type: ignore[arg-type]
    text = "".join(log)
    assert f"#{draft}" in text
    assert "Đã ghi báo cáo tiến độ" in text and "(50%)" in text
    assert "Nhắc hạn: đã gửi" in text
    assert "Tổng hợp tình hình thực hiện" in text
    assert "<b>" not in text  # HTML is turned into terminal text


async def test_demo_reply_to_a_nudge_records_a_note(svc: Services, clock: Clock) -> None:
    await load_examples(svc, lambda _: None)
    officials = await svc.store.officials()
    mai = next(n for n, o in enumerate(officials, 1) if o.name == "Huỳnh Ngọc Mai")
    log, read = script([str(mai), "/nhac", "/thoat"])
    await chat(svc, read, log.append)  # type: ignore[arg-type]
    numbers = re.findall(r"── tin #(\d+) → Huỳnh Ngọc Mai", "".join(log))
    assert numbers
    log2, read2 = script([str(mai), f">{numbers[0]} vướng kinh phí", "/thoat"])
    await chat(svc, read2, log2.append)  # type: ignore[arg-type]
    assert "Đã ghi báo cáo tiến độ" in "".join(log2)


def test_plain_turns_html_into_text() -> None:
    assert to_plain("<b>#1</b> &lt;x&gt; &amp;") == "#1 <x> &"


async def test_demo_imports_a_file_with_buttons(svc: Services, clock: Clock) -> None:
    await load_examples(svc, lambda _: None)
    officials = await svc.store.officials()
    tri = next(n for n, o in enumerate(officials, 1) if o.name == "Nguyễn Minh Trí")
    path = EXAMPLES / "directives" / "huyen-uy-my-xuyen-69-ctr-hu.txt"
    log, read = script([str(tri), f"/gui {path}", "/thoat"])
    await chat(svc, read, log.append)  # type: ignore[arg-type]
    text = "".join(log)
    assert "đã có, bỏ qua" in text  # the demo loaded it already
    assert "[1] ✅ Xác nhận" in text and "[2] ❌ Hủy" in text
    log2, read2 = script([str(tri), f"/gui {path}", "1", "/thoat"])
    await chat(svc, read2, log2.append)  # type: ignore[arg-type]
    assert "Đã lưu 0 văn bản mới" in "".join(log2)


async def test_the_demo_plays_a_stranger_and_quits_at_any_prompt(
    svc: Services, clock: Clock
) -> None:
    await load_examples(svc, lambda _: None)
    log, read = script(["0", "/nhiemvu", "/doi", "/thoat"])
    await chat(svc, read, log.append)  # type: ignore[arg-type]
    text = "".join(log)
    stranger = text.split("Khách>", 1)[1]
    assert "chưa có trong danh sách cán bộ" in stranger and "Nhiệm vụ của" not in stranger
    log2, read2 = script(["/thoat"])  # at the very first prompt
    await chat(svc, read2, log2.append)  # type: ignore[arg-type]
    assert log2[-1].startswith("Chọn người dùng")
