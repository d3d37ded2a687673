"""`gongkai catalog`: areas, export, import; errors are CommandErrors with Chinese messages."""

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.catalog.models import CatalogueItem, StandardArea
from gongkai.catalog.services.catalogues import adopt_areas
from gongkai.core.actors import SYSTEM
from gongkai.core.models import AuditEvent
from tests.catalog.conftest import workbook_bytes


def run(*args):
    out = io.StringIO()
    call_command("catalog", *args, stdout=out)
    return out.getvalue()


def test_areas(db):
    lines = run("areas").strip().splitlines()
    assert len(lines) == 26
    assert lines[0].startswith("urban-planning\t城乡规划\t")
    assert any(line.startswith("rural-revitalisation\t乡村振兴（原扶贫）\t8项") for line in lines)
    rows = json.loads(run("areas", "--json"))
    assert [r["name"] for r in rows][:3] == ["城乡规划", "重大建设项目", "公共资源交易"]
    subsidies = next(r for r in rows if r["code"] == "agricultural-subsidies")
    assert subsidies["items"] == 18 and subsidies["county_items"] + subsidies["township_items"] >= 18


def test_export_and_import(county, tmp_path):
    adopt_areas(SYSTEM, county.dept_a, [StandardArea.objects.get(code="employment")])
    out = tmp_path / "nyj.xlsx"
    assert "已导出测试县农业农村局的公开目录" in run("export", "--body", county.dept_a.code, "-o", str(out))
    assert out.read_bytes()[:2] == b"PK"
    dry = run("import", "--body", county.dept_b.code, "--area", "就业", str(out), "--dry-run")
    assert "校验通过（未写入）" in dry and "新增 7 项" in dry
    assert not CatalogueItem.objects.for_body(county.dept_b).exists()
    done = run("import", "--body", county.dept_b.code, "--area", "employment", str(out))
    assert "测试县教育局：“就业”领域已导入：共 7 项，新增 7 项" in done
    event = AuditEvent.objects.get(event_type="catalogue.imported")
    assert event.actor_label.startswith("命令行") and event.data["filename"] == "nyj.xlsx"
    std = tmp_path / "std.xlsx"
    assert "“社会救助”领域标准目录" in run("export", "--standard", "social-assistance", "-o", str(std))


@pytest.mark.parametrize("args, message", [
    (["export", "--body", "91350100M000100Y43", "-o", "x.xlsx"], "找不到统一社会信用代码为"),
    (["export", "--standard", "天文气象", "-o", "x.xlsx"], "未知的领域“天文气象”"),
    (["export", "--body", "BODY_B", "-o", "x.xlsx"], "尚未编制公开目录"),
    (["export", "--standard", "就业", "-o", "/nonexistent-dir/x.xlsx"], "无法写入文件"),
    (["import", "--body", "BODY_B", "--area", "就业", "/nonexistent.xlsx"], "无法读取文件"),
    (["import", "--body", "BODY_B", "--area", "扶贫", "NOT_XLSX"], "不是 Excel 表格（.xlsx）格式"),
    (["import", "--body", "BODY_B", "--area", "社会救助", "NO_HEADER"], "工作表“名单”：找不到表头"),
    (["import", "--body", "VILLAGE", "--area", "社会救助", "NO_HEADER"], "没有编制该单位公开目录的权限"),
    (["import", "--body", "BODY_B", "--area", "就业"], "the following arguments are required"),
    (["frobnicate"], "invalid choice"),
])
def test_errors_are_command_errors(county, tmp_path, args, message):
    not_xlsx = tmp_path / "a.xlsx"
    not_xlsx.write_text("not a spreadsheet")
    no_header = tmp_path / "b.xlsx"
    no_header.write_bytes(workbook_bytes({"名单": [["姓名"], ["张三"]]}))
    replace = {"BODY_B": county.dept_b.code, "VILLAGE": county.village_a.code, "NOT_XLSX": str(not_xlsx),
               "NO_HEADER": str(no_header), "x.xlsx": str(tmp_path / "x.xlsx")}
    with pytest.raises(CommandError) as info:
        run(*[replace.get(a, a) for a in args])
    assert message in str(info.value)
    assert not CatalogueItem.objects.exists()


def test_operator_runs_it_on_a_fresh_database(operator_env, tmp_path):
    """As an operator: the migration alone provides the standard catalogues; errors exit non-zero
    with a Chinese message and no traceback."""
    def gongkai(*args):
        return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True,
                              env=operator_env, timeout=300)

    assert gongkai("migrate", "--noinput").returncode == 0
    areas = gongkai("catalog", "areas")
    assert areas.returncode == 0 and len(areas.stdout.strip().splitlines()) == 26
    template = tmp_path / "t.xlsx"
    assert gongkai("catalog", "export", "--standard", "涉农补贴", "-o", str(template)).returncode == 0
    bad = gongkai("catalog", "import", "--body", "91350100M000100Y43", "--area", "涉农补贴", str(template))
    assert bad.returncode != 0 and "找不到统一社会信用代码为" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout
