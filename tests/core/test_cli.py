"""The `gongkai` command end to end, as an operator runs it: real processes, exit statuses,
messages on stderr and never a traceback. Runs on a database of its own (see operator_env)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
GONGKAI = [sys.executable, "-m", "gongkai.cli"]


@pytest.fixture(scope="module")
def run(operator_env):
    env = operator_env

    def run(*args, stdin=None):
        return subprocess.run([*GONGKAI, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)

    run.env = env
    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return run


def ok(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout.strip()


def fails(result, *needles, code=None):
    assert result.returncode != 0
    if code is not None:
        assert result.returncode == code
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, result.stderr
    return result.stderr


def test_add_workdays_after_a_fresh_migrate(run):
    # The calendar is seeded by the migration itself: no demo needed.
    assert ok(run("calendar", "add-workdays", "2025-09-26", "20")) == "2025-10-30"
    assert ok(run("calendar", "is-workday", "2026-02-14")) == "true"
    assert ok(run("calendar", "is-workday", "2026-02-16")) == "false"
    assert ok(run("calendar", "workdays-between", "2025-09-26", "2025-10-30")) == "20"


def test_stdin_mode_answers_line_by_line_and_fails_on_bad_lines(run):
    good = run("calendar", "add-workdays", "-", stdin="2025-09-26 7\n2026-02-06 20\n2025-12-31 20\n")
    assert ok(good).splitlines() == ["2025-10-13", "2026-03-12", "2026-01-29"]
    mixed = run("calendar", "add-workdays", "-", stdin="2025-09-26 20\n2025-02-30 3\nnonsense\n2026-09-18 20\n")
    lines = mixed.stdout.strip().splitlines()
    assert mixed.returncode != 0
    assert lines[0] == "2025-10-30" and lines[3] == "2026-10-22"
    assert lines[1].startswith("error: ") and "2025-02-30" in lines[1]
    assert lines[2].startswith("error: ")


def test_bad_input_gets_a_message_and_an_exit_status(run):
    fails(run("calendar", "add-workdays", "2025-02-30", "3"), "2025-02-30")
    fails(run("calendar", "add-workdays", "2025-09-26", "-4"), "负数")
    fails(run("calendar", "add-workdays", "2025-09-26", "twenty"), "twenty")
    fails(run("calendar", "is-workday", "2031-01-02"), "2031")
    fails(run("bodies", "list", "--kind", "province"), "invalid choice", "province", code=2)
    fails(run("calendar", "frobnicate"), "invalid choice", code=2)


def test_unknown_year_then_load_year(run, tmp_path):
    fails(run("calendar", "add-workdays", "2026-12-20", "20"), "2027")
    broken = tmp_path / "broken.csv"
    broken.write_text("2027-01-01,休\n2027-02-30,休\n", encoding="utf-8")
    fails(run("calendar", "load-year", "2027", str(broken)), "第2行", "2027-02-30")
    fails(run("calendar", "load-year", "2027", str(tmp_path / "missing.csv")), "无法读取文件")
    fails(run("calendar", "add-workdays", "2026-12-20", "20"), "2027")  # nothing half-loaded
    gbk = tmp_path / "2027-gbk.csv"
    gbk.write_bytes((DATA / "calendar-2027-sample.csv").read_text(encoding="utf-8").encode("gbk"))
    assert "已载入" in ok(run("calendar", "load-year", "2027", str(gbk), "--notice", "测试用安排"))
    # 2026-12-20 is a Sunday; 20 working days later with 1 Jan 2027 off is 2027-01-18.
    assert ok(run("calendar", "add-workdays", "2026-12-20", "20")) == "2027-01-18"
    assert ok(run("calendar", "is-workday", "2027-02-20")) == "true"
    assert "2027" in ok(run("calendar", "years"))
    assert "通过" in ok(run("audit", "verify"))


def test_bodies_list_json_on_an_empty_database(run):
    assert json.loads(ok(run("bodies", "list", "--json"))) == []


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_then_serve_answers_http(run, tmp_path):
    """What `make run` does: demo, then the production server answers — serve prepares the static
    files itself when collectstatic has not been run (every page was a 500 without the manifest),
    on the random keys the first `gongkai migrate` wrote to var/keys.json."""
    import signal
    import time
    import urllib.request

    first = ok(run("demo", "--without-records"))
    assert "gkb_admin" in first and "已载入演示数据" in first
    assert "无需重复载入" in ok(run("demo", "--without-records"))
    rows = json.loads(ok(run("bodies", "list", "--kind", "village", "--json")))
    assert len(rows) == 60
    fails(run("serve", "--port", "70000"), "端口无效")

    port = _free_port()
    # Declared HTTPS (as behind the county's TLS proxy): Secure cookies and HSTS.
    server = subprocess.Popen([*GONGKAI, "serve", "--port", str(port)], env={**run.env, "GONGKAI_HTTPS": "true"},
                              start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, pages = time.monotonic() + 30, {}
        while time.monotonic() < deadline and not pages:
            try:
                for path in ("/", "/admin/login/", "/static/portal/css/portal.css"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                        pages[path] = (response.status, response.read().decode("utf-8", "replace"))
            except OSError:
                pages = {}
                time.sleep(0.5)
        assert pages, "server did not answer within 30 s"
        assert pages["/"][0] == 200 and "青山县" in pages["/"][1]
        assert pages["/admin/login/"][0] == 200
        # A browser fetches a page's assets over several kept-alive connections at once: every one
        # must come back (granian with backpressure = threads left some hanging).
        import http.client
        import re
        from concurrent.futures import ThreadPoolExecutor

        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', pages["/admin/login/"][1])
        assert len(assets) >= 10

        def fetch_all(paths):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            statuses = []
            for path in paths:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
            conn.close()
            return statuses

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(fetch_all, [assets[i::6] for i in range(6)]))
        assert {status for statuses in results for status in statuses} == {200}
        _check_served_security(port, run)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    said = server.stdout.read().decode("utf-8", "replace")
    assert "正在准备静态文件" in said and "开发密钥" not in said, said


def _check_served_security(port, run):
    """Issue 13's checks on a served instance: the three security headers, a login and failed
    logins in the audit log, and 10 wrong passwords lock the account (the right one is refused)."""
    import http.client
    import re

    def request(method, path, body=None, cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        if body is not None:
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://127.0.0.1:{port}/admin/login/"})
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        jar = dict(cookies or {})
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key] = rest.split(";", 1)[0]
        conn.close()
        return response, text, jar

    home, _, _ = request("GET", "/")
    assert home.status == 200
    assert "script-src 'self'" in home.getheader("Content-Security-Policy", "")
    assert "camera=()" in home.getheader("Permissions-Policy", "")
    assert home.getheader("Strict-Transport-Security", "").startswith("max-age=")

    def login(password):
        page, text, jar = request("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": token, "username": "gkb_admin", "password": password})
        return request("POST", "/admin/login/", body=body, cookies=jar)

    from django.conf import settings as django_settings

    good = django_settings.GONGKAI_DEMO_PASSWORD
    response, _, _ = login(good)
    assert response.status == 302  # on to the second factor
    for _ in range(10):
        response, text, _ = login("wrong-password-123")
    assert response.status == 429 and "锁定" in text and "解锁" in text
    response, text, _ = login(good)  # the right password no longer opens the account
    assert response.status == 429 and "锁定" in text
    tail = ok(run("audit", "tail", "-n", "40"))
    events = [line.split("\t")[2] for line in tail.splitlines()]
    assert {"auth.login", "auth.login_failed", "auth.locked_out"} <= set(events), tail


def test_serve_refuses_when_it_cannot_prepare_the_static_files(operator_env, tmp_path):
    """STATIC_ROOT (var/static) cannot be created: serve says what to run instead of starting a
    server whose every page would answer 500."""
    var = tmp_path / "var"
    var.mkdir()
    (var / "static").write_text("", encoding="utf-8")  # a file where the directory should be
    import secrets

    from cryptography.fernet import Fernet

    keys = {"SECRET_KEY": secrets.token_urlsafe(48), "GONGKAI_AUDIT_KEY": secrets.token_urlsafe(48),
            "GONGKAI_ID_HASH_KEY": secrets.token_urlsafe(48), "GONGKAI_DATA_KEYS": Fernet.generate_key().decode()}
    # On PostgreSQL the module's database may already hold the fingerprints of the keys its first
    # `gongkai migrate` wrote: use those keys, so serve gets as far as the static files.
    written = Path(operator_env["GONGKAI_VAR_DIR"]) / "keys.json"
    if written.exists():
        stored = json.loads(written.read_text(encoding="utf-8"))
        keys = {"SECRET_KEY": stored["secret_key"], "GONGKAI_AUDIT_KEY": stored["audit_key"],
                "GONGKAI_ID_HASH_KEY": stored["id_hash_key"], "GONGKAI_DATA_KEYS": ",".join(stored["data_keys"])}
    result = subprocess.run([*GONGKAI, "serve", "--port", str(_free_port())], capture_output=True, text=True,
                            timeout=120, env={**operator_env, **keys, "GONGKAI_VAR_DIR": str(var)})
    fails(result, "静态文件尚未准备", "不可写", "gongkai collectstatic --noinput", code=1)



def test_first_migrate_wrote_the_key_file_and_serve_refuses_a_weak_key(run):
    """The first `gongkai migrate` (no SECRET_KEY in the environment) created var/keys.json (0600);
    serve refuses a public or weak key in one Chinese line with exit status 2, never a traceback."""
    key_file = Path(run.env["GONGKAI_VAR_DIR"]) / "keys.json"
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    assert "密钥与数据一致" in ok(run("keys", "check"))
    env = {k: v for k, v in run.env.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run([*GONGKAI, "serve"], capture_output=True, text=True, timeout=60,
                            env={**env, "SECRET_KEY": "gongkai-insecure-development-key-change-me"})
    fails(result, "拒绝启动", "SECRET_KEY", code=2)
    assert len(result.stderr.strip().splitlines()) == 1


def test_django_commands_pass_through(run):
    """Runs last in this module: after it the database holds a non-demo account."""
    env_run = subprocess.run([*GONGKAI, "createsuperuser", "--noinput", "--username", "ops", "--email",
                              "ops@example.cn"], capture_output=True, text=True, timeout=60,
                             env={**run.env, "DJANGO_SUPERUSER_PASSWORD": "Ops-passphrase-2026"})
    assert env_run.returncode == 0, env_run.stderr
    assert "跳过演示数据" in ok(run("demo", "--if-empty"))
    fails(run("demo"), "非演示数据")
    assert "No changes" in ok(run("makemigrations", "--check", "--dry-run"))
