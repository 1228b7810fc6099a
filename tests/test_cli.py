"""The `dondoc` command line: clear errors with line numbers, nothing stored on failure."""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage import Store
from tests.conftest import EXAMPLES
from tests.test_dbfiles import SPOILERS, make_bad

HEADER = "unit,parent_unit,name,role,telegram_id,zalo_id,phone\n"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    for name in ("DONDOC_TELEGRAM_TOKEN", "DONDOC_DB", "DONDOC_TZ", "DONDOC_TELEGRAM_BOT_USERNAME"):
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


def _sample_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "org", "import", str(EXAMPLES / "roster.csv")]) == 0
    capsys.readouterr()
    return db


BAD_ROSTERS = {
    "unclosed quote": HEADER + 'Phòng Nội vụ,,"An,member,1,,\nA,,B,member,2,,\n',
    "NUL byte": HEADER + "Phòng Nội vụ,,An\x00,member,1,,\n",
    "one person twice": HEADER + "Phòng Nội vụ,,An,member,1,,\nPhòng Nội vụ,,An,member,2,,\n",
    "an id twice": HEADER + "Phòng Nội vụ,,An,member,1,,\nPhòng Y tế,,Bình,member,1,,\n",
    "--5": HEADER + "Phòng Nội vụ,,An,member,--5,,\n",
    "superscript two": HEADER + "Phòng Nội vụ,,An,member,²,,\n",
    "23 digits": HEADER + "Phòng Nội vụ,,An,member,12345678901234567890123,,\n",
    "200 KB field": HEADER + "Phòng Nội vụ,," + "x" * 200_000 + ",member,1,,\n",
    "missing column": "unit,parent_unit,name,role,telegram_id\nA,,B,member,1\n",
    "known id, other person": HEADER
    + "Phòng Nội vụ,,X,member,100011,,\n"
    + '"Phòng Văn hóa, Khoa học và Thông tin",,Võ Thanh Tâm,head,,,\n',
}


@pytest.mark.parametrize("case", sorted(BAD_ROSTERS))
def test_a_bad_roster_is_one_sentence_with_its_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    db = _sample_db(tmp_path, capsys)
    before = db.read_bytes()
    csv = tmp_path / "bad.csv"
    csv.write_text(BAD_ROSTERS[case], "utf-8")
    assert main(["--db", str(db), "org", "import", str(csv), "--yes"]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(r"Lỗi: dòng \d+: [^\n]{10,250}\n", err), err
    assert db.read_bytes() == before


def test_a_roster_that_is_not_utf8_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _sample_db(tmp_path, capsys)
    before = db.read_bytes()
    csv = tmp_path / "bad.csv"
    csv.write_bytes(HEADER.encode() + "Phòng Nội vụ,,An,member,1,,\n".encode("utf-16"))
    assert main(["--db", str(db), "org", "import", str(csv)]) == 2
    assert "dòng 2: tệp không phải văn bản UTF-8" in capsys.readouterr().err
    assert db.read_bytes() == before


def _without_tam(tmp_path: Path) -> Path:
    csv = tmp_path / "smaller.csv"
    lines = (EXAMPLES / "roster.csv").read_text("utf-8").splitlines(keepends=True)
    csv.write_text("".join(line for line in lines if "Võ Thanh Tâm" not in line), "utf-8")
    return csv


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the answers already typed."""

    def isatty(self) -> bool:
        return True


def test_dropping_an_official_asks_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _sample_db(tmp_path, capsys)
    before = db.read_bytes()
    smaller = str(_without_tam(tmp_path))
    # No terminal to ask on, and no --yes: refused, nothing changed.
    assert main(["--db", str(db), "org", "import", smaller]) == 2
    out, err = capsys.readouterr()
    assert "Võ Thanh Tâm — Phòng Văn hóa, Khoa học và Thông tin" in out
    assert "thêm --yes" in err
    assert db.read_bytes() == before
    monkeypatch.setattr("sys.stdin", Terminal("k\n"))
    assert main(["--db", str(db), "org", "import", smaller]) == 1
    assert "Đã hủy" in capsys.readouterr().out
    assert db.read_bytes() == before
    assert main(["--db", str(db), "org", "import", smaller, "--yes"]) == 0
    assert "Ngừng hoạt động: 1 cán bộ." in capsys.readouterr().out

    async def tam_can_see() -> bool:
        async with Store.open(db) as store:
            return await store.official_by("telegram", "100011") is not None

    assert not asyncio.run(tam_can_see())


def test_invite_prints_a_code_that_links_the_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _sample_db(tmp_path, capsys)
    assert main(["--db", str(db), "org", "invite", "Huỳnh Ngọc Mai"]) == 0
    out = capsys.readouterr().out
    assert "Huỳnh Ngọc Mai (Phòng Văn hóa, Khoa học và Thông tin)" in out
    assert "/start " in out and "https://t.me" not in out
    monkeypatch.setenv("DONDOC_TELEGRAM_BOT_USERNAME", "@dondoc_bot")
    assert main(["--db", str(db), "org", "invite", "huỳnh ngọc mai", "--days", "3"]) == 0
    out = capsys.readouterr().out
    link = re.search(r"https://t\.me/dondoc_bot\?start=([A-Z0-9]{10})", out)
    assert link is not None, out

    async def redeem(code: str) -> str | None:
        async with Store.open(db) as store:
            found = await store.redeem_invite(code, "zalo", "z-mai", datetime.now(UTC))
            return found.name if found else None

    assert asyncio.run(redeem(link[1])) == "Huỳnh Ngọc Mai"
    assert asyncio.run(redeem(link[1])) is None  # once only
    assert main(["--db", str(db), "org", "invite", "Không Có Ai"]) == 2
    assert "Không có cán bộ đang hoạt động tên “Không Có Ai”" in capsys.readouterr().err
    assert main(["--db", str(db), "org", "invite", "Huỳnh Ngọc Mai", "--days", "0"]) == 2


def test_status_lists_who_the_bot_cannot_reach(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _sample_db(tmp_path, capsys)
    assert main(["--db", str(db), "org", "status"]) == 0
    assert "tất cả 16 cán bộ" in capsys.readouterr().out
    csv = tmp_path / "more.csv"
    csv.write_text(
        (EXAMPLES / "roster.csv").read_text("utf-8") + "Phòng Y tế,,Mới Vào,member,,,,\n", "utf-8"
    )
    assert main(["--db", str(db), "org", "import", str(csv)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "org", "status"]) == 0
    assert "Phòng Y tế:\n  - Mới Vào: chưa có mã Telegram hay Zalo" in capsys.readouterr().out


COMMANDS = {
    "org import": ["org", "import", str(EXAMPLES / "roster.csv"), "--yes"],
    "org alias": ["org", "alias", "P. KT-HT", "Phòng Kinh tế và Hạ tầng"],
    "org invite": ["org", "invite", "Huỳnh Ngọc Mai"],
    "org status": ["org", "status"],
    "directive import": [
        "directive",
        "import",
        str(EXAMPLES / "directives" / "my-xuyen-chuyen-doi-so.txt"),
        "--yes",
    ],
    "nudge": ["nudge"],
    "run": ["run"],
}


@pytest.mark.parametrize("bad", sorted(SPOILERS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_refuses_a_bad_database_in_one_sentence(
    tmp_path: Path,
    good_db: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    bad: str,
) -> None:
    monkeypatch.setenv("DONDOC_TELEGRAM_TOKEN", "123:FAKE")
    monkeypatch.setenv("DONDOC_TELEGRAM_API_URL", "http://127.0.0.1:9")  # never reached
    path = make_bad(tmp_path, bad, good_db)
    before = path.read_bytes()
    capsys.readouterr()
    code = main(["--db", str(path), *COMMANDS[command]])
    err = capsys.readouterr().err
    assert code == 2
    assert re.fullmatch(r"Lỗi: [^\n]+\n", err), err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.db"]
