"""The web page in a real headless browser (Debian's chromium, driven by Playwright).

- :func:`measure_page`: the app over the benchmark models (the project's Digester with the
  engines' stand-ins and fixed lengths, no output cache) in its own process; in the
  browser, the sample article is digested ``runs`` times: seconds from the click on Digest
  to the first paragraph's translation in the translation box, and to the whole digest
  (the download buttons appear with it). Also the server's peak memory (gradio included).
- :func:`measure_cold_start`: seconds from starting ``python app.py`` (the real command,
  its models pointed at the benchmark models) to the page showing "Models ready" for
  every model; with a fresh cache directory, the first run (conversion included).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 300_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int) -> None:
    """Serve the page over the benchmark engine (run in its own process; never returns)."""
    sys.path.insert(0, str(HERE))
    import engines

    from bilingual_digest import ui

    demo = ui.build_demo(engines.digester(engines.inputs(), cached=False), examples_dir=None)
    ui.launch(demo, port=port, block=False, quiet=True)
    demo.service.wait_ready()
    print("ready", flush=True)
    for line in sys.stdin:  # "rss": the peak resident memory so far, in MB
        if line.strip() == "rss":
            print(_peak_rss_mb(os.getpid()), flush=True)


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kb = int(status.split("VmHWM:")[1].split()[0])
    return round(kb / 1024, 1)


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def measure_page(data: dict[str, Any], runs: int, env: dict[str, str]) -> dict[str, Any]:
    """Digest the sample article in the page ``runs`` times (after one cold run)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(HERE / "bench.py"), "--serve-page", str(port)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdin is not None
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("the page server did not start")
        first_text = data["stand_in_translations"][0]
        first, complete = [], []
        with browser() as chromium:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            for _ in range(runs + 1):
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("#bd-status").get_by_text("Models ready").wait_for()
                page.locator("#bd-input textarea").fill(data["article"])
                start = time.perf_counter()
                page.locator("#bd-digest").click()
                page.wait_for_function(
                    "first => document.querySelector('#bd-translation textarea')"
                    ".value.startsWith(first)",
                    arg=first_text,
                    polling="raf",
                )
                first.append(time.perf_counter() - start)
                page.locator("#bd-dl-json").wait_for()
                complete.append(time.perf_counter() - start)
                expected = data["summary_input"]
                shown = page.locator("#bd-translation textarea").input_value()
                assert shown.strip() == expected.strip(), shown[:200]
        server.stdin.write("rss\n")
        server.stdin.flush()
        rss = float(server.stdout.readline())
    finally:
        server.kill()
        server.wait()
    return {
        "first_result_s": round(statistics.median(first[1:]), 3),
        "complete_s": round(statistics.median(complete[1:]), 3),
        "first_result_runs_s": [round(t, 3) for t in first[1:]],
        "complete_runs_s": [round(t, 3) for t in complete[1:]],
        "cold_first_result_s": round(first[0], 3),
        "cold_complete_s": round(complete[0], 3),
        "server_peak_rss_mb": rss,
    }


def app_env(env: dict[str, str], models: dict[str, Path], cache: Path) -> dict[str, str]:
    """The environment ``python app.py`` gets: the benchmark models, a cache directory."""
    return {
        **env,
        "BILINGUAL_DIGEST_MODEL_FR_EN": str(models["fr-en"]),
        "BILINGUAL_DIGEST_MODEL_EN_FR": str(models["en-fr"]),
        "BILINGUAL_DIGEST_MODEL_SUMMARY": str(models["summary"]),
        "BILINGUAL_DIGEST_CACHE_DIR": str(cache),
        "BILINGUAL_DIGEST_BACKEND": "ctranslate2",
    }


def measure_cold_start(env: dict[str, str], runs: int) -> dict[str, Any]:
    """Seconds from ``python app.py`` to the page saying every model is ready.

    ``runs`` starts with the models converted, then one with a fresh cache directory (the
    first run of a new install: the three conversions included).
    """
    warm = [_one_cold_start(env) for _ in range(runs)]
    with tempfile.TemporaryDirectory(prefix="bench-first-run-") as fresh:
        first = _one_cold_start({**env, "BILINGUAL_DIGEST_CACHE_DIR": fresh})
    return {
        "cold_start_s": round(statistics.median(s for s, _ in warm), 3),
        "cold_start_runs_s": [round(s, 3) for s, _ in warm],
        "cold_start_peak_rss_mb": max(rss for _, rss in warm),
        "first_run_s": round(first[0], 3),
        "first_run_peak_rss_mb": first[1],
    }


def _one_cold_start(env: dict[str, str]) -> tuple[float, float]:
    port = free_port()
    with browser() as chromium:
        page = chromium.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        start = time.perf_counter()
        app = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=TIMEOUT_MS)
                    break
                except Exception:  # connection refused: not up yet
                    if app.poll() is not None:
                        raise SystemExit("python app.py exited") from None
                    time.sleep(0.02)
            page.locator("#bd-status").get_by_text("Models ready").wait_for()
            seconds = time.perf_counter() - start
            rss = _peak_rss_mb(app.pid)
        finally:
            app.terminate()
            app.wait()
    return seconds, rss
