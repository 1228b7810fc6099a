"""Scoring the parser against a hand-made gold extraction: precision, recall and F1 per field.

Run as ``python -m bot.directives.score GOLD_JSON [--docs DIR]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import ParsedDocument
from .normalize import fold
from .parse import parse_text

META_FIELDS = (
    "number",
    "symbol",
    "date",
    "issuer",
    "parent_issuer",
    "kind",
    "place",
    "subject",
    "signer",
)
ROWS = (
    *META_FIELDS,
    "parents",
    "parent_date",
    "parent_issuer_of",
    "units",
    "roles",
    "deadlines",
    "units_split",
    "recurrence",
    "report_to",
    "documents",
)
# The fields a parser must get right for follow-up to work at all.
MUST_HAVE = ("number", "date", "issuer", "parents", "units", "roles", "deadlines")


@dataclass
class Metric:
    """True positives, false positives and false negatives of one field group."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of what was extracted that is right (1.0 when nothing was extracted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of what the gold holds that was extracted (1.0 when the gold holds nothing)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def compare(self, gold: str | None, got: str | None) -> None:
        """Count one gold value against one extracted value (both already folded)."""
        if gold is not None and gold == got:
            self.tp += 1
            return
        if got is not None:
            self.fp += 1
        if gold is not None:
            self.fn += 1

    def compare_bags(self, gold: Iterable[str], got: Iterable[str]) -> None:
        """Count two multisets of folded values against each other."""
        left = list(gold)
        for g in got:
            if g in left:
                left.remove(g)
                self.tp += 1
            else:
                self.fp += 1
        self.fn += len(left)


def _f(v: Any) -> str | None:
    return fold(str(v)) if v not in (None, "") else None


def _doc_view(d: ParsedDocument | None) -> dict[str, Any] | None:
    return d.to_json() if d is not None else None


def _date_of(doc: dict[str, Any]) -> str | None:
    # A hand-written day left blank is still a date to get right, to the month or year.
    return doc.get("date") or doc.get("date_partial")


def _pair_in_order(
    gold: list[dict[str, Any]], got: list[dict[str, Any]], key: str
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Gold and extracted items paired by their folded key, in order; unpaired ones alone."""
    free = list(range(len(got)))
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    for g in gold:
        k = _f(g[key])
        j = next((j for j in free if _f(got[j][key]) == k), None)
        if j is None:
            pairs.append((g, None))
        else:
            free.remove(j)
            pairs.append((g, got[j]))
    pairs.extend((None, got[j]) for j in free)
    return pairs


def _score_doc(m: dict[str, Metric], g: dict[str, Any], p: dict[str, Any] | None) -> None:
    empty: dict[str, Any] = {"parents": [], "assignments": []}
    d = p if p is not None else empty
    for name in META_FIELDS:
        gold_v = _date_of(g) if name == "date" else g.get(name)
        got_v = _date_of(d) if name == "date" else d.get(name)
        m[name].compare(_f(gold_v), _f(got_v))
    for gp, pp in _pair_in_order(g["parents"], d["parents"], "number"):
        m["parents"].compare(_f(gp and gp["number"]), _f(pp and pp["number"]))
        if gp is not None and pp is not None:
            m["parent_date"].compare(_f(gp["date"]), _f(pp["date"]))
            m["parent_issuer_of"].compare(_f(gp["issuer"]), _f(pp["issuer"]))
    m["units_split"].compare_bags(
        (fold(u) for a in g["assignments"] for u in a["units_split"]),
        (fold(u) for a in d["assignments"] for u in a["units_split"]),
    )
    for ga, pa in _pair_in_order(g["assignments"], d["assignments"], "unit"):
        m["units"].compare(_f(ga and ga["unit"]), _f(pa and pa["unit"]))
        if ga is None or pa is None:
            continue
        m["roles"].compare(ga["role"], pa["role"])
        m["deadlines"].compare(_f(ga["deadline"]), _f(pa["deadline"]))
        m["recurrence"].compare(_f(ga.get("recurrence")), _f(pa.get("recurrence")))
        m["report_to"].compare(_f(ga.get("report_to")), _f(pa.get("report_to")))


def score(gold: list[dict[str, Any]], parsed: dict[str, list[ParsedDocument]]) -> dict[str, Metric]:
    """Metrics per field group of the parsed documents of each file against the gold."""
    m = {name: Metric() for name in ROWS}
    by_file: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        by_file.setdefault(g["file"], []).append(g)
    for file, golds in by_file.items():
        docs = parsed.get(file, [])
        for g in golds:
            i = g.get("doc_index", 0)
            _score_doc(m, g, _doc_view(docs[i]) if i < len(docs) else None)
        found = min(len(docs), len(golds))
        m["documents"].tp += found
        m["documents"].fp += len(docs) - found
        m["documents"].fn += len(golds) - found
    return m


def docs_dir(gold_path: Path, given: Path | None = None) -> Path:
    """Where the documents of a gold file live: given, else seeds/ beside it, else its folder."""
    if given is not None:
        return given
    seeds = gold_path.parent / "seeds"
    return seeds if seeds.is_dir() else gold_path.parent


def score_file(gold_path: Path, docs: Path | None = None) -> dict[str, Metric]:
    """Parse the documents a gold file names and score them against it."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    folder = docs_dir(gold_path, docs)
    parsed = {}
    for file in sorted({g["file"] for g in gold}):
        path = folder / file
        parsed[file] = parse_text(path.read_text(encoding="utf-8")) if path.exists() else []
    return score(gold, parsed)


def table(metrics: dict[str, Metric]) -> str:
    """The metrics as a plain-text table."""
    rows = [f"{'field':<18}{'P':>6}{'R':>6}{'F1':>6}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for name, x in metrics.items():
        rows.append(
            f"{name:<18}{x.precision:>6.2f}{x.recall:>6.2f}{x.f1:>6.2f}{x.tp:>6}{x.fp:>5}{x.fn:>5}"
        )
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Score the parser against GOLD_JSON and print the table."""
    ap = argparse.ArgumentParser(prog="python -m bot.directives.score", description=__doc__)
    ap.add_argument("gold", type=Path, help="gold JSON file (list of documents)")
    ap.add_argument("--docs", type=Path, default=None, help="folder holding the documents")
    args = ap.parse_args(argv)
    sys.stdout.write(table(score_file(args.gold, args.docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
