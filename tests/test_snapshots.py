"""The main messages as officials read them, in both languages, compared with stored snapshots.

A change to a template shows up here as a diff; when it is wanted, write the new snapshots with
`UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_snapshots.py` and review them in the commit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from messages import LOCALES, render
from tests.test_messages import SAMPLES

FOLDER = Path(__file__).resolve().parent / "snapshots"
MAIN = [
    "start",
    "not_registered",
    "help",
    "tasks",
    "task",
    "nudge",
    "update_saved",
    "summary",
    "digest",
    "import_done",
    "import_corrected",
    "new_tasks",
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", MAIN)
def test_main_message_matches_its_snapshot(name: str, locale: str) -> None:
    text = render(name, locale, **SAMPLES[name]) + "\n"
    path = FOLDER / locale / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.exists(), f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text("utf-8")
