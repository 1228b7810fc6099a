"""The `dondoc` command line: run, demo, nudge, org import/alias/invite/status, directive import/parse."""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
from bot.invites import InviteError, find_official, make_invite
from bot.names import name_key
from bot.reach import reach_report
from bot.reports.command import report_command
from bot.roster import RosterError, apply_plan, load_roster, plan_roster
from messages import render
from storage import Store
from storage.dbcopy import copy_database
from storage.dburl import database_of, is_postgres, shown
from storage.migrate import DatabaseRefused, latest_version
from storage.store import stored_version


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dondoc", description="Đôn đốc nhiệm vụ qua chat.")
    parser.add_argument(
        "--db",
        help="tệp SQLite hoặc postgresql://… (mặc định: DONDOC_DB hoặc dondoc.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="chạy bot (Telegram, Zalo hoặc cả hai; long polling)")
    run.add_argument(
        "--webhook", action="store_true", help="nhận tin qua webhook (DONDOC_WEBHOOK_*)"
    )
    sub.add_parser("demo", help="thử bot trong terminal, không cần token")
    nudge = sub.add_parser("nudge", help="gửi các tin nhắc hạn đến hạn ngay bây giờ")
    nudge.add_argument("--at", help="thời điểm ISO-8601 (mặc định: bây giờ)")
    org = sub.add_parser("org", help="tổ chức: đơn vị và cán bộ").add_subparsers(
        dest="org_command", required=True
    )
    roster = org.add_parser("import", help="nạp danh sách CSV")
    roster.add_argument("file", type=Path)
    roster.add_argument("--yes", action="store_true", help="không hỏi khi có cán bộ bị ngừng")
    invite = org.add_parser("invite", help="tạo mã đăng ký một lần cho một cán bộ")
    invite.add_argument("name", help="họ tên cán bộ như trong danh sách")
    invite.add_argument("--unit", help="đơn vị, khi có hai người trùng tên")
    invite.add_argument("--days", type=int, default=7, help="số ngày mã còn dùng được (mặc định 7)")
    org.add_parser("status", help="cán bộ bot chưa nhắn được")
    alias = org.add_parser("alias", help="thêm tên gọi khác cho một đơn vị")
    alias.add_argument("alias", help='tên viết tắt, ví dụ "P. KT-HT"')
    alias.add_argument("unit", help='tên đơn vị trong danh sách, ví dụ "Phòng Kinh tế và Hạ tầng"')
    db = sub.add_parser("db", help="cơ sở dữ liệu: nâng cấp, kiểm tra, sao chép").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("migrate", help="nâng cấp cơ sở dữ liệu lên phiên bản của dondoc này")
    db.add_parser("check", help="cho biết phiên bản cơ sở dữ liệu, không ghi gì")
    copy = db.add_parser("copy", help="chép mọi dữ liệu từ SQLite sang PostgreSQL trống")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///dondoc.db")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://…")
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
        await run_bot(settings, webhook=args.webhook)
        return 0
    if args.command == "demo":
        return await _demo(settings)
    if args.command == "nudge":
        tally = await nudge_once(settings, _parse_at(args.at, settings))
        _out(
            f"Đã gửi {tally.sent} tin"
            + (f"; {tally.failed} tin không gửi được." if tally.failed else "")
            + (f"; {tally.retried} tin sẽ gửi lại sau." if tally.retried else ".")
        )
        return 1 if tally.failed else 0
    if args.command == "report":
        async with Store.open(settings.db) as store:
            options = {
                k: getattr(args, k) for k in ("directive", "unit", "period", "docx", "xlsx", "png")
            }
            return await report_command(services(settings, store), **options, out=_out)
    if args.command == "db":
        return await _db_command(args, settings)
    if args.command == "org" and args.org_command == "alias":
        return await _org_alias(args.alias, args.unit, settings)
    if args.command == "org" and args.org_command == "invite":
        return await _org_invite(args.name, args.unit, args.days, settings)
    if args.command == "org" and args.org_command == "status":
        return await _org_status(settings)
    if args.command == "org":
        return await _org_import(args.file, args.yes, settings)
    if args.directive_command == "parse":
        docs = parse_text(read_directive_file(args.file))
        if args.json:
            _out(json.dumps([d.to_json() for d in docs], ensure_ascii=False, indent=2))
        else:
            _out("\n\n".join(f"{d.kind or 'Văn bản'} {d.code} — {d.issuer}" for d in docs))
        return 0
    return await _directive_import(args.file, args.yes, settings)


async def _org_import(path: Path, yes: bool, settings: Settings) -> int:
    rows = load_roster(path)  # the whole file is checked before the database is opened
    async with Store.open(settings.db) as store:
        plan = await plan_roster(store, rows)
        if plan.deactivated:
            _out(_text("org_deactivate", settings, officials=plan.deactivated))
            if not yes:
                if not sys.stdin.isatty():
                    _err("Lỗi: danh sách mới bỏ bớt cán bộ; thêm --yes để xác nhận, chưa lưu gì.")
                    return 2
                answer = await asyncio.to_thread(_ask, "Lưu danh sách mới? [c/K] ")
                if answer.strip().lower() not in ("c", "có", "y", "yes"):
                    _out("Đã hủy; không lưu gì.")
                    return 1
        await apply_plan(store, plan)
    _out(_text("org_import", settings, plan=plan))
    return 0


async def _org_invite(name: str, unit: str | None, days: int, settings: Settings) -> int:
    if not 1 <= days <= 90:
        _err("Lỗi: --days phải từ 1 đến 90 ngày.")
        return 2
    async with Store.open(settings.db) as store:
        official = find_official(await store.officials(), name, unit)
        now = datetime.now(UTC)
        invite = await make_invite(store, official, now, days, settings.telegram_bot_username)
    expires = invite.expires_at.astimezone(settings.zone).date()
    _out(_text("org_invite", settings, invite=invite, expires=expires))
    return 0


async def _org_status(settings: Settings) -> int:
    async with Store.open(settings.db) as store:
        units = await reach_report(store)
        total = len(await store.officials())
    _out(_text("org_status", settings, units=units, total=total))
    return 0


def _text(template: str, settings: Settings, **context: Any) -> str:
    # The templates are escaped for Telegram HTML; a terminal wants the plain characters.
    return html.unescape(render(template, settings.locale, **context))


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


async def _db_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.db_command == "migrate":
        async with Store.open(settings.db):
            pass
        version = await stored_version(settings.db)
        _out(f"Cơ sở dữ liệu {shown(settings.db)} ở phiên bản {version}, phiên bản mới nhất.")
        return 0
    if args.db_command == "check":
        found = await stored_version(settings.db)
        latest = latest_version()
        where = shown(settings.db)
        if found is None:
            _out(f"{where}: chưa có cơ sở dữ liệu dondoc; `dondoc db migrate` sẽ tạo mới.")
            return 1
        if found < latest:
            _out(
                f"{where}: phiên bản {found}, dondoc này dùng {latest}; "
                "chạy `dondoc db migrate` để nâng cấp."
            )
            return 1
        _out(f"{where}: phiên bản {found}, đúng phiên bản dondoc này dùng.")
        return 0
    source, target = database_of(args.source), args.target
    if not isinstance(source, Path):
        _err("Lỗi: --from phải là tệp SQLite (sqlite:///dondoc.db hoặc đường dẫn tệp).")
        return 2
    if not is_postgres(target):
        _err("Lỗi: --to phải là postgresql://người_dùng@máy:cổng/tên_csdl.")
        return 2
    counts = await copy_database(source, target)
    _out(
        f"Đã chép {sum(counts.values())} dòng của {len(counts)} bảng từ {source} sang "
        f"{shown(target)}; mã số giữ nguyên."
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
        settings = settings.model_copy(update={"db": database_of(args.db)})
    return await run_command(args, settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `dondoc` command."""
    args = _parser().parse_args(argv)
    # Read before the settings, so that a failure to read them can be logged at that level too.
    level = os.environ.get("DONDOC_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        level=level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings()
        if args.db is not None:
            settings = settings.model_copy(update={"db": database_of(args.db)})
        return asyncio.run(run_command(args, settings))
    except ValidationError as exc:
        _err(f"Cấu hình không hợp lệ: {exc}")
    except (ConfigError, RosterError, DocumentError, DatabaseRefused, InviteError) as exc:
        _err(f"Lỗi: {exc}")
    except sqlite3.DatabaseError as exc:
        # Refused files never get here (Store.open checks them first); this is the rest:
        # a disk that fills up, a file another program locks or damages while we run.
        _err(f"Lỗi: cơ sở dữ liệu không dùng được ({exc}); xem lại tệp --db hoặc DONDOC_DB.")
    except UnicodeDecodeError:
        # A row whose text SQLite stored but Python cannot decode: damaged data, not input.
        _err("Lỗi: dữ liệu trong cơ sở dữ liệu bị hỏng; hãy khôi phục từ bản sao lưu.")
    except ValueError as exc:
        _err(f"Lỗi: {exc}")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one sentence, the details in the log
        logging.getLogger(__name__).debug("unexpected failure", exc_info=True)
        _err(
            f"Lỗi không mong đợi ({type(exc).__name__}); chạy lại với mức log DEBUG để xem chi tiết."
        )
        return 1
    return 2
