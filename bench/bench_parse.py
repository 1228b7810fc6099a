"""Directive parsing speed: time per page as documents grow, and the corpus rate.

1. Generated documents of 10 to 200 pages in two layouts (a plain plan with numbered items
   and a task table; a web copy with its metadata block, cell rules and hard-wrapped lines):
   the time per page should stay flat, since the parser is linear in the text.
2. The seed directives in examples/, and the corpus in ../shared/directives/corpus when it is
   there: documents per second and the slowest document.
"""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.directives.parse import parse_text  # noqa: E402

CORPUS = ROOT.parent / "shared" / "directives" / "corpus"
PAGES = (10, 25, 50, 100, 200)
# About one printed page: five numbered items of three wrapped lines and a table row.
ITEMS_PER_PAGE = 5
UNITS = ("Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Công an tỉnh", "UBND các xã, phường, đặc khu")


def _item(n: int) -> str:
    unit = UNITS[n % len(UNITS)]
    other = UNITS[(n + 1) % len(UNITS)]
    return (
        f"{n}. {unit} chủ trì, phối hợp với {other} rà soát, tổng hợp và báo cáo kết quả "
        f"thực hiện nhiệm vụ số {n} về Ủy ban nhân dân tỉnh; bảo đảm tiến độ, chất lượng và "
        f"hiệu quả, hoàn thành trước ngày {n % 28 + 1}/{n % 12 + 1}/2026."
    )


def plain_plan(pages: int) -> str:
    """A plan of the given length: header, numbered items (past 100) and a task table."""
    head = (
        "ỦY BAN NHÂN DÂN\nTỈNH HÒA AN\nSố: 120/KH-UBND\nHòa An, ngày 03 tháng 11 năm 2025\n\n"
        "KẾ HOẠCH\nTriển khai nhiệm vụ năm 2026\n\nII. TỔ CHỨC THỰC HIỆN\n"
    )
    n = pages * ITEMS_PER_PAGE
    items = "\n".join(_item(i) for i in range(1, n + 1))
    rows = "\n".join(
        f"{i} | Nhiệm vụ {i} | {UNITS[i % len(UNITS)]} | Sở Tư pháp | Quý {i % 4 + 1}/2026"
        for i in range(1, pages + 1)
    )
    table = "STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
    return f"{head}{items}\n\nPHỤ LỤC\n{table}{rows}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"


def web_copy(pages: int) -> str:
    """The same plan as a law portal prints it: metadata block, cell rules, 80-column wrap."""
    meta = "".join(
        f"**{k}:**\n|\n{v}\n|\n"
        for k, v in (
            ("Số hiệu", "120/KH-UBND"),
            ("Loại văn bản", "Kế hoạch"),
            ("Nơi ban hành", "Tỉnh Hòa An"),
            ("Ngày ban hành", "03/11/2025"),
            ("Tình trạng", "Đã biết"),
        )
    )
    head = "|\n**ỦY BAN NHÂN DÂN\nTỈNH HÒA AN**\n|\nSố: 120/KH-UBND\n|\n*Hòa An, ngày 03\ntháng 11 năm 2025*\n|\n"
    body = "\n".join(
        "\n".join(textwrap.wrap(_item(i), 80)) for i in range(1, pages * ITEMS_PER_PAGE + 1)
    )
    cells = "\n".join(
        f"|\n{i}\n|\nNhiệm vụ {i}\n|\n{UNITS[i % len(UNITS)]}\n|\nSở Tư pháp\n|\nQuý {i % 4 + 1}/2026"
        for i in range(1, pages + 1)
    )
    return f"# a portal page\n|\n{meta}{head}**KẾ HOẠCH**\n|\n{body}\n{cells}\n|\n"


def _best_of(text: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        parse_text(text)
        best = min(best, time.perf_counter() - start)
    return best


def pages_table() -> None:
    """Milliseconds per page for each generated size and layout."""
    print("generated documents: ms per page (flat = linear)")
    print(f"{'pages':>6}  {'plain':>8}  {'web copy':>8}")
    for pages in PAGES:
        plain = _best_of(plain_plan(pages)) / pages * 1000
        web = _best_of(web_copy(pages)) / pages * 1000
        print(f"{pages:>6}  {plain:>8.2f}  {web:>8.2f}")


def folder_rate(name: str, files: list[Path]) -> None:
    """Documents per second over files, and the slowest one."""
    if not files:
        print(f"{name}: no files")
        return
    texts = [(p.name, p.read_text("utf-8")) for p in files]
    documents = 0
    slowest = ("", 0.0)
    start = time.perf_counter()
    for file, text in texts:
        t0 = time.perf_counter()
        documents += len(parse_text(text))
        took = time.perf_counter() - t0
        slowest = max(slowest, (file, took), key=lambda x: x[1])
    total = time.perf_counter() - start
    size = sum(len(t) for _, t in texts) / 1e6
    print(
        f"{name}: {len(texts)} files, {documents} documents, {size:.1f} MB in {total:.2f} s: "
        f"{documents / total:,.1f} documents/s; slowest {slowest[0]} ({slowest[1] * 1000:.0f} ms)"
    )


# A deadline in working days loads the public-holiday calendar once per process; parse one
# first so that no document is charged with it.
_WARM_UP = "1. Sở Tài chính rà soát, chậm nhất 05 ngày làm việc kể từ ngày ban hành."


def main() -> None:
    """Print the per-page table and the rates over the seeds and the corpus."""
    parse_text(f"Hòa An, ngày 03 tháng 11 năm 2025\n{_WARM_UP}\n")
    pages_table()
    folder_rate("seeds", sorted((ROOT / "examples" / "directives").glob("00[0-9]_*.txt")))
    folder_rate("corpus", sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else [])


if __name__ == "__main__":
    main()
