"""What the directive parser extracts from a document, before it is matched to units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Role = Literal["lead", "coordinate", "execute", "unspecified"]


@dataclass(frozen=True)
class Reference:
    """A document cited as a parent: "Kết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị"."""

    number: str
    date: date | None = None
    issuer: str | None = None


@dataclass(frozen=True)
class ParsedAssignment:
    """One block of a directive that hands tasks to one or more units."""

    unit: str
    units_split: tuple[str, ...]
    role: Role = "unspecified"
    coordinators: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    deadline: date | None = None
    deadline_text: str | None = None
    # "day", "month", "quarter" or "year": "trong quý I/2026" is due 31/3/2026, to the quarter.
    deadline_precision: str | None = None
    recurrence: str | None = None
    recurrence_text: str | None = None
    report_to: str | None = None
    report_via: str | None = None
    # A coordinator's own assignment names the lead unit whose task it shares.
    coordinates_for: str | None = None


@dataclass(frozen=True)
class Unassigned:
    """A sentence that addresses a unit with an action verb but gave no assignment."""

    line: int
    unit: str
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    """One document found in a file: its metadata, parents and assignments."""

    issuer: str | None = None
    parent_issuer: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: date | None = None
    date_partial: str | None = None
    place: str | None = None
    kind: str | None = None
    subject: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: tuple[str, ...] = ()
    parents: tuple[Reference, ...] = ()
    assignments: tuple[ParsedAssignment, ...] = ()
    sections: tuple[str, ...] = ()
    unassigned: tuple[Unassigned, ...] = ()
    text: str = field(default="", repr=False)

    @property
    def code(self) -> str:
        """The number and symbol as written: "2018-CV/TU", "412/KH-UBND", or "/KH-UBND"."""
        if self.number and self.symbol:
            # Party documents join with a dash (2018-CV/TU), state documents with a slash.
            joiner = "-" if "/" in self.symbol else "/"
            return f"{self.number}{joiner}{self.symbol}"
        if self.symbol:
            return f"/{self.symbol}"
        return self.number or ""

    def to_json(self) -> dict[str, Any]:
        """The document as a JSON object with the keys of seeds.gold.json."""
        return {
            "issuer": self.issuer,
            "parent_issuer": self.parent_issuer,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat() if self.date else None,
            "date_partial": self.date_partial,
            "place": self.place,
            "kind": self.kind,
            "subject": self.subject,
            "signer": self.signer,
            "signer_title": self.signer_title,
            "recipients": list(self.recipients),
            "parents": [
                {
                    "number": p.number,
                    "date": p.date.isoformat() if p.date else None,
                    "issuer": p.issuer,
                }
                for p in self.parents
            ],
            "assignments": [
                {
                    "unit": a.unit,
                    "units_split": list(a.units_split),
                    "role": a.role,
                    "coordinators": list(a.coordinators),
                    "tasks": list(a.tasks),
                    "deadline": a.deadline.isoformat() if a.deadline else None,
                    "deadline_text": a.deadline_text,
                    "deadline_precision": a.deadline_precision,
                    "recurrence": a.recurrence,
                    "recurrence_text": a.recurrence_text,
                    "report_to": a.report_to,
                    "report_via": a.report_via,
                    "coordinates_for": a.coordinates_for,
                }
                for a in self.assignments
            ],
            "sections": list(self.sections),
            "unassigned": [
                {"line": u.line, "unit": u.unit, "text": u.text} for u in self.unassigned
            ],
        }
