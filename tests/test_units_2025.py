"""Two-level local government (since 1/7/2025): a province's roster, its communes and groups."""

from __future__ import annotations

from bot.directives.parse import parse_text
from bot.roster import import_roster, load_roster
from bot.units import UnitDirectory
from storage import Store
from tests.conftest import EXAMPLES

SAMPLES = EXAMPLES / "directives-2025"


async def _directory(store: Store) -> UnitDirectory:
    await import_roster(store, load_roster(EXAMPLES / "roster-2025.csv"))
    return UnitDirectory(await store.units())


async def test_communes_wards_and_special_zones_are_one_group(store: Store) -> None:
    directory = await _directory(store)
    names = {u.name for u in directory.match("UBND các xã, phường, đặc khu").units}
    assert "Ủy ban nhân dân đặc khu Hòn Khoai" in names
    assert "Ủy ban nhân dân phường An Xuyên" in names and len(names) == 6


async def test_province_departments_are_the_sở_of_the_roster(store: Store) -> None:
    directory = await _directory(store)
    names = {u.name for u in directory.match("các sở, ban, ngành tỉnh").units}
    assert "Sở Nông nghiệp và Môi trường" in names and "Sở Tài chính" in names
    assert not any("xã" in n or "phường" in n for n in names)


async def test_sample_directives_match_the_2025_roster(store: Store) -> None:
    directory = await _directory(store)
    for path in sorted(SAMPLES.glob("*.txt")):
        (d,) = parse_text(path.read_text(encoding="utf-8"))
        unmatched = [a.unit for a in d.assignments if not directory.match(a.unit).units]
        assert d.date is not None and d.number, path.name
        assert unmatched == [], path.name


def test_two_sample_directives_for_the_province_and_a_ward() -> None:
    assert len(list(SAMPLES.glob("*.txt"))) == 2
