"""The running app under load: concurrent digests, a full queue, cancelled requests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from gradio_client import Client
from gradio_client.utils import QueueError, Status

from bilingual_digest import summarization, translation, ui
from bilingual_digest.digest import Digester
from bilingual_digest.errors import Cancelled
from ui_fakes import FakeDigester

TEXTS = [
    f"Le conseil numéro {i} se réunit à Niamey. Les deux parties discutent du retrait. "
    f"Une délégation arrivera la semaine prochaine."
    for i in range(8)
]


def serve(demo) -> tuple[Client, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    ui.launch(demo, port=port, block=False, quiet=True)
    client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
    return client, port


class GatedDigester(FakeDigester):
    """Holds a digest of any text containing "lent" until released.

    While held it checks its cancel flag every 50 ms, as the engine does between model
    batches, unless ``obey`` is False (work that can't be stopped).
    """

    def __init__(self, obey: bool = True) -> None:
        super().__init__()
        self.release = threading.Event()
        self.started = threading.Event()
        self.obey = obey
        self.stopped: list[float] = []
        self.began: dict[str, float] = {}

    def digest(self, text, source=None, length="medium", progress=None, **kwargs):
        self.began[text] = time.monotonic()
        if "lent" in text:
            self.started.set()
            cancel = kwargs.get("cancel")
            while not self.release.wait(0.05):
                if self.obey and cancel is not None and cancel.is_set():
                    self.stopped.append(time.monotonic())
                    raise Cancelled("cancelled")
            self.stopped.append(time.monotonic())
        return super().digest(text, source, length, progress, **kwargs)


@pytest.fixture
def gated() -> Iterator[tuple[GatedDigester, Client]]:
    digester = GatedDigester()
    demo = ui.build_demo(digester, concurrency_limit=1, queue_size=2)
    client, _ = serve(demo)
    try:
        yield digester, client
    finally:
        digester.release.set()
        demo.close()


def test_eight_concurrent_digests_complete_and_models_load_once(
    tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    translation._cached_translator.cache_clear()
    summarization._cached_summarizer.cache_clear()
    loads: Counter[str] = Counter()
    for module in (translation, summarization):
        real = module.load_backend

        def counting(name, model, device="cpu", *rest, _real=real):
            loads[model] += 1
            return _real(name, model, device, *rest)

        monkeypatch.setattr(module, "load_backend", counting)
    demo = ui.build_demo(Digester(), concurrency_limit=2)
    client, _ = serve(demo)
    try:
        assert demo.service.wait_ready(120)
        with ThreadPoolExecutor(8) as pool:
            jobs = [
                pool.submit(client.predict, text, "auto", "short", api_name="/digest")
                for text in TEXTS
            ]
            results = [job.result(timeout=600) for job in jobs]
    finally:
        demo.close()
    for text, result in zip(TEXTS, results, strict=True):
        assert result["original"] == text
        assert result["source_lang"] == "fr"
        assert [s["source"] for s in result["translation"]["segments"]] == [
            s.strip() + "." for s in text.rstrip(".").split(".")
        ]
        assert result["summary_en"] and result["summary_fr"]
    models = {tiny_env[f"BILINGUAL_DIGEST_MODEL_{k}"] for k in ("FR_EN", "EN_FR", "SUMMARY")}
    assert dict(loads) == dict.fromkeys(models, 1)


def test_beyond_the_queue_limit_is_answered_busy_at_once(gated) -> None:
    digester, client = gated
    running = client.submit("Un texte lent. Deux. Trois.", "fr-en", "short", api_name="/digest")
    assert digester.started.wait(10)
    queued = [
        client.submit(f"Texte {i}. Deux. Trois.", "fr-en", "short", api_name="/digest")
        for i in range(2)
    ]
    deadline = time.monotonic() + 20
    while not all(job.status().code == Status.IN_QUEUE for job in queued):
        assert time.monotonic() < deadline, "the two requests never reached the queue"
        time.sleep(0.05)
    with pytest.raises(QueueError, match="Queue is full"):
        client.submit("Un de trop. Deux. Trois.", "fr-en", "short", api_name="/digest").result(
            timeout=10
        )
    digester.release.set()
    assert running.result(timeout=30)["original"] == "Un texte lent. Deux. Trois."
    assert [job.result(timeout=30)["original"] for job in queued] == [
        "Texte 0. Deux. Trois.",
        "Texte 1. Deux. Trois.",
    ]


def test_a_cancelled_request_stops_and_only_then_frees_its_worker(gated) -> None:
    """Issue 13: submit-and-cancel must not start a digest beside one still running."""
    digester, client = gated
    stuck = client.submit("Un texte lent. Deux. Trois.", "fr-en", "short", api_name="/digest")
    assert digester.started.wait(10)
    waiting = client.submit("Le suivant. Deux. Trois.", "fr-en", "short", api_name="/digest")
    assert stuck.cancel()
    # The cancelled work is told to stop, stops, and only then does the next one start.
    assert waiting.result(timeout=10)["original"] == "Le suivant. Deux. Trois."
    assert not digester.release.is_set()
    assert len(digester.stopped) == 1
    assert digester.stopped[0] <= digester.began["Le suivant. Deux. Trois."]


def test_a_cancel_sent_before_the_client_knew_its_event_id_still_stops_the_work(gated) -> None:
    """gradio_client's ``Job.cancel()`` right after the job started can send ``event_id: null``
    (it has not read the id yet); Gradio alone answers 422 and the work goes on."""
    digester, client = gated
    client.submit("Un texte lent. Deux. Trois.", "fr-en", "short", api_name="/digest")
    assert digester.started.wait(10)
    fn_index = next(
        dep["id"] for dep in client.config["dependencies"] if dep.get("api_name") == "digest"
    )
    answer = httpx.post(
        f"{client.src_prefixed}cancel",
        json={"fn_index": fn_index, "session_hash": client.session_hash, "event_id": None},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert len(digester.stopped) == 1  # the cancel answers once the work has stopped
    assert not digester.release.is_set()
    after = client.predict("Le suivant. Deux. Trois.", "fr-en", "short", api_name="/digest")
    assert after["original"] == "Le suivant. Deux. Trois."


def test_work_that_cannot_stop_keeps_its_slot_until_it_ends() -> None:
    digester = GatedDigester(obey=False)
    demo = ui.build_demo(digester, concurrency_limit=1, queue_size=2)
    client, _ = serve(demo)
    try:
        stuck = client.submit("Un texte lent. Deux.", "fr-en", "short", api_name="/digest")
        assert digester.started.wait(10)
        waiting = client.submit("Le suivant. Deux.", "fr-en", "short", api_name="/digest")

        def cancel() -> None:  # Gradio's cancel answers once the work has stopped
            with contextlib.suppress(Exception):
                stuck.cancel()

        threading.Thread(target=cancel, daemon=True).start()
        time.sleep(1.0)
        assert "Le suivant. Deux." not in digester.began  # still waiting its turn
        digester.release.set()
        assert waiting.result(timeout=10)["original"] == "Le suivant. Deux."
        assert digester.stopped[0] <= digester.began["Le suivant. Deux."]
    finally:
        digester.release.set()
        demo.close()
