"""The gold scorer: field metrics and the command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot.directives.parse import parse_text
from bot.directives.score import Metric, main, score

TEXT = """ỦY BAN NHÂN DÂN
XÃ AN BÌNH
Số: 12/UBND-VP
An Bình, ngày 03 tháng 3 năm 2025
V/v triển khai Kế hoạch số 7/KH-UBND ngày 01/3/2025 của UBND huyện

Kính gửi: Công chức Văn phòng - Thống kê.

Thực hiện Kế hoạch số 7/KH-UBND ngày 01/3/2025 của UBND huyện, UBND xã đề nghị:

1. Công chức Văn phòng - Thống kê chủ trì rà soát, báo cáo UBND xã trước ngày 20/3/2025.

2. Ban Chỉ huy Quân sự xã phối hợp thực hiện.

Nơi nhận:
- Như trên;
- Lưu: VT.
CHỦ TỊCH

Nguyễn Văn An
"""


def _gold() -> list[dict[str, Any]]:
    docs = parse_text(TEXT)
    return [{"file": "a.txt", "doc_index": i, **d.to_json()} for i, d in enumerate(docs)]


def test_perfect_match_scores_one() -> None:
    m = score(_gold(), {"a.txt": parse_text(TEXT)})
    assert m["units"].tp == 2
    for name, x in m.items():
        assert (x.precision, x.recall, x.f1) == (1.0, 1.0, 1.0), name


def test_missing_assignment_lowers_recall() -> None:
    gold = _gold()
    gold[0]["assignments"].append(
        {
            **copy.deepcopy(gold[0]["assignments"][0]),
            "unit": "Công an xã",
            "units_split": ["Công an xã"],
        }
    )
    m = score(gold, {"a.txt": parse_text(TEXT)})
    assert m["units"].precision == 1.0
    assert m["units"].recall == pytest.approx(2 / 3)
    assert m["units_split"].recall == pytest.approx(2 / 3)


def test_extra_assignment_lowers_precision() -> None:
    gold = _gold()
    del gold[0]["assignments"][1]
    m = score(gold, {"a.txt": parse_text(TEXT)})
    assert (m["units"].precision, m["units"].recall) == (0.5, 1.0)


def test_missing_document_counts_against_recall() -> None:
    m = score(_gold(), {})
    assert m["documents"].recall == 0.0
    assert m["number"].recall == 0.0
    assert m["units"].recall == 0.0


def test_wrong_value_counts_both_ways() -> None:
    x = Metric()
    x.compare("12", "13")
    x.compare(None, None)
    assert (x.tp, x.fp, x.fn) == (0, 1, 1)


def test_command_line_prints_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    gold_path = tmp_path / "x.gold.json"
    gold_path.write_text(json.dumps(_gold(), ensure_ascii=False), encoding="utf-8")
    assert main([str(gold_path)]) == 0
    out = capsys.readouterr().out
    assert "units" in out and "documents" in out and "1.00" in out
