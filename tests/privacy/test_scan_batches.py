"""Findings delivered a batch at a time (``on_findings``, what the CLI uses for speed) are the same
findings, in the same order, as collected ones; the CLI's JSON lines are those of Finding.as_json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gongkai.privacy import scan_file, scan_paths
from gongkai.privacy.extraction import CHUNK_BYTES

GONGKAI = Path(sys.executable).with_name("gongkai")
ID = "430102199001011238"
LINES = [
    f"申请人张三（身份证号：{ID}），住城关镇东升村3组。",
    "联系人：李四，联系电话：13812345678，电子邮箱：user1@163.com。",
    "流水号：123456789012345678，交易日期：2025-03-12，金额：12.50元。",
    "1,王五,青山镇红旗村,430102199001011239,6228480402564890018,100.00",  # a typo ID (0.6, with a note)
    "为进一步加强和规范政府信息公开工作，现就有关事项通知如下。\"引号\"与\\反斜杠\t制表符",
]


def _text(megabytes: float) -> bytes:
    block = ("\n".join(LINES) + "\n").encode("utf-8")
    return block * int(megabytes * CHUNK_BYTES // len(block) + 1)


def test_batches_are_the_collected_findings(tmp_path):
    data = _text(2.5)  # several chunks: findings arrive in several batches
    collected = scan_file(data, "a.txt")
    batches: list[list] = []
    streamed = scan_file(data, "a.txt", on_findings=batches.append)
    assert len(batches) > 1 and not streamed.findings
    flat = [f for batch in batches for f in batch]
    assert streamed.finding_count == collected.finding_count == len(flat) == len(collected.findings)
    assert [(f.kind, f.start, f.end, f.text, f.location, f.confidence, f.masked, f.note) for f in flat] == [
        (f.kind, f.start, f.end, f.text, f.location, f.confidence, f.masked, f.note) for f in collected.findings]

    one_by_one: list = []
    (tmp_path / "a.txt").write_bytes(data)
    (report,) = scan_paths([tmp_path], on_finding=lambda path, f: one_by_one.append((path, f.start)))
    assert report.finding_count == len(one_by_one) == len(flat)


def test_json_lines_are_those_of_finding_as_json(tmp_path):
    path = tmp_path / "名单 \"引号\".txt"
    path.write_bytes(_text(1.2))
    expected = [f.as_json(str(path)) for f in scan_file(path).findings]
    assert {row["confidence"] for row in expected} >= {0.99, 0.6} and any(row["note"] for row in expected)
    result = subprocess.run([str(GONGKAI), "privacy", "scan", "--json", str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [json.dumps(row, ensure_ascii=False) for row in expected]

    high = subprocess.run([str(GONGKAI), "privacy", "scan", "--json", "--min-confidence", "0.9", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert high.stdout.splitlines() == [json.dumps(row, ensure_ascii=False) for row in expected
                                        if row["confidence"] >= 0.9]
