"""The `dondoc` command line: clear errors with line numbers, nothing stored on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import EXAMPLES

HEADER = "unit,parent_unit,name,role,telegram_id,zalo_id,phone\n"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    for name in ("DONDOC_TELEGRAM_TOKEN", "DONDOC_DB", "DONDOC_TZ"):
        monkeypatch.delenv(name, raising=False)


def test_org_import_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.db")
    assert main(["--db", db, "org", "import", str(EXAMPLES / "roster.csv")]) == 0
    assert "Cán bộ: thêm 16" in capsys.readouterr().out
    assert main(["--db", db, "org", "import", str(EXAMPLES / "roster.csv")]) == 0
    assert "Đơn vị: thêm 0, đổi 0. Cán bộ: thêm 0, đổi 0, giữ nguyên 16." in capsys.readouterr().out


def test_malformed_csv_names_the_line_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(HEADER + "Phòng Nội vụ,,An,member,1,,\nPhòng Y tế,,Bình,chief,2,,\n", "utf-8")
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "org", "import", str(csv)]) == 2
    assert "dòng 3: vai trò “chief” không hợp lệ" in capsys.readouterr().err
    assert not db.exists()


def test_directive_import_without_confirmation_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "d.db")
    monkeypatch.setattr("builtins.input", lambda prompt: "k")
    plan = EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"
    assert main(["--db", db, "directive", "import", str(plan)]) == 1
    assert "Đã hủy" in capsys.readouterr().out
    assert main(["--db", db, "directive", "import", str(plan), "--yes"]) == 0
    assert "Đã lưu 1 văn bản" in capsys.readouterr().out
    assert main(["--db", db, "directive", "import", str(plan), "--yes"]) == 0
    assert "Không có văn bản mới" in capsys.readouterr().out


def test_directive_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "directive",
                "parse",
                str(EXAMPLES / "directives" / "003_d0d5ecd0f3562ced.txt"),
                "--json",
            ]
        )
        == 0
    )
    docs = json.loads(capsys.readouterr().out)
    assert [d["number"] for d in docs] == ["1614", "2241", "69", "287", "279"]
    assert docs[1]["assignments"][0]["deadline"] == "2024-02-27"


def test_unreadable_directive_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02")
    assert main(["directive", "import", str(binary), "--yes"]) == 2
    assert "không phải tệp văn bản" in capsys.readouterr().err


def test_run_without_a_token_says_how_to_try_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "dondoc demo" in capsys.readouterr().err


def test_bad_time_zone_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DONDOC_TZ", "Mars/Olympus")
    assert main(["run"]) == 2
    assert "Cấu hình không hợp lệ" in capsys.readouterr().err


def test_org_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.db")
    assert main(["--db", db, "org", "import", str(EXAMPLES / "roster.csv")]) == 0
    assert main(["--db", db, "org", "alias", "P. KT-HT", "Phòng Kinh tế và Hạ tầng"]) == 0
    assert "“P. KT-HT” là tên gọi khác của Phòng Kinh tế và Hạ tầng." in capsys.readouterr().out
    assert main(["--db", db, "org", "alias", "P. XYZ", "Phòng Kinh tế và Hạ tần"]) == 2
    assert "Có phải: Phòng Kinh tế và Hạ tầng?" in capsys.readouterr().err


def test_a_document_without_assignments_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "saoy.txt"
    copy.write_text("TỈNH ỦY LONG AN\nVĂN PHÒNG\n*\nSố 287-BS/VPTU\nSAO Y\n", "utf-8")
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "directive", "import", str(copy), "--yes"]) == 2
    assert "không có phân công nhiệm vụ" in capsys.readouterr().err
