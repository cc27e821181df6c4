"""Load a config file people edit: strict JSON with errors that name the file, line, column and
the rule the text broke (single quotes, trailing comma, comment, unquoted key, Python literal,
git conflict marker), or TOML, which allows comments, through the standard library's tomllib."""

import json
import re
import tomllib
from pathlib import Path

# WRONG: config = json.load(open("config.json"))
#   {'name': 'bot', "debug": true,}  ->  json.decoder.JSONDecodeError:
#   Expecting property name enclosed in double quotes: line 1 column 2 (char 1)

MARKER = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.M)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
WORD = re.compile(r"[A-Za-z_$][\w$]*")
CLOSING = re.compile(r"\s*[}\]]")
KEY_COLON = re.compile(r"\s*:")


class ConfigSyntaxError(ValueError):
    """A config file that is not strict JSON: where, and which rule it broke."""


def word_rule(text: str, match: re.Match[str]) -> str | None:
    """A bare word is fine only as true/false/null."""
    if match.group() in ("true", "false", "null"):
        return None
    if match.group() in ("True", "False", "None"):
        return "a Python literal (True/False/None): the file holds str() of a dict, not json.dumps"
    if KEY_COLON.match(text, match.end()):
        return "an unquoted key: JSON keys take double quotes"
    return "a bare word: JSON strings take double quotes"


def char_rule(text: str, pos: int) -> str | None:
    """The rule broken by the character at pos, if it is one people often slip on."""
    char = text[pos]
    if char == "'":
        return "single quotes: JSON strings and keys take double quotes"
    if char == "#" or text.startswith(("//", "/*"), pos):
        return "a comment: JSON has no comments"
    if char == "," and CLOSING.match(text, pos + 1):
        return "a trailing comma before a closing brace or bracket"
    return None


def find_slip(text: str) -> tuple[int, str] | None:
    """The offset and rule of the first place where text breaks a common JSON rule."""
    if marker := MARKER.search(text):
        return marker.start(), "a git conflict marker: resolve the merge (or regenerate the file)"
    pos = 0
    while pos < len(text):
        token = STRING.match(text, pos) or NUMBER.match(text, pos) or WORD.match(text, pos)
        rule = word_rule(text, token) if token and token.re is WORD else None
        rule = rule or (None if token else char_rule(text, pos))
        if rule:
            return pos, rule
        pos = token.end() if token else pos + 1
    return None


def explain(path: Path, text: str, error: json.JSONDecodeError) -> str:
    """file:line:col: rule, the line itself and a caret under the offending character."""
    pos, rule = find_slip(text) or (error.pos, error.msg)
    line = text.count("\n", 0, pos) + 1
    col = pos - text.rfind("\n", 0, pos)
    shown = text.splitlines()[line - 1] if text.strip() else ""
    return f"{path}:{line}:{col}: {rule}\n    {shown}\n    {' ' * (col - 1)}^ (json: {error.msg})"


def load_json_config(path: str | Path) -> object:
    """Strict JSON; a ConfigSyntaxError that says where and why when the file is not."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigSyntaxError(explain(Path(path), text, error)) from None


def load_config(path: str | Path) -> object:
    """A .toml config (comments allowed) with tomllib; anything else as strict JSON."""
    if Path(path).suffix == ".toml":
        with open(path, "rb") as file:
            return tomllib.load(file)
    return load_json_config(path)
