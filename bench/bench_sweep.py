"""Sweep speed at province scale: the due index reads only what is due.

For 10k, 100k and 1M open tasks (10 % recurring, 30 % undated, over 1,000 units of two
officials each; bench/sweepdata.py) it times, in a fresh process per size so the peak memory
is the sweep's: an idle sweep (nothing due: the every-minute case), a sweep with 1 % of the
tasks due, and as the baseline in the same run a plain indexed SELECT of the due rows.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sweepdata import build, measure_apart  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)


def main() -> None:
    """Build each size, measure it in a fresh process and print each figure by its goal."""
    print("sweep over open tasks (10 % recurring, 30 % undated), 1,000 units, 2,000 officials")
    for size in SIZES if len(sys.argv) < 2 else [int(a) for a in sys.argv[1:]]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            start = time.perf_counter()
            asyncio.run(build(path, size))
            built = time.perf_counter() - start
            got = measure_apart(path)
        idle_goal = "ok" if size < 1_000_000 or got["idle"] < 0.5 else "MISSED"
        rss_goal = "ok" if got["rss"] < 150 else "MISSED"
        print(
            f"  {size:>9,} tasks (built in {built:.0f} s):"
            f" idle sweep {got['idle'] * 1000:7.2f} ms (goal at 1M < 500 ms: {idle_goal});"
            f" 1 % due ({got['due']:,.0f} rows, {got['owed']:,.0f} messages owed)"
            f" {got['busy']:6.2f} s = {got['busy'] / got['baseline']:5.1f}× the plain"
            f" indexed SELECT of the due rows ({got['baseline'] * 1000:.0f} ms);"
            f" peak RSS {got['rss']:.0f} MB (goal < 150 MB: {rss_goal})"
        )


if __name__ == "__main__":
    main()
