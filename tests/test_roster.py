"""Importing the organisation from CSV."""

from __future__ import annotations

import pytest

from bot.roster import RosterError, import_roster, load_roster, read_roster
from storage import Store
from tests.conftest import EXAMPLES

HEADER = "unit,parent_unit,name,role,telegram_id,zalo_id,phone\n"


async def test_sample_roster_imports_and_reimport_changes_nothing(store: Store) -> None:
    rows = load_roster(EXAMPLES / "roster.csv")
    first = await import_roster(store, rows)
    assert first.units_added == len({r.unit for r in rows} | {r.parent_unit for r in rows} - {""})
    assert first.officials_added == sum(1 for r in rows if r.name)
    units_before = await store.units()
    officials_before = await store.officials()

    again = await import_roster(store, rows)
    assert (again.units_added, again.units_changed) == (0, 0)
    assert (again.officials_added, again.officials_changed) == (0, 0)
    assert again.unchanged == first.officials_added
    assert await store.units() == units_before
    assert await store.officials() == officials_before


async def test_roles_and_parents_are_kept(store: Store) -> None:
    await import_roster(store, load_roster(EXAMPLES / "roster.csv"))
    officials = {o.name: o for o in await store.officials()}
    assert officials["Nguyễn Minh Trí"].role == "leader"
    assert officials["Võ Thanh Tâm"].unit_name == "Phòng Văn hóa, Khoa học và Thông tin"
    assert officials["Võ Thanh Tâm"].telegram_id == 100011
    units = {u.name: u for u in await store.units()}
    assert units["Phòng Nội vụ"].parent_id == units["Ủy ban nhân dân huyện Mỹ Xuyên"].id


def test_extra_columns_are_ignored() -> None:
    rows = read_roster(HEADER.strip() + ",ghi_chu\nPhòng Nội vụ,,Phan Quốc Bảo,head,5,,,x\n")
    assert rows[0].name == "Phan Quốc Bảo"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Phòng Nội vụ,,An,boss,1,,\n", "dòng 2: vai trò “boss” không hợp lệ"),
        ("Phòng Nội vụ,,An,member,abc,,\n", "dòng 2: telegram_id “abc” phải là số"),
        (",,An,member,1,,\n", "dòng 2: thiếu tên đơn vị"),
        (
            "Phòng Nội vụ,,An,member,1,,\nPhòng Y tế,,Bình,member,1,,\n",
            "dòng 3: telegram_id 1 trùng",
        ),
        ("Phòng Nội vụ,,An,member,1,,,x,y\n", "dòng 2: thừa cột"),
        (
            "Phòng Nội vụ,,An,member,,z1,\nPhòng Y tế,,Bình,member,,z1,\n",
            "dòng 3: zalo_id z1 trùng với dòng 2",
        ),
    ],
)
def test_malformed_rows_name_their_line(body: str, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        read_roster(HEADER + body)


def test_missing_columns_are_reported() -> None:
    with pytest.raises(RosterError, match="thiếu cột .*telegram_id"):
        read_roster("unit,parent_unit,name,role\nA,,B,member\n")


async def test_a_cycle_of_parents_stores_nothing(store: Store) -> None:
    rows = read_roster(HEADER + "A,B,,,,,\nB,A,,,,,\n")
    with pytest.raises(RosterError, match="vòng lặp"):
        await import_roster(store, rows)
    assert await store.units() == []


async def test_an_official_who_moves_keeps_their_record(store: Store) -> None:
    await import_roster(
        store, read_roster(HEADER + "Phòng A,,An,member,1,,\nPhòng B,,Bình,member,2,,\n")
    )
    before = {o.telegram_id: o.id for o in await store.officials()}
    swapped = await import_roster(
        store, read_roster(HEADER + "Phòng B,,An,head,1,,\nPhòng A,,Bình,member,2,,\n")
    )
    assert swapped.officials_changed == 2
    after = {o.telegram_id: o for o in await store.officials()}
    assert {t: o.id for t, o in after.items()} == before  # same people, same ids
    assert (after[1].unit_name, after[1].role) == ("Phòng B", "head")
    assert after[2].unit_name == "Phòng A"


async def test_a_zalo_id_held_by_someone_else_stops_the_import(store: Store) -> None:
    await import_roster(store, read_roster(HEADER + "Phòng A,,An,member,1,z1,\n"))
    with pytest.raises(RosterError, match="dòng 2: zalo_id z1 đang thuộc cán bộ khác"):
        await import_roster(store, read_roster(HEADER + "Phòng A,,Bình,member,2,z1,\n"))
    assert [o.name for o in await store.officials()] == ["An"]
