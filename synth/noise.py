"""File-level noise: encodings, line endings, and the ~1% of files that are broken."""

from __future__ import annotations

import random

from synth.lines import Lines


def pick_encoding(rng: random.Random) -> tuple[str, bool]:
    """(codec, crlf): ~10% GB18030, ~5% UTF-8 with BOM, ~10% CRLF."""
    r = rng.random()
    codec = "utf-8" if r < 0.85 else "gb18030" if r < 0.95 else "utf-8-sig"
    return codec, rng.random() < 0.10


def pick_broken(rng: random.Random, n_projects: int) -> str | None:
    """About 1% of files: empty, binary, table-less or cut off mid-table."""
    r = rng.random()
    if r < 0.002:
        return "empty"
    if r < 0.004:
        return "binary"
    if r < 0.006:
        return "notable"
    if r < 0.010 and n_projects >= 2:
        return "truncated"
    return None


def encode(text: str, codec: str, crlf: bool) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(codec)


def garbage(rng: random.Random, kind: str) -> bytes:
    """Bytes of an empty or binary file (a renamed .docx, or random bytes)."""
    if kind == "empty":
        return rng.choice((b"", b"\n\n", b" \r\n\t\r\n"))
    head = rng.choice(
        (b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", b"\x00\x01")
    )
    return head + rng.randbytes(rng.randint(200, 4000))


def truncate(w: Lines, rng: random.Random, codec: str, crlf: bool) -> tuple[bytes, int, str]:
    """Cut the export inside an indicator row of a project after the first.

    The cut falls inside a cell that is not the row's last, so the final row is visibly
    short. Returns the bytes, the number of complete projects before the cut, and whether
    the cut is on a character or (splitting a multi-byte character) a byte boundary."""
    candidates = [k for k, (start, end) in enumerate(w.spans) if k >= 1 and end > start]
    k = rng.choice(candidates)
    start, end = w.spans[k]
    cells = [
        i for i in range(start, end) if w.out[i].startswith("\t") and w.out[i + 1].startswith("\t")
    ]
    idx = rng.choice(cells) if cells else start
    line = w.out[idx]
    pos = rng.randint(1, max(1, len(line) - 1))
    head = "\n".join(w.out[:idx]) + "\n" + line[:pos]
    data = encode(head, codec, crlf)
    cut = "char"
    if rng.random() < 0.5 and pos < len(line):
        nxt = line[pos].encode(codec)
        if len(nxt) > 1:
            data += nxt[:1]
            cut = "byte"
    return data, k, cut
