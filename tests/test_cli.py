"""The translate subcommand on odd and hostile files: one clear message, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bilingual_digest import translation
from bilingual_digest.cli import main

from fakes import UpperBackend

FR = "Les deux parties vont entamer des discussions sur un retrait ordonné et sûr des forces."


@pytest.fixture
def run(tiny_env, capsys):
    def invoke(*argv: str, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
        code = main(["translate", *argv, "--beams", "1"])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_translates_a_file_keeping_its_lines(run, tmp_path: Path) -> None:
    code, out, err = run(write(tmp_path, "a.txt", f"{FR}\n\n{FR}\n".encode()))
    assert code == 0
    assert out.count("\n") == 3 and out.split("\n")[1] == ""
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", 1, "is empty: there is no text to translate"),
        (b"  \n\t\n", 1, "is empty: there is no text to translate"),
        (b"\x81\x8d\x8f\x90 abc", 1, "is not valid UTF-8 (byte 0) nor Windows-1252/Latin-1"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "looks like a binary file"),
        (
            "Die beiden Parteien werden Gespräche über einen Rückzug aufnehmen.".encode(),
            1,
            "looks like German, not French or English. Supported languages: French (fr), "
            "English (en). Pass the language explicitly, with --direction fr-en or en-fr.",
        ),
        (b"1234 5678", 1, "Cannot detect the language of a text without words"),
        ((FR + " ").encode() * 1200, 1, "over the limit of 100,000 characters"),
    ],
)
def test_bad_files_get_one_clear_line(run, tmp_path: Path, data: bytes, code: int, message: str):
    status, out, err = run(write(tmp_path, "bad.txt", data))
    assert status == code
    assert out == ""
    assert err.startswith("bilingual-digest: error: ")
    assert message in err
    assert "Traceback" not in err


def test_windows_1252_is_decoded_with_a_warning(run, tmp_path: Path, caplog) -> None:
    code, out, _ = run(write(tmp_path, "latin.txt", FR.encode("cp1252")))
    assert code == 0 and out.strip()
    assert "is not valid UTF-8 (byte 67); it was decoded as Windows-1252" in caplog.text


def test_control_characters_are_stripped_with_a_note(run, tmp_path: Path, caplog) -> None:
    code, _, _ = run(write(tmp_path, "ctl.txt", (FR[:20] + "\x07\x1b" + FR[20:]).encode()))
    assert code == 0
    assert "Removed 2 invisible control character(s)." in caplog.text


def test_digits_only_with_a_direction(run, tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, "n.txt", b"1234 5678"), "--direction", "fr-en")
    assert code == 0 and out.strip()


def test_missing_file_and_bad_options(run, tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.txt"))
    assert code == 1 and "No such file" in err
    code, _, err = run(write(tmp_path, "a.txt", FR.encode()), "--batch-size", "0")
    assert code == 2 and "batch_size must be a positive integer" in err
    code, _, err = run(write(tmp_path, "a.txt", FR.encode()), "--direction", "de-en")
    assert code == 2 and "invalid choice: 'de-en'" in err


def test_stdin(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(FR.encode())))
    code, out, _ = run("-")
    assert code == 0 and out.strip()


def test_download_prepares_every_configured_model(tiny_env, capsys) -> None:
    assert main(["download", "--backend", "torch"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"ready: {tiny_env['BILINGUAL_DIGEST_MODEL_FR_EN']}",
        f"ready: {tiny_env['BILINGUAL_DIGEST_MODEL_EN_FR']}",
        f"ready: {tiny_env['BILINGUAL_DIGEST_MODEL_SUMMARY']}",
    ]


def test_download_offline_names_the_model_and_the_fix(capsys, tmp_path: Path) -> None:
    assert main(["download", "--backend", "torch", "--model", "Helsinki-NLP/opus-mt-fr-en"]) == 1
    err = capsys.readouterr().err
    assert "Cannot load model 'Helsinki-NLP/opus-mt-fr-en'" in err
    assert "not in the local Hugging Face cache" in err
    code = main(["download", "--model", "Helsinki-NLP/opus-mt-fr-en", "--to", str(tmp_path)])
    assert code == 1
    assert "the download failed" in capsys.readouterr().err


def test_a_utf16_file_translates_like_its_utf8_copy(run, tmp_path: Path) -> None:
    text = f"{FR}\n\nLe retrait sera ordonné et sûr.\n"
    utf8 = run(write(tmp_path, "a.txt", text.encode()), "--direction", "fr-en")
    utf16 = run(write(tmp_path, "b.txt", text.encode("utf-16")), "--direction", "fr-en")
    assert utf8[0] == utf16[0] == 0
    assert utf16[1] == utf8[1] and utf8[1].count("\n") == 3
    assert "error" not in utf16[2] and "UTF-8" not in utf16[2]  # no refusal, no decoding note


def test_speed_fast_decodes_greedily_whatever_the_beams(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    beams: list[int] = []

    class Recording(translation.Translator):
        def __init__(self, source, target=None, *, options=None, **kwargs) -> None:
            beams.append(options.num_beams)
            super().__init__(source, target, backend=UpperBackend(), options=options)

    monkeypatch.setattr(translation, "Translator", Recording)
    path = write(tmp_path, "a.txt", FR.encode())
    for flags in (["--beams", "3"], ["--beams", "3", "--speed", "fast"], ["--speed", "default"]):
        assert main(["translate", path, *flags]) == 0
        assert capsys.readouterr().out == FR.upper() + "\n"
    assert beams == [3, 1, 4]
    assert main(["translate", path, "--speed", "turbo"]) == 2
    assert "argument --speed: invalid choice: 'turbo'" in capsys.readouterr().err
