"""Access follows the roster: every command, button and reply, by everyone who must not act."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import Official
from bot.roster import import_roster, load_roster
from bot.services import Services
from bot.transports import Request
from handlers import dispatch
from storage import NewTask, Store
from tests.conftest import EXAMPLES, Clock, add_directive, link

TASK_TEXT = "Xây dựng dự thảo kế hoạch chuyển đổi số của phòng"
ATTEMPTS = [
    {"text": "/nhiemvu"},
    {"text": "/nhiemvu #{task}"},
    {"text": "/capnhat #{task} đạt 50%"},
    {"text": "/xong #{task}"},
    {"text": "/molai #{task}"},
    {"text": "/han #{task} 30/12/2026"},
    {"text": "/tonghop"},
    {"text": "/chuakichhoat"},
    {"text": "xong {task}"},
    {"text": "{task} đạt 70%"},
    {"callback": "t:done:{task}"},
    {"callback": "t:note:{task}"},
    {"callback": "t:show:{task}"},
    {"callback": "t:reopen:{task}"},
    {"callback": "l:all:1"},
    {"text": "đã xong một nửa", "reply_to_message_id": "77"},
]


@pytest.fixture
async def world(store: Store, clock: Clock, roster: dict[str, Official]) -> dict[str, object]:
    """A culture-office task, and the people who must not touch it."""
    culture = roster["Võ Thanh Tâm"].unit_id
    await add_directive(
        store, clock(), [NewTask(culture, "lead", TASK_TEXT, deadline=date(2026, 12, 30))]
    )
    [task] = await store.tasks_of_units([culture])
    party = next(u.id for u in await store.units() if u.name == "Huyện ủy Mỹ Xuyên")
    outsider = await store.add_official(party, "Lãnh đạo Huyện ủy", "leader")
    # Mai leaves: the roster is imported again without her.
    rows = [r for r in load_roster(EXAMPLES / "roster.csv") if r.name != "Huỳnh Ngọc Mai"]
    await import_roster(store, rows)
    actors = {
        "stranger": "987654",
        "removed": str(roster["Huỳnh Ngọc Mai"].id),
        "other unit": str(roster["Lý Văn Phúc"].id),
        "leader outside": str(outsider),
    }
    for who in actors.values():
        await link(store, who, 77, task_id=task.id)  # even a message about the task
    return {"task": task.id, "actors": actors}


@pytest.mark.parametrize("actor", ["stranger", "removed", "other unit", "leader outside", "group"])
async def test_nobody_outside_sees_or_changes_a_task(
    svc: Services, store: Store, world: dict[str, object], actor: str
) -> None:
    task_id = world["task"]
    actors: dict[str, str] = world["actors"]  # type: ignore[assignment]
    before = await store.task(task_id)  # type: ignore[arg-type]
    user = actors.get(actor, str(actors["other unit"]))
    chat = "-100500" if actor == "group" else user
    for n, attempt in enumerate(ATTEMPTS):
        fields = {k: v.format(task=task_id) for k, v in attempt.items()}
        request = Request(
            "console",
            user,
            chat,
            message_id=f"a{n}",
            chat_type="group" if actor == "group" else "private",
            **fields,  # type: ignore[arg-type]
        )
        for reply in await dispatch(svc, request):
            said = reply.text + (reply.toast or "")
            assert TASK_TEXT[:30] not in said, (actor, attempt)
            assert "Traceback" not in said and "Error(" not in said
    after = await store.task(task_id)  # type: ignore[arg-type]
    assert after == before
    assert await store.update_count(task_id) == 0  # type: ignore[arg-type]
