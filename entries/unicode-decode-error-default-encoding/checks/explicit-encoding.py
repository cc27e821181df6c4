"""Reading UTF-8 as cp1252 fails as on Windows; the explicit/detecting readers do not."""

import tempfile
from pathlib import Path

from errata_check import load_snippet, record

folder = Path(tempfile.mkdtemp())
text = "Agent said: \u201cdone\u201d \U0001f680 caf\u00e9"
utf8 = folder / "notes.md"
utf8.write_bytes(text.encode("utf-8"))
try:
    open(utf8, encoding="cp1252").read()  # what open(utf8) does on Western-European Windows
    windows_error = ""
except UnicodeDecodeError as exc:
    windows_error = str(exc)
assert windows_error.startswith("'charmap' codec can't decode byte 0x9d"), windows_error
try:
    (folder / "export.csv").write_bytes("caf\u00e9;na\u00efve".encode("cp1252"))
    (folder / "export.csv").read_text(encoding="utf-8")
    utf8_error = ""
except UnicodeDecodeError as exc:
    utf8_error = str(exc)
assert "invalid continuation byte" in utf8_error, utf8_error

ns = load_snippet()
read_utf8, write_utf8, read_text_file = ns["read_utf8"], ns["write_utf8"], ns["read_text_file"]
assert read_utf8(utf8) == text
write_utf8(folder / "out.md", text)
assert (folder / "out.md").read_bytes() == text.encode("utf-8")
(folder / "bom.csv").write_bytes(b"\xef\xbb\xbf" + "na\u00efve".encode("utf-8"))
assert read_text_file(folder / "bom.csv") == ("na\u00efve", "utf-8-sig")
assert read_text_file(folder / "export.csv") == ("caf\u00e9;na\u00efve", "cp1252")
(folder / "ps.txt").write_bytes("hello \u00e9".encode("utf-16"))
assert read_text_file(folder / "ps.txt") == ("hello \u00e9", "utf-16")
assert read_text_file(utf8) == (text, "utf-8-sig")
(folder / "bad.bin").write_bytes(b"\x81\x8d\x8f\x90\x9d\xff")
try:
    read_text_file(folder / "bad.bin")
    refused = ""
except ValueError as exc:
    refused = str(exc)
assert "bad.bin" in refused, refused
record(wrong_errors=2, fixed_files_read=5)
