"""Random-weight models with the exact architectures of the production models.

``opus-mt-fr-en``/``opus-mt-en-fr`` (Marian, 75M parameters, vocab 59514) and
``distilbart-cnn-12-6`` (BART, 306M parameters, vocab 50264), in the real file layouts so the
project loads them like downloaded models. They are the test suite's model builders
(tests/tiny_models.py) given the real sizes: the tokenizers are trained on a small corpus and
padded with unused entries up to the real vocabulary size, so the embedding and output
matrices (a large share of the work) have their real size. The generation configs force a
fixed output length (no forced EOS), so every engine does the same work.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from tiny_models import build_bart, build_marian

MARIAN_VOCAB = 59514
BART_VOCAB = 50264
OPUS_MT_SIZES = {
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
}
DISTILBART_SIZES = {
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 6,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
}
DISTILBART_GENERATION = {  # distilbart-cnn-12-6's own settings
    "num_beams": 4,
    "length_penalty": 2.0,
    "min_length": 56,
    "max_length": 142,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
}


def build_opus_mt(directory: Path, source: str, target: str) -> Path:
    """opus-mt-<source>-<target>: MarianMTModel, d_model 512, 6+6 layers, 8 heads, FFN 2048."""
    if (directory / "model.safetensors").is_file():
        return directory
    return build_marian(
        directory,
        source,
        target,
        max_positions=512,
        max_length=512,
        num_beams=4,
        sizes=OPUS_MT_SIZES,
        vocab_size=MARIAN_VOCAB,
        spm_size=2000,
        corpus_size=2000,
        init_std=None,
        forced_eos=False,
    )


def build_distilbart(directory: Path) -> Path:
    """distilbart-cnn-12-6: BART, d_model 1024, 12 encoder + 6 decoder layers, 16 heads."""
    if (directory / "model.safetensors").is_file():
        return directory
    return build_bart(
        directory,
        max_positions=1024,
        sizes=DISTILBART_SIZES,
        vocab_size=BART_VOCAB,
        bpe_size=2000,
        corpus_size=2000,
        generation=DISTILBART_GENERATION,
    )
