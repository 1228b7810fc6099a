"""Matching directive unit names to the roster, and importing directive files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.directives.readers import DocumentError
from bot.domain import Official
from bot.importer import (
    apply_import,
    describe,
    plan_import,
    read_directive_file,
)
from bot.names import name_key
from bot.units import UnitDirectory
from storage import Store
from tests.conftest import EXAMPLES, Clock

SEEDS = EXAMPLES / "directives"


@pytest.mark.parametrize(
    ("written", "roster"),
    [
        ("UBND huyện Mỹ Xuyên", "Ủy ban nhân dân huyện Mỹ Xuyên"),
        ("Uỷ ban nhân dân  huyện   Mỹ Xuyên.", "Ủy ban nhân dân huyện Mỹ Xuyên"),
        ("Phòng Tài chính – Kế hoạch", "Phòng Tài chính - Kế hoạch"),
        ("P. Nội vụ", "Phòng Nội vụ"),
        ("phòng văn hoá, khoa học và thông tin", "Phòng Văn hóa, Khoa học và Thông tin"),
    ],
)
def test_name_variants_share_a_key(written: str, roster: str) -> None:
    assert name_key(written) == name_key(roster)


async def test_groups_expand_to_child_units(store: Store, roster: dict[str, Official]) -> None:
    directory = UnitDirectory(await store.units())
    communes = directory.match("UBND các xã, thị trấn").units
    assert len(communes) == 11
    assert all(u.name.startswith("Ủy ban nhân dân xã") or "thị trấn" in u.name for u in communes)
    departments = {u.name for u in directory.match("Các phòng, ban thuộc huyện").units}
    assert "Phòng Nội vụ" in departments and "Ban Tuyên giáo Huyện ủy" not in departments
    assert not any("xã" in name for name in departments)
    assert directory.match("UBND huyện").units[0].name == "Ủy ban nhân dân huyện Mỹ Xuyên"
    assert directory.match("Ban Tuyên giáo Tỉnh ủy").units == ()


async def test_district_party_committees_group(store: Store, roster: dict[str, Official]) -> None:
    directory = UnitDirectory(await store.units())
    for group in ("Ban Thường vụ các huyện ủy, thị ủy, thành ủy", "Các huyện, thị, thành ủy"):
        assert [u.name for u in directory.match(group).units] == ["Huyện ủy Mỹ Xuyên"]


@pytest.mark.parametrize(
    "outside",
    [
        "các sở, ban, ngành",
        "các tổ chức chính trị - xã hội",
        "Các tỉnh uỷ, thành uỷ",
    ],
)
async def test_groups_of_bodies_outside_the_district_match_nothing(
    store: Store, roster: dict[str, Official], outside: str
) -> None:
    assert UnitDirectory(await store.units()).match(outside).units == ()


async def test_seed_plan_creates_tasks_for_matched_units(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    plans = await plan_import(store, read_directive_file(SEEDS / "002_1a4c1f07a6cfe68d.txt"))
    [plan] = plans
    units = {a.parsed.unit: [u.name for u in a.units] for a in plan.assignments}
    assert units["Phòng Văn hóa, Khoa học và Thông tin"] == ["Phòng Văn hóa, Khoa học và Thông tin"]
    assert len(units["Các Phòng, ban ngành, UBND các xã, thị trấn"]) == 22
    await apply_import(store, plans, clock())
    culture = roster["Võ Thanh Tâm"].unit_id
    [task] = [t for t in await store.tasks_of_units([culture]) if t.role == "lead"]
    assert task.directive_code == "/KH-UBND"
    assert "hướng dẫn các cơ quan liên quan" in task.text


async def test_unmatched_units_are_reported_not_dropped(
    store: Store, roster: dict[str, Official]
) -> None:
    plans = await plan_import(store, read_directive_file(SEEDS / "001_3a00a5086dfda35e.txt"))
    text = describe(plans)
    assert "2018-CV/TU" in text
    assert "không khớp đơn vị nào trong danh sách: Ban Tuyên giáo Tỉnh ủy" in text


async def test_importing_the_same_file_twice_changes_nothing(
    store: Store, clock: Clock, roster: dict[str, Official]
) -> None:
    text = read_directive_file(SEEDS / "003_d0d5ecd0f3562ced.txt")
    first = await apply_import(store, await plan_import(store, text), clock())
    assert len(first.added) == 5  # the letter, the forwarded conclusion and the copy notices
    again = await plan_import(store, text)
    assert all(p.exists for p in again)
    nothing = await apply_import(store, again, clock())
    assert (nothing.added, nothing.revised) == ([], [])
    assert len(await store.directives()) == 5
    codes = {d.code for d in await store.directives()}
    assert {"1614-CV/HU", "2241-CV/TU", "69-KL/TW", "287-BS/VPTU", "279-BS/VPHU"} == codes
    parents = await store.parents(
        next(d.id for d in await store.directives() if d.code == "279-BS/VPHU")
    )
    assert {p.code for p in parents} == {"69-KL/TW", "287-BS/VPTU"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng"),
        (b"   \n\n", "Tệp rỗng"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "Tệp ảnh không đọc được chữ"),
        (b"PK\x03\x04not really a zip", "không đúng định dạng"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_directive_file(path)


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (20 * 1024 * 1024))
    with pytest.raises(DocumentError, match="quá lớn"):
        read_directive_file(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="không đọc được"):
        read_directive_file(tmp_path / "none.txt")
