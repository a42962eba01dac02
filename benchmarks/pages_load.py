"""Benchmark: every page each role opens, served by waitress on loopback from a demo county on SQLite,
timed on the server (the ``Server-Timing`` header the app sets) and on the wire.

    uv run python benchmarks/pages_load.py [--scale yuyang] [--data-dir DIR] [--repeat 20]

Steps:
1. the demo county in DIR (default ``benchmarks/out/pages-<scale>``): ``notoneless demo --no-serve``
   sets it up the first time (minutes at the yuyang scale; later runs reuse it);
2. ``waitress-serve`` with 4 threads on 127.0.0.1 in a process of its own;
3. per demo account: log in through the form, collect the pages its navigation offers and, one level
   down, the first few links of each (a school, a student, a case ...), then request every page once to
   warm it and ``--repeat`` times to measure.

Prints per role and page the median and 95th percentile of the server time, how many pages are over
the 300 ms goal, and each page's p95 as a multiple of the login page's (the baseline, measured in the
same run: a page that does nothing but render a form).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = ("admin", "aid", "school", "township", "teacher", "auditor")
GOAL_MS = 300.0
SKIP = re.compile(r"(logout|/static/|\.xlsx|\.csv|\.pdf|/admin/|/i18n/|/export|/download|/media/)")
DEEPER = 3  # links followed one level down from each navigation page


def _env(data_dir: Path) -> dict[str, str]:
    return dict(os.environ, NOTONELESS_DATA_DIR=str(data_dir), NOTONELESS_ALLOWED_HOSTS="127.0.0.1")


def prepare(scale: str, data_dir: Path) -> str:
    if not (data_dir / "demo" / "demo-password.txt").exists():
        print(f"setting up the {scale} demo county in {data_dir} (first run only)")
        subprocess.run(
            [sys.executable, "-m", "notoneless", "demo", "--scale", scale, "--no-serve"],
            env=_env(data_dir),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return (data_dir / "demo" / "demo-password.txt").read_text(encoding="utf-8").strip()


class Browser:
    """A cookie-keeping client that reads the server's time from ``Server-Timing``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, float, float]:
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path) as response:
                body = response.read().decode("utf-8", "replace")
                status, timing = response.status, response.headers.get("Server-Timing", "")
        except urllib.error.HTTPError as error:
            body, status, timing = "", error.code, error.headers.get("Server-Timing", "")
        wall = (time.perf_counter() - started) * 1000
        found = re.search(r"dur=([\d.]+)", timing)
        return status, body, float(found.group(1)) if found else wall, wall

    def log_in(self, username: str, password: str) -> None:
        _status, body, _s, _w = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        self.opener.open(request).read()


def _links(body: str) -> list[str]:
    found = []
    for href in re.findall(r'href="(/[^"#]*)"', body):
        href = href.replace("&amp;", "&")
        if not SKIP.search(href) and href not in found:
            found.append(href)
    return found


def pages_of(browser: Browser) -> list[str]:
    _status, home, _s, _w = browser.get("/")
    nav = re.search(r'<nav class="nav".*?</nav>', home, re.S)
    top = ["/", *_links(nav.group(0) if nav else "")]
    pages = list(dict.fromkeys(top))
    for page in top:
        _status, body, _s, _w = browser.get(page)
        deeper = [link for link in _links(body) if link not in pages and re.search(r"/\d+/", link)]
        pages += deeper[:DEEPER]
    return pages


def measure(browser: Browser, path: str, repeat: int) -> tuple[int, list[float]]:
    status, _body, _s, _w = browser.get(path)  # warm
    times = []
    for _ in range(repeat):
        status, _body, server, _wall = browser.get(path)
        times.append(server)
    return status, times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="yuyang")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--port", type=int, default=8877)
    args = parser.parse_args()
    data_dir = args.data_dir or HERE / "out" / f"pages-{args.scale}"
    password = prepare(args.scale, data_dir)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waitress",
            "--host",
            "127.0.0.1",
            f"--port={args.port}",
            "--threads=4",
            "notoneless.wsgi:application",
        ],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/").read()
                break
            except OSError:
                time.sleep(0.2)
        baseline = measure(Browser(base), "/login/", args.repeat)[1]
        base_p95 = p95(baseline)
        print(f"baseline /login/: p50 {statistics.median(baseline):.1f} ms, p95 {base_p95:.1f} ms")
        over = total = 0
        worst: list[tuple[float, str, str]] = []
        for role in ROLES:
            browser = Browser(base)
            browser.log_in(role, password)
            for path in pages_of(browser):
                status, times = measure(browser, path, args.repeat)
                high = p95(times)
                total += 1
                over += high > GOAL_MS
                worst.append((high, role, path))
                print(
                    f"{role:<9} {status} {path[:60]:<60} p50 {statistics.median(times):7.1f} ms"
                    f"  p95 {high:7.1f} ms  ×{high / base_p95:6.1f}"
                )
        print(f"\n{total} pages, {over} with a p95 over {GOAL_MS:.0f} ms; slowest:")
        for high, role, path in sorted(worst, reverse=True)[:10]:
            print(f"  {high:8.1f} ms  {role:<9} {path}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
