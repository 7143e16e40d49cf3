"""A checkpoint's special and added tokens, resolved as transformers 5's ``from_pretrained`` does.

The light tokenizers (:mod:`~bilingual_digest.backends.light_tokenizers`) must see the same
tokens, with the same flags (``lstrip``, ``rstrip``, ``single_word``, ``normalized``,
``special``), as ``AutoTokenizer.from_pretrained`` would. transformers reads them from:

1. ``tokenizer_config.json``: the named tokens (``eos_token`` …, a string or a serialized
   ``AddedToken``), the extra special tokens, and ``added_tokens_decoder`` (id → token with
   its flags). When ``added_tokens_decoder`` is there, nothing below is read.
2. Otherwise (checkpoints saved by older transformers, e.g. facebook/bart-*):
   ``special_tokens_map.json`` replaces the named tokens (a dict is a token with flags, such
   as bart's ``<mask>`` with ``lstrip``), and ``tokenizer.json``'s ``added_tokens`` (for the
   classes that read that file) become the added tokens. A named token whose text is an
   added token takes that added token's flags.

A form transformers reads that is not reproduced here (a legacy ``added_tokens.json``, other
keys in ``special_tokens_map.json``, a named token set to ``null``, extra special tokens
given by name) gives ``None``: the caller then uses transformers itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .model_files import model_file, read_json

# transformers' SPECIAL_TOKENS_ATTRIBUTES order (the order its special tokens are added in)
NAMED_ORDER = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
_EXTRA_KEYS = ("additional_special_tokens", "extra_special_tokens")
_TOKEN_FIELDS = ("content", "single_word", "lstrip", "rstrip", "normalized", "special")


@dataclass(frozen=True)
class TokenSettings:
    """The tokens a tokenizer class is built with.

    Attributes:
        named: Each named special token (``eos_token`` …): its text, or a
            ``tokenizers.AddedToken`` when flags come with it.
        added: Added tokens by id, with their flags (``tokenizers.AddedToken``).
        extra: Extra special tokens, texts or ``AddedToken``s.
    """

    named: dict[str, Any]
    added: dict[int, Any]
    extra: list[Any]

    def texts(self) -> dict[str, str]:
        """Each named token's text."""
        return {name: str(token) for name, token in self.named.items()}

    def all_tokens(self) -> list[Any]:
        """Every token named, added or extra (texts or ``AddedToken``s)."""
        return [*self.named.values(), *self.added.values(), *self.extra]


def token_settings(
    model: str,
    settings: Mapping[str, Any],
    defaults: Mapping[str, str],
    *,
    reads_tokenizer_json: bool,
) -> TokenSettings | None:
    """The checkpoint's named, added and extra special tokens, with their flags.

    Args:
        model: Hub id or local directory.
        settings: Its parsed ``tokenizer_config.json`` (empty if it has none).
        defaults: The tokenizer class's named tokens and their default texts.
        reads_tokenizer_json: Whether the class reads ``tokenizer.json`` (fast ones do).

    Returns:
        The tokens, or ``None`` when they are given in a form not reproduced here.
    """
    named: dict[str, Any] = {}
    for name, default in defaults.items():
        token = _token(settings.get(name, default))
        if token is None:
            return None
        named[name] = token
    extra = _extra_tokens(settings)
    if extra is None:
        return None
    if "added_tokens_decoder" in settings:
        added = _decoder(settings["added_tokens_decoder"])
    else:
        special_map = read_json(model, "special_tokens_map.json") or {}
        if not set(special_map) <= set(defaults):
            return None
        for name, value in special_map.items():
            token = _token(value, special=True)
            if token is None:
                return None
            named[name] = token
        if model_file(model, "added_tokens.json") is not None:
            return None
        serialized = read_json(model, "tokenizer.json") if reads_tokenizer_json else None
        entries = (serialized or {}).get("added_tokens") or []
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            return None
        added = _decoder({entry.get("id"): entry for entry in entries})
    if added is None:
        return None
    by_text = {str(token): token for _, token in sorted(added.items())}
    named = {name: by_text.get(str(token), token) for name, token in named.items()}
    return TokenSettings(named, added, extra)


def tokens_to_add(tokens: TokenSettings) -> list[Any]:
    """The ``AddedToken`` list transformers' ``TokenizersBackend`` adds, in its order.

    The added tokens by id; then each named special token (in transformers' order) and each
    extra one that is not among them yet; texts become special tokens, and an added token
    that is a named one is made special.
    """
    from tokenizers import AddedToken

    chosen = [token for _, token in sorted(tokens.added.items())]
    known = [str(token) for token in chosen]
    ordered = [tokens.named[name] for name in NAMED_ORDER if name in tokens.named]
    for token in [*ordered, *tokens.extra]:
        if str(token) not in known and token not in chosen:
            chosen.append(token)
    named = set(tokens.texts().values())
    result = []
    for token in chosen:
        if isinstance(token, str):
            token = AddedToken(token, special=True)
        elif not token.special and str(token) in named:
            token.special = True
        result.append(token)
    return result


def has_flags(tokens: TokenSettings, flags: Sequence[str]) -> bool:
    """Whether any token sets one of ``flags`` (e.g. ``lstrip``)."""
    return any(
        not isinstance(token, str) and getattr(token, flag)
        for token in tokens.all_tokens()
        for flag in flags
    )


def _token(value: object, *, special: bool | None = None) -> Any:
    """A named token: its text, or an ``AddedToken`` for a serialized one (else ``None``)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or not isinstance(value.get("content"), str):
        return None
    from tokenizers import AddedToken

    fields = {key: value[key] for key in _TOKEN_FIELDS if key in value}
    if special is not None:
        fields["special"] = special
    return AddedToken(**fields)


def _decoder(entries: object) -> dict[int, Any] | None:
    """Added tokens by id from ``{id: {"content": …, flags}}`` (``None`` if malformed)."""
    if not isinstance(entries, Mapping):
        return None
    added: dict[int, Any] = {}
    for index, entry in entries.items():
        token = _token(entry)
        if token is None or isinstance(token, str) or not str(index).isdigit():
            return None
        added[int(index)] = token
    return added


def _extra_tokens(settings: Mapping[str, Any]) -> list[Any] | None:
    """Extra special tokens (``None`` when given in a form not handled here).

    ``extra_special_tokens`` when given, else the older ``additional_special_tokens``.
    """
    name = next((key for key in reversed(_EXTRA_KEYS) if key in settings), None)
    values = (settings.get(name) if name else None) or []
    if not isinstance(values, list):
        return None  # model-specific named tokens ({"name": token}): not reproduced
    extra = [_token(value) for value in values]
    return None if any(token is None for token in extra) else extra
