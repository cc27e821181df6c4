"""The static review flags code that can tamper with its own run, and leaves plain code alone."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from errata.entry_files import parse_entry
from errata.harness.review import Flag, review

REPO_ENTRIES = Path(__file__).resolve().parent.parent / "entries"

TAMPERING = {
    "os-exit": "import os\ndef bye():\n    os._exit(0)\n",
    "atexit": "import atexit\natexit.register(print)\n",
    "top-level-exit": "import sys\nif True:\n    sys.exit(0)\n",
    "tracing": "import sys\nsys.settrace(lambda *a: None)\n",
    "builtins-patch": "import builtins\nbuiltins.len = lambda x: 0\n",
    "sys-modules": "import sys\nsys.modules['errata_check'] = object()\n",
    "errata-check": "import errata_check\nerrata_check._figures['speedup'] = 9999\n",
    "proc-self": "print(open('/proc/self/fd').read())\n",
    "sandbox-probe": "import os\nSANDBOXED = os.getuid() == 65534\n",
    "signal-handler": "import signal\nsignal.signal(signal.SIGALRM, print)\n",
    "frame-access": "import sys\nsys._getframe(1).f_back.f_globals['ok'] = True\n",
    "raw-fd": "import os\nos.write(3, b'ready\\n')\n",
    "ctypes": "import ctypes\n",
    "dynamic-code": "exec('imp' + 'ort os')\n",
}


def codes(flags: list[Flag]) -> set[str]:
    return {flag.code for flag in flags}


@pytest.mark.parametrize("code", sorted(TAMPERING))
def test_each_tampering_construct_is_flagged_with_its_line(code: str) -> None:
    flags = review(TAMPERING[code])
    assert code in codes(flags), flags
    assert all(flag.line >= 1 and flag.file == "snippet" and flag.message for flag in flags)


def test_an_aliased_import_does_not_hide_os_exit() -> None:
    flags = review("from os import _exit as leave\nleave(0)\n")
    assert [(f.code, f.line) for f in flags] == [
        ("os-exit", 1),
        ("os-exit", 2),
        ("top-level-exit", 2),
    ]


def test_raise_system_exit_first_is_flagged_but_inside_a_function_is_not() -> None:
    assert codes(review("raise SystemExit(0)\n")) == {"top-level-exit"}
    assert review("def main():\n    raise SystemExit(0)\n") == []


def test_the_check_may_use_errata_checks_api_but_not_its_state() -> None:
    fine = "from errata_check import load_snippet, record, scaled\nrecord(x=scaled(1))\n"
    assert review("x = 1\n", fine) == []
    (flag,) = review("x = 1\n", "from errata_check import _figures\n")
    assert (flag.file, flag.code) == ("check", "errata-check")


def test_plain_code_and_docstrings_about_the_sandbox_are_not_flagged() -> None:
    code = '''
        """Runs in errata's sandbox; gc.collect() is fine."""
        import asyncio, gc, os

        async def main():
            gc.collect()
            return os.path.join("a", "b")

        print(asyncio.run(main()))
    '''
    assert review(textwrap.dedent(code)) == []


def test_code_that_does_not_parse_has_no_flags() -> None:
    assert review("def broken(:\n", "also broken(") == []


def test_curated_entries_are_rarely_flagged_and_a_sigterm_fix_for_its_handler() -> None:
    flagged: dict[str, set[str]] = {}
    total = 0
    for folder in sorted(REPO_ENTRIES.iterdir()):
        if (folder / "entry.toml").is_file():
            draft = parse_entry(folder)
            for snippet in (s for fix in draft.fixes for s in fix.snippets):
                total += 1
                if found := codes(review(snippet.code, snippet.check_code, snippet.language)):
                    flagged[f"{draft.id}/{snippet.id}"] = found
    # a SIGTERM fix needs its handler; counting fds reads /proc/self: reviewed in the repository
    assert "signal-handler" in flagged["sigterm-graceful-shutdown-loses-work/drain-on-sigterm"]
    assert "signal-handler" in flagged["sigterm-graceful-shutdown-loses-work/drain-on-sigterm-node"]
    # entries about pipes, exits and syntax errors need such code: at most one snippet in eight
    assert len(flagged) <= total // 8, flagged


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("process.exit(0);", "os-exit"),
        ("process.reallyExit(0);", "os-exit"),
        ('writeSync(3, "ready\\n");', "raw-fd"),
        ("fs.readSync(4, buffer, 0, 64, null);", "raw-fd"),
        ('readdirSync("/proc/self/fd");', "proc-self"),
        ('execSync("echo ready >&3");', "raw-fd"),
        ("if (process.getuid() === 65534) cheat();", "sandbox-probe"),
        ('process.on("SIGTERM", stop);', "signal-handler"),
        ('process.once("beforeExit", forge);', "signal-handler"),
        ('process.removeAllListeners("uncaughtException");', "tracing"),
        ('import { createHook } from "node:async_hooks";', "tracing"),
        ('eval("1 + 1");', "dynamic-code"),
        ('const f = new Function("return 1");', "dynamic-code"),
        ('import vm from "node:vm";', "dynamic-code"),
        ('process.binding("fs");', "native-code"),
        ("const figures = lib.recordedFigures();", "check-state"),
    ],
)
def test_each_tampering_construct_in_javascript_is_flagged(line: str, code: str) -> None:
    flags = review("export const x = 1;\n" + line + "\n", None, "javascript")
    assert [(f.code, f.line, f.file) for f in flags] == [(code, 2, "snippet")]


def test_plain_javascript_is_not_flagged() -> None:
    plain = """
        import { readFileSync } from "node:fs";
        export const evaluate = (x) => x * 2;
        const child = spawn("sleep", ["1"]); child.kill("SIGTERM");
        await fh.write("data"); server.close();
    """
    check = "import { loadSnippet, record } from './errata_check.mjs';"
    assert review(plain, check, "typescript") == []
