"""Scoring the parser against a hand-made gold extraction: precision, recall and F1 per field.

Run as ``python -m bot.directives.score GOLD [--docs DIR] [--diff]``. GOLD is one JSON list
(the seeds format; documents in ``seeds/`` beside it or in ``--docs``) or a folder of
``NAME.gold.json`` files whose documents lie beside them (``NAME.txt``), in ``--docs``, or in
the shared corpus (``../shared/directives/corpus``).
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
from .readers import DocumentError, read_document_file
from .units import drop_titles, split_units

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


def _unit_key(v: Any) -> str | None:
    # "Giám đốc Sở Y tế" and "Sở Y tế" name the same assignee: titles are not compared.
    return _f(drop_titles(str(v))) if v not in (None, "") else None


def _pair_in_order(
    gold: list[dict[str, Any]], got: list[dict[str, Any]], key: str
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Gold and extracted items paired by their folded key, in order; unpaired ones alone.

    An item whose role and deadline also agree is preferred, then one whose role agrees, so
    that a unit holding several tasks pairs each with its like.
    """
    norm = _unit_key if key == "unit" else _f
    free = list(range(len(got)))
    match: dict[int, int] = {}
    for fields in (("role", "deadline"), ("role",), ()):
        for n, g in enumerate(gold):
            if n in match:
                continue
            k = norm(g[key])
            j = next(
                (
                    j
                    for j in free
                    if norm(got[j][key]) == k
                    and all(_f(got[j].get(f)) == _f(g.get(f)) for f in fields)
                ),
                None,
            )
            if j is not None:
                free.remove(j)
                match[n] = j
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = [
        (g, got[match[n]] if n in match else None) for n, g in enumerate(gold)
    ]
    pairs.extend((None, got[j]) for j in free)
    return pairs


def _assignments(g: dict[str, Any], p: dict[str, Any]) -> list[dict[str, Any]]:
    """The extracted assignments to score against a gold document.

    A coordinator's own assignment is not an extra when the gold, written before coordinators
    had assignments of their own, names that unit only in its lead's coordinators list.
    """
    listed = {
        _unit_key(u)
        for a in g["assignments"]
        for c in a.get("coordinators") or []
        for u in (c, *split_units(c))
    }
    own = {_unit_key(a["unit"]) for a in g["assignments"] if a["role"] == "coordinate"}
    return [
        a
        for a in p["assignments"]
        if not a.get("coordinates_for")
        or _unit_key(a["unit"]) in own
        or _unit_key(a["unit"]) not in listed
    ]


def _score_doc(m: dict[str, Metric], g: dict[str, Any], p: dict[str, Any] | None) -> None:
    empty: dict[str, Any] = {"parents": [], "assignments": []}
    d = p if p is not None else empty
    d = {**d, "assignments": _assignments(g, d)}
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
        (_unit_key(u) or "" for a in g["assignments"] for u in a["units_split"]),
        (_unit_key(u) or "" for a in d["assignments"] for u in a["units_split"]),
    )
    for ga, pa in _pair_in_order(g["assignments"], d["assignments"], "unit"):
        m["units"].compare(_unit_key(ga and ga["unit"]), _unit_key(pa and pa["unit"]))
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


SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "directives" / "corpus"
_DOC_KEYS = {"file": str, "parents": list, "assignments": list}
_ASSIGNMENT_KEYS = ("unit", "units_split", "role", "deadline")
_PARENT_KEYS = ("number", "date", "issuer")


class GoldError(ValueError):
    """A gold folder or file that cannot be scored; the message says why, in a sentence."""


@dataclass
class GoldSet:
    """Gold documents ready to score, the text of each file they name, and what was skipped."""

    gold: list[dict[str, Any]]
    texts: dict[str, str]
    skipped: list[str]


def docs_dir(gold_path: Path, given: Path | None = None) -> Path:
    """Where the documents of a gold file live: given, else seeds/ beside it, else its folder."""
    if given is not None:
        return given
    seeds = gold_path.parent / "seeds"
    return seeds if seeds.is_dir() else gold_path.parent


def schema_problem(entries: Any) -> str | None:
    """Why a parsed gold file breaks the seeds.gold.json schema, or None when it keeps it."""
    if not isinstance(entries, list) or not entries:
        return "it is not a non-empty JSON list of documents"
    for n, doc in enumerate(entries):
        if not isinstance(doc, dict):
            return f"entry {n} is not an object"
        for key, kind in _DOC_KEYS.items():
            if not isinstance(doc.get(key), kind):
                return f"entry {n} has no {key!r} {kind.__name__}"
        for a in doc["assignments"]:
            if not isinstance(a, dict) or any(k not in a for k in _ASSIGNMENT_KEYS):
                return f"entry {n} has an assignment without {', '.join(_ASSIGNMENT_KEYS)}"
            if not isinstance(a["units_split"], list):
                return f"entry {n} has an assignment whose units_split is not a list"
        for p in doc["parents"]:
            if not isinstance(p, dict) or any(k not in p for k in _PARENT_KEYS):
                return f"entry {n} has a parent without {', '.join(_PARENT_KEYS)}"
    return None


def _read_gold_file(path: Path, skipped: list[str]) -> list[dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        skipped.append(f"{path.name}: skipped, not valid JSON ({e}).")
        return []
    problem = schema_problem(entries)
    if problem:
        skipped.append(f"{path.name}: skipped, {problem}.")
        return []
    return list(entries)


def _find_document(name: str, folders: list[Path]) -> Path | None:
    return next((f / name for f in folders if (f / name).is_file()), None)


def load_gold(gold_path: Path, docs: Path | None = None) -> GoldSet:
    """The gold documents of a JSON list or a folder of NAME.gold.json, with their texts."""
    if not gold_path.exists():
        raise GoldError(f"There is no gold file or folder at {gold_path}.")
    skipped: list[str] = []
    if gold_path.is_dir():
        files = sorted(gold_path.glob("*.gold.json"))
        if not files:
            raise GoldError(f"The folder {gold_path} holds no NAME.gold.json file.")
        folders = [docs] if docs is not None else [gold_path, SHARED_CORPUS]
    else:
        files = [gold_path]
        folders = [docs_dir(gold_path, docs)]
    if docs is not None and not docs.is_dir():
        raise GoldError(f"The documents folder {docs} does not exist.")
    gold: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for path in files:
        for entry in _read_gold_file(path, skipped):
            name = entry["file"]
            if name not in texts:
                found = _find_document(name, folders)
                if found is None:
                    where = " or ".join(str(f) for f in folders)
                    skipped.append(f"{path.name}: skipped, {name} is not in {where}.")
                    continue
                try:
                    texts[name] = read_document_file(found)
                except DocumentError as e:
                    skipped.append(f"{path.name}: skipped, {name} cannot be read ({e}).")
                    continue
            gold.append(entry)
    if not gold:
        raise GoldError(f"Nothing to score in {gold_path}: " + " ".join(skipped))
    return GoldSet(gold, texts, skipped)


def parse_all(texts: dict[str, str]) -> dict[str, list[ParsedDocument]]:
    """The parsed documents of each file."""
    return {name: parse_text(text) for name, text in texts.items()}


def score_file(gold_path: Path, docs: Path | None = None) -> dict[str, Metric]:
    """Parse the documents a gold file or folder names and score them against it."""
    gs = load_gold(gold_path, docs)
    return score(gs.gold, parse_all(gs.texts))


def table(metrics: dict[str, Metric]) -> str:
    """The metrics as a plain-text table."""
    rows = [f"{'field':<18}{'P':>6}{'R':>6}{'F1':>6}{'tp':>6}{'fp':>5}{'fn':>5}"]
    for name, x in metrics.items():
        rows.append(
            f"{name:<18}{x.precision:>6.2f}{x.recall:>6.2f}{x.f1:>6.2f}{x.tp:>6}{x.fp:>5}{x.fn:>5}"
        )
    return "\n".join(rows) + "\n"


def _assignment_line(a: dict[str, Any]) -> str:
    return f"{a['unit']} [{a['role']}, hạn {a.get('deadline') or '-'}]"


def _doc_diff(g: dict[str, Any], p: dict[str, Any] | None) -> list[str]:
    """What one parsed document got wrong against its gold, one line per difference."""
    if p is None:
        return ["  document not found"]
    p = {**p, "assignments": _assignments(g, p)}
    out: list[str] = []
    for name in META_FIELDS:
        gold_v = _date_of(g) if name == "date" else g.get(name)
        got_v = _date_of(p) if name == "date" else p.get(name)
        if _f(gold_v) != _f(got_v):
            out.append(f"  {name}: gold {gold_v!r}, got {got_v!r}")
    for gp, pp in _pair_in_order(g["parents"], p["parents"], "number"):
        if pp is None and gp is not None:
            out.append(f"  missed parent {gp['number']}")
        elif gp is None and pp is not None:
            out.append(f"  extra parent {pp['number']}")
        elif gp is not None and pp is not None and _f(gp["date"]) != _f(pp["date"]):
            out.append(f"  parent {gp['number']} date: gold {gp['date']}, got {pp['date']}")
    for ga, pa in _pair_in_order(g["assignments"], p["assignments"], "unit"):
        if pa is None and ga is not None:
            out.append(f"  missed {_assignment_line(ga)}")
        elif ga is None and pa is not None:
            out.append(f"  extra  {_assignment_line(pa)}")
        elif ga is not None and pa is not None:
            if ga["role"] != pa["role"]:
                out.append(f"  {ga['unit']}: role gold {ga['role']}, got {pa['role']}")
            if _f(ga["deadline"]) != _f(pa["deadline"]):
                out.append(f"  {ga['unit']}: deadline gold {ga['deadline']}, got {pa['deadline']}")
    return out


def diff(gold: list[dict[str, Any]], parsed: dict[str, list[ParsedDocument]]) -> str:
    """What was missed and what was extra, document by document."""
    blocks: list[str] = []
    for g in gold:
        docs = parsed.get(g["file"], [])
        i = g.get("doc_index", 0)
        lines = _doc_diff(g, _doc_view(docs[i]) if i < len(docs) else None)
        if lines:
            blocks.append(f"{g['file']} #{i}\n" + "\n".join(lines))
    return "\n".join(blocks) + "\n" if blocks else "No differences.\n"


def main(argv: list[str] | None = None) -> int:
    """Score the parser against a gold file or folder and print the table (and the diff)."""
    ap = argparse.ArgumentParser(prog="python -m bot.directives.score", description=__doc__)
    ap.add_argument("gold", type=Path, help="gold JSON list, or a folder of NAME.gold.json")
    ap.add_argument("--docs", type=Path, default=None, help="folder holding the documents")
    ap.add_argument("--diff", action="store_true", help="show what was missed or extra")
    args = ap.parse_args(argv)
    try:
        gs = load_gold(args.gold, args.docs)
    except GoldError as e:
        sys.stderr.write(f"{e}\n")
        return 2
    for line in gs.skipped:
        sys.stderr.write(f"{line}\n")
    parsed = parse_all(gs.texts)
    if args.diff:
        sys.stdout.write(diff(gs.gold, parsed) + "\n")
    files = len({g["file"] for g in gs.gold})
    sys.stdout.write(f"{len(gs.gold)} gold documents in {files} files\n")
    sys.stdout.write(table(score(gs.gold, parsed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
