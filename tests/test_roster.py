"""Importing the organisation from CSV: checked completely, written at once, access follows it."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain import Official
from bot.roster import RosterError, import_roster, load_roster, plan_roster, read_roster
from bot.services import Services
from storage import NewTask, Store
from tests.conftest import EXAMPLES, Chat, add_directive

HEADER = "unit,parent_unit,name,role,telegram_id,zalo_id,phone\n"
NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)


async def accounts(store: Store) -> dict[tuple[str, str], str]:
    """(platform, external id) -> the name of the official holding it."""
    names = {o.id: o.name for o in await store.officials(include_inactive=True)}
    return {(i.platform, i.external_id): names[i.official_id] for i in await store.identities()}


async def test_sample_roster_imports_and_reimport_changes_nothing(store: Store) -> None:
    rows = load_roster(EXAMPLES / "roster.csv")
    first = await import_roster(store, rows)
    assert first.units_added == len({r.unit for r in rows} | {r.parent_unit for r in rows} - {""})
    assert first.officials_added == sum(1 for r in rows if r.name)
    units_before = await store.units()
    officials_before = await store.officials()

    again = await import_roster(store, rows)
    assert not again.changes_anything
    assert (again.units_added, again.units_changed) == (0, 0)
    assert (again.officials_added, again.officials_changed) == (0, 0)
    assert again.unchanged == first.officials_added
    assert await store.units() == units_before
    assert await store.officials() == officials_before


async def test_roles_parents_and_accounts_are_kept(store: Store) -> None:
    await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
    officials = {o.name: o for o in await store.officials()}
    assert officials["Nguyễn Minh Trí"].role == "leader"
    assert officials["Võ Thanh Tâm"].unit_name == "Phòng Văn hóa, Khoa học và Thông tin"
    assert (await accounts(store))[("telegram", "100011")] == "Võ Thanh Tâm"
    assert await store.official_by("telegram", "100011") == officials["Võ Thanh Tâm"]
    units = {u.name: u for u in await store.units()}
    assert units["Phòng Nội vụ"].parent_id == units["Ủy ban nhân dân huyện Mỹ Xuyên"].id


def test_extra_columns_are_ignored() -> None:
    rows = read_roster(HEADER.strip() + ",ghi_chu\nPhòng Nội vụ,,Phan Quốc Bảo,head,5,,,x\n")
    assert rows[0].name == "Phan Quốc Bảo"
    assert rows[0].identities == (("telegram", "5"),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Phòng Nội vụ,,An,boss,1,,\n", "dòng 2: vai trò “boss” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,abc,,\n", "dòng 2: telegram_id “abc” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,--5,,\n", "dòng 2: telegram_id “--5” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,²,,\n", "dòng 2: telegram_id “²” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,-5,,\n", "dòng 2: telegram_id “-5” không hợp lệ"),
        ("A,,An,member,1,,\nA,,Bình,member,12345678901234567890123,,\n", "dòng 3: telegram_id"),
        ("Phòng Nội vụ,,An,member,1,z 1,\n", "dòng 2: zalo_id “z 1” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,1,,abc\n", "dòng 2: số điện thoại “abc” không hợp lệ"),
        (",,An,member,1,,\n", "dòng 2: thiếu tên đơn vị"),
        (
            "Phòng Nội vụ,,An,member,1,,\nPhòng Y tế,,Bình,member,1,,\n",
            "dòng 3: telegram_id 1 trùng với dòng 2",
        ),
        ("Phòng Nội vụ,,An,member,1,,,x,y\n", "dòng 2: thừa cột"),
        (
            "Phòng Nội vụ,,An,member,,z1,\nPhòng Y tế,,Bình,member,,z1,\n",
            "dòng 3: zalo_id z1 trùng với dòng 2",
        ),
        (
            "Phòng Nội vụ,,An,member,1,,\nP. Nội vụ,,an,head,2,,\n",
            "dòng 3: cán bộ “an” của “P. Nội vụ” đã có ở dòng 2; mỗi người chỉ một dòng",
        ),
        ('Phòng Nội vụ,,"An,member,1,,\nA,,B,member,2,,\n', "dòng 2: có dấu ngoặc kép mở"),
        ('Phòng Nội vụ,,"An"x,member,1,,\n', "dòng 2: sau dấu ngoặc kép đóng"),
        ("A,,B,member,1,,\nPhòng Nội vụ,,An\x00,member,1,,\n", "dòng 3: có ký tự NUL"),
        ("Phòng Nội vụ,,An,member,1,,\nA,," + "x" * 200_000 + ",member,,,\n", "dòng 3: .*dài"),
        ('A,,B,member,,,\nA,,"' + "x" * 200_000 + '",member,,,\n', "dòng 3: .*dài"),
    ],
)
def test_malformed_rows_name_their_line(body: str, message: str) -> None:
    with pytest.raises(RosterError, match=message) as caught:
        read_roster(HEADER + body)
    assert len(str(caught.value)) < 300  # one sentence, not the 200 KB field echoed back


def test_missing_columns_are_reported() -> None:
    with pytest.raises(RosterError, match="dòng 1: thiếu cột .*telegram_id"):
        read_roster("unit,parent_unit,name,role\nA,,B,member\n")


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(
        (HEADER + "A,,An,member,1,,\n").encode() + "B,,Hòa,member,2,,\n".encode("latin-1")
    )
    with pytest.raises(RosterError, match="dòng 3: tệp không phải văn bản UTF-8"):
        load_roster(path)


async def test_a_cycle_of_parents_stores_nothing(store: Store) -> None:
    rows = read_roster(HEADER + "A,B,,,,,\nB,A,,,,,\n")
    with pytest.raises(RosterError, match="vòng lặp"):
        await import_roster(store, rows)
    assert await store.units() == []


async def test_an_official_who_moves_keeps_their_record(store: Store) -> None:
    await import_roster(
        store, read_roster(HEADER + "Phòng A,,An,member,1,,\nPhòng B,,Bình,member,2,z2,\n")
    )
    before = {o.name: o.id for o in await store.officials()}
    # An moves to B as head; Bình is renamed, recognised by the Zalo id alone.
    moved = await import_roster(
        store, read_roster(HEADER + "Phòng B,,An,head,1,,\nPhòng A,,Bình Nguyễn,member,,z2,\n")
    )
    assert (moved.officials_changed, moved.deactivated) == (2, [])
    after = {o.id: o for o in await store.officials()}
    assert (after[before["An"]].unit_name, after[before["An"]].role) == ("Phòng B", "head")
    assert after[before["Bình"]].name == "Bình Nguyễn"
    assert (await accounts(store))[("telegram", "2")] == "Bình Nguyễn"  # kept, not dropped


async def test_two_officials_can_swap_names_in_one_import(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "A,,An,member,1,,\nA,,Bình,member,2,,\n"))
    ids = {o.name: o.id for o in await store.officials()}
    await import_roster(store, read_roster(HEADER + "A,,Bình,member,1,,\nA,,An,member,2,,\n"))
    assert {o.name: o.id for o in await store.officials()} == {"Bình": ids["An"], "An": ids["Bình"]}


async def test_ids_of_two_different_people_on_one_line_stop_the_import(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "A,,An,member,1,,\nA,,Bình,member,2,z2,\n"))
    before = await store.officials()
    with pytest.raises(RosterError, match="dòng 2: các mã của dòng này thuộc hai cán bộ"):
        await import_roster(store, read_roster(HEADER + "A,,An,member,1,z2,\nMới,,C,member,,,\n"))
    assert await store.officials() == before
    assert [u.name for u in await store.units()] == ["A"]  # the new unit was not left behind


async def test_two_lines_that_are_the_same_person_stop_the_import(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "A,,An,member,1,z1,\n"))
    with pytest.raises(RosterError, match="dòng 3: là cùng cán bộ “An” với dòng 2"):
        await import_roster(store, read_roster(HEADER + "A,,An,member,1,,\nB,,Bình,member,,z1,\n"))


async def test_a_name_taken_by_a_dropped_official_is_refused(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "A,,An,member,1,,\nA,,Bình,member,2,,\n"))
    # Bình's line now says An, but An (telegram 1) is someone else still in the database.
    with pytest.raises(RosterError, match="dòng 2: tên “An” ở “A” là của một cán bộ khác"):
        await import_roster(store, read_roster(HEADER + "A,,An,member,2,,\n"))


async def test_an_official_dropped_from_the_roster_loses_access(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "A,,An,member,1,,\nA,,Bình,member,2,,\n"))
    an = await store.official_by("telegram", "1")
    assert an is not None
    plan = await plan_roster(store, read_roster(HEADER + "A,,Bình,member,2,,\n"))
    assert [o.name for o in plan.deactivated] == ["An"]
    await import_roster(store, read_roster(HEADER + "A,,Bình,member,2,,\n"), NOW)
    assert await store.official_by("telegram", "1") is None
    assert await store.official_by("console", str(an.id)) is None
    assert [o.name for o in await store.officials()] == ["Bình"]
    kept = await store.official(an.id)
    assert kept is not None and not kept.active  # kept for the history of their notes
    assert [r.name for r in await store.recipients(an.unit_id)] == ["Bình"]
    # Listed again, they are the same person again.
    back = await import_roster(
        store, read_roster(HEADER + "A,,An,member,1,,\nA,,Bình,member,2,,\n")
    )
    assert back.officials_changed == 1
    assert await store.official_by("telegram", "1") == an


async def test_a_removed_official_sees_and_records_nothing(
    svc: Services, store: Store, roster: dict[str, Official]
) -> None:
    tam = roster["Võ Thanh Tâm"]
    await add_directive(store, NOW, [NewTask(tam.unit_id, "lead", "Dự thảo kế hoạch")])
    [task] = await store.tasks_of_units([tam.unit_id])
    chat = Chat(svc, tam.id)
    assert "Dự thảo kế hoạch" in await chat.text("/nhiemvu")
    lines = (EXAMPLES / "roster.csv").read_text("utf-8").splitlines(keepends=True)
    await import_roster(store, read_roster("".join(x for x in lines if "Võ Thanh Tâm" not in x)))
    for command in ("/nhiemvu", f"/nhiemvu #{task.id}", f"/capnhat #{task.id} đạt 50%", "/start"):
        assert "chưa có trong danh sách" in await chat.text(command)
    assert await store.update_count(task.id) == 0


async def test_random_rosters_only_ever_give_roster_errors(store: Store) -> None:
    pieces = ['"', ",", "\n", "\r", "A", "Phòng", "An", "head", "1", "²", "-", "\x00", " ", "z"]
    rnd = random.Random(6)
    refusals = []
    for _ in range(200):
        text = HEADER + "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 60)))
        try:
            await import_roster(store, read_roster(text))
        except RosterError as exc:
            refusals.append(str(exc))
    assert refusals
    assert all(r.startswith(("dòng ", "đơn vị ")) for r in refusals), refusals
