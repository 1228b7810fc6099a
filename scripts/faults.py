"""The long kill run: SIGKILL `dondoc run` at least 20 times at random moments, then count.

    .venv/bin/python scripts/faults.py --kills 24 --seed 1

Officials send progress notes all along (also while the bot is down, so each start meets a
backlog); `dondoc nudge --at …` sweeps are killed while they send, and the bot while it
drains them; a leader imports directives in chat and the bot is killed while the units are
told. Leases of killed senders run out in real time, so the messages caught in the one window
(accepted by the platform, not yet recorded) are sent again and counted. Exits 1 when a
note or an owed message was lost, a note stored twice, or a failure reached a log or a chat.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.faultkit import fault_run  # noqa: E402


def main() -> int:
    """Run the kills and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the database and logs in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        report = asyncio.run(fault_run(folder, args.kills, args.seed, wait_leases=True))
    widest = [f"  window {ms:.0f} ms: {kind}, kill {moment}" for ms, kind, moment in report.widest]
    for line in report.lines() + widest + report.log_errors[:20] + report.internal_answers[:20]:
        sys.stdout.write(line + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
