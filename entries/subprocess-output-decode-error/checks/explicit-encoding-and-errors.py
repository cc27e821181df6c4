"""text=True fails on a byte of another encoding; the explicit forms decode it."""

import subprocess

from errata_check import load_snippet, record

# A command printing a Latin-1 file name, then an emoji in UTF-8 (as git log or ls can).
command = ["sh", "-c", "printf 'Bj\\366rk.mp3\\n'; printf 'fix \\360\\237\\220\\233 crash\\n'"]
errors = []
for encoding in ("utf-8", "cp1252"):  # Linux/macOS default, then Western-European Windows
    try:
        subprocess.run(command, capture_output=True, encoding=encoding)
    except UnicodeDecodeError as error:
        errors.append(str(error))
assert errors[0] == "'utf-8' codec can't decode byte 0xf6 in position 2: invalid start byte", errors
assert errors[1].startswith("'charmap' codec can't decode byte 0x90"), errors

ns = load_snippet()
result = ns["run_text"](command)
assert result.returncode == 0
assert result.stdout == "Bj\ufffdrk.mp3\nfix \U0001f41b crash\n", repr(result.stdout)
raw = subprocess.run(command, capture_output=True).stdout
assert ns["decode_output"](raw.splitlines()[0]) == ("Bj\u00f6rk.mp3", "cp1252")
assert ns["decode_output"](raw.splitlines()[1]) == ("fix \U0001f41b crash", "utf-8")
child = ns["run_python"]("print('caf\\u00e9 \\U0001f680')")
assert child.stdout == "caf\u00e9 \U0001f680\n", repr(child.stdout)
record(wrong_errors=len(errors), replaced=result.stdout.count("\ufffd"))
