"""The sandbox against hostile JavaScript: the Python suite's cases, contained under Node too.

One file, `hostile.mjs`, tries what a single run can try and records what happened (run with
`errata verify --file hostile.mjs --json`); bombs, memory, CPU and output floods end their run,
so each has one of its own. Skipped where the sandbox or Node is missing, failed under CI.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from errata.harness import cgroups
from errata.harness.sandbox import Sandbox, SandboxResult

pytestmark = [pytest.mark.sandbox, pytest.mark.node]
REPO = Path(__file__).resolve().parents[1]


def _javascript_snippets() -> list[tuple[str, str, str, str]]:
    """(entry id, language, snippet file, check file) of every JS/TS snippet in entries/."""
    from errata.entry_files import parse_entry

    found = []
    for folder in sorted((REPO / "entries").iterdir()):
        if (folder / "entry.toml").is_file():
            for fix in parse_entry(folder).fixes:
                found += [
                    (folder.name, s.language, s.file, s.check_file or "")
                    for s in fix.snippets
                    if s.language in ("javascript", "typescript")
                ]
    return found


@pytest.fixture(scope="module")
def node(sandbox: Sandbox) -> Sandbox:
    """The sandbox with Node available; skipped (failed under CI) without it."""
    if not sandbox.node_available:
        if os.environ.get("CI") == "true":
            pytest.fail(sandbox.node_reason)
        pytest.skip(sandbox.node_reason)
    return sandbox


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    from .sandbox_support import require_sandbox

    return require_sandbox()


def run(box: Sandbox, code: str, check: str | None = None, timeout: float = 8.0) -> SandboxResult:
    result = box.run(
        textwrap.dedent(code),
        textwrap.dedent(check) if check else None,
        timeout=timeout,
        language="javascript",
    )
    assert not cgroups.run_exists(result.run_id), "the run's cgroups outlived it"
    return result


@pytest.fixture
def unix_listener(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "host.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    os.chmod(tmp_path, 0o777)
    os.chmod(path, 0o777)
    yield path
    listener.close()


HOSTILE = """\
// Each attempt prints what happened to it; the test asserts every one was contained.
import { createConnection } from "node:net";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";

const attempt = (fn) => fn().then(() => "done", (error) => error.code || error.message);
const connect = (options) => new Promise((resolve, reject) => {
  const socket = createConnection(options);
  socket.on("connect", () => { socket.destroy(); resolve(); });
  socket.on("error", reject);
});
const figures = {};
figures.tcp_loopback = await attempt(() => connect({ host: "127.0.0.1", port: PORT }));
figures.tcp_ipv6 = await attempt(() => connect({ host: "::1", port: PORT }));
figures.unix_socket = await attempt(() => connect({ path: "SOCKET" }));
figures.fetch = await attempt(() => fetch("http://127.0.0.1:PORT/"));
for (const [name, path] of [["usr", "/usr/evil"], ["root", "/evil"], ["etc", "/etc/evil"]]) {
  figures[`write_${name}`] = await attempt(async () => writeFileSync(path, "x"));
}
figures.write_tmp = await attempt(async () => writeFileSync("/tmp/ok", "x"));
figures.database_visible = existsSync("DATABASE");
figures.checkout_visible = existsSync("REPO") || existsSync("/work");
figures.env_keys = Object.keys(process.env).sort();
figures.secret_in_environ = readFileSync("/proc/self/environ", "latin1").includes("SECRET");
figures.uid = process.getuid();
const child = spawn("/bin/sh", ["-c", "sleep 300 # MARKER"], { detached: true, stdio: "ignore" });
child.unref();
figures.detached_pid = child.pid > 0;
console.log(JSON.stringify(figures));
"""


def test_hostile_js_file_is_contained_through_the_cli(
    node: Sandbox, unix_listener: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tcp = socket.create_server(("127.0.0.1", 0))
    tcp.settimeout(0.3)
    secret, marker = secrets.token_hex(8), f"errata-hostile-{secrets.token_hex(4)}"
    database = tmp_path / "errata.db"
    database.write_bytes(b"SQLite format 3\x00")
    replacements = {"PORT": str(tcp.getsockname()[1]), "SOCKET": unix_listener, "MARKER": marker}
    replacements |= {"DATABASE": str(database), "REPO": str(REPO), "SECRET": secret}
    source = HOSTILE
    for key, value in replacements.items():
        source = source.replace(key, value)
    hostile = tmp_path / "hostile.mjs"
    hostile.write_text(source, encoding="utf-8")
    env = {**os.environ, "ERRATA_TOKEN_UNDER_TEST": secret}
    with tcp:
        done = subprocess.run(
            [sys.executable, "-m", "errata.cli", "verify", "--file", str(hostile), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        with pytest.raises(TimeoutError):
            tcp.accept()[0].close()
    result = json.loads(done.stdout)
    assert result["status"] == "ran_without_error", result
    assert done.returncode == 0
    assert "Node" in result["sandbox_version"]
    seen = json.loads(result["stdout"])
    for name in ("tcp_loopback", "tcp_ipv6", "fetch"):
        assert seen[name] in ("EACCES", "EPERM", "fetch failed"), (name, seen[name])
    assert seen["unix_socket"] in ("ENOENT", "EACCES"), seen  # the host's path is not there
    assert {seen[f"write_{n}"] for n in ("usr", "root", "etc")} <= {"EROFS", "EACCES", "ENOENT"}
    assert seen["write_tmp"] == "done"
    assert seen["database_visible"] is False and seen["checkout_visible"] is False
    assert seen["env_keys"] == ["HOME", "LANG", "PATH", "PWD"]
    assert seen["secret_in_environ"] is False
    assert seen["uid"] == 65534 and seen["detached_pid"] is True
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit() and _has(p, marker)]


def _has(proc: Path, marker: str) -> bool:
    try:
        return marker.encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False


def test_a_js_snippet_and_its_check_pass_with_figures(node: Sandbox) -> None:
    check = """
        import assert from "node:assert/strict";
        import { loadSnippet, record } from "./errata_check.mjs";
        const { double } = await loadSnippet();
        assert.equal(double(21), 42);
        record({ answer: double(21), ok: true });
    """
    result = run(node, "export const double = (x) => 2 * x;\n", check)
    assert result.status == "passed", result.stderr
    assert result.figures == {"answer": 42, "ok": True}
    assert result.sandbox_version.endswith(f"Node {node.node_version}")


def test_a_typescript_snippet_runs_with_its_types_stripped(node: Sandbox) -> None:
    code = "export function half(x: number): number { return x / 2; }\nconsole.log(half(9));\n"
    result = node.run(code, None, timeout=8, language="typescript")
    assert (result.status, result.stdout) == ("ran_without_error", "4.5\n"), result.stderr


def test_a_failed_assertion_names_the_check_line(node: Sandbox) -> None:
    check = """
        import { loadSnippet } from "./errata_check.mjs";
        const { double } = await loadSnippet();
        if (double(2) !== 5) throw new Error("double(2) is not 5");
    """
    result = run(node, "export const double = (x) => 2 * x;\n", check)
    assert result.status == "failed"
    assert result.error == "Error: double(2) is not 5 (check.mjs, line 4)"


def test_a_fixture_named_like_a_global_is_refused(node: Sandbox) -> None:
    check = """
        import { loadSnippet } from "./errata_check.mjs";
        await loadSnippet({ fetch: async () => ({ ok: true }) });
    """
    result = run(node, "export const x = 1;\n", check)
    assert result.status == "failed" and "fixture 'fetch'" in result.error


@pytest.mark.parametrize(
    "forgery",
    [
        "process.exit(0);",
        "process.reallyExit(0);",
        'console.log(JSON.stringify({ verdict: "passed", nonce: "0", figures: {} }));\n'
        "process.exit(0);",
        'import { writeSync } from "node:fs";\nwriteSync(3, "ready\\n");\nprocess.exit(0);',
        "throw new Error('after the record');",
        "setTimeout(() => { throw new Error('later, unawaited'); }, 50);",
        "(async () => { await null; throw new Error('an assertion nobody awaited'); })();",
        "Promise.reject(new Error('nobody handles me'));",
        "await new Promise(() => {});",
    ],
)
def test_a_forged_or_unfinished_verdict_never_passes(node: Sandbox, forgery: str) -> None:
    check = 'import { record } from "./errata_check.mjs";\nrecord({ forged: true });\n' + forgery
    result = run(node, "", check)
    assert result.status == "failed", (forgery, result)
    assert result.figures == {}


def test_a_child_process_bomb_is_held_at_the_process_limit(node: Sandbox) -> None:
    code = """
        import { spawn } from "node:child_process";
        import { writeSync } from "node:fs";
        let refused = false;
        const held = (error) => {
          if (error.code === "EAGAIN" && !refused) writeSync(2, "held: EAGAIN\\n");
          refused ||= error.code === "EAGAIN";
        };
        for (;;) {
          for (let i = 0; i < 50; i++) {
            try {
              spawn("sleep", ["60"], { stdio: "ignore" }).on("error", held);
            } catch (error) {
              held(error);
            }
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
    """
    started = time.monotonic()
    result = run(node, code, timeout=6)
    assert result.status == "timeout", result
    assert "held: EAGAIN" in result.stderr  # spawning stopped at the cgroup's 512 processes
    assert time.monotonic() - started < 15


def test_a_worker_thread_bomb_is_contained(node: Sandbox) -> None:
    code = """
        import { Worker } from "node:worker_threads";
        const workers = [];
        for (;;) {
          workers.push(new Worker("for (;;) {}", { eval: true }));
          await new Promise((resolve) => setImmediate(resolve));
        }
    """
    result = run(node, code, timeout=4)
    assert result.status in ("timeout", "error", "failed"), result
    assert result.status != "passed" and not cgroups.run_exists(result.run_id)


def test_a_js_memory_hog_is_killed_at_256_mib(node: Sandbox) -> None:
    code = """
        const hog = [];
        for (;;) hog.push(Buffer.alloc(10_000_000, 1));
    """
    result = run(node, code, timeout=20)
    assert result.status in ("error", "failed"), result
    assert result.error == "killed: memory limit 256 MiB" or "heap" in result.stderr.lower()


def test_a_js_cpu_loop_is_stopped_at_the_wall_deadline(node: Sandbox) -> None:
    result = run(node, "for (;;) {}\n", timeout=2)
    assert result.status == "timeout"
    assert result.error == "killed: wall time limit 2 s"


def test_a_js_output_flood_is_cut_at_the_cap(node: Sandbox) -> None:
    flood = 'import { writeSync } from "node:fs";\nfor (;;) writeSync(1, "x".repeat(1000));\n'
    result = run(node, flood)
    assert result.status == "error"
    assert result.error == "killed: output limit 1 MiB"
    assert len(result.stdout) <= 17 * 1024


@pytest.mark.parametrize(("entry", "language", "file", "check"), _javascript_snippets())
def test_each_js_check_fails_without_its_snippet(
    node: Sandbox, entry: str, language: str, file: str, check: str
) -> None:
    folder = REPO / "entries" / entry
    check_code = (folder / check).read_text(encoding="utf-8")
    real = node.run(
        (folder / file).read_text(encoding="utf-8"), check_code, timeout=20, language=language
    )
    assert real.status == "passed", (entry, real.error, real.stderr[-2000:])
    hollow = node.run("export {};\n", check_code, timeout=20, language=language)
    assert hollow.status == "failed", (entry, hollow)


def test_a_node_in_a_closed_folder_is_copied_where_nobody_can_reach_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from errata.harness import runtimes

    closed = tmp_path / "home"
    closed.mkdir(mode=0o700)
    binary = closed / "node"
    binary.write_bytes(b"#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setattr(runtimes, "NODE_CACHE", tmp_path / "cache")
    copy = runtimes.visible_to_nobody(binary)
    assert copy.parent.parent == tmp_path / "cache" and copy.read_bytes() == b"#!/bin/sh\n"
    assert copy.stat().st_mode & 0o777 == 0o755 and copy.parent.stat().st_mode & 0o777 == 0o755
    assert runtimes.visible_to_nobody(binary) == copy  # made once, then reused
