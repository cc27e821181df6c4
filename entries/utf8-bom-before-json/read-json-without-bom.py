"""Read JSON that may start with a UTF-8 byte order mark, and write JSON that never has one."""

import json
from pathlib import Path

# WRONG: json.load(open("export.json", encoding="utf-8"))   (a file saved by Notepad/PowerShell/Excel)
#        json.loads(response.text)   (a server whose PHP or config file was saved "UTF-8 with BOM")
#   json.decoder.JSONDecodeError: Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)

BOM = b"\xef\xbb\xbf"  # U+FEFF encoded in UTF-8; RFC 8259 8.1: JSON text MUST NOT start with it


def parse_json_bytes(data: bytes) -> object:
    """Decode with utf-8-sig (drops one leading BOM, else plain UTF-8), then parse."""
    return json.loads(data.decode("utf-8-sig"))


def parse_json_text(text: str) -> object:
    """Parse text already decoded (e.g. requests' response.text) after dropping a leading U+FEFF."""
    return json.loads(text.removeprefix("\ufeff"))


def load_json_file(path: str | Path) -> object:
    """The file's JSON, whether or not an editor saved it with a BOM."""
    return parse_json_bytes(Path(path).read_bytes())


def save_json(path: str | Path, data: object) -> None:
    """Write plain UTF-8 JSON: encoding "utf-8" never writes a BOM ("utf-8-sig" would)."""
    Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def strip_bom_in_place(path: str | Path) -> bool:
    """Remove a leading BOM from a file so every other reader works too; True when one was removed."""
    data = Path(path).read_bytes()
    if not data.startswith(BOM):
        return False
    Path(path).write_bytes(data[len(BOM) :])
    return True


# requests: parse_json_bytes(r.content)   (not r.json(), which parses r.text with the BOM kept)
