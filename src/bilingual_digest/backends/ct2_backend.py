"""The CTranslate2 backend: int8 inference on CPU, several times faster than torch fp32.

The transformers checkpoint is converted once (see :mod:`bilingual_digest.conversion`); the
tokenizer and the generation defaults still come from the checkpoint itself, so both backends
tokenize identically and ``None`` options mean the model's own defaults on both. For Marian
and BART, the tokenizer (:mod:`~bilingual_digest.backends.light_tokenizers`) and the configs
(:mod:`~bilingual_digest.backends.model_files`) are read without transformers, so serving an
already converted model never imports transformers or torch (about 280 MB less memory).

Mapping of the options to ``translate_batch`` (HF lengths count the decoder start token,
CTranslate2 lengths don't; both count a forced BOS such as BART's ``<s>``):

- ``num_beams`` → ``beam_size``; ``length_penalty``, ``repetition_penalty``,
  ``no_repeat_ngram_size`` → the arguments of the same name;
- ``max_new_tokens``/``min_new_tokens`` → ``max_decoding_length``/``min_decoding_length``;
- ``forced_bos_token_id`` → ``target_prefix``; ``bad_words_ids`` → ``suppress_sequences``;
- ``forced_eos_token_id``: HF forces EOS at the last position; here one token fewer is
  decoded and the EOS appended, which is the same sequence for greedy search.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cores import ThreadLayout, thread_layout
from ..errors import BilingualDigestError, DeviceUnavailableError, InputError, ModelUnavailableError
from ..options import GenerationOptions
from .base import Generated
from .light_tokenizers import Tokenizer, TransformersTokenizer, load_tokenizer
from .memory import generating, limit_malloc_arenas
from .model_files import generation_defaults, read_json

_SANE_MAX = 100_000  # tokenizers report a huge sentinel when they have no limit


class CTranslate2Unavailable(BilingualDigestError, RuntimeError):
    """CTranslate2 can't serve this model here (not installed, conversion or load failed)."""


class CTranslate2Backend:
    """Runs a seq2seq model (Marian, BART, T5 …) with ``ctranslate2.Translator``.

    Args:
        model: Hub id or local transformers checkpoint directory.
        device: ``"cpu"`` or a CUDA device (``"cuda"``, ``"cuda:N"``).
        quantization: Weight type of the conversion; ``int8`` (default) is the fast one.
        layout: Batches generated at once and threads per batch on CPU (CTranslate2's
            ``inter_threads`` and ``intra_threads``); default: a translator's
            (:func:`~bilingual_digest.cores.thread_layout`). On CPU the workers share one
            copy of the weights.

    Attributes:
        parallelism: Batches this backend generates at once: callers keep that many
            ``generate`` calls in flight (:func:`~bilingual_digest.backends.parallelism`).

    Raises:
        ModelUnavailableError: If the model's files cannot be loaded.
        DeviceUnavailableError: If CUDA is asked for and CTranslate2 sees no GPU.
        CTranslate2Unavailable: If ctranslate2 is not installed, or cannot convert or load
            the model (:func:`~bilingual_digest.backends.load_backend` then falls back to torch).
    """

    def __init__(
        self,
        model: str,
        device: str = "cpu",
        quantization: str = "int8",
        layout: ThreadLayout | None = None,
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise CTranslate2Unavailable(
                f"the ctranslate2 package is not installed ({exc}); "
                "install it with `pip install 'ctranslate2>=4.5,<5'`"
            ) from exc
        from ..conversion import ConversionError, ensure_converted

        self.model_id = model
        self.device = device
        kind, _, index = device.partition(":")
        # int8 weights, other layers in float16 on CUDA and float32 on CPU; on CPU, "default"
        # would ask for int8_float16 when the checkpoint is float16 (opus-mt-tc-big-*), which
        # CTranslate2 converts back at every load with a warning.
        compute_type = {"int8": f"int8_float{16 if kind == 'cuda' else 32}"}.get(
            quantization, "default"
        )
        if kind == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise DeviceUnavailableError(
                f"Device {device!r} was asked for but CTranslate2 sees no CUDA GPU here. "
                "Use device='cpu'."
            )
        self.tokenizer: Tokenizer
        self.config: Any
        self.tokenizer, self.config, self.generation_config = _checkpoint(model)
        layout = layout or thread_layout("translation")
        if kind == "cuda":  # one stream of batches on a GPU; threads are a CPU matter
            layout = ThreadLayout(1, 1)
        self.parallelism = layout.workers
        if kind == "cpu":
            limit_malloc_arenas(max(2, layout.workers * layout.threads))
        try:
            self.path = ensure_converted(model, quantization)
            self.translator = ctranslate2.Translator(
                str(self.path),
                device=kind,
                device_index=int(index or 0),
                compute_type=compute_type,
                intra_threads=layout.threads,
                inter_threads=layout.workers,
            )
        except ConversionError as exc:
            raise CTranslate2Unavailable(str(exc)) from exc
        except (RuntimeError, ValueError, OSError) as exc:
            if isinstance(exc, BilingualDigestError):
                raise
            raise CTranslate2Unavailable(f"CTranslate2 cannot load {model!r} ({exc})") from exc
        self.suppressed = self._suppressed(_target_vocabulary(self.path))
        positions = _config_value(self.config, "max_position_embeddings")
        limits = (positions, self.tokenizer.model_max_length)
        sane = [x for x in limits if isinstance(x, int) and 0 < x < _SANE_MAX]
        self.max_input_tokens = min(sane) if sane else 512
        # Decoder positions bound the output too (position 0 is the decoder start token).
        self.max_output_tokens = positions - 1 if isinstance(positions, int) else 511

    def count_tokens(self, text: str) -> int:
        """Number of input tokens the model sees for ``text``, end-of-sequence included."""
        return len(self.tokenizer.encode_batch([text])[0])

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of ``text`` the tokenizer maps to ``<unk>`` (see the interface)."""
        return self.tokenizer.unknown_characters(text)

    def decoding_arguments(self, options: GenerationOptions) -> tuple[dict[str, Any], int]:
        """The ``translate_batch`` arguments for ``options``, and the output token limit.

        ``None`` options take the model's generation config (as ``model.generate`` would).

        Returns:
            ``(kwargs, limit)``: keyword arguments for ``translate_batch``, and the most
            tokens an output may have (for :attr:`Generated.hit_limit`).
        """
        gc = self.generation_config

        def pick(name: str, default: Any) -> Any:
            value = getattr(options, name)
            if value is None:
                value = getattr(gc, name, None)
            return default if value is None else value

        default_max = gc.max_new_tokens or (gc.max_length - 1 if gc.max_length else 511)
        limit = min(int(pick("max_new_tokens", default_max)), self.max_output_tokens)
        default_min = gc.min_new_tokens or max((gc.min_length or 0) - 1, 0)
        minimum = min(int(pick("min_new_tokens", default_min)), limit)
        decode = limit - 1 if gc.forced_eos_token_id is not None else limit
        kwargs: dict[str, Any] = {
            "beam_size": int(pick("num_beams", 1)),
            "length_penalty": float(pick("length_penalty", 1.0)),
            "repetition_penalty": float(pick("repetition_penalty", 1.0)),
            "no_repeat_ngram_size": int(pick("no_repeat_ngram_size", 0)),
            "max_decoding_length": max(decode, 1),
            "min_decoding_length": min(minimum, max(decode, 1)),
            "max_input_length": 0,  # inputs are checked, never silently truncated
            "return_end_token": True,
        }
        if self.suppressed:
            kwargs["suppress_sequences"] = self.suppressed
        return kwargs, limit

    def _suppressed(self, vocabulary: frozenset[str]) -> list[list[str]]:
        """The generation config's banned token sequences, as tokens, less those the
        converted model can't generate anyway (Marian's ``<pad>``, dropped by the conversion).
        Worked out once: the vocabulary (a few MB) is not kept."""
        ids = self.generation_config.bad_words_ids or ()
        banned = [self.tokenizer.convert_ids_to_tokens(list(row)) for row in ids]
        return [seq for seq in banned if vocabulary.issuperset(seq)]

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Generate one output per text (one ``translate_batch`` call).

        Raises:
            InputError: If an input is longer than the model accepts (callers split first).
        """
        if not texts:
            return []
        ids = self.tokenizer.encode_batch(list(texts))
        longest = max(len(row) for row in ids)
        if longest > self.max_input_tokens:
            raise InputError(
                f"An input has {longest} tokens, over the model's limit of "
                f"{self.max_input_tokens}; split it first."
            )
        kwargs, limit = self.decoding_arguments(options)
        bos = self.generation_config.forced_bos_token_id
        if bos is not None:
            prefix = self.tokenizer.convert_ids_to_tokens([bos])
            kwargs["target_prefix"] = [prefix] * len(ids)
        source = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        with generating():  # the last generation running hands free memory back
            results = self.translator.translate_batch(source, **kwargs)
            hypotheses = [r.hypotheses[0] for r in results]
            scores = self._scores(source, hypotheses) if options.score else [None] * len(texts)
        rows = [self.tokenizer.convert_tokens_to_ids(tokens) for tokens in hypotheses]
        eos = self.generation_config.forced_eos_token_id
        eos_ids = _as_set(self.generation_config.eos_token_id)
        if eos is not None:  # HF forces EOS at the last position: do the same
            rows = [row if row and row[-1] in eos_ids else [*row, eos] for row in rows]
        decoded = self.tokenizer.batch_decode(rows)
        return [
            Generated(text.strip(), len(row), len(row) >= limit, score)
            for row, text, score in zip(rows, decoded, scores, strict=True)
        ]

    def _scores(self, source: list[list[str]], hypotheses: list[list[str]]) -> list[float | None]:
        """The mean log-probability of each hypothesis's tokens, end-of-sequence included,
        read by the model in one teacher-forced pass (``score_batch``, which adds the
        end-of-sequence token itself)."""
        eos = set(
            self.tokenizer.convert_ids_to_tokens(list(_as_set(self.generation_config.eos_token_id)))
        )
        targets = [tokens[:-1] if tokens and tokens[-1] in eos else tokens for tokens in hypotheses]
        scored = self.translator.score_batch(source, targets, max_input_length=0)
        return [
            sum(result.log_probs) / len(result.log_probs) if result.log_probs else None
            for result in scored
        ]


def _as_set(value: object) -> set[int]:
    if isinstance(value, int):
        return {value}
    return set(value) if isinstance(value, (list, tuple)) else set()


def _target_vocabulary(path: Path) -> frozenset[str]:
    """The tokens a converted model can generate."""
    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        if (path / name).is_file():
            return frozenset(json.loads((path / name).read_text(encoding="utf-8")))
    for name in ("target_vocabulary.txt", "shared_vocabulary.txt"):
        if (path / name).is_file():
            return frozenset((path / name).read_text(encoding="utf-8").splitlines())
    return frozenset()


def _config_value(config: Any, name: str) -> Any:
    """A setting of a config that is either a ``config.json`` dict or a transformers config."""
    return config.get(name) if isinstance(config, dict) else getattr(config, name, None)


def _checkpoint(model: str) -> tuple[Tokenizer, Any, Any]:
    """The tokenizer, config and generation defaults of a checkpoint.

    Marian and BART get the light tokenizer and the JSON configs (``config`` is then the
    ``config.json`` dict, named after ``model`` as transformers' config would be); any other
    family, or an unreadable ``config.json``, goes through transformers.

    Raises:
        ModelUnavailableError: If the checkpoint's files cannot be loaded.
    """
    config = read_json(model, "config.json")
    tokenizer = load_tokenizer(model, config)
    if config is None or isinstance(tokenizer, TransformersTokenizer):
        return (tokenizer, *_configs(model))
    named = {**config, "name_or_path": model, "_name_or_path": model}
    return tokenizer, named, generation_defaults(model, config)


def _configs(model: str) -> tuple[Any, Any]:
    """The checkpoint's config and generation defaults (from the config if no generation file)."""
    from transformers import AutoConfig, GenerationConfig

    try:
        config = AutoConfig.from_pretrained(model)
    except Exception as exc:  # OSError, ValueError from transformers
        raise ModelUnavailableError(model, f"its config.json cannot be read ({exc})") from exc
    try:
        generation = GenerationConfig.from_pretrained(model)
    except OSError:  # a legacy checkpoint: its config.json holds them, as for the torch model
        generation = GenerationConfig.from_pretrained(
            model, config_file_name="config.json", _from_model_config=True
        )
    return config, generation
