"""`gongkai privacy scan|mask` as a user runs it: the real entry point, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GONGKAI = Path(sys.executable).with_name("gongkai")
ID = "430102199001011238"


def gongkai(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_PRIVACY_")}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([str(GONGKAI), "privacy", *args], capture_output=True, text=True, timeout=60,
                          env={**environ, **(env or {})})


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "clean.txt").write_text("关于做好2025年政务公开工作的通知\n", encoding="utf-8")
    sub = tmp_path / "子目录"
    sub.mkdir()
    (sub / "名单.csv").write_bytes(f"姓名,身份证号,手机\n张三,{ID},+86 138 1234 5678\n".encode("gbk"))
    (sub / "empty.txt").write_bytes(b"")
    return tmp_path


def test_exit_0_when_nothing_is_found(folder):
    result = gongkai("scan", str(folder / "clean.txt"))
    assert result.returncode == 0 and "共扫描 1 个文件，发现 0 处" in result.stdout


def test_json_lines_contract(folder):
    result = gongkai("scan", "--json", str(folder))
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(Path(r["path"]).name, r["kind"]) for r in rows] == [
        ("empty.txt", "error"), ("名单.csv", "id_card"), ("名单.csv", "mobile")]
    id_row = rows[1]
    assert set(id_row) == {"path", "kind", "text", "location", "confidence", "masked", "note"}
    assert id_row["text"] == ID and id_row["masked"] == "430102********1238" and id_row["location"] == "第2行"
    assert id_row["confidence"] == 0.99
    assert rows[2]["text"] == "+86 138 1234 5678"
    assert "空文件" in rows[0]["note"]


def test_readable_table_in_chinese_with_masked_values(folder):
    result = gongkai("scan", str(folder))
    assert result.returncode == 1
    header = result.stdout.splitlines()[0]
    for heading in ("文件", "位置", "类型", "置信度", "内容（脱敏显示）", "说明"):
        assert heading in header
    assert "身份证号" in result.stdout and "430102********1238" in result.stdout and ID not in result.stdout
    assert "读取失败" in result.stdout and "1 个文件无法核查或读取失败" in result.stdout


@pytest.mark.parametrize("args", [(), ("scan",), ("scan", "--bogus", "x"), ("mask", "only-one"),
                                  ("scan", "--kinds", "passport", "x"), ("scan", "--words", "/no/such/file", "x")])
def test_usage_errors_exit_2(args):
    result = gongkai(*args)
    assert result.returncode == 2
    assert result.stderr.strip()


def test_missing_path_is_a_finding_not_a_crash(folder):
    result = gongkai("scan", "--json", str(folder / "nope.txt"), str(folder / "clean.txt"))
    assert result.returncode == 1
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["kind"] == "error" and "不存在" in row["note"]


def test_lists_from_options_and_environment(folder, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# 敏感词\n某某事件\n", encoding="utf-8")
    allow = tmp_path / "allow.txt"
    allow.write_text("0731-84567890  # 县政府办公室\n", encoding="utf-8")
    doc = tmp_path / "notice.txt"
    doc.write_text("关于某某事件的说明。咨询电话：0731-84567890\n", encoding="utf-8")
    plain = gongkai("scan", "--json", str(doc))
    assert [json.loads(line)["kind"] for line in plain.stdout.splitlines()] == ["landline"]
    configured = gongkai("scan", "--json", "--words", str(words), "--allow-landlines", str(allow), str(doc))
    assert [json.loads(line)["kind"] for line in configured.stdout.splitlines()] == ["sensitive_word"]
    from_env = gongkai("scan", "--json", str(doc), env={"GONGKAI_PRIVACY_WORDS": str(words),
                                                        "GONGKAI_PRIVACY_ALLOW_LANDLINES": str(allow)})
    assert [json.loads(line)["kind"] for line in from_env.stdout.splitlines()] == ["sensitive_word"]


def test_scan_needs_no_django():
    """The fast path: `gongkai privacy scan` imports neither Django nor the settings."""
    code = ("import sys\nfrom gongkai.cli import main\n"
            "try:\n    main(['privacy', 'scan', '--json', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')))")
    result = subprocess.run([sys.executable, "-c", code, __file__], capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"})
    assert result.stdout.splitlines()[-1] == "[]"


def test_mask_command(folder, tmp_path):
    source = folder / "子目录" / "名单.csv"
    target = tmp_path / "脱敏.csv"
    result = gongkai("mask", str(source), str(target))
    assert result.returncode == 0, result.stderr
    assert "已脱敏 2 处" in result.stdout
    assert target.read_bytes().decode("gbk") == "姓名,身份证号,手机\n张三,430102********1238,+86 138 **** 5678\n"
    assert gongkai("scan", str(target)).returncode == 0

    marked = tmp_path / "marked.txt"
    marked.write_text("机密★5年\n", encoding="utf-8")
    result = gongkai("mask", str(marked), str(tmp_path / "out.txt"))
    assert result.returncode == 1 and "需人工处理" in result.stderr

    result = gongkai("mask", str(folder / "子目录" / "empty.txt"), str(tmp_path / "x.txt"))
    assert result.returncode == 1 and "空文件" in result.stderr and not (tmp_path / "x.txt").exists()


def test_bad_inputs_in_one_folder(tmp_path):
    """Each bad file gets its own Chinese error line and exit status 1; the good file is still scanned."""
    from tests.privacy.test_scanning import make_zip_bomb

    (tmp_path / "0-empty.txt").write_bytes(b"")
    (tmp_path / "1-broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (tmp_path / "2-broken.xlsx").write_bytes(b"PK\x03\x04not really a workbook")
    make_zip_bomb(tmp_path / "3-bomb.xlsx")
    (tmp_path / "4-dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "5-pipe")
    locked = tmp_path / "6-locked.txt"
    locked.write_text("13812345678\n", encoding="utf-8")
    locked.chmod(0)
    (tmp_path / "7-good.txt").write_text(f"身份证号 {ID}\n", encoding="utf-8")
    try:
        result = gongkai("scan", "--json", str(tmp_path))
    finally:
        locked.chmod(0o644)
    assert result.returncode == 1, result.stderr
    rows = {Path(r["path"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    expected = {"0-empty.txt": "空文件", "1-broken.docx": "损坏", "2-broken.xlsx": "损坏",
                "3-bomb.xlsx": "压缩炸弹", "4-dangling.txt": "符号链接", "5-pipe": "管道"}
    for name, words in expected.items():
        assert rows[name]["kind"] == "error" and words in rows[name]["note"], rows[name]
    assert rows["7-good.txt"]["kind"] == "id_card"
    if os.geteuid() != 0:  # root reads a chmod-000 file anyway; the link and the pipe cover that case
        assert rows["6-locked.txt"]["kind"] == "error" and "权限" in rows["6-locked.txt"]["note"]
    table = gongkai("scan", str(tmp_path / "7-good.txt"), str(tmp_path / "3-bomb.xlsx"))
    assert table.returncode == 1 and "压缩炸弹" in table.stdout and "读取失败" in table.stdout


def test_the_unpacked_size_limit_of_the_server_applies_on_the_command_line(tmp_path):
    """GONGKAI_MAX_UNPACKED_MB means the same to `gongkai privacy` as to the server: a workbook
    that unpacks to more is reported as an error naming the limit; a bad value is a usage error."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in range(3000):
        book.active.append([f"第{row}行备注：" + "说明文字" * 40])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    assert gongkai("scan", str(path)).returncode == 0
    refused = gongkai("scan", "--json", str(path), env={"GONGKAI_MAX_UNPACKED_MB": "1"})
    assert refused.returncode == 1 and "1 MB" in refused.stdout
    bad = gongkai("scan", str(path), env={"GONGKAI_MAX_UNPACKED_MB": "很多"})
    assert bad.returncode == 2 and "GONGKAI_MAX_UNPACKED_MB" in bad.stderr
