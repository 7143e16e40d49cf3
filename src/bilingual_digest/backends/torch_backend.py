"""The transformers + PyTorch backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InputError
from ..models import load_seq2seq
from ..options import GenerationOptions
from .base import Generated
from .light_tokenizers import unknown_by_character

_SANE_MAX = 100_000  # tokenizers report a huge sentinel when they have no limit
_SCORE_CELLS = 1 << 24  # log-probabilities held at once when scoring (64 MB of float32)


class TorchBackend:
    """Runs a seq2seq model with ``model.generate``.

    Args:
        model: Hub id or local directory.
        device: ``"cpu"`` or a CUDA device.

    Raises:
        ModelUnavailableError: If the model cannot be loaded.
    """

    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_id = model
        self.device = device
        self.tokenizer, self.model = load_seq2seq(model, device)
        limits = (
            getattr(self.model.config, "max_position_embeddings", None),
            getattr(self.tokenizer, "model_max_length", None),
        )
        sane = [x for x in limits if isinstance(x, int) and 0 < x < _SANE_MAX]
        self.max_input_tokens = min(sane) if sane else 512
        # Decoder positions bound the output too (position 0 is the decoder start token).
        positions = getattr(self.model.config, "max_position_embeddings", None)
        self.max_output_tokens = positions - 1 if isinstance(positions, int) else 511
        self.generation_config = self.model.generation_config
        self._known: dict[str, bool] = {}

    def count_tokens(self, text: str) -> int:
        """Number of input tokens the model sees for ``text``, end-of-sequence included."""
        return len(self.tokenizer(text).input_ids)

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of ``text`` the tokenizer maps to its unknown token (one by one)."""
        return unknown_by_character(
            self._encode_alone, getattr(self.tokenizer, "unk_token_id", None), text, self._known
        )

    def _encode_alone(self, char: str) -> list[int]:
        return self.tokenizer(char, add_special_tokens=False).input_ids

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Generate one output per text (a single padded batch).

        Raises:
            InputError: If an input is longer than the model accepts (callers split first).
        """
        import torch

        if not texts:
            return []
        encoded = self.tokenizer(list(texts), return_tensors="pt", padding=True)
        if encoded.input_ids.shape[1] > self.max_input_tokens:
            raise InputError(
                f"An input has {encoded.input_ids.shape[1]} tokens, over the model's limit of "
                f"{self.max_input_tokens}; split it first."
            )
        kwargs = options.as_kwargs()
        score = bool(kwargs.pop("score", False))
        limit = min(
            int(kwargs.pop("max_new_tokens", self.max_output_tokens)), self.max_output_tokens
        )
        # Lengths given as max_length/min_length (decoder start token included), the model's
        # own unit, so transformers doesn't warn that its config's max_length is overridden.
        kwargs["max_length"] = limit + 1
        if "min_new_tokens" in kwargs:
            kwargs["min_length"] = min(int(kwargs.pop("min_new_tokens")), limit) + 1
        with torch.inference_mode():
            encoded = encoded.to(self.device)
            output = self.model.generate(**encoded, **kwargs)
            lengths = self._lengths(output.tolist())
            scores = self._scores(encoded, output, lengths) if score else [None] * len(lengths)
        return self._results(output.cpu(), lengths, scores, limit)

    def _lengths(self, rows: list[list[int]]) -> list[int]:
        """Tokens generated per row, end-of-sequence included (position 0 is the start)."""
        eos = self.generation_config.eos_token_id
        eos = eos if isinstance(eos, int) else None
        return [
            row.index(eos, 1) if eos is not None and eos in row[1:] else len(row) - 1
            for row in rows
        ]

    def _scores(self, encoded: Any, output: Any, lengths: list[int]) -> list[float | None]:
        """The mean log-probability of each row's generated tokens (end-of-sequence included),
        read by the model in one teacher-forced pass over the finished outputs, a few rows at
        a time (the log-probabilities of a batch over a 60,000-word vocabulary are large)."""
        import torch

        width = output.shape[1] - 1
        rows = max(1, _SCORE_CELLS // max(1, width * self.model.config.vocab_size))
        scores: list[float | None] = []
        for first in range(0, output.shape[0], rows):
            part = slice(first, first + rows)
            logits = self.model(
                input_ids=encoded.input_ids[part],
                attention_mask=encoded.attention_mask[part],
                decoder_input_ids=output[part, :-1],
            ).logits
            picked = torch.log_softmax(logits.float(), dim=-1).gather(-1, output[part, 1:, None])
            for values, length in zip(picked[..., 0].tolist(), lengths[part], strict=True):
                scores.append(sum(values[:length]) / length if length else None)
        return scores

    def _results(
        self, output: Any, lengths: list[int], scores: list[float | None], limit: int
    ) -> list[Generated]:
        texts = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return [
            Generated(text.strip(), length, length >= limit, score)
            for text, length, score in zip(texts, lengths, scores, strict=True)
        ]
