"""The one-sweep entry point: the follow-up engine owes what is due into the outbox, once."""

from __future__ import annotations

from bot.followup.engine import SweepResult, sweep

__all__ = ["SweepResult", "sweep"]
