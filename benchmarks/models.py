"""Random-weight models with the exact architectures of the production models.

``opus-mt-fr-en``/``opus-mt-en-fr`` (Marian, 75M parameters, vocab 59514) and
``distilbart-cnn-12-6`` (BART, 306M parameters, vocab 50264), in the real file layouts so the
project loads them like downloaded models. The tokenizers are trained on a small corpus and
padded with unused entries up to the real vocabulary size: the embedding and output matrices
(a large share of the work) have their real size. The generation configs force a fixed
output length (no forced EOS), so every engine does the same work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from tiny_models import _corpus, _pieces, _train_spm, english_lines, french_lines

MARIAN_VOCAB = 59514
BART_VOCAB = 50264


def _padded(vocab: dict[str, int], size: int) -> dict[str, int]:
    for i in range(size - len(vocab)):
        vocab.setdefault(f"<unused{i}>", len(vocab))
    return vocab


def build_opus_mt(directory: Path, source: str, target: str) -> Path:
    """opus-mt-<source>-<target>: MarianMTModel, d_model 512, 6+6 layers, 8 heads, FFN 2048."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    if (directory / "model.safetensors").is_file():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    langs = {"fr": french_lines(), "en": english_lines()}
    src_spm = _train_spm(_corpus(langs[source], size=2000), 2000)
    tgt_spm = _train_spm(_corpus(langs[target], size=2000, seed=1), 2000)
    (directory / "source.spm").write_bytes(src_spm)
    (directory / "target.spm").write_bytes(tgt_spm)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(src_spm) + _pieces(tgt_spm):
        vocab.setdefault(piece, len(vocab))
    vocab = _padded(vocab, MARIAN_VOCAB - 1)
    pad = len(vocab)
    vocab["<pad>"] = pad
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    MarianTokenizer(
        source_spm=str(directory / "source.spm"),
        target_spm=str(directory / "target.spm"),
        vocab=str(directory / "vocab.json"),
        source_lang=source,
        target_lang=target,
        model_max_length=512,
    ).save_pretrained(directory)
    config = MarianConfig(
        vocab_size=MARIAN_VOCAB,
        decoder_vocab_size=MARIAN_VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.get_input_embeddings().weight[pad].zero_()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=0,
        bad_words_ids=[[pad]],
        max_length=512,
        num_beams=4,
    )
    model.save_pretrained(directory)
    return directory


def build_distilbart(directory: Path) -> Path:
    """distilbart-cnn-12-6: BART, d_model 1024, 12 encoder + 6 decoder layers, 16 heads."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        BartTokenizer,
        GenerationConfig,
    )

    if (directory / "model.safetensors").is_file():
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _corpus(english_lines(), size=2000),
        vocab_size=2000,
        min_frequency=1,
        show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
    )
    bpe.save_model(str(directory))
    vocab_file = directory / "vocab.json"
    vocab = _padded(json.loads(vocab_file.read_text(encoding="utf-8")), BART_VOCAB)
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = BartTokenizer.from_pretrained(str(directory), model_max_length=1024)
    tokenizer.save_pretrained(directory)
    config = BartConfig(
        vocab_size=BART_VOCAB,
        d_model=1024,
        encoder_layers=12,
        decoder_layers=6,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        max_position_embeddings=1024,
        activation_function="gelu",
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        normalize_before=False,
    )
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        num_beams=4,
        length_penalty=2.0,
        min_length=56,
        max_length=142,
        no_repeat_ngram_size=3,
        early_stopping=True,
    )
    model.save_pretrained(directory)
    return directory
