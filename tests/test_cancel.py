"""Cancelled work stops between model batches, and keeps its queue slot until it has stopped."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence

import pytest

from bilingual_digest import Digester, Summarizer, TranslationOptions, Translator
from bilingual_digest.backends import Generated
from bilingual_digest.errors import Cancelled, ServerBusyError
from bilingual_digest.options import GenerationOptions
from bilingual_digest.work_queue import WorkQueue, run_cancellable, stream_cancellable

from fakes import LeadBackend, TagBackend

FR = " ".join(f"Le conseil a voté la mesure numéro {n} mardi." for n in range(1, 7))


class CancellingBackend(TagBackend):
    """Sets the flag once it has answered ``after`` batches (a client that leaves meanwhile)."""

    def __init__(self, tag: str, flag: threading.Event, after: int = 1) -> None:
        super().__init__(tag)
        self.flag, self.after = flag, after

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        out = super().generate(texts, options)
        if len(self.calls) >= self.after:
            self.flag.set()
        return out


def test_a_translation_stops_before_its_next_batch() -> None:
    flag = threading.Event()
    backend = CancellingBackend("en", flag)
    translator = Translator("fr", "en", backend=backend, options=TranslationOptions(batch_size=2))
    with pytest.raises(Cancelled, match="cancelled"):
        translator.translate(FR, cancel=flag)
    assert len(backend.calls) == 1  # 6 sentences, batches of 2: stopped after the first
    assert translator.translate(FR).text.count("[en]") == 6  # no flag: runs to the end


def test_a_digest_stops_between_stages_and_inside_them() -> None:
    flag = threading.Event()
    fr_en = CancellingBackend("en", flag)
    summary = LeadBackend()
    digester = Digester(
        Translator("fr", "en", backend=fr_en, options=TranslationOptions(batch_size=2)),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=summary),
    )
    with pytest.raises(Cancelled):
        digester.digest(FR, "fr", cancel=flag)
    assert len(fr_en.calls) == 1 and summary.calls == []
    flag.set()
    with pytest.raises(Cancelled):  # set before it starts: no model is called at all
        digester.digest(FR, "fr", cancel=flag)
    assert len(fr_en.calls) == 1


def test_the_queue_runs_one_at_a_time_first_come_first_served_and_refuses_beyond() -> None:
    queue = WorkQueue(concurrency=1, queue_size=2)
    order: list[int] = []
    release = threading.Event()

    def job(n: int) -> None:
        with queue.slot():
            order.append(n)
            release.wait(10)

    threads = []
    for n in range(3):
        threads.append(threading.Thread(target=job, args=(n,)))
        threads[-1].start()
        deadline = time.monotonic() + 5
        while queue.running + queue.waiting < n + 1:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    assert (queue.running, queue.waiting) == (1, 2)
    full = r"1 request\(s\) running and 2 waiting"
    with pytest.raises(ServerBusyError, match=full), queue.slot():
        pass
    release.set()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2]
    assert (queue.running, queue.waiting) == (0, 0)


def test_a_cancelled_waiter_leaves_the_line() -> None:
    queue = WorkQueue(concurrency=1, queue_size=1)
    flag = threading.Event()
    with queue.slot():
        errors: list[BaseException] = []

        def wait() -> None:
            try:
                with queue.slot(flag):
                    pass
            except Cancelled as exc:
                errors.append(exc)

        waiter = threading.Thread(target=wait)
        waiter.start()
        while queue.waiting == 0:
            time.sleep(0.01)
        flag.set()
        waiter.join(5)
        assert len(errors) == 1 and queue.waiting == 0


def test_submit_and_cancel_cannot_run_two_jobs_at_once() -> None:
    """The hostile case: a job cancelled by its caller keeps its slot until it has stopped."""
    queue = WorkQueue(concurrency=1, queue_size=4)
    running: list[int] = []
    overlap: list[int] = []
    stopped_at: list[float] = []

    def work(name: int, batches: int) -> object:
        def run(cancel: threading.Event) -> int:
            with queue.slot(cancel):
                running.append(name)
                overlap.append(len(running))
                try:
                    for _ in range(batches):  # a "model batch" of 50 ms, checked between
                        if cancel.is_set():
                            raise Cancelled("cancelled")
                        time.sleep(0.05)
                finally:
                    running.remove(name)
                    stopped_at.append(time.monotonic())
            return name

        return run

    async def scenario() -> tuple[float, int]:
        first = asyncio.create_task(run_cancellable(work(1, 200)))
        await asyncio.sleep(0.3)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first  # returns only once the work has stopped
        returned = time.monotonic()
        second = await run_cancellable(work(2, 2))
        return returned, second

    returned, second = asyncio.run(scenario())
    assert second == 2
    assert max(overlap) == 1  # never two at once
    assert stopped_at[0] <= returned  # the first had stopped when its cancel returned
    assert stopped_at[0] - (returned - 0.2) < 0.5  # and it stopped within a batch or so


def test_a_caller_that_goes_away_cancels_the_work() -> None:
    calls: list[int] = []

    def work(cancel: threading.Event) -> str:
        for n in range(100):
            if cancel.is_set():
                raise Cancelled("cancelled")
            calls.append(n)
            time.sleep(0.02)
        return "finished"

    async def gone_after(seconds: float) -> str:
        began = time.monotonic()

        async def gone() -> bool:
            return time.monotonic() - began > seconds

        return await run_cancellable(work, gone=gone)

    with pytest.raises(Cancelled):
        asyncio.run(gone_after(0.3))
    assert 5 < len(calls) < 60


def test_a_streamed_digest_yields_in_order_and_stops_when_its_reader_goes() -> None:
    flags: list[threading.Event] = []
    closed: list[bool] = []

    def make(cancel: threading.Event):
        flags.append(cancel)

        def items():
            try:
                yield from range(5)
            finally:
                closed.append(True)

        return items()

    async def read(count: int) -> list[int]:
        got = []
        stream = stream_cancellable(make)
        async for item in stream:
            got.append(item)
            if len(got) == count:
                break
        await stream.aclose()
        return got

    assert asyncio.run(read(10)) == [0, 1, 2, 3, 4]
    assert asyncio.run(read(2)) == [0, 1]  # the reader left: the flag is set, the work closed
    assert flags[1].is_set() and closed == [True, True]

    flag = threading.Event()
    fr_en = CancellingBackend("en", flag)
    digester = Digester(
        Translator("fr", "en", backend=fr_en, options=TranslationOptions(batch_size=2)),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=LeadBackend()),
    )
    steps = digester.digest_stream(FR, "fr", cancel=flag)
    with pytest.raises(Cancelled):
        for _ in steps:
            pass
    assert len(fr_en.calls) == 1  # the streamed digest stops before its next batch too
