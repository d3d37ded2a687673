"""`gongkai requests import|export` as an operator runs them: real processes, exit statuses, Chinese
messages on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

GONGKAI = [sys.executable, "-m", "gongkai.cli"]


@pytest.fixture(scope="module")
def run(operator_env):
    def run(*args):
        return subprocess.run([*GONGKAI, *args], capture_output=True, text=True, env=operator_env, timeout=180)

    assert run("migrate", "--noinput").returncode == 0
    make = ("from gongkai.core.actors import SYSTEM; from gongkai.core.services.bodies import create_body; "
            "from gongkai.rules.identifiers import make_uscc; "
            "c = create_body(SYSTEM, parent=None, kind='county', name='测试县人民政府', code=make_uscc('11','990101','00000001')); "
            "d = create_body(SYSTEM, parent=c, kind='department', name='测试县农业农村局', code=make_uscc('11','990101','00000003')); "
            "print(d.code)")
    made = run("shell", "-c", make)
    assert made.returncode == 0, made.stderr
    run.code = made.stdout.strip().splitlines()[-1]
    return run


def record(code, n, **changes):
    obj = {"id": f"YSQ-2025-{n:04d}", "body": code, "applicant_type": "natural_person", "channel": "online",
           "received": "2025-03-02", "subject": "耕地地力保护补贴发放名单", "disposition": "disclosed",
           "decided": "2025-03-20", "reviews": [{"kind": "reconsideration", "filed": "2025-04-01",
                                                 "result": "upheld", "concluded": "2025-05-20"}]}
    obj.update(changes)
    return json.dumps(obj, ensure_ascii=False)


def test_import_dry_run_bad_lines_and_reimport(run, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(record(run.code, n) for n in range(1, 4)) + "\n", encoding="utf-8")
    dry = run("requests", "import", str(good), "--dry-run")
    assert dry.returncode == 0 and "试运行" in dry.stdout and "新增 3 件" in dry.stdout, dry.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([record(run.code, 1), "{oops", record(run.code, 2, channel="pigeon")]), encoding="utf-8")
    refused = run("requests", "import", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "第2行：不是有效的 JSON" in refused.stderr and "第3行：channel" in refused.stderr
    assert "未写入任何数据" in refused.stderr
    done = run("requests", "import", str(good), "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["created"]) == 3
    again = run("requests", "import", str(good))
    assert again.returncode == 0 and "新增 0 件" in again.stdout and "未变化 3 件" in again.stdout
    missing = run("requests", "import", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and "文件不存在" in missing.stderr and "Traceback" not in missing.stderr
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes(record(run.code, 9).encode("gbk"))
    assert "UTF-8" in run("requests", "import", str(gbk)).stderr


def test_export_xlsx(run, tmp_path):
    target = tmp_path / "cases.xlsx"
    result = run("requests", "export", "--xlsx", str(target), "--year", "2025")
    assert result.returncode == 0 and target.stat().st_size > 0, result.stderr
    unknown = run("requests", "export", "--xlsx", str(target), "--body", "X")
    assert unknown.returncode == 1 and "找不到" in unknown.stderr and "Traceback" not in unknown.stderr
