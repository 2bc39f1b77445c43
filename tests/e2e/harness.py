"""End-to-end plumbing: a real ``streamlit run`` on a given warehouse, headless Debian
Chromium, a readiness wait that never accepts a half-drawn page, request recording and
screenshots at fixed widths.

Readiness (``settle``): Streamlit reports ``data-test-script-state='notRunning'``, no
spinner or skeleton is on screen, every chart element holds its canvas/svg, at least the
expected number of charts is there, and the DOM (text, element count, chart count) is the
same in two polls in a row. No fixed sleeps decide readiness.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screens"
PORTS = range(8730, 8750)  # this area's port range on the shared machine
WIDTHS = (1280, 1600)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}

_STATE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const main = document.querySelector("[data-testid='stMain']");
  if (!app || !main) return null;
  const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")];
  return {
    state: app.getAttribute('data-test-script-state'),
    busy: document.querySelectorAll(
      "[data-testid='stSpinner'], [data-testid='stSkeleton'], [data-stale='true']").length,
    charts: charts.length,
    drawn: charts.filter(el => el.querySelector('canvas, svg')).length,
    nodes: main.querySelectorAll('*').length,
    text: main.innerText.length + ':' + main.innerText.slice(0, 200),
  };
}"""


def free_port() -> int:
    """The first free port of this area's range."""
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8730–8749")


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@contextlib.contextmanager
def serve(db: Path, log: Path) -> Iterator[str]:
    """``streamlit run`` on ``db`` (WAREHOUSE_DB) until the block ends; yields the URL."""
    env = {
        **os.environ,
        "WAREHOUSE_DB": str(db),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    for attempt in range(3):  # another process may take the port between check and bind
        port = free_port()
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(ROOT / "dashboard" / "streamlit_app.py"),
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(port),
                    "--server.address",
                    "127.0.0.1",
                    "--browser.gatherUsageStats",
                    "false",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
        except (RuntimeError, TimeoutError):
            proc.kill()
            proc.wait(timeout=10)
            if attempt == 2:
                raise
            continue
        try:
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        return


def settle(page, min_charts: int = 0, timeout: float = 90) -> dict:
    """Wait until the page has stopped changing (see the module docstring)."""
    deadline = time.monotonic() + timeout
    previous = None
    last = None
    while time.monotonic() < deadline:
        try:
            last = page.evaluate(_STATE)
        except Exception:  # navigation in progress: the context is being replaced
            last = None
        ready = (
            last is not None
            and last["state"] == "notRunning"
            and last["busy"] == 0
            and last["charts"] >= min_charts
            and last["drawn"] == last["charts"]
        )
        if ready and last == previous:
            return last
        previous = last if ready else None
        page.wait_for_timeout(400)  # poll interval, not a readiness guess
    raise TimeoutError(f"page did not settle: {last}")


def main_text(page) -> str:
    """The visible text of the main area (zero-width spaces, which keep URLs in document
    text from becoming links, removed)."""
    return page.inner_text("[data-testid='stMain']").replace("\u200b", "")


def screenshot(page, path: Path, width: int) -> None:
    """Full-page shot at ``width``: Streamlit scrolls inside stMain, so grow the viewport to
    the content, let it settle again, then shoot."""
    page.set_viewport_size({"width": width, "height": 900})
    settle(page)
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": width, "height": max(900, int(height) + 40)})
    settle(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


class RequestLog:
    """Every URL the browser requests on a page (to prove nothing leaves localhost)."""

    def __init__(self, page) -> None:
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def outside(self) -> list[str]:
        bad = []
        for url in self.urls:
            parsed = urllib.parse.urlparse(url)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.hostname not in LOCAL_HOSTS:
                bad.append(url)
        return bad
