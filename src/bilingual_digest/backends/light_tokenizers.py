"""Tokenizers for the CTranslate2 backend that import neither transformers nor torch.

transformers' tokenizer classes pull in ``torch`` (about 280 MB of memory) through its config
module, although the CTranslate2 backend never runs torch. For the two families the project
serves, this module reproduces transformers 5's tokenizers exactly, from the same files:

- :class:`MarianSentencePieceTokenizer` (OPUS-MT): ``source.spm`` + ``vocab.json`` with
  :mod:`sentencepiece`, like ``MarianTokenizer``: added/special tokens kept whole, language
  codes (``>>fr<<``) split off, pieces missing from the vocabulary mapped to ``<unk>``,
  ``</s>`` appended. transformers 5 applies no Moses punctuation normalisation, and decodes
  with the *source* sentencepiece model when the vocabulary is shared; so does this class.
- :class:`ByteLevelBPETokenizer` (BART, DistilBART): the byte-level BPE pipeline that
  ``BartTokenizer`` (an alias of ``RobertaTokenizer``) builds, with :mod:`tokenizers`:
  ``<s> … </s>`` added, special tokens skipped when decoding, no clean-up of spaces, and the
  added tokens with their ``lstrip``/``rstrip``/``single_word``/``normalized`` flags
  (facebook/bart-*'s ``<mask>`` swallows the spaces before it).

Both take the special and added tokens from the files transformers reads them from
(:mod:`~bilingual_digest.backends.token_settings`). Any other family, or a checkpoint whose
tokenizer settings these classes don't cover (e.g. a Marian token that strips spaces), gets
:class:`TransformersTokenizer`, an adapter over ``AutoTokenizer`` with the same interface.
Checked against transformers on the real tokenizer files and 3,000 real sentences each
(tests/test_light_tokenizers.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .model_files import model_file, read_json
from .token_settings import has_flags, token_settings, tokens_to_add

_FLAGS = ("lstrip", "rstrip", "single_word")
_MARIAN_CLASSES = {None, "MarianTokenizer"}
_MARIAN_SPECIALS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
_BART_CLASSES = {
    None,
    "BartTokenizer",
    "BartTokenizerFast",
    "RobertaTokenizer",
    "RobertaTokenizerFast",
}
_BART_SPECIALS = {  # RobertaTokenizer's arguments and defaults
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}
_BPE_CLEAN_UP = "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output"


class Tokenizer(Protocol):
    """What the CTranslate2 backend needs from a tokenizer.

    Attributes:
        model_max_length: The tokenizer's input limit, or ``None`` when it states none.
    """

    model_max_length: int | None

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Model input ids of each text, special tokens included."""
        ...

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        """The token string of each id."""
        ...

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        """The id of each token string (the unknown token's id for strings not in the vocab)."""
        ...

    def batch_decode(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """The text of each row of ids, special tokens skipped."""
        ...

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of ``text`` that become the unknown token (see
        :meth:`~bilingual_digest.backends.Backend.unknown_characters`)."""
        ...


def unknown_by_character(
    encode: Callable[[str], Sequence[int]], unk_id: int | None, text: str, known: dict[str, bool]
) -> list[str]:
    """The characters of ``text`` (NFKC-normalised) that ``encode`` maps to ``unk_id``.

    For tokenizers that can't say which piece of a text was unknown: each distinct character
    is encoded alone once, the answer kept in ``known`` (the caller's cache).
    """
    if unk_id is None:
        return []
    found = []
    for char in dict.fromkeys(unicodedata.normalize("NFKC", text)):
        if char.isspace():
            continue
        if char not in known:
            known[char] = unk_id not in encode(char)
        if not known[char]:
            found.append(char)
    return found


def load_tokenizer(model: str, config: Mapping[str, Any] | None) -> Tokenizer:
    """The lightest exact tokenizer for a checkpoint.

    Args:
        model: Hub id or local directory.
        config: Its parsed ``config.json`` (``None`` if it couldn't be read).

    Returns:
        A :class:`MarianSentencePieceTokenizer` or :class:`ByteLevelBPETokenizer` when the
        checkpoint is one of those families with their usual files, else a
        :class:`TransformersTokenizer`.

    Raises:
        ModelUnavailableError: If the transformers tokenizer is needed and cannot be loaded.
    """
    model_type = (config or {}).get("model_type")
    settings = read_json(model, "tokenizer_config.json") or {}
    light: Tokenizer | None = None
    if model_type == "marian":
        light = MarianSentencePieceTokenizer.from_checkpoint(model, settings)
    elif model_type == "bart":
        light = ByteLevelBPETokenizer.from_checkpoint(model, settings)
    return light if light is not None else TransformersTokenizer(model)


def _max_length(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class MarianSentencePieceTokenizer:
    """transformers 5's ``MarianTokenizer`` for a shared vocabulary, with sentencepiece only.

    Args:
        source_spm: The source-language sentencepiece model (``source.spm``).
        vocab: The model's vocabulary (``vocab.json``: token → id).
        specials: The special tokens ``(eos, unk, pad, *extra)``; all must be in ``vocab``.
        added: Added tokens by id (kept whole when encoding), special tokens included.
        model_max_length: The tokenizer's input limit.
        clean_up: Whether decoding cleans up spaces before punctuation.
    """

    def __init__(
        self,
        source_spm: Path,
        vocab: Mapping[str, int],
        specials: Sequence[str],
        added: Mapping[int, str],
        model_max_length: int | None = 512,
        clean_up: bool = False,
    ) -> None:
        import sentencepiece

        self.spm = sentencepiece.SentencePieceProcessor()
        self.spm.Load(str(source_spm))
        self.vocab = dict(vocab)
        self.decoder = {index: token for token, index in self.vocab.items()}
        self.added_decoder = dict(added)
        self.added = {token: index for index, token in self.added_decoder.items()}
        self.unk_token, self.unk_id = specials[1], self.vocab[specials[1]]
        self.eos_id = self.convert_tokens_to_ids([specials[0]])[0]
        self.special_tokens = set(specials)
        self.special_ids = set(self.convert_tokens_to_ids(list(specials)))
        self.model_max_length = model_max_length
        self.clean_up = clean_up
        longest_first = sorted(self.added, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(map(re.escape, longest_first)) + ")")

    @classmethod
    def from_checkpoint(
        cls, model: str, settings: Mapping[str, Any]
    ) -> MarianSentencePieceTokenizer | None:
        """Build it from a checkpoint's files, or ``None`` if its tokenizer isn't covered.

        Args:
            model: Hub id or local directory.
            settings: Its parsed ``tokenizer_config.json`` (empty if it has none).
        """
        if settings.get("tokenizer_class") not in _MARIAN_CLASSES or settings.get(
            "separate_vocabs"
        ):
            return None
        source, vocab = model_file(model, "source.spm"), read_json(model, "vocab.json")
        tokens = token_settings(model, settings, _MARIAN_SPECIALS, reads_tokenizer_json=False)
        if source is None or vocab is None or tokens is None or has_flags(tokens, _FLAGS):
            return None  # flags that strip spaces: not reproduced for sentencepiece here
        names = tokens.texts()
        specials = [names[name] for name in _MARIAN_SPECIALS] + [str(t) for t in tokens.extra]
        if not all(token in vocab for token in specials):
            return None
        added = {index: str(token) for index, token in tokens.added.items()}
        added.update({vocab[token]: token for token in specials if token not in added.values()})
        return cls(
            source,
            vocab,
            specials,
            added,
            _max_length(settings.get("model_max_length", 512)),
            bool(settings.get("clean_up_tokenization_spaces", False)),
        )

    def _tokens(self, text: str) -> list[str]:
        tokens: list[str] = []
        for chunk in self._split.split(text):
            if chunk in self.added:
                tokens.append(chunk)
            elif chunk:
                if chunk.startswith(">>") and (end := chunk.find("<<")) != -1:
                    tokens.append(chunk[: end + 2])  # a language code, e.g. >>fra<<
                    chunk = chunk[end + 2 :]
                tokens.extend(self.spm.encode(chunk, out_type=str))
        return tokens

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Model input ids of each text, ``</s>`` appended."""
        return [[*self.convert_tokens_to_ids(self._tokens(text)), self.eos_id] for text in texts]

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        """The token string of each id (sentencepiece's piece for ids the vocab lacks)."""
        return [self._token(int(index)) for index in ids]

    def _token(self, index: int) -> str:
        if index in self.added_decoder:
            return self.added_decoder[index]
        if index in self.decoder:
            return self.decoder[index]
        return self.spm.IdToPiece(index) or self.unk_token

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        """The id of each token string, ``<unk>``'s for pieces not in ``vocab.json``."""
        return [
            self.added[t] if t in self.added else self.vocab.get(t, self.unk_id) for t in tokens
        ]

    def batch_decode(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """The text of each row, special tokens (``<unk>`` included) skipped."""
        return [self._decode(row) for row in rows]

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of the pieces of ``text`` that ``vocab.json`` lacks (``<unk>``).

        A piece sentencepiece made of several unknown characters (``ří``) gives each of
        them; the characters are sentencepiece's (NFKC-normalised).
        """
        found: dict[str, None] = {}
        for piece in self._tokens(text):
            if piece in self.added or piece in self.vocab:
                continue
            body = piece.lstrip("▁")
            chars = [c for c in body if c not in self.vocab and "▁" + c not in self.vocab]
            for item in chars or [body or piece]:
                found.setdefault(item)
        return list(found)

    def _decode(self, row: Sequence[int]) -> str:
        tokens = [self._token(int(i)) for i in row if int(i) not in self.special_ids]
        text, pieces = "", []
        for token in tokens:
            if token in self.special_tokens:
                text += self.spm.decode_pieces(pieces) + token + " "
                pieces = []
            else:
                pieces.append(token)
        text += self.spm.decode_pieces(pieces)
        text = text.replace("▁", " ").strip()
        return _clean_up(text) if self.clean_up else text


class ByteLevelBPETokenizer:
    """transformers 5's ``BartTokenizer`` (``RobertaTokenizer``), with the tokenizers library.

    Args:
        backend: A ready ``tokenizers.Tokenizer``.
        model_max_length: The tokenizer's input limit, or ``None``.
        clean_up: Whether decoding cleans up spaces before punctuation (transformers 5 does
            so for BPE only when forced by its ``…_even_though_it_will_corrupt_output`` flag).
    """

    def __init__(
        self, backend: Any, model_max_length: int | None = None, clean_up: bool = False
    ) -> None:
        self.backend = backend
        self.model_max_length = model_max_length
        self.clean_up = clean_up
        self.unk_id: int | None = None

    @classmethod
    def from_checkpoint(
        cls, model: str, settings: Mapping[str, Any]
    ) -> ByteLevelBPETokenizer | None:
        """Build it like ``RobertaTokenizer``, or ``None`` if the checkpoint's isn't covered.

        The vocabulary and merges come from ``tokenizer.json`` when the checkpoint has one
        (as transformers does), else from ``vocab.json`` + ``merges.txt``. The added and
        special tokens, with their flags (``<mask>``'s ``lstrip`` in facebook/bart-*), are
        the ones transformers reads (:mod:`~bilingual_digest.backends.token_settings`);
        the tokenizers library applies the flags, as it does under transformers.

        Args:
            model: Hub id or local directory.
            settings: Its parsed ``tokenizer_config.json`` (empty if it has none).
        """
        from tokenizers import Tokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        if settings.get("tokenizer_class") not in _BART_CLASSES:
            return None
        tokens = token_settings(model, settings, _BART_SPECIALS, reads_tokenizer_json=True)
        vocab_merges = _bpe_files(model)
        if tokens is None or vocab_merges is None:
            return None
        vocab, merges = vocab_merges
        prefix = bool(settings.get("add_prefix_space", False))
        backend = Tokenizer(
            BPE(
                vocab=vocab,
                merges=merges,
                dropout=None,
                continuing_subword_prefix="",
                end_of_word_suffix="",
                fuse_unk=False,
            )
        )
        backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix)
        backend.decoder = decoders.ByteLevel()
        backend.add_tokens(tokens_to_add(tokens))
        names = tokens.texts()
        sep, cls_token = names["sep_token"], names["cls_token"]
        sep_id, cls_id = backend.token_to_id(sep), backend.token_to_id(cls_token)
        if sep_id is None or cls_id is None:
            return None
        backend.post_processor = processors.RobertaProcessing(
            (sep, sep_id), (cls_token, cls_id), bool(settings.get("trim_offsets", True)), prefix
        )
        clean_up = bool(
            settings.get("clean_up_tokenization_spaces") and settings.get(_BPE_CLEAN_UP)
        )
        tokenizer = cls(backend, _max_length(settings.get("model_max_length")), clean_up)
        tokenizer.unk_id = backend.token_to_id(names["unk_token"])
        return tokenizer

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Model input ids of each text, ``<s> … </s>`` included."""
        return [encoding.ids for encoding in self.backend.encode_batch(list(texts))]

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        """The token string (byte-level alphabet) of each id."""
        return [self.backend.id_to_token(int(index)) for index in ids]

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        """The id of each token string, ``<unk>``'s for strings not in the vocabulary."""
        ids = [self.backend.token_to_id(token) for token in tokens]
        return [self.unk_id if index is None else index for index in ids]  # type: ignore[misc]

    def batch_decode(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """The text of each row, special tokens skipped (cleaned up only if forced)."""
        texts = self.backend.decode_batch([list(row) for row in rows], skip_special_tokens=True)
        return [_clean_up(text) for text in texts] if self.clean_up else texts

    def unknown_characters(self, text: str) -> list[str]:
        """Always empty: a byte-level BPE reads every character (as its bytes)."""
        return []


def _bpe_files(model: str) -> tuple[dict[str, int], list[tuple[str, str]]] | None:
    """A byte-level BPE's vocabulary and merges, from ``tokenizer.json`` or the two files."""
    serialized = read_json(model, "tokenizer.json")
    if serialized is not None:
        spec = serialized.get("model") or {}
        if spec.get("type") != "BPE" or not isinstance(spec.get("vocab"), dict):
            return None
        merges = [
            tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m)
            for m in spec.get("merges") or []
        ]
        return spec["vocab"], merges  # type: ignore[return-value]
    vocab, merges_file = model_file(model, "vocab.json"), model_file(model, "merges.txt")
    if vocab is None or merges_file is None:
        return None
    from tokenizers.models import BPE

    return BPE.read_file(str(vocab), str(merges_file))


def _clean_up(text: str) -> str:
    """transformers' ``clean_up_tokenization`` (spaces before punctuation and contractions)."""
    for before, after in (
        (" .", "."),
        (" ?", "?"),
        (" !", "!"),
        (" ,", ","),
        (" ' ", "'"),
        (" n't", "n't"),
        (" 'm", "'m"),
        (" 's", "'s"),
        (" 've", "'ve"),
        (" 're", "'re"),
    ):
        text = text.replace(before, after)
    return text


class TransformersTokenizer:
    """The fallback: transformers' ``AutoTokenizer`` behind the :class:`Tokenizer` interface.

    Args:
        model: Hub id or local directory.

    Raises:
        ModelUnavailableError: If the tokenizer cannot be loaded.
    """

    def __init__(self, model: str) -> None:
        from ..models import load_tokenizer as load_transformers_tokenizer

        self.tokenizer = load_transformers_tokenizer(model)
        self.model_max_length = _max_length(getattr(self.tokenizer, "model_max_length", None))
        self._known: dict[str, bool] = {}

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Model input ids of each text, special tokens included."""
        return self.tokenizer(list(texts)).input_ids

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        """The token string of each id."""
        return self.tokenizer.convert_ids_to_tokens(list(ids))

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        """The id of each token string."""
        return self.tokenizer.convert_tokens_to_ids(list(tokens))

    def batch_decode(self, rows: Sequence[Sequence[int]]) -> list[str]:
        """The text of each row, special tokens skipped."""
        return self.tokenizer.batch_decode([list(row) for row in rows], skip_special_tokens=True)

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of ``text`` the tokenizer maps to its unknown token, one by one."""
        return unknown_by_character(
            self._encode_alone, getattr(self.tokenizer, "unk_token_id", None), text, self._known
        )

    def _encode_alone(self, char: str) -> list[int]:
        return self.tokenizer(char, add_special_tokens=False).input_ids
