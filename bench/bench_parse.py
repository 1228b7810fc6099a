"""Directive parsing speed: documents parsed per second on the seed directives.

Prints documents/second for the parser and, as a baseline run in the same process, for a
plain pass that only splits the same text into lines; the ratio is what to compare across runs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.directives.parse import parse_text  # noqa: E402

ROUNDS = 30


def main() -> None:
    """Parse every sample file ROUNDS times and print the rates."""
    # The seed documents (copied into examples/ with their original names), not our own samples.
    seeds = sorted((ROOT / "examples" / "directives").glob("00[0-9]_*.txt"))
    texts = [p.read_text("utf-8") for p in seeds]
    documents = sum(len(parse_text(t)) for t in texts)  # warm-up, and the count per round

    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            parse_text(text)
    parse_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            [line.strip() for line in text.splitlines()]
    baseline_seconds = time.perf_counter() - start

    rate = documents * ROUNDS / parse_seconds
    print(f"files: {len(texts)}  documents per round: {documents}  rounds: {ROUNDS}")
    print(f"parse: {rate:,.0f} documents/s  ({parse_seconds / ROUNDS * 1000:.2f} ms per round)")
    print(f"baseline (split lines only): {baseline_seconds / ROUNDS * 1000:.3f} ms per round")
    print(f"ratio parse/baseline: {parse_seconds / baseline_seconds:,.0f}x")


if __name__ == "__main__":
    main()
