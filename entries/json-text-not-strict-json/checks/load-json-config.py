"""json.load on hand-edited configs (single quotes, trailing comma, comment, unquoted key, a
Python repr, git conflict markers) fails with the parser's terse messages; load_json_config
names file:line:col and the rule, parses valid JSON, and load_config reads TOML with comments."""

import json
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

CASES = {
    "quotes.json": ("{'name': 'bot', 'debug': true}\n", "single quotes", "1:2"),
    "comma.json": ('{\n  "name": "bot",\n  "debug": true,\n}\n', "trailing comma", "3:16"),
    "list.json": ('{"ids": [1, 2, 3,]}\n', "trailing comma", "1:17"),
    "comment.json": ('{\n  // the bot\'s name\n  "name": "bot"\n}\n', "comment", "2:3"),
    "keys.json": ('{name: "bot"}\n', "unquoted key", "1:2"),
    "repr.json": ('{"name": "bot", "debug": True, "proxy": None}\n', "Python literal", "1:26"),
    "package.json": (
        '{\n  "name": "app",\n  "dependencies": {\n<<<<<<< HEAD\n    "left-pad": "^1.3.0"\n'
        '=======\n    "left-pad": "^1.2.0"\n>>>>>>> feature\n  }\n}\n',
        "git conflict marker",
        "4:1",
    ),
}
naive, reported = {}, {}
ns = load_snippet()
with tempfile.TemporaryDirectory() as folder:
    for name, (text, rule, place) in CASES.items():
        path = Path(folder, name)
        path.write_text(text, encoding="utf-8")
        try:
            with open(path, encoding="utf-8") as file:
                json.load(file)
            raise AssertionError(f"{name} parsed as JSON")
        except json.JSONDecodeError as error:
            naive[name] = str(error)
        try:
            ns["load_json_config"](path)
            raise AssertionError(f"{name} accepted")
        except ns["ConfigSyntaxError"] as error:
            message = str(error)
        assert message.startswith(f"{path}:{place}: ") and rule in message, (name, message)
        assert message.splitlines()[2].endswith("^ (json: " + naive[name].split(":")[0] + ")")
        reported[name] = message.replace(folder, "<dir>")
    good = Path(folder, "good.json")
    good.write_text('{"name": "it\'s // fine, #1", "n": -1.5e3, "ok": [true, null]}', encoding="utf-8")
    assert ns["load_json_config"](good) == {"name": "it's // fine, #1", "n": -1500.0, "ok": [True, None]}
    toml = Path(folder, "config.toml")
    toml.write_text('# the bot\'s settings\nname = "bot"  # shown in chat\ndebug = true\n', encoding="utf-8")
    assert ns["load_config"](toml) == {"name": "bot", "debug": True}
    assert ns["load_config"](good)["n"] == -1500.0
assert naive["quotes.json"] == "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
assert naive["comma.json"].startswith(("Expecting property name enclosed in double quotes: line 4", "Illegal trailing comma"))
assert naive["package.json"].startswith("Expecting property name enclosed in double quotes: line 4 column 1")
assert naive["repr.json"].startswith("Expecting value: line 1 column 26")
record(naive_errors=naive, reported=reported)
