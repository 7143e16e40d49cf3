"""Tiny models in the real file layouts, built in seconds, for tests that run the real code.

Each builder writes a directory that ``from_pretrained`` loads exactly like a downloaded hub
model: a Marian (OPUS-MT) translator with ``source.spm``/``target.spm``/``vocab.json``, and a
BART summariser with a byte-level BPE tokenizer. Weights are random (seeded): outputs are
gibberish but deterministic, which is all the engine's logic needs.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "000_077823ae67d334e0.txt"

ENGLISH = """\
The American ambassador to Niger will meet the leaders of the national council today in Niamey.
The two parties will begin discussions on an orderly and safe withdrawal of American forces.
Things are becoming clearer in the security partnership between Niger and the United States.
The military cooperation agreement between Niger and the USA dates from 2012.
At a press conference on April 23, 2024, the Pentagon press secretary said discussions had begun.
In the near future, the Department of Defense will send a small delegation to Niamey.
The United States will maintain its partnership with West Africa and the Sahel countries.
We will continue to work with the countries of the region to fight terrorist threats.
The United States welcomes the interest of the council in maintaining a strong relationship.
The deputy secretary of state will travel to Niamey in the coming months.
The withdrawal of American troops does not mean the end of the counterterrorism mission.
The American army will continue to work with reliable partners across the region.
Prices rose by 3.5 percent in March, the statistics office said on Tuesday.
The minister announced a plan worth 1,200 million euros for schools and hospitals.
Heavy rain caused floods in the north of the country, and thousands of people left their homes.
The football team won the final after a penalty shoot-out in front of 80,000 fans.
Scientists say the new vaccine is safe and effective for children over five years old.
The company reported a profit of 12 billion dollars, up from 9 billion a year earlier.
Parliament will vote on the budget next week after a long debate on taxes and spending.
The president thanked the rescue workers and promised help to the families of the victims.
"""


GERMAN = """\
Die amerikanische Botschafterin in Niger trifft heute die Vertreter des Nationalrats in Niamey.
Die beiden Parteien werden Gespräche über einen geordneten und sicheren Abzug beginnen.
Das Abkommen über die militärische Zusammenarbeit zwischen Niger und den USA stammt aus 2012.
Die Vereinigten Staaten wollen ihre Partnerschaft mit Westafrika und der Sahelzone fortsetzen.
Der Abzug der Truppen bedeutet nicht das Ende der Mission gegen den Terrorismus in der Region.
Die Preise stiegen im März um 3,5 Prozent, teilte das Statistikamt am Dienstag mit.
Starker Regen verursachte Überschwemmungen im Norden des Landes, Tausende verließen ihre Häuser.
Das Parlament stimmt nächste Woche nach einer langen Debatte über Steuern über den Haushalt ab.
"""


def german_lines() -> list[str]:
    return [line for line in GERMAN.splitlines() if line.strip()]


def french_lines() -> list[str]:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return [s.strip() + "." for line in text.splitlines() for s in line.split(". ") if s.strip()]


def english_lines() -> list[str]:
    return [line for line in ENGLISH.splitlines() if line.strip()]


def _corpus(lines: list[str], size: int = 300, seed: int = 0) -> list[str]:
    """Grow a few lines into a few hundred by shuffling their words (enough for BPE)."""
    rng = random.Random(seed)
    out = list(lines)
    while len(out) < size:
        words = rng.choice(lines).split()
        rng.shuffle(words)
        out.append(" ".join(words))
    return out


def _train_spm(lines: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="bpe",
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    return buf.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i))
    ]


TINY_SIZES = {  # the layer sizes of the test models (the benchmarks pass the real ones)
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}
TINY_BART_GENERATION = {"forced_eos_token_id": 2, "max_length": 64, "num_beams": 1}


def padded_vocab(vocab: dict[str, int], size: int) -> dict[str, int]:
    """``vocab`` grown to ``size`` entries with unused ones (real embedding sizes, tiny BPE)."""
    for i in range(size - len(vocab)):
        vocab.setdefault(f"<unused{i}>", len(vocab))
    return vocab


def build_marian(
    directory: Path,
    source: str = "fr",
    target: str = "en",
    *,
    seed: int = 0,
    max_positions: int = 128,
    max_length: int = 64,
    num_beams: int = 1,
    sizes: dict[str, int] = TINY_SIZES,
    vocab_size: int | None = None,
    spm_size: int = 300,
    corpus_size: int = 300,
    init_std: float | None = 1.0,
    forced_eos: bool = True,
) -> Path:
    """Write an OPUS-MT-layout Marian model to ``directory`` and return it.

    The defaults make a tiny one for tests (large random weights, ``init_std=1.0``: outputs
    that differ by input); ``sizes``, ``vocab_size`` (padded with unused entries), the
    generation settings and ``init_std=None`` (transformers' default) give the benchmarks'
    real-size ones.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    langs = {"fr": french_lines(), "en": english_lines(), "de": german_lines()}
    src_spm = _train_spm(_corpus(langs[source], size=corpus_size, seed=seed), spm_size)
    tgt_spm = _train_spm(_corpus(langs[target], size=corpus_size, seed=seed + 1), spm_size)
    (directory / "source.spm").write_bytes(src_spm)
    (directory / "target.spm").write_bytes(tgt_spm)
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(src_spm) + _pieces(tgt_spm):
        vocab.setdefault(piece, len(vocab))
    if vocab_size is not None:
        vocab = padded_vocab(vocab, vocab_size - 1)
    pad = len(vocab)
    vocab["<pad>"] = pad
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(directory / "source.spm"),
        target_spm=str(directory / "target.spm"),
        vocab=str(directory / "vocab.json"),
        source_lang=source,
        target_lang=target,
        model_max_length=512,
    )
    tokenizer.save_pretrained(directory)
    config = MarianConfig(
        vocab_size=pad + 1,
        decoder_vocab_size=pad + 1,
        **sizes,
        max_position_embeddings=max_positions,
        activation_function="swish",
        **({} if init_std is None else {"init_std": init_std}),
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        bos_token_id=0,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # CTranslate2 starts decoding from a zero <pad> embedding
        model.get_input_embeddings().weight[pad].zero_()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=pad,
        pad_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0 if forced_eos else None,
        bad_words_ids=[[pad]],
        max_length=max_length,
        num_beams=num_beams,
    )
    model.save_pretrained(directory)
    return directory


def build_bart(
    directory: Path,
    *,
    seed: int = 0,
    max_positions: int = 256,
    sizes: dict[str, int] = TINY_SIZES,
    vocab_size: int | None = None,
    bpe_size: int = 400,
    corpus_size: int = 300,
    generation: dict[str, object] = TINY_BART_GENERATION,
) -> Path:
    """Write a BART summariser (byte-level BPE tokenizer) to ``directory``.

    The defaults make a tiny one for tests; ``sizes``, ``vocab_size`` (padded with unused
    entries) and ``generation`` (settings beside the token ids) give the benchmarks' one.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        BartTokenizer,
        GenerationConfig,
    )

    directory.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _corpus(english_lines(), size=corpus_size, seed=seed),
        vocab_size=bpe_size,
        min_frequency=1,
        show_progress=False,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
    )
    bpe.save_model(str(directory))
    if vocab_size is not None:
        vocab_file = directory / "vocab.json"
        vocab = padded_vocab(json.loads(vocab_file.read_text(encoding="utf-8")), vocab_size)
        vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = BartTokenizer.from_pretrained(str(directory), model_max_length=max_positions)
    tokenizer.save_pretrained(directory)
    config = BartConfig(
        vocab_size=len(tokenizer),
        **sizes,
        max_position_embeddings=max_positions,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        normalize_before=False,
    )
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        eos_token_id=2,
        pad_token_id=1,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        **generation,
    )
    model.save_pretrained(directory)
    return directory


def build_from_real_config(
    directory: Path,
    real: Path,
    sizes: dict[str, int],
    *,
    seed: int = 0,
    init_std: float = 0.3,
    eos_bias: float = 4.0,
) -> Path:
    """A random-weight Marian built from a real checkpoint's files, sizes scaled down.

    ``real`` holds the real ``config.json``, ``generation_config.json`` and tokenizer files.
    Only the size fields in ``sizes`` (``d_model``, FFN dims, layers, heads) are replaced:
    every token id, the vocabulary size and every generation setting stay the real ones, and
    the real files are written back as they are but for those fields. The weights are stored
    in the real checkpoint's dtype (``torch_dtype``).

    Random weights loop forever on one token; an ``eos_bias`` on the end-of-sentence logit
    (``final_logits_bias``, a weight of the real architecture) lets some outputs end by
    themselves once repetition guards break the loops, as real outputs do.
    """
    import shutil

    import torch
    from transformers import MarianConfig, MarianMTModel

    directory.mkdir(parents=True, exist_ok=True)
    real_config = json.loads((real / "config.json").read_text(encoding="utf-8"))
    scaled = real_config | sizes
    if "num_hidden_layers" in scaled and "encoder_layers" in sizes:
        scaled["num_hidden_layers"] = sizes["encoder_layers"]
    config = MarianConfig.from_dict(scaled | {"init_std": init_std})
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # CTranslate2 starts decoding from a zero <pad> embedding
        model.get_input_embeddings().weight[config.pad_token_id].zero_()
        model.final_logits_bias[0, config.eos_token_id] = eos_bias
    model.to(getattr(torch, real_config.get("torch_dtype", "float32"))).save_pretrained(directory)
    (directory / "config.json").write_text(json.dumps(scaled, indent=2), encoding="utf-8")
    for path in real.iterdir():
        if path.is_file() and path.name != "config.json":
            shutil.copyfile(path, directory / path.name)
    return directory


def parallel_templates() -> list[tuple[str, str]]:
    """27 French–English pairs from one template (subject, verb, object), for training."""
    import itertools

    subjects = [("Le président", "The president"), ("Le ministre", "The minister"),
                ("Le juge", "The judge")]  # fmt: skip
    verbs = [("a remercié", "thanked"), ("a appelé", "called"), ("a vu", "saw")]
    objects = [("les soldats.", "the soldiers."), ("les enfants.", "the children."),
               ("les pompiers.", "the firemen.")]  # fmt: skip
    return [
        (f"{s[0]} {v[0]} {o[0]}", f"{s[1]} {v[1]} {o[1]}")
        for s, v, o in itertools.product(subjects, verbs, objects)
    ]


def train_marian(
    directory: Path, pairs: list[tuple[str, str]], *, max_steps: int = 300, loss: float = 0.02
) -> Path:
    """Train the Marian model in ``directory`` on ``pairs`` (source, target) until its loss is
    below ``loss`` (about a hundred steps for the tiny model on 24 pairs), and save it.

    The ``<pad>`` embedding row (the decoder's start) stays zero, as CTranslate2 needs.
    """
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(directory)
    model = MarianMTModel.from_pretrained(directory)
    batch = tokenizer(
        [s for s, _ in pairs], text_target=[t for _, t in pairs], return_tensors="pt", padding=True
    )
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    torch.manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    embeddings = model.get_input_embeddings().weight
    model.train()
    for _ in range(max_steps):
        step_loss = model(**batch).loss
        step_loss.backward()
        embeddings.grad[tokenizer.pad_token_id] = 0
        optimizer.step()
        optimizer.zero_grad()
        if step_loss.item() < loss:
            break
    model.eval()
    model.save_pretrained(directory)
    return directory
