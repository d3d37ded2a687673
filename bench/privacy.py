"""Benchmark: the privacy scan against a naive single-regex scanner.

Generates a 50 MB mixed Chinese text (government prose, payout tables, contact lines, dates,
amounts, serials; seeded), then runs, each as a child process on the same file in the same run:

- ours: ``gongkai privacy scan --json FILE``, started as the console script starts it (``from
  gongkai.cli import main``) with this checkout's ``src`` first on ``PYTHONPATH`` (the module path
  is printed), findings written to a file; it looks for eight kinds, in full-width and separated
  forms, with labels and table headers;
- reference: a single-pass stdlib ``re`` over four kinds (ID, mobile, bank card, e-mail) with
  GB 11643 and Luhn validation, also writing its findings as JSON lines (``--reference FILE`` of
  this script).

Both sides run ``--repeats`` times, alternating, and the medians are reported (the machine is
shared): MB/s by wall clock (process start included) and by CPU time, the ratio (required >= 1.0:
ours at least as fast while doing more; goal 2.0), the peak memory (ru_maxrss) of each child and
the process start of each alone (a one-line file). Then, unless ``--no-sweep``, the sweep's
throughput over a demo county with ``--jobs 1`` and ``--jobs 2`` (``bench/sweep.py``, run as a child).
Run: ``python bench/privacy.py [--mb 50]`` with the project's environment (``.venv/bin/python``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# ---- the reference scanner ------------------------------------------------------------------

_REFERENCE = re.compile(
    r"(?P<id>(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
    r"(?![0-9]))"
    r"|(?P<mobile>(?<![0-9])1[3-9][0-9]{9}(?![0-9]))"
    r"|(?P<card>(?<![0-9])[3-6][0-9]{15,18}(?![0-9]))"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})"
)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_ok(s: str) -> bool:
    return "10X98765432"[sum(int(d) * w for d, w in zip(s[:17], _W, strict=True)) % 11] == s[17].upper()


def _luhn(s: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def reference(path: str) -> int:
    text = Path(path).read_bytes().decode("utf-8")
    out = sys.stdout
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for m in _REFERENCE.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "id" and not _id_ok(value) or kind == "card" and not _luhn(value):
            continue
        lines.append(encode({"path": path, "kind": kind, "text": value, "location": "", "confidence": 1.0}))
    out.write("\n".join(lines) + "\n")
    return 0


# ---- the corpus -----------------------------------------------------------------------------

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强春梅海燕德胜金凤玉珍淑珍秀珍"
_TOWNS = ["城关镇", "青山镇", "白沙乡", "石门镇", "桃源乡", "龙潭镇", "河西街道", "东岭乡"]
_VILLAGES = ["东升村", "红旗村", "新华村", "团结村", "大坪村", "杨家村", "柳树村", "石桥村"]
_PROSE = [
    "为进一步加强和规范政府信息公开工作，根据《中华人民共和国政府信息公开条例》，结合本县实际，现就有关事项通知如下。",
    "各乡镇人民政府、县直有关单位要高度重视，明确责任分工，确保各项工作任务按时保质完成。",
    "2025年度耕地地力保护补贴资金已拨付到位，共涉及农户3267户，补贴面积45231.6亩，发放金额4523160.00元。",
    "本机关于2025年3月12日收到您提交的政府信息公开申请，经审查，现答复如下。",
    "经查，当事人未按规定办理相关手续，违反了《中华人民共和国行政许可法》第八十一条的规定。",
    "县财政局会同县农业农村局对资金使用情况开展了专项检查，发现问题12个，已整改到位11个。",
    "请各单位于2025年6月30日前将工作总结报送县政府办公室，联系人：政务公开科。",
    "根据湘政办发〔2024〕15号文件精神，本年度共主动公开政府信息1832条，其中政策文件126件。",
]


def _id_number(rng: random.Random) -> str:
    region = rng.choice(["430102", "430121", "431121", "110105", "440305", "510104", "320582", "420111"])
    year = rng.randint(1940, 2010)
    body = f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _W, strict=True))
    return body + "10X98765432"[total % 11]


def _card(rng: random.Random) -> str:
    prefix = rng.choice(["622848", "621700", "623059", "622202", "621799", "622908"])
    length = rng.choice([16, 19])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if _luhn(body + check):
            return body + check
    raise AssertionError


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "151", "186", "187", "133", "177", "199"]) + f"{rng.randint(0, 99999999):08d}"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _line(rng: random.Random, row: int) -> str:
    """One line; the mix gives about 2,000 numbers to check per MB, the density of the tech notes'
    §5 corpus (15,391 IDs, 18,041 mobiles, 7,844 cards and 2,563 decoy serials in 20 MB)."""
    pick = rng.random()
    if pick < 0.70:
        return rng.choice(_PROSE)
    if pick < 0.78:
        return (f"{row},{_name(rng)},{rng.choice(_TOWNS)}{rng.choice(_VILLAGES)},{_id_number(rng)},{_card(rng)},"
                f"{rng.randint(100, 9999)}.{rng.randint(0, 99):02d}")
    if pick < 0.84:
        return f"联系人：{_name(rng)}，联系电话：{_mobile(rng)}，电子邮箱：user{rng.randint(1, 99999)}@163.com。"
    if pick < 0.90:
        return (f"流水号：{rng.randint(10 ** 17, 10 ** 18 - 1)}，交易日期：2025-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}，金额：{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}元。")
    if pick < 0.95:
        return f"索引号：431121000000000001/2025-{rng.randint(1, 99999):05d}，文号：县政发〔2025〕{rng.randint(1, 200)}号。"
    return f"申请人{_name(rng)}（身份证号：{_id_number(rng)}），住{rng.choice(_TOWNS)}{rng.choice(_VILLAGES)}{rng.randint(1, 12)}组。"


def make_corpus(path: Path, megabytes: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    written, row = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            lines = []
            for _ in range(2000):
                row += 1
                lines.append(_line(rng, row))
            block = "\n".join(lines) + "\n"
            out.write(block)
            written += len(block.encode("utf-8"))


# ---- timing ---------------------------------------------------------------------------------


def _ours_env() -> dict[str, str]:
    """This checkout's ``src`` first on the path, so the code under test is the code beside this
    script, whichever checkout or worktree it is (an editable install may point elsewhere)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    return env


def ours_argv(*args: str) -> list[str]:
    """The ``gongkai`` console script, as it starts: ``from gongkai.cli import main``."""
    return [sys.executable, "-c", _GONGKAI_SCRIPT, *args]


_GONGKAI_SCRIPT = "import sys; from gongkai.cli import main; sys.argv[0] = 'gongkai'; sys.exit(main())"


# wall: seconds from process start to exit; cpu: user + system seconds of the child; rss_kb: its
# peak resident set (ru_maxrss); lines: findings written. (This script is also the reference's
# program, so it imports only what the reference's own start-up would: no dataclasses, no statistics.)
Run = namedtuple("Run", "wall cpu rss_kb lines")


def _median_of(values) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def run(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """One child process, its output written to a file (as a user's ``> findings.jsonl``)."""
    with tempfile.TemporaryFile() as sink:
        t0 = time.perf_counter()
        child = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(argv[:4])} … failed ({code}): {child.stderr.read().decode()}")
        child.stderr.close()
        sink.seek(0)
        lines = sum(1 for _ in sink)
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, lines)


def _median(runs: list[Run], attr: str) -> float:
    return _median_of(getattr(r, attr) for r in runs)


def _report(name: str, runs: list[Run], size_mb: float) -> None:
    wall, cpu = _median(runs, "wall"), _median(runs, "cpu")
    spread = f"{min(r.wall for r in runs):.2f}–{max(r.wall for r in runs):.2f}"
    print(f"{name:<28} {size_mb / wall:6.1f} MB/s wall  {size_mb / cpu:6.1f} MB/s CPU  "
          f"({wall:.2f} s wall [{spread}], {cpu:.2f} s CPU, peak RSS {max(r.rss_kb for r in runs) / 1024:.0f} MB, "
          f"{runs[0].lines} findings)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each side, alternating; medians reported")
    parser.add_argument("--reference", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--no-sweep", action="store_true", help="skip the sweep throughput (bench/sweep.py)")
    args = parser.parse_args()
    if args.reference:
        raise SystemExit(reference(args.reference))
    env = _ours_env()
    where = subprocess.run([sys.executable, "-c", "import gongkai; print(gongkai.__file__)"], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    print(f"timing gongkai from {where} with {sys.executable}")
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.txt"
        t0 = time.perf_counter()
        make_corpus(corpus, args.mb)
        size = corpus.stat().st_size / 1024 / 1024
        print(f"corpus: {size:.1f} MB of mixed Chinese text, generated in {time.perf_counter() - t0:.1f} s; "
              f"{args.repeats} runs of each side, alternating, medians (machine load varies)")
        sys.stdout.flush()
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text("联系电话：13812345678\n", encoding="utf-8")
        ours_cmd = ours_argv("privacy", "scan", "--json", str(corpus))
        ref_cmd = [sys.executable, str(Path(__file__).resolve()), "--reference", str(corpus)]
        ours_start = [run(ours_argv("privacy", "scan", "--json", str(tiny)), env).wall for _ in range(5)]
        ref_start = [run([sys.executable, str(Path(__file__).resolve()), "--reference", str(tiny)]).wall
                     for _ in range(5)]
        ours_runs, ref_runs = [], []
        for _ in range(args.repeats):  # alternate, so both see the same machine load
            ours_runs.append(run(ours_cmd, env))
            ref_runs.append(run(ref_cmd))
    print(f"process start (one-line file): gongkai {_median_of(ours_start) * 1000:.0f} ms, "
          f"reference {_median_of(ref_start) * 1000:.0f} ms")
    _report("gongkai privacy scan --json", ours_runs, size)
    _report("reference single-pass re", ref_runs, size)
    wall = _median(ref_runs, "wall") / _median(ours_runs, "wall")
    cpu = _median(ref_runs, "cpu") / _median(ours_runs, "cpu")
    print(f"ratio ours/reference speed: {wall:.2f}x wall, {cpu:.2f}x CPU (process start included; "
          f"required >= 1.0, goal 2.0; ours checks 8 kinds, the reference 4)")
    if not args.no_sweep:
        print("sweep throughput (bench/sweep.py):")
        sys.stdout.flush()
        subprocess.run([sys.executable, str(Path(__file__).resolve().with_name("sweep.py"))], check=True)


if __name__ == "__main__":
    main()
