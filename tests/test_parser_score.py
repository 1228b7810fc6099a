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


def test_folder_of_gold_files_with_documents_beside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps(_gold(), ensure_ascii=False), "utf-8")
    (tmp_path / "broken.gold.json").write_text("[{", encoding="utf-8")
    (tmp_path / "odd.gold.json").write_text('[{"file": "a.txt"}]', encoding="utf-8")
    assert main([str(tmp_path), "--diff"]) == 0
    captured = capsys.readouterr()
    assert "No differences." in captured.out and "1.00" in captured.out
    assert "broken.gold.json: skipped, not valid JSON" in captured.err
    assert "odd.gold.json: skipped, entry 0 has no 'parents' list" in captured.err


def test_gold_naming_a_missing_document_is_skipped_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = [{**_gold()[0], "file": "absent.txt"}]
    (tmp_path / "x.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    assert main([str(tmp_path), "--docs", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "absent.txt is not in" in err and "Traceback" not in err


def test_missing_folder_is_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("There is no gold file or folder at")
    assert main([str(tmp_path), "--docs", str(tmp_path / "shared")]) == 2
    assert "holds no NAME.gold.json" in capsys.readouterr().err


def test_diff_names_missed_and_extra_assignments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = _gold()
    gold[0]["assignments"][0]["unit"] = "Công an xã"
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    assert main([str(tmp_path), "--diff"]) == 0
    out = capsys.readouterr().out
    assert "missed Công an xã [lead" in out
    assert "extra  Công chức Văn phòng - Thống kê [lead" in out
