"""Never rely on the platform's default encoding: say which one, or detect from a short list."""

from pathlib import Path

# WRONG: decodes with cp1252 on Windows, UTF-8 elsewhere.
#     text = open("README.md").read()
#     -> UnicodeDecodeError: 'charmap' codec can't decode byte 0x9d in position 1526


def read_utf8(path: str | Path) -> str:
    """Files this program writes itself: always UTF-8 (the BOM, if any, is dropped)."""
    return Path(path).read_text(encoding="utf-8-sig")


def write_utf8(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


def read_text_file(path: str | Path, fallbacks: tuple[str, ...] = ("cp1252",)) -> tuple[str, str]:
    """Files from elsewhere: UTF-8 (BOM-aware), UTF-16 if it has a BOM, then the fallbacks."""
    data = Path(path).read_bytes()
    candidates = ["utf-16"] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else []
    candidates += ["utf-8-sig", *fallbacks]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: not decodable as any of {candidates}")
