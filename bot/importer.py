"""Importing directive files: parse, match units, show what was found, store on confirmation."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from bot.dates import fmt_date
from bot.directives.dates import deadline_from_text
from bot.directives.model import ParsedAssignment, ParsedDocument, Unassigned
from bot.directives.normalize import fold
from bot.directives.parse import parse_text
from bot.directives.readers import DocumentError, read_document_file
from bot.domain import TaskView, Unit
from bot.units import Match, UnitDirectory
from storage import NewDirective, NewTask, ParentRef, Revision, Store
from storage.records import match_tasks

ROLE_VI = {
    "lead": "chủ trì",
    "coordinate": "phối hợp",
    "unspecified": "thực hiện",
    "execute": "thi hành",
}
# The preview offers this many sentences that may be tasks, then says how many more.
SENTENCES_SHOWN = 5
State = Literal["new", "same", "revised"]


@dataclass(frozen=True)
class PlannedAssignment:
    """A parsed assignment, numbered for review, with the roster units its names matched."""

    number: int
    parsed: ParsedAssignment
    matches: tuple[Match, ...]
    deadline: date | None
    hints: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skipped: bool = False
    # The deadline lies before the document's own date: a slip, or a quoted old one.
    past: bool = False
    # A coordinating unit's assignment: the number of the lead assignment it shares.
    lead: int | None = None
    # Added by the reviewer (by reply or button), not read by the parser.
    added: bool = False

    @property
    def assigns(self) -> bool:
        """Whether this becomes tasks (not skipped, not the closing "thi hành" addressees)."""
        return not self.skipped and self.parsed.role != "execute"

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
    sha256: str
    state: State
    existing_id: int | None
    issuer_unit_id: int | None
    assignments: tuple[PlannedAssignment, ...]

    @property
    def exists(self) -> bool:
        """Stored before with the very same text: importing it changes nothing."""
        return self.state == "same"

    def tasks(self) -> list[NewTask]:
        """One task per matched unit per assignment; addressees of "thi hành" get none.

        A coordinating unit's task points at the first task of its lead assignment.
        """
        rows = [(a, unit) for a in self.assignments if a.assigns for unit in a.units]
        first: dict[int, int] = {}
        for n, (a, _) in enumerate(rows):
            first.setdefault(a.number, n)
        return [
            NewTask(
                unit_id=unit.id,
                role="unspecified" if a.parsed.role == "execute" else a.parsed.role,
                text="\n".join(a.parsed.tasks) or a.parsed.unit,
                deadline=a.deadline,
                recurrence=a.parsed.recurrence,
                report_to=a.parsed.report_to,
                lead=first.get(a.lead) if a.lead is not None else None,
            )
            for a, unit in rows
        ]

    def lead_of(self, a: PlannedAssignment) -> PlannedAssignment | None:
        """The lead assignment a coordinating one shares, if found in this document."""
        return next((b for b in self.assignments if b.number == a.lead), None)

    def sentences(self) -> list[Unassigned]:
        """Sentences that may be tasks the parser missed, less those the reviewer added."""
        taken = {" ".join(t.split()) for a in self.assignments if a.added for t in a.parsed.tasks}
        return [u for u in self.doc.unassigned if " ".join(u.text.split()) not in taken]

    @property
    def unassigned(self) -> list[PlannedAssignment]:
        """Assignments that would give nobody a task: no unit of the roster matched."""
        return [a for a in self.assignments if a.assigns and not a.units and not a.skipped]

    def to_store(self) -> NewDirective:
        """The directive as the Store takes it."""
        doc = self.doc
        return NewDirective(
            key=self.key,
            code=doc.code or doc.kind or "(không số)",
            kind=doc.kind,
            issuer=doc.issuer,
            issued_on=doc.date,
            subject=doc.subject,
            source_text=doc.text,
            source_sha256=self.sha256,
            issuer_unit_id=self.issuer_unit_id,
            parents=[ParentRef(p.number, p.date, p.issuer) for p in doc.parents],
            tasks=self.tasks(),
        )


@dataclass(frozen=True)
class ImportResult:
    """What storing a file did."""

    added: list[int]
    revised: list[tuple[int, Revision]]

    @property
    def directive_ids(self) -> list[int]:
        """Every directive added or revised."""
        return self.added + [d for d, _ in self.revised]


@dataclass(frozen=True)
class Changes:
    """What a corrected version does to the tasks already stored."""

    added: list[NewTask]
    changed: list[tuple[TaskView, NewTask]]
    removed: list[TaskView]

    @property
    def kept(self) -> list[TaskView]:
        """Dropped tasks that officials already reported on: they stay."""
        return [t for t in self.removed if t.last_update_at is not None]


async def changes_of(store: Store, plan: PlannedDirective) -> Changes | None:
    """For a corrected version, the tasks it adds, changes and drops (matched as the store does)."""
    if plan.state != "revised" or plan.existing_id is None:
        return None
    old = {t.id: t for t in await store.tasks_of_directive(plan.existing_id)}
    new_tasks = plan.tasks()
    continued = match_tasks([(t.id, t.unit_id, t.role, t.text) for t in old.values()], new_tasks)
    added: list[NewTask] = []
    changed: list[tuple[TaskView, NewTask]] = []
    for new, task_id in zip(new_tasks, continued, strict=True):
        before = old.pop(task_id) if task_id is not None else None
        if before is None:
            added.append(new)
        elif before.text != new.text or before.deadline != new.deadline:
            changed.append((before, new))
    return Changes(added, changed, list(old.values()))


def read_directive_file(path: Path) -> str:
    """The text of a .txt, .docx or .pdf directive file; DocumentError naming the file if not."""
    try:
        return read_document_file(path)
    except OSError as exc:
        raise DocumentError(f"{path}: không đọc được tệp ({exc.strerror}).") from exc
    except DocumentError as exc:
        raise DocumentError(f"{path}: {exc}") from exc


def directive_key(doc: ParsedDocument) -> str:
    """What identifies a document across imports: kind, issuer, number and date."""
    when = doc.date.isoformat() if doc.date else doc.date_partial or ""
    if not (doc.code or when):
        return "sha256:" + hashlib.sha256(doc.text.encode()).hexdigest()
    return "|".join(fold(part or "") for part in (doc.kind, doc.issuer, doc.code, when))


async def directory_of(store: Store) -> UnitDirectory:
    """The roster's units with the aliases admins added."""
    return UnitDirectory(await store.units(), await store.aliases())


async def plan_import(
    store: Store, text: str, edits: dict[str, Any] | None = None
) -> list[PlannedDirective]:
    """Parse every document in `text`, match its assignments to units, apply review edits."""
    directory = await directory_of(store)
    units = {u.id: u for u in directory.units}
    deadlines: dict[str, str] = (edits or {}).get("deadline", {})
    unit_fixes: dict[str, int] = (edits or {}).get("unit", {})
    skipped: set[str] = set((edits or {}).get("skip", []))
    # Parsing a long file takes a while; the bot keeps answering others meanwhile.
    docs = await asyncio.to_thread(parse_text, text)
    rows: list[list[tuple[int, ParsedAssignment, Match | None]]] = []
    number = 0
    for doc in docs:
        rows.append([])
        for parsed in doc.assignments:
            number += 1
            rows[-1].append((number, parsed, None))
    first_added = number + 1
    # What the reviewer added comes after every parsed assignment, so the numbers of those
    # never move; each goes with the document it was found in (by default the last one).
    for added in (edits or {}).get("add", []) if docs else ():
        doc_index = min(max(int(added.get("doc", len(docs) - 1)), 0), len(docs) - 1)
        unit = units.get(int(added["unit"])) if added.get("unit") is not None else None
        name = unit.name if unit else str(added.get("name") or "")
        if not name:
            continue
        number += 1
        deadline, stated = deadline_from_text(added["text"], docs[doc_index].date)
        parsed = ParsedAssignment(
            unit=name,
            units_split=(name,),
            role="lead",
            tasks=(added["text"],),
            deadline=deadline,
            deadline_text=stated,
        )
        rows[doc_index].append((number, parsed, Match(name, (unit,)) if unit else None))
    plans = []
    for doc, found in zip(docs, rows, strict=True):
        assignments = []
        for n, parsed, given in found:
            matches = (
                (given,)
                if given
                else tuple(directory.match(name) for name in parsed.units_split or (parsed.unit,))
            )
            if str(n) in unit_fixes and unit_fixes[str(n)] in units:
                fixed = units[unit_fixes[str(n)]]
                matches = (Match(fixed.name, (fixed,)),)
            deadline = parsed.deadline
            if str(n) in deadlines:
                deadline = date.fromisoformat(deadlines[str(n)])
            hints = tuple(
                (m.name, tuple(directory.closest(m.name))) for m in matches if not m.units
            )
            past = deadline is not None and doc.date is not None and deadline < doc.date
            assignments.append(
                PlannedAssignment(
                    n,
                    parsed,
                    matches,
                    deadline,
                    hints,
                    str(n) in skipped,
                    past,
                    added=n >= first_added,
                )
            )
        key = directive_key(doc)
        sha = hashlib.sha256(doc.text.encode()).hexdigest()
        existing = await store.directive_id(key)
        state: State = "new"
        if existing is not None:
            state = "same" if await store.directive_source(existing) == sha else "revised"
        issuer = directory.by_name(doc.issuer) if doc.issuer else None
        plans.append(
            PlannedDirective(
                doc=doc,
                key=key,
                sha256=sha,
                state=state,
                existing_id=existing,
                issuer_unit_id=issuer.id if issuer else None,
                assignments=tuple(_link_coordinators(assignments)),
            )
        )
    return plans


def _link_coordinators(assignments: list[PlannedAssignment]) -> list[PlannedAssignment]:
    """Give each coordinating assignment the number of the lead assignment it shares.

    The parser names the lead unit (`coordinates_for`); where that unit leads several
    assignments, the one listing this coordinator wins, then the one with the same deadline,
    then the first.
    """
    leads = [a for a in assignments if a.parsed.role == "lead"]
    linked = []
    for a in assignments:
        target = fold(a.parsed.coordinates_for or "")
        if a.parsed.role != "coordinate" or not target:
            linked.append(a)
            continue
        me = fold(a.parsed.unit)
        found = [
            b
            for b in leads
            if target in {fold(b.parsed.unit), *(fold(u) for u in b.parsed.units_split)}
        ]
        best = max(
            found,
            key=lambda b: (
                me in {fold(c) for c in b.parsed.coordinators},
                b.parsed.deadline == a.parsed.deadline,
            ),
            default=None,
        )
        linked.append(replace(a, lead=best.number) if best else a)
    return linked


async def apply_import(
    store: Store, plans: list[PlannedDirective], now: datetime, by: int | None = None
) -> ImportResult:
    """Store new documents and apply corrected versions of stored ones; `by` is the official
    who confirmed them (asked later for what the documents left open)."""
    added: list[int] = []
    revised: list[tuple[int, Revision]] = []
    for plan in plans:
        existing = await store.directive_id(plan.key)
        if existing is None:
            added.append(await store.add_directive(plan.to_store(), now))
        elif await store.directive_source(existing) != plan.sha256:
            revised.append((existing, await store.revise_directive(existing, plan.to_store(), now)))
    if by is not None:
        await store.set_importer(added + [d for d, _ in revised], by)
    return ImportResult(added, revised)


def describe(plans: list[PlannedDirective]) -> str:
    """A plain-text account of what was found, for the command line."""
    lines: list[str] = []
    for n, plan in enumerate(plans, 1):
        doc = plan.doc
        when = fmt_date(doc.date) if doc.date else (doc.date_partial or "không rõ ngày")
        state = {"new": "", "same": " (đã có, bỏ qua)", "revised": " (bản sửa của văn bản đã có)"}
        lines.append(
            f"Văn bản {n}: {doc.kind or 'Văn bản'} {doc.code or '(không số)'}{state[plan.state]}"
        )
        lines.append(f"  Cơ quan ban hành: {doc.issuer or 'không rõ'} · ngày {when}")
        for parent in doc.parents:
            pdate = f" ngày {fmt_date(parent.date)}" if parent.date else ""
            lines.append(f"  Thực hiện: {parent.number}{pdate} của {parent.issuer or '?'}")
        if not plan.assignments:
            lines.append("  Không có phân công cho đơn vị nào.")
        for a in plan.assignments:
            deadline = fmt_date(a.deadline) if a.deadline else "chưa có hạn"
            lines.append(f"  #{a.number} {a.parsed.unit} — {ROLE_VI[a.parsed.role]} — {deadline}")
            for task in a.parsed.tasks:
                lines.append(f"      - {_shorten(task)}")
            lead = plan.lead_of(a)
            if lead is not None:
                lines.append(f"      ↳ phối hợp với #{lead.number} {lead.parsed.unit}")
            if a.units:
                lines.append(f"      → {len(a.units)} đơn vị: {', '.join(u.name for u in a.units)}")
            for name, close in a.hints:
                hint = f" (gần giống: {', '.join(close)})" if close else ""
                lines.append(f"      ! không khớp đơn vị nào trong danh sách: {name}{hint}")
        sentences = plan.sentences()
        if sentences:
            lines.append(
                "  Có thể là nhiệm vụ (không được giao ở đây; gửi tệp trong chat để thêm):"
            )
        for s in sentences[:SENTENCES_SHOWN]:
            lines.append(f"    dòng {s.line}: {_shorten(s.text)}")
        if len(sentences) > SENTENCES_SHOWN:
            lines.append(f"    và {len(sentences) - SENTENCES_SHOWN} câu khác")
        if not plan.exists:
            lines.append(
                f"  Sẽ {'tạo' if plan.state == 'new' else 'cập nhật'} {len(plan.tasks())} nhiệm vụ."
            )
    return "\n".join(lines)


def _shorten(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
