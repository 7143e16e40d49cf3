from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from bilingual_digest.batch.readers import Document, ReadOptions, decode, iter_documents


def docs(*inputs: object, stdin: bytes | None = None, **options: object) -> list[Document]:
    stream = io.BytesIO(stdin) if stdin is not None else None
    return list(iter_documents([str(i) for i in inputs], ReadOptions(**options), stream))


def by_id(documents: list[Document]) -> dict[str, Document]:
    return {d.id: d for d in documents}


# --- decoding ---------------------------------------------------------------------------------


def test_utf8_with_and_without_bom_reads_the_same() -> None:
    text = "Le café coûte 3 €."
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        assert decode(data, what="x", max_chars=100) == (text, None, [])


def test_cp1252_is_decoded_with_a_warning() -> None:
    text, error, warnings = decode(
        "Le café « coûte » 3 €.".encode("cp1252"), what="a.txt", max_chars=100
    )
    assert (text, error) == ("Le café « coûte » 3 €.", None)
    assert warnings == [
        "a.txt is not valid UTF-8 (byte 6); it was decoded as Windows-1252/Latin-1: "
        "check accented letters."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "a.txt looks like a binary file (it holds NUL bytes)",
        ),
        (bytes(range(1, 32)) * 20, "a.txt looks like a binary file (many control characters)"),
        (b"caf\xc3 \x81\x8d", "a.txt is not valid UTF-8 (byte 3) nor Windows-1252/Latin-1 text"),
        (b"  \n\t\n", "a.txt is empty: there is no text to translate."),
        (b"", "a.txt is empty"),
        (b"x" * 11, "a.txt has 11 characters, over the limit of 10 characters"),
        (b"x" * 41, "a.txt has 41 bytes, over the limit of 10 characters"),
    ],
)
def test_unreadable_documents_get_a_plain_error(data: bytes, message: str) -> None:
    text, error, warnings = decode(data, what="a.txt", max_chars=10 if b"x" in data else 1000)
    assert text is None and warnings == []
    assert error is not None and error.startswith(message), error


# --- files and folders ------------------------------------------------------------------------


def test_folders_are_read_recursively_with_ids_relative_to_the_root(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    (root / "politics" / "deep").mkdir(parents=True)
    (root / "b.txt").write_text("Bonjour.", encoding="utf-8")
    (root / "politics" / "a.md").write_text("# Titre\nTexte.", encoding="utf-8")
    (root / "politics" / "deep" / "c.TXT").write_text("Salut.", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("secret", encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_bytes("Été.".encode("cp1252"))
    result = docs(root, single)
    assert [(d.id, d.source, d.text, d.relpath) for d in result] == [
        ("b.txt", str(root / "b.txt"), "Bonjour.", "b.txt"),
        ("politics/a.md", str(root / "politics/a.md"), "# Titre\nTexte.", "politics/a.md"),
        ("politics/deep/c.TXT", str(root / "politics/deep/c.TXT"), "Salut.", "politics/deep/c.TXT"),
        ("single.txt", str(single), "Été.", "single.txt"),
    ]
    assert result[-1].warnings and "Windows-1252" in result[-1].warnings[0]


def test_ids_are_not_deduplicated_by_the_reader(tmp_path: Path) -> None:
    """Repeats are the ledger's business (tests/test_batch_ledger.py): every engine shares it."""
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text("Bonjour.", encoding="utf-8")
    first, second = docs(tmp_path / "one", tmp_path / "two")
    assert (first.id, second.id) == ("a.txt", "a.txt")
    assert first.text == second.text == "Bonjour." and second.source.endswith("two/a.txt")


def test_missing_input_and_double_stdin_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"Input not found: '.*nope' \(give files, folders"):
        docs(tmp_path / "nope")
    with pytest.raises(ValueError, match=r"Standard input \(-\) can be given only once"):
        docs("-", "-", stdin=b"x")
    with pytest.raises(ValueError, match="No input given"):
        docs()
    with pytest.raises(ValueError, match="Unknown stdin format 'xml'"):
        ReadOptions(stdin_format="xml")
    with pytest.raises(ValueError, match="max_chars must be a positive integer, got 0"):
        ReadOptions(max_chars=0)


# --- JSONL ------------------------------------------------------------------------------------


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_lines_become_documents_and_bad_lines_name_their_line(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"body": "Premier article.", "url": "u1"}),
            "",
            '{"body": "broken',
            json.dumps(["not", "an", "object"]),
            json.dumps({"title": "no body", "url": "u5"}),
            json.dumps({"body": 42, "url": "u6"}),
            json.dumps({"body": "   ", "url": "u7"}),
            json.dumps({"body": "Sans identifiant."}),
            json.dumps({"body": "Id numérique.", "url": 9}),
        ],
    )
    got = docs(path, text_field="body", id_field="url")
    p = str(path)
    assert [(d.id, d.source, d.text, d.error) for d in got] == [
        ("u1", f"{p}:1", "Premier article.", None),
        (
            "feed.jsonl:3",
            f"{p}:3",
            None,
            f"Line 3 of {p} is not valid JSON: Unterminated string starting at (column 10).",
        ),
        ("feed.jsonl:4", f"{p}:4", None, f"Line 4 of {p} must be a JSON object, got an array."),
        (
            "u5",
            f"{p}:5",
            None,
            f"Line 5 of {p} has no 'body' field nor an http(s) link in 'url' (fields: "
            "'title', 'url'); choose the fields with --text-field and --url-field.",
        ),
        (
            "u6",
            f"{p}:6",
            None,
            f"The 'body' field on line 6 of {p} must be a string, got a number.",
        ),
        (
            "u7",
            f"{p}:7",
            None,
            f"The 'body' field on line 7 of {p} is empty: there is no text to translate.",
        ),
        (
            "feed.jsonl:8",
            f"{p}:8",
            None,
            f"Line 8 of {p} has no usable 'url' id field (a non-empty string or integer "
            "is needed).",
        ),
        ("9", f"{p}:9", "Id numérique.", None),
    ]


def test_jsonl_without_id_field_uses_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps({"text": "Un."}).encode()
        + b"\n"
        + '{"text": "Caf\xe9."}\n'.encode("latin-1")
    )
    first, second = docs(path)
    assert (first.id, first.text, first.warnings) == ("a.jsonl:1", "Un.", ())
    assert (second.id, second.text) == ("a.jsonl:2", "Café.")
    assert second.warnings == (
        f"Line 2 of {path} is not valid UTF-8; it was decoded as Windows-1252/Latin-1: "
        "check accented letters.",
    )


# --- CSV --------------------------------------------------------------------------------------


def test_csv_rows_become_documents_and_bad_rows_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text(
        'id,article\nx1,"Un article, avec virgule."\nx2,"Deux lignes\ndans un champ."\n'
        "x3,trop,de,champs\nx4,\n,Sans id.\n",
        encoding="utf-8",
    )
    got = docs(path, text_column="article", id_field="id")
    p = str(path)
    assert [(d.id, d.source, d.text, d.error) for d in got] == [
        ("x1", f"{p}:2", "Un article, avec virgule.", None),
        ("x2", f"{p}:3", "Deux lignes\ndans un champ.", None),
        (
            "table.csv:5",
            f"{p}:5",
            None,
            f"Line 5 of {p} has 4 fields, the header has 2; quote fields that contain commas "
            "or line breaks.",
        ),
        (
            "x4",
            f"{p}:6",
            None,
            f"The 'article' column on line 6 of {p} is empty: there is no text to translate.",
        ),
        ("table.csv:7", f"{p}:7", None, f"Line 7 of {p} has an empty 'id'."),
    ]


def test_csv_without_the_text_column_is_one_error_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("title,body\na,b\n", encoding="utf-8")
    assert [(d.id, d.error) for d in docs(path)] == [
        (
            "t.csv",
            f"{path} has no 'text' column (columns: 'title', 'body'); choose it with "
            "--text-column / --id-field.",
        )
    ]


def test_csv_parse_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('text\nBon.\n"a"b\n', encoding="utf-8")
    good, bad = docs(path)
    assert (good.id, good.text) == ("t.csv:2", "Bon.")
    assert bad.id == "t.csv:3"
    assert bad.error is not None and bad.error.startswith(f"Line 3 of {path} is not valid CSV: ")


# --- stdin ------------------------------------------------------------------------------------


def test_stdin_as_one_text_or_as_rows() -> None:
    (doc,) = docs("-", stdin="\ufeffBonjour à tous.".encode())
    assert (doc.id, doc.source, doc.text, doc.relpath) == (
        "-",
        "<stdin>",
        "Bonjour à tous.",
        "stdin.txt",
    )
    rows = docs("-", stdin=b'{"text": "Un."}\n{"text": "Deux."}\n', stdin_format="jsonl")
    assert [(d.id, d.source, d.text) for d in rows] == [
        ("stdin:1", "<stdin>:1", "Un."),
        ("stdin:2", "<stdin>:2", "Deux."),
    ]
    (empty,) = docs("-", stdin=b"")
    assert empty.error == "standard input is empty: there is no text to translate."


# --- anything that can't be handled is a document with an error; the run goes on -------------


def test_a_file_name_that_is_not_utf8_is_translated_under_a_printable_id(tmp_path: Path) -> None:
    root = tmp_path / "arts"
    root.mkdir()
    bad = os.fsdecode(b"caf\xe9.txt")  # Latin-1 name on a UTF-8 system
    (root / bad).write_text("Bonjour.", encoding="utf-8")
    (root / "z.txt").write_text("Salut.", encoding="utf-8")
    first, second = docs(root)
    assert (first.id, first.text, first.relpath) == ("caf\\xe9.txt", "Bonjour.", bad)
    assert first.source == f"{root}/caf\\xe9.txt"
    first.id.encode("utf-8")  # writable as a record
    assert first.warnings[0].startswith(f"The file name {root}/caf\\xe9.txt is not valid UTF-8")
    assert second.id == "z.txt"


def test_a_folder_that_cannot_be_listed_is_one_error_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "arts"
    for sub in ("a", "locked", "z"):
        (root / sub).mkdir(parents=True)
        (root / sub / "x.txt").write_text("Texte.", encoding="utf-8")
    scandir = os.scandir

    def refusing(path: str):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    got = docs(root)
    assert [(d.id, d.error) for d in got] == [
        ("a/x.txt", None),
        ("locked", f"{root / 'locked'} can't be read: Permission denied."),
        ("z/x.txt", None),
    ]


def test_a_crash_on_one_line_is_that_lines_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilingual_digest.batch import rows

    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "Un."}\n{"text": "BOOM"}\n{"text": "Trois."}\n', encoding="utf-8")
    parse = rows._jsonl_document

    def crashing(raw: bytes, *args: object):  # type: ignore[no-untyped-def]
        if b"BOOM" in raw:
            raise RuntimeError("a reader bug")
        return parse(raw, *args)

    monkeypatch.setattr(rows, "_jsonl_document", crashing)
    got = docs(path)
    assert [(d.id, d.text) for d in got] == [
        ("feed.jsonl:1", "Un."),
        ("feed.jsonl:2", None),
        ("feed.jsonl:3", "Trois."),
    ]
    assert got[1].error == f"Line 2 of {path} could not be read (RuntimeError: a reader bug)."


class _FailingStream(io.BytesIO):
    """Gives its first chunk, then fails as a disk or a network would."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        if self.reads > 1:
            raise OSError(5, "Input/output error")
        return super().read(24)  # the first two lines, no more


def test_a_stream_that_fails_part_way_ends_in_one_error_naming_the_line(
    tmp_path: Path,
) -> None:
    from bilingual_digest.batch.rows import read_jsonl

    stream = _FailingStream(b'{"a":1}\n{"text": "Un."}\n{"text": "Deux."}\n')
    got = list(read_jsonl(stream, "feed.jsonl", "feed.jsonl", ReadOptions()))  # type: ignore[arg-type]
    assert [d.id for d in got] == ["feed.jsonl:1", "feed.jsonl:2", "feed.jsonl:3"]
    assert got[2].error == (
        "Reading feed.jsonl stopped at line 3 (OSError: Input/output error); the lines after "
        "it were not read."
    )


def test_a_reader_that_crashes_ends_its_input_and_the_next_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilingual_digest.batch import readers

    (tmp_path / "a.txt").write_text("Un.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Deux.", encoding="utf-8")
    real = readers.read_text_file

    def crashing(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if path.name == "a.txt":
            raise MemoryError("out of memory")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(readers, "read_text_file", crashing)
    first, second = docs(tmp_path / "a.txt", tmp_path / "b.txt")
    assert first.id == "a.txt:unread"
    assert first.error == (
        f"Reading {tmp_path / 'a.txt'} failed (MemoryError: out of memory); the rest of it was "
        "not read."
    )
    assert (second.id, second.text) == ("b.txt", "Deux.")


def test_lone_surrogates_in_rows_are_replaced_and_said(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"url": "x\\udc80", "text": "Un \\ud800 deux."}\n', encoding="utf-8")
    (doc,) = docs(path, id_field="url")
    assert (doc.id, doc.text) == ("x\\x80", "Un \ufffd deux.")
    assert doc.warnings == (
        f"The 'text' field on line 1 of {path} held invalid characters (lone UTF-16 "
        "surrogates); each became �.",
    )


def test_documents_that_have_a_record_are_not_read(tmp_path: Path) -> None:
    root = tmp_path / "arts"
    root.mkdir()
    (root / "a.txt").write_text("Un.", encoding="utf-8")
    (root / "b.txt").write_bytes(b"\x00binary")
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "Un."}\nnot json at all\n', encoding="utf-8")
    done = {"b.txt", "feed.jsonl:2"}.__contains__
    got = list(iter_documents([str(root), str(feed)], done=done))
    assert [(d.id, d.done, d.text, d.error) for d in got] == [
        ("a.txt", False, "Un.", None),
        ("b.txt", True, None, None),  # not opened: no "binary file" error
        ("feed.jsonl:1", False, "Un.", None),
        ("feed.jsonl:2", True, None, None),  # not parsed
    ]


# --- a file over the limit is said to have its real size (issue 13) ----------------------------


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)  # a sparse file: 50 MB said, nothing written
    return path


def test_a_file_over_the_limit_is_said_to_have_its_real_size_by_every_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers stop reading at 4 bytes a character, but the message gives the file's size."""
    from bilingual_digest.batch.ray_source import Piece, read_piece
    from bilingual_digest.errors import InputError
    from bilingual_digest.sources import read_text_file

    folder = tmp_path / "arts"
    folder.mkdir()
    big = _sparse(folder / "big.txt", 50_000_000)
    said = "has 50,000,000 bytes, over the limit of 100,000 characters"
    for doc in (
        *docs(big, max_chars=100_000),  # a file
        *docs(folder, max_chars=100_000),  # a folder's file
        *read_piece(Piece("text", big.as_uri()), ReadOptions(max_chars=100_000), None),  # Ray
        *read_piece(
            Piece("dir", folder.as_uri(), ("big.txt",)), ReadOptions(max_chars=100_000), None
        ),
    ):
        assert doc.error is not None and said in doc.error, doc.error
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "100000")
    with pytest.raises(InputError, match=said):  # translate FILE, digest FILE
        read_text_file(str(big))


def test_a_file_just_at_the_limit_is_read_whole(tmp_path: Path) -> None:
    """4 bytes a character plus a byte-order mark still fits: nothing is cut off."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "😀".encode() * 10)  # 10 characters of 4 bytes, a BOM
    (doc,) = docs(path, max_chars=10)
    assert doc.error is None and doc.text == "😀" * 10
    path.write_bytes(b"\xef\xbb\xbf" + "😀".encode() * 10 + b"!!")
    (doc,) = docs(path, max_chars=10)
    assert doc.error == (
        f"{path} has 45 bytes, over the limit of 10 characters; split it or raise the "
        "limit (BILINGUAL_DIGEST_MAX_CHARS, or --max-chars for the batch script)."
    )
