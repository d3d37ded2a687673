"""Benchmark: a 100 MB payout upload and its import do not make concurrent writes fail (issue 13 §4).

Serves a fresh demo installation (``gongkai migrate`` + ``gongkai demo`` on a temporary SQLite
file, then ``gongkai serve`` on a free port, scheduler off) and runs, over HTTP:

1. the baseline: for ``--seconds`` seconds, ``--clients`` threads each submitting online
   applications (依申请公开 form: GET the form, POST it) and logging in to the admin, in a loop;
2. the same loop while a township officer uploads a ``--size-mb`` payout file (CSV; ``--rows``
   payout rows, padded to the size with a 备注 column the import ignores), confirms its columns, and
   the worker (``gongkai subsidy run-imports``, a process of its own) imports it.

It prints, for each phase, how many applications and logins succeeded and failed, their median and
maximum latency, and the ratio of the loaded maximum to the baseline maximum. Any failure (HTTP
status other than the expected one, or a timeout) is counted and makes the exit status 1.

    .venv/bin/python bench/concurrent_writes.py                        # 100 MB, 100 000 rows
    .venv/bin/python bench/concurrent_writes.py --size-mb 20 --rows 20000 --seconds 10

SQLite only: PostgreSQL takes row locks, not a database-wide write lock, so the failure this bench
guards against (HTTP 500 "database is locked" after the 20 s busy timeout) is SQLite's.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import http.cookiejar
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PYTHON = sys.executable
PASSWORD = "bench-demo-2026"
OFFICER = "qsz_xxy"  # 青石镇 information officer: imports payouts for the township
HANDLERS = ["xzf_ysq", "nyj_ysq", "qsz_ysq"]
APPLY = "/xxgk/ysqgk/apply/"
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gongkai(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "gongkai.cli", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True, **kw)


def make_file(rows: int, villages: list[str], size: int) -> bytes:
    """A payout CSV of ``rows`` valid rows over ``villages``, padded to about ``size`` bytes."""
    from gongkai.privacy.checksums import id_check_char

    pad = max(0, size // max(rows, 1) - 110)
    filler = ("本行为基准测试填充的备注文字" * (pad // 40 + 1))[: pad // 3]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["序号", "户主姓名", "身份证号码", "一卡通账号", "村（社区）", "补贴面积", "补贴标准", "补贴金额",
                "发放日期", "备注"])
    standard = Decimal("105.50")
    for n in range(rows):
        k = n // 1000  # (born date, n % 1000) is unique for n < 20 160 000
        born = f"{1940 + k % 60}{1 + (k // 60) % 12:02d}{1 + (k // 720) % 28:02d}"
        first = f"360102{born}{n % 1000:03d}"
        area = Decimal(1 + n % 17) + Decimal(n % 4) / 4
        amount = (area * standard).quantize(Decimal("0.01"), ROUND_HALF_UP)
        w.writerow([n + 1, "王" + "建国秀英志强桂兰"[n % 8] + "春梅德明"[n % 4], first + id_check_char(first),
                    f"6217{n:015d}", villages[n % len(villages)], area, standard, amount, "2025-06-20", filler])
    return out.getvalue().encode("utf-8")


class Browser:
    """A cookie-keeping HTTP client with Django's CSRF token handling."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields, files)
            ctype = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            ctype = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Content-Type": ctype, "Referer": self.base + path})
        return self._open(request)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok: dict[str, list[float]] = {"application": [], "login": []}
        self.failed: dict[str, list[str]] = {"application": [], "login": []}

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            (self.failed[kind].append(error) if error else self.ok[kind].append(seconds))

    def line(self, kind: str) -> str:
        ok, failed = self.ok[kind], self.failed[kind]
        if not ok:
            return f"{kind:12s} ok 0  failed {len(failed)}"
        return (f"{kind:12s} ok {len(ok):5d}  failed {len(failed):3d}  median {statistics.median(ok) * 1000:7.1f} ms"
                f"  max {max(ok) * 1000:8.1f} ms")

    def max(self) -> float:
        return max([0.0, *self.ok["application"], *self.ok["login"]])

    @property
    def failures(self) -> int:
        return sum(len(v) for v in self.failed.values())


def apply_once(base: str, body_code: str, n: int) -> str | None:
    """One citizen: load the form, submit it, expect the receipt with a query code."""
    browser = Browser(base)
    status, html = browser.get(APPLY)
    if status != 200:
        return f"GET form: HTTP {status}"
    nonce = re.search(r'name="nonce" value="([^"]+)"', html)
    status, html = browser.post(APPLY, {
        "applicant_kind": "natural", "org_type": "", "name": "李四", "id_type": "resident_id",
        "id_number": "360702198805056789", "phone": "13912345678", "email": "lisi@example.com",
        "address": "青山县城关镇2号", "postcode": "341900", "body": body_code,
        "subject": f"2025年农村公路建设项目资金安排（基准 {n}）", "description": "青农发〔2025〕3号",
        "preferred_form": "electronic", "delivery_method": "email", "nonce": nonce.group(1) if nonce else ""})
    if status != 200 or "查询码" not in html:
        return f"POST application: HTTP {status}"
    return None


def login_once(base: str, username: str) -> str | None:
    browser = Browser(base)
    status, _ = browser.get("/admin/login/")
    if status != 200:
        return f"GET login: HTTP {status}"
    status, _ = browser.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"})
    return None if status == 302 else f"POST login: HTTP {status}"


def load(base: str, body_code: str, clients: int, stop: threading.Event, tally: Tally) -> list[threading.Thread]:
    def worker(i: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            for kind, call, arg in (("application", lambda k: apply_once(base, body_code, k), i * 100000 + n),
                                    ("login", lambda k: login_once(base, HANDLERS[k % len(HANDLERS)]), i + n)):
                started = time.perf_counter()
                try:
                    error = call(arg)
                except Exception as exc:  # a timeout or a dropped connection is a failure too
                    error = f"{type(exc).__name__}: {exc}"
                tally.add(kind, time.perf_counter() - started, error)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    return threads


def upload_and_import(base: str, env: dict, data: bytes, programme: int, township: int, log: list[str]) -> None:
    """The officer's upload, the column confirmation and the worker's import, timed."""
    officer = Browser(base)
    officer.get("/admin/login/")
    status, _ = officer.post("/admin/login/", {"username": OFFICER, "password": PASSWORD, "next": "/admin/"})
    assert status == 302, f"officer login: HTTP {status}"
    officer.get("/admin/villages/imports/")
    started = time.perf_counter()
    status, html = officer.post("/admin/villages/imports/", {"programme": programme, "year": 2025, "body": township},
                                files={"file": ("青石镇2025年耕地地力保护补贴.csv", data)})
    assert status == 302, f"upload: HTTP {status} {re.findall(r'error-message[^>]*>([^<]+)', html)}"
    log.append(f"upload of {len(data) / 1e6:.0f} MB answered in {time.perf_counter() - started:.1f} s")
    status, html = officer.get("/admin/villages/imports/")
    job = int(re.search(r"/admin/villages/imports/(\d+)/", html).group(1))
    status, html = officer.get(f"/admin/villages/imports/{job}/")
    fields = {"header_row": re.search(r'<option value="(\d+)" selected>第', html).group(1), "do": "confirm"}
    for name, body in re.findall(r'<select id="col-\d+" name="(col_\d+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    status, html = officer.post(f"/admin/villages/imports/{job}/", fields)
    assert status == 302, f"confirm: HTTP {status}"
    started = time.perf_counter()
    out = gongkai(env, "subsidy", "run-imports").stdout.strip()
    log.append(f"import by the worker took {time.perf_counter() - started:.1f} s: {out}")
    status, html = officer.get(f"/admin/villages/imports/{job}/")
    result = re.search(r"<strong>状态：([^<]+)</strong>", html)
    message = re.search(r'help-(?:info|critical)"><p>([^<]+)</p>', html)
    log.append(f"job {job}: {result.group(1) if result else '?'} — {message.group(1) if message else ''}")


def read_demo(env: dict) -> tuple[str, int, int, list[str]]:
    """The body to apply to, the programme and township to import for, and the township's villages."""
    script = (
        "import django, json; django.setup();"
        "from gongkai.core.models import Body; from gongkai.villages.models import SubsidyProgramme;"
        "t = Body.objects.get(name='青山县青石镇人民政府');"
        "v = [b.name for b in Body.objects.filter(kind='village', path__startswith=t.path, is_active=True)];"
        "p = SubsidyProgramme.objects.get(name='耕地地力保护补贴');"
        "d = Body.objects.get(name='青山县农业农村局');"
        "print(json.dumps([d.code, p.pk, t.pk, v]))")
    import json

    out = subprocess.run([PYTHON, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "gongkai.settings"},
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    code, programme, township, villages = json.loads(out.strip().splitlines()[-1])
    return code, programme, township, villages


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gongkai serve exited: {server.stderr.read() if server.stderr else ''}")
        try:
            with urllib.request.urlopen(base + APPLY, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            time.sleep(0.5)
    raise SystemExit("gongkai serve did not answer within 150 s")


def phase(label: str, base: str, code: str, clients: int, seconds: float, during=None) -> Tally:
    tally, stop = Tally(), threading.Event()
    threads = load(base, code, clients, stop, tally)
    started = time.perf_counter()
    if during is not None:
        during()
    while time.perf_counter() - started < seconds:
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(TIMEOUT + 5)
    print(f"\n{label} ({time.perf_counter() - started:.0f} s, {clients} clients)")
    print("  " + tally.line("application"))
    print("  " + tally.line("login"))
    for kind, errors in tally.failed.items():
        for error in sorted(set(errors))[:5]:
            print(f"  {kind} failure: {error} (×{errors.count(error)})")
    return tally


def main(argv: list[str] | None = None) -> int:
    global PASSWORD
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=100, help="size of the uploaded payout file")
    parser.add_argument("--rows", type=int, default=100_000, help="payout rows in it (the rest is padding)")
    parser.add_argument("--seconds", type=float, default=20, help="length of the baseline phase")
    parser.add_argument("--clients", type=int, default=4, help="concurrent citizens/officers")
    parser.add_argument("--workers", type=int, default=2, help="gongkai serve worker processes")
    parser.add_argument("--installation", metavar="DIR", default="",
                        help="use this demo installation (GONGKAI_VAR_DIR with bench.sqlite3, made by an earlier run "
                             "or by migrate + demo with GONGKAI_DEMO_PASSWORD=" + PASSWORD + ") instead of a new one")
    parser.add_argument("--password", default=PASSWORD, help="the demo accounts' password (GONGKAI_DEMO_PASSWORD)")
    args = parser.parse_args(argv)
    PASSWORD = args.password

    directory = Path(args.installation) if args.installation else Path(tempfile.mkdtemp(prefix="gk_concurrent_"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GONGKAI_VAR_DIR": str(directory),
           "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}", "SECRET_KEY": uuid.uuid4().hex * 2,
           "GONGKAI_DEMO_PASSWORD": PASSWORD, "GONGKAI_SCHEDULER": "off",
           "GONGKAI_MAX_UPLOAD_MB": str(args.size_mb + 20), "GONGKAI_MAX_PAYOUT_FILE_MB": str(args.size_mb + 20),
           "GONGKAI_MANIFEST_STATIC": "false", "GONGKAI_LOG_LEVEL": "ERROR"}
    print(f"scratch installation in {directory}")
    if not args.installation:
        t0 = time.perf_counter()
        gongkai(env, "migrate", "-v0")
        gongkai(env, "demo")
        print(f"migrate + demo: {time.perf_counter() - t0:.0f} s")
    code, programme, township, villages = read_demo(env)
    data = make_file(args.rows, villages, args.size_mb * 1024 * 1024)
    print(f"payout file: {len(data) / 1024 / 1024:.0f} MB, {args.rows} rows over {len(villages)} villages")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PYTHON, "-m", "gongkai.cli", "serve", "--port", str(port),
                               "--workers", str(args.workers)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(base, server)
        for i in range(args.workers * 2):  # warm every worker up (first requests load templates, caches)
            apply_once(base, code, 900000 + i)
            login_once(base, HANDLERS[i % len(HANDLERS)])
        baseline = phase("baseline: applications and logins", base, code, args.clients, args.seconds)
        log: list[str] = []
        errors: list[str] = []

        def during():
            def run():
                try:
                    upload_and_import(base, env, data, programme, township, log)
                except Exception as exc:  # reported below; the bench then fails
                    errors.append(f"{type(exc).__name__}: {exc}")

            worker = threading.Thread(target=run)
            worker.start()
            worker.join()

        loaded = phase(f"with a {args.size_mb} MB upload and its import", base, code, args.clients,
                       args.seconds, during)
        for line in log:
            print("  " + line)
        for line in errors:
            print("  upload/import error: " + line)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    ratio = loaded.max() / baseline.max() if baseline.max() else float("inf")
    print(f"\nmax latency: baseline {baseline.max() * 1000:.0f} ms, under upload+import {loaded.max() * 1000:.0f} ms"
          f" (ratio {ratio:.1f}×)")
    failures = baseline.failures + loaded.failures + len(errors)
    print(f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
