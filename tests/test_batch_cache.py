from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_digest import TranslationOptions, Translator
from bilingual_digest.backends.cache import CachedBackend, SQLiteStore
from bilingual_digest.batch import SentenceCache
from bilingual_digest.options import GenerationOptions

from fakes import UpperBackend

GREEDY = GenerationOptions(num_beams=1, max_new_tokens=8)


def test_a_second_run_does_not_call_the_backend(tmp_path: Path) -> None:
    db = tmp_path / "cache" / "sentences.db"
    text = "Premier point. Deuxième point.\nPremier point."
    first = Translator("fr", "en", backend=SentenceCache(UpperBackend(), db))
    expected = first.translate(text)
    assert sorted(first.backend.inner.seen) == ["Deuxième point.", "Premier point."]  # once each
    assert (first.backend.hits, first.backend.misses) == (1, 2)
    first.backend.close()

    inner = UpperBackend()
    second = Translator("fr", "en", backend=SentenceCache(inner, db))  # a new process, say
    assert second.translate(text) == expected
    assert inner.calls == []
    assert (second.backend.hits, second.backend.misses) == (3, 0)


def test_model_and_options_are_part_of_the_key(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    SentenceCache(UpperBackend(), db).generate(["x"], GREEDY)
    other_model = SentenceCache(UpperBackend(model_id="fake/other"), db)
    other_model.generate(["x"], GREEDY)
    other_options = SentenceCache(UpperBackend(), db)
    other_options.generate(["x"], GenerationOptions(num_beams=4, max_new_tokens=8))
    assert other_model.inner.calls == [["x"]]
    assert other_options.inner.calls == [["x"]]
    options = TranslationOptions(num_beams=1, max_new_tokens=8).generation()
    same = SentenceCache(UpperBackend(), db)
    same.generate(["x"], options)
    assert same.inner.calls == []


def test_a_translator_in_memory_cache_is_replaced_not_stacked(tmp_path: Path) -> None:
    inner = UpperBackend()
    cache = SentenceCache(CachedBackend(inner), tmp_path / "c.db")
    assert cache.inner is inner and isinstance(cache.store, SQLiteStore)
    assert [o.text for o in cache.generate(["a", "a"], GREEDY)] == ["A", "A"]
    assert inner.calls == [["a"]]


def test_a_file_that_is_not_a_cache_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not sqlite " * 100, encoding="utf-8")
    message = (
        r"^The sentence cache '.*notes.txt' can't be used \(.*\); "
        r"give a new file name for --cache, or delete that file\.$"
    )
    with pytest.raises(ValueError, match=message):
        SentenceCache(UpperBackend(), bad)
