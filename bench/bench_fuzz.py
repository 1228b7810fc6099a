"""Fuzzing the running bot: 10,000 random updates through it against the fake Bot API.

    .venv/bin/python bench/bench_fuzz.py [--count 10000] [--seed 1] [--user-digits 23]

Texts with odd Unicode, huge texts, commands with random arguments, random ids (23 digits
too), button presses with random data, documents with random bytes and names, stickers,
photos, replies to messages that do not exist, group chats, edited messages, strangers.
Prints the crashes (errors in the bot's log, "internal" answers), answers with internal text,
answers Telegram refused, and the longest event-loop stall; exits 1 when anything was found.
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

from tests.fuzzkit import fuzz  # noqa: E402


def main() -> int:
    """Fuzz and print what was found."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--user-digits", type=int, default=23)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = asyncio.run(
            fuzz(Path(folder), args.count, args.seed, user_digits=args.user_digits)
        )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
