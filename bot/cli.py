"""The `dondoc` command line: run, demo, nudge, org import, directive import/parse."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from bot import console
from bot.app import ConfigError, nudge_once, run_bot, services
from bot.config import Settings
from bot.directives.parse import parse_text
from bot.directives.readers import DocumentError
from bot.importer import (
    apply_import,
    describe,
    directory_of,
    plan_import,
    read_directive_file,
)
from bot.names import name_key
from bot.reports.command import report_command
from bot.roster import RosterError, import_roster, load_roster
from storage import Store
from storage.migrate import DatabaseTooNew


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dondoc", description="Đôn đốc nhiệm vụ qua chat.")
    parser.add_argument("--db", type=Path, help="tệp SQLite (mặc định: DONDOC_DB hoặc dondoc.db)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="chạy bot Telegram (long polling)")
    sub.add_parser("demo", help="thử bot trong terminal, không cần token")
    nudge = sub.add_parser("nudge", help="gửi các tin nhắc hạn đến hạn ngay bây giờ")
    nudge.add_argument("--at", help="thời điểm ISO-8601 (mặc định: bây giờ)")
    org = sub.add_parser("org", help="tổ chức: đơn vị và cán bộ").add_subparsers(
        dest="org_command", required=True
    )
    org.add_parser("import", help="nạp danh sách CSV").add_argument("file", type=Path)
    alias = org.add_parser("alias", help="thêm tên gọi khác cho một đơn vị")
    alias.add_argument("alias", help='tên viết tắt, ví dụ "P. KT-HT"')
    alias.add_argument("unit", help='tên đơn vị trong danh sách, ví dụ "Phòng Kinh tế và Hạ tầng"')
    directive = sub.add_parser("directive", help="văn bản chỉ đạo").add_subparsers(
        dest="directive_command", required=True
    )
    imp = directive.add_parser("import", help="nạp văn bản (.txt)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--yes", action="store_true", help="không hỏi xác nhận")
    parse = directive.add_parser("parse", help="in những gì đọc được từ văn bản")
    parse.add_argument("file", type=Path)
    parse.add_argument("--json", action="store_true", help="in dạng JSON")
    report = sub.add_parser("report", help="tổng hợp, báo cáo Word, Excel và biểu đồ")
    report.add_argument(
        "--directive", help="số văn bản, ví dụ 412/KH-UBND (cả các văn bản triển khai)"
    )
    report.add_argument("--unit", help="tên đơn vị (cả các đơn vị trực thuộc)")
    report.add_argument("--period", help='kỳ báo cáo, ví dụ "quý I/2027", "tháng 3", "năm 2027"')
    for kind in ("docx", "xlsx", "png"):
        report.add_argument(f"--{kind}", type=Path, help=f"ghi tệp .{kind}")
    return parser


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _parse_at(value: str | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    # A time without an offset is read in the officials' zone, not the machine's.
    return moment if moment.tzinfo else moment.replace(tzinfo=settings.zone)


async def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one parsed command; the exit status."""
    if args.command == "run":
        await run_bot(settings)
        return 0
    if args.command == "demo":
        return await _demo(settings)
    if args.command == "nudge":
        sent, failed = await nudge_once(settings, _parse_at(args.at, settings))
        _out(
            f"Đã gửi {sent} tin nhắc hạn" + (f"; {failed} tin lỗi, sẽ gửi lại." if failed else ".")
        )
        return 1 if failed else 0
    if args.command == "report":
        async with Store.open(settings.db) as store:
            options = {
                k: getattr(args, k) for k in ("directive", "unit", "period", "docx", "xlsx", "png")
            }
            return await report_command(services(settings, store), **options, out=_out)
    if args.command == "org" and args.org_command == "alias":
        return await _org_alias(args.alias, args.unit, settings)
    if args.command == "org":
        return await _org_import(args.file, settings)
    if args.directive_command == "parse":
        docs = parse_text(read_directive_file(args.file))
        if args.json:
            _out(json.dumps([d.to_json() for d in docs], ensure_ascii=False, indent=2))
        else:
            _out("\n\n".join(f"{d.kind or 'Văn bản'} {d.code} — {d.issuer}" for d in docs))
        return 0
    return await _directive_import(args.file, args.yes, settings)


async def _org_import(path: Path, settings: Settings) -> int:
    rows = load_roster(path)
    async with Store.open(settings.db) as store:
        result = await import_roster(store, rows)
    _out(
        f"Đơn vị: thêm {result.units_added}, đổi {result.units_changed}. "
        f"Cán bộ: thêm {result.officials_added}, đổi {result.officials_changed}, "
        f"giữ nguyên {result.unchanged}."
    )
    # Telegram refuses to message anyone who never opened the bot (403 Forbidden).
    _out("Lưu ý: mỗi cán bộ cần mở bot trên Telegram và bấm /start một lần để nhận tin nhắc hạn.")
    return 0


async def _org_alias(alias: str, unit_name: str, settings: Settings) -> int:
    async with Store.open(settings.db) as store:
        directory = await directory_of(store)
        unit = directory.by_name(unit_name)
        if unit is None:
            close = directory.closest(unit_name)
            hint = f" Có phải: {', '.join(close)}?" if close else ""
            _err(f"Lỗi: không có đơn vị “{unit_name}” trong danh sách.{hint}")
            return 2
        change = await store.add_alias(alias, name_key(alias), unit.id)
    _out(
        f"“{alias}” là tên gọi khác của {unit.name}"
        + (" (đã có từ trước)." if change == "unchanged" else ".")
    )
    return 0


async def _directive_import(path: Path, yes: bool, settings: Settings) -> int:
    text = read_directive_file(path)
    async with Store.open(settings.db) as store:
        svc = services(settings, store)
        plans = await plan_import(store, text)
        if not any(p.assignments for p in plans):
            _err(f"Lỗi: {path}: không có phân công nhiệm vụ cho đơn vị nào; không lưu gì.")
            return 2
        _out(describe(plans))
        new = [p for p in plans if not p.exists]
        if not new:
            _out("Không có văn bản mới; không thay đổi gì.")
            return 0
        if not yes:
            answer = await asyncio.to_thread(_ask, "Lưu các văn bản trên? [c/K] ")
            if answer.strip().lower() not in ("c", "có", "y", "yes"):
                _out("Đã hủy; không lưu gì.")
                return 1
        result = await apply_import(store, plans, svc.now())
        _out(
            f"Đã lưu {len(result.added)} văn bản mới, cập nhật {len(result.revised)} văn bản; "
            f"{sum(len(p.tasks()) for p in new)} nhiệm vụ."
        )
    return 0


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return ""


async def _demo(settings: Settings) -> int:
    db = console.temp_db()
    async with Store.open(db) as store:
        svc = services(settings, store)
        console.stdout_write(f"dondoc demo — cơ sở dữ liệu tạm: {db}\n")
        await console.load_examples(svc, console.stdout_write)
        await console.chat(svc, console.stdin_line, console.stdout_write)
    return 0


async def run_cli(argv: Sequence[str], settings: Settings) -> int:
    """Parse `argv` and carry it out with `settings` (for callers already in an event loop)."""
    args = _parser().parse_args(argv)
    if args.db is not None:
        settings = settings.model_copy(update={"db": args.db})
    return await run_command(args, settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dondoc` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings()
        if args.db is not None:
            settings = settings.model_copy(update={"db": args.db})
        return asyncio.run(run_command(args, settings))
    except ValidationError as exc:
        _err(f"Cấu hình không hợp lệ: {exc}")
    except (ConfigError, RosterError, DocumentError, DatabaseTooNew) as exc:
        _err(f"Lỗi: {exc}")
    except ValueError as exc:
        _err(f"Lỗi: {exc}")
    except KeyboardInterrupt:
        return 130
    return 2
