"""Importing directive files: parse, match units, show what was found, store on confirmation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.dates import fmt_date
from bot.directives.model import ParsedAssignment, ParsedDocument
from bot.directives.normalize import fold
from bot.directives.parse import parse_text
from bot.domain import Unit
from bot.units import Match, UnitDirectory
from storage import NewTask, Store
from storage.store import ParentRef

MAX_FILE_BYTES = 5 * 1024 * 1024
ROLE_VI = {"lead": "chủ trì", "coordinate": "phối hợp", "unspecified": "thực hiện"}


class DirectiveFileError(ValueError):
    """A directive file that cannot be read as text."""


@dataclass(frozen=True)
class PlannedAssignment:
    """A parsed assignment and the roster units its names matched."""

    parsed: ParsedAssignment
    matches: tuple[Match, ...]

    @property
    def units(self) -> list[Unit]:
        """The matched units, each once, in the order written."""
        seen: dict[int, Unit] = {}
        for match in self.matches:
            for unit in match.units:
                seen.setdefault(unit.id, unit)
        return list(seen.values())

    @property
    def unmatched(self) -> list[str]:
        """Names that matched no unit of the roster."""
        return [m.name for m in self.matches if not m.units]


@dataclass(frozen=True)
class PlannedDirective:
    """One document of a file, ready to store."""

    doc: ParsedDocument
    key: str
    exists: bool
    assignments: tuple[PlannedAssignment, ...]

    def tasks(self) -> list[NewTask]:
        """One task per matched unit per assignment."""
        return [
            NewTask(
                unit_id=unit.id,
                role=a.parsed.role,
                text="\n".join(a.parsed.tasks) or a.parsed.unit,
                deadline=a.parsed.deadline,
                recurrence=a.parsed.recurrence,
                report_to=a.parsed.report_to,
            )
            for a in self.assignments
            for unit in a.units
        ]


def read_directive_file(path: Path) -> str:
    """The text of a directive file; DirectiveFileError if empty, binary, huge or unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DirectiveFileError(
                f"{path}: tệp quá lớn ({size // 1024} KB, tối đa {MAX_FILE_BYTES // 1024} KB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DirectiveFileError(f"{path}: không đọc được tệp ({exc.strerror})") from exc
    if b"\x00" in data:
        raise DirectiveFileError(f"{path}: không phải tệp văn bản (.txt UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectiveFileError(
            f"{path}: không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start})"
        ) from exc
    if not text.strip():
        raise DirectiveFileError(f"{path}: tệp rỗng")
    return text


def directive_key(doc: ParsedDocument) -> str:
    """What identifies a document across imports: kind, issuer, number and date."""
    when = doc.date.isoformat() if doc.date else doc.date_partial or ""
    if not (doc.code or when):
        return "sha256:" + hashlib.sha256(doc.text.encode()).hexdigest()
    return "|".join(fold(part or "") for part in (doc.kind, doc.issuer, doc.code, when))


async def plan_import(store: Store, text: str) -> list[PlannedDirective]:
    """Parse every document in `text` and match its assignments to the roster's units."""
    directory = UnitDirectory(await store.units())
    plans = []
    for doc in parse_text(text):
        key = directive_key(doc)
        assignments = tuple(
            PlannedAssignment(
                a, tuple(directory.match(name) for name in a.units_split or (a.unit,))
            )
            for a in doc.assignments
        )
        plans.append(
            PlannedDirective(doc, key, await store.directive_id(key) is not None, assignments)
        )
    return plans


async def apply_import(store: Store, plans: list[PlannedDirective], now: datetime) -> list[int]:
    """Store the documents not stored before; return the new directive ids."""
    ids = []
    for plan in plans:
        if plan.exists or await store.directive_id(plan.key) is not None:
            continue
        doc = plan.doc
        ids.append(
            await store.add_directive(
                key=plan.key,
                code=doc.code or doc.kind or "(không số)",
                kind=doc.kind,
                issuer=doc.issuer,
                issued_on=doc.date,
                subject=doc.subject,
                source_text=doc.text,
                parents=[ParentRef(p.number, p.date, p.issuer) for p in doc.parents],
                tasks=plan.tasks(),
                now=now,
            )
        )
    return ids


def describe(plans: list[PlannedDirective]) -> str:
    """A plain-text account of what was found, for the command line."""
    lines: list[str] = []
    for n, plan in enumerate(plans, 1):
        doc = plan.doc
        when = fmt_date(doc.date) if doc.date else (doc.date_partial or "không rõ ngày")
        state = " (đã có, bỏ qua)" if plan.exists else ""
        lines.append(f"Văn bản {n}: {doc.kind or 'Văn bản'} {doc.code or '(không số)'}{state}")
        lines.append(f"  Cơ quan ban hành: {doc.issuer or 'không rõ'} · ngày {when}")
        for parent in doc.parents:
            pdate = f" ngày {fmt_date(parent.date)}" if parent.date else ""
            lines.append(f"  Thực hiện: {parent.number}{pdate} của {parent.issuer or '?'}")
        if not plan.assignments:
            lines.append("  Không có phân công cho đơn vị nào.")
        for a in plan.assignments:
            deadline = fmt_date(a.parsed.deadline) if a.parsed.deadline else "không có hạn"
            lines.append(f"  • {a.parsed.unit} — {ROLE_VI[a.parsed.role]} — {deadline}")
            for task in a.parsed.tasks:
                lines.append(f"      - {_shorten(task)}")
            if a.units:
                lines.append(f"      → {len(a.units)} đơn vị: {', '.join(u.name for u in a.units)}")
            for name in a.unmatched:
                lines.append(f"      ! không khớp đơn vị nào trong danh sách: {name}")
        lines.append(f"  Sẽ tạo {len(plan.tasks())} nhiệm vụ." if not plan.exists else "")
    return "\n".join(line for line in lines if line)


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
