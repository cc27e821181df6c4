"""The sandbox against hostile snippets: each case asserts the harm was contained.

Runs the real bubblewrap sandbox. Where it cannot be set up the suite is skipped with the
reason, except under CI=true, where an unavailable sandbox fails the suite.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from errata.harness import cgroups
from errata.harness.sandbox import Sandbox, SandboxResult, SandboxUnavailable

pytestmark = pytest.mark.sandbox


def run(
    sandbox: Sandbox, code: str, check: str | None = None, timeout: float = 5.0
) -> SandboxResult:
    result = sandbox.run(
        textwrap.dedent(code), textwrap.dedent(check) if check else None, timeout=timeout
    )
    assert not cgroups.run_exists(result.run_id), "the run's cgroups outlived it"
    return result


def processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains the marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


@pytest.fixture
def tcp_listener() -> Iterator[socket.socket]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.3)
    yield listener
    listener.close()


def assert_no_connection(listener: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        conn, _ = listener.accept()
        conn.close()


# -- what must work --------------------------------------------------------------------


def test_a_snippet_and_its_check_pass_and_the_figures_come_back(sandbox: Sandbox) -> None:
    snippet = "def double(x):\n    return 2 * x\n"
    check = """
        from errata_check import load_snippet, record
        ns = load_snippet()
        assert ns["double"](21) == 42
        record(answer=ns["double"](21), ok=True)
    """
    result = run(sandbox, snippet, check)
    assert result.status == "passed", result.stderr
    assert result.exit_code == 0
    assert result.figures == {"answer": 42, "ok": True}
    assert result.python_version and result.python_version in result.sandbox_version
    assert 0 < result.duration_ms < 5000


def test_a_snippet_without_check_is_the_program_itself(sandbox: Sandbox) -> None:
    result = run(sandbox, "import sys\nprint('hello', sys.argv[0])\n")
    assert result.status == "ran_without_error"
    assert result.stdout == "hello /tmp/snippet.py\n"


def test_asyncio_with_200_threads_and_sqlite_in_memory_works(sandbox: Sandbox) -> None:
    check = """
        import asyncio, sqlite3, threading, time
        from errata_check import record

        def work(i):
            time.sleep(0.05)
            return i

        async def main():
            loop = asyncio.get_running_loop()
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(max_workers=200) as pool:
                jobs = [loop.run_in_executor(pool, work, i) for i in range(200)]
                results = await asyncio.gather(*jobs)
            return results, threading.active_count()

        results, peak = asyncio.run(main())
        assert results == list(range(200))
        db = sqlite3.connect(":memory:")
        db.execute("create table t (x)")
        db.executemany("insert into t values (?)", [(i,) for i in range(1000)])
        record(rows=db.execute("select count(*) from t").fetchone()[0], threads=len(results))
    """
    result = run(sandbox, "", check, timeout=20)
    assert result.status == "passed", result.stderr
    assert result.figures == {"rows": 1000, "threads": 200}


def test_a_syntax_error_fails_with_the_error_line(sandbox: Sandbox) -> None:
    snippet = "x = 1\ndef broken(:\n    pass\n"
    check = "from errata_check import load_snippet\nload_snippet()\n"
    result = run(sandbox, snippet, check)
    assert result.status == "failed"
    assert result.exit_code == 1
    assert result.error.startswith("SyntaxError:")
    assert "snippet.py, line 2" in result.error


def test_concurrent_runs_do_not_interfere(sandbox: Sandbox) -> None:
    tokens = [secrets.token_hex(8) for _ in range(4)]
    results: dict[str, SandboxResult] = {}

    def one(token: str) -> None:
        code = f"import time, pathlib\npathlib.Path('/tmp/t').write_text('{token}')\n"
        code += "time.sleep(0.3)\nprint(pathlib.Path('/tmp/t').read_text())\n"
        results[token] = sandbox.run(code, None, timeout=10)

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {t: r.stdout.strip() for t, r in results.items()} == {t: t for t in tokens}
    assert len({r.run_id for r in results.values()}) == 4
    assert all(not cgroups.run_exists(r.run_id) for r in results.values())


# -- hostile snippets --------------------------------------------------------------------


def test_a_fork_bomb_is_held_at_the_process_limit_and_fully_killed(sandbox: Sandbox) -> None:
    code = """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """
    started = time.monotonic()
    result = run(sandbox, code, timeout=3)
    assert result.status == "timeout"
    assert "process limit 512 reached" in result.error
    assert time.monotonic() - started < 8


def test_a_memory_hog_is_killed_at_256_mib(sandbox: Sandbox) -> None:
    code = """
        hog = []
        while True:
            hog.append(b"x" * 10_000_000)
    """
    result = run(sandbox, code, timeout=20)
    assert result.status == "error"
    assert result.error == "killed: memory limit 256 MiB"


def test_a_cpu_loop_is_stopped_at_the_wall_deadline(sandbox: Sandbox) -> None:
    result = run(sandbox, "while True:\n    pass\n", timeout=2)
    assert result.status == "timeout"
    assert result.error == "killed: wall time limit 2 s"
    assert 2000 <= result.duration_ms < 4000


def test_sleeping_forever_times_out(sandbox: Sandbox) -> None:
    result = run(
        sandbox, "import time\nprint('sleeping', flush=True)\ntime.sleep(10**6)\n", timeout=1.5
    )
    assert result.status == "timeout"
    assert result.stdout == "sleeping\n"
    assert 1500 <= result.duration_ms < 3500


def test_a_tcp_connect_to_a_host_listener_never_arrives(
    sandbox: Sandbox, tcp_listener: socket.socket
) -> None:
    port = tcp_listener.getsockname()[1]
    code = f"""
        import socket
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            try:
                socket.create_connection((host, {port}), timeout=1).close()
                print("CONNECTED", host)
            except OSError as exc:
                print("refused", host, type(exc).__name__)
    """
    result = run(sandbox, code)
    assert "CONNECTED" not in result.stdout
    assert result.stdout.count("refused") == 2
    assert_no_connection(tcp_listener)


def test_a_unix_socket_of_the_host_cannot_be_reached(sandbox: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "host.sock"
    abstract = f"\0errata-test-{secrets.token_hex(6)}"
    listeners = []
    for address in (str(path), abstract):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(address)
        listener.listen()
        listener.settimeout(0.3)
        listeners.append(listener)
    code = f"""
        import socket
        for address in ({str(path)!r}, {abstract!r}):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(address)
                print("CONNECTED", repr(address))
            except OSError as exc:
                print("refused", type(exc).__name__)
        a, b = socket.socketpair()  # what asyncio needs still works
        a.sendall(b"pair ok")
        print(b.recv(10).decode())
    """
    try:
        result = run(sandbox, code)
        assert "CONNECTED" not in result.stdout
        assert result.stdout.count("refused") == 2
        assert "pair ok" in result.stdout
        for listener in listeners:
            assert_no_connection(listener)
    finally:
        for listener in listeners:
            listener.close()


def test_writes_outside_the_temp_folder_never_reach_the_host(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    targets = [tmp_path / "escape.txt", Path("/usr/errata-escape.txt"), Path("/errata-escape.txt")]
    targets.append(Path.cwd() / "errata-escape.txt")
    code = f"""
        import os
        for target in {[str(t) for t in targets]!r}:
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w") as f:
                    f.write("escaped")
                print("wrote", target)
            except OSError as exc:
                print("blocked", target, type(exc).__name__)
        with open("/dev/shm/x", "wb") as f:
            f.write(b"0" * 1000)
    """
    result = run(sandbox, code)
    assert result.status == "ran_without_error", result.stderr
    for target in targets:
        assert not target.exists(), f"{target} was written on the host"


def test_the_database_file_and_the_servers_environment_stay_unreadable(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"errata-secret-{secrets.token_hex(8)}"
    env_secret = f"env-secret-{secrets.token_hex(8)}"
    monkeypatch.setenv("ERRATA_TEST_SECRET", env_secret)
    db_path = tmp_path / "data" / "errata.db"
    db_path.parent.mkdir()
    with sqlite3.connect(db_path) as db:
        db.execute("create table secrets (value text)")
        db.execute("insert into secrets values (?)", (secret,))
    db.close()
    code = f"""
        import glob, os, sqlite3
        print(dict(os.environ))
        for path in ("/proc/self/environ", "/proc/1/environ", "/proc/{os.getpid()}/environ"):
            try:
                print(path, open(path, "rb").read())
            except OSError as exc:
                print("blocked", path, type(exc).__name__)
        try:
            print(open({str(db_path)!r}, "rb").read())
        except OSError as exc:
            print("blocked db", type(exc).__name__)
        try:
            db = sqlite3.connect("file:{db_path}?mode=ro", uri=True)
            print(db.execute("select * from secrets").fetchall())
        except sqlite3.Error as exc:
            print("blocked sqlite", exc)
        print(glob.glob("/root/*") + glob.glob("/work/*") + glob.glob("/home/*"))
    """
    result = run(sandbox, code)
    assert result.status == "ran_without_error", result.stderr
    assert "blocked db FileNotFoundError" in result.stdout
    assert "blocked sqlite" in result.stdout
    output = result.stdout + result.stderr
    assert secret not in output
    assert env_secret not in output
    assert "ERRATA_TEST_SECRET" not in output


def test_a_detached_grandchild_does_not_survive_the_run(sandbox: Sandbox) -> None:
    marker = f"errata-marker-{secrets.token_hex(8)}"
    code = f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.write(1, b"grandchild started\\n")
                sleeper = "import time\\nwhile True: time.sleep(1)"
                os.execv("/usr/bin/python3", ["python3", "-c", sleeper, {marker!r}])
            os._exit(0)
        os.wait()
        time.sleep(1.0)
        print("parent done", flush=True)
    """
    seen_during_run: list[int] = []
    results: list[SandboxResult] = []
    runner = threading.Thread(target=lambda: results.append(run(sandbox, code)))
    runner.start()
    while runner.is_alive() and not seen_during_run:
        seen_during_run = processes_with(marker)
        time.sleep(0.02)
    runner.join()
    assert seen_during_run, "the grandchild was never seen running"
    assert results[0].status == "ran_without_error", results[0].stderr
    assert "grandchild started" in results[0].stdout
    assert "parent done" in results[0].stdout
    assert processes_with(marker) == []


def test_100_mb_of_output_is_capped_and_killed_fast(sandbox: Sandbox) -> None:
    code = """
        import sys
        chunk = "x" * (1 << 20)
        for _ in range(100):
            sys.stdout.write(chunk)
        print("END")
    """
    started = time.monotonic()
    result = run(sandbox, code, timeout=30)
    assert result.status == "error"
    assert result.error == "killed: output limit 1 MiB"
    assert len(result.stdout.encode()) <= 1 << 20
    assert "END" not in result.stdout
    assert time.monotonic() - started < 3


def test_kernel_facing_syscalls_and_nested_namespaces_are_refused(sandbox: Sandbox) -> None:
    code = """
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        print("unshare", libc.unshare(0x10000000), ctypes.get_errno())  # CLONE_NEWUSER
        print("ptrace", libc.ptrace(16, 1, 0, 0), ctypes.get_errno())  # PTRACE_ATTACH pid 1
        print("uid", os.getuid(), os.geteuid())
        try:
            os.kill(1, 9)
            print("killed 1")
        except OSError as exc:
            print("kill blocked", type(exc).__name__)
    """
    result = run(sandbox, code)
    lines = result.stdout.splitlines()
    assert lines[0] == "unshare -1 1"
    assert lines[1] == "ptrace -1 1"
    assert lines[2] == "uid 65534 65534"


def test_killing_the_harness_mid_run_leaves_nothing_running(sandbox: Sandbox) -> None:
    marker = f"errata-marker-{secrets.token_hex(8)}"
    script = f"""
        from errata.harness.sandbox import Sandbox
        argv = ["python3", "-c", "import time; time.sleep(600)", {marker!r}]
        code = f"import os\\nos.execv('/usr/bin/python3', {{argv!r}})"
        Sandbox().run(code, None, timeout=60)
    """
    harness = subprocess.Popen(  # the script on stdin, so only the snippet shows the marker
        [sys.executable, "-"], stdin=subprocess.PIPE, cwd=Path(__file__).parent.parent
    )
    assert harness.stdin is not None
    harness.stdin.write(textwrap.dedent(script).encode())
    harness.stdin.close()
    parent = cgroups.CGROUP_ROOT / "pids" / cgroups.PARENT
    deadline = time.monotonic() + 15
    while not processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    snippet_pids = processes_with(marker)
    assert snippet_pids, "the snippet never started"
    assert harness.pid not in snippet_pids
    runs = [d for d in parent.iterdir() if d.name.startswith(f"run-{harness.pid}-")]
    assert len(runs) == 1
    assert set(snippet_pids) <= {int(p) for p in (runs[0] / "cgroup.procs").read_text().split()}
    harness.kill()
    harness.wait()
    deadline = time.monotonic() + 3
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker) == []  # --die-with-parent took the sandbox down
    Sandbox()  # a new harness sweeps the dead one's cgroups
    assert not runs[0].exists()


# -- failing closed --------------------------------------------------------------------


def test_a_disabled_sandbox_is_unavailable_and_refuses_to_run() -> None:
    box = Sandbox(mode="off")
    assert box.available is False
    assert "ERRATA_SANDBOX=off" in box.reason
    with pytest.raises(SandboxUnavailable):
        box.run("print(1)", None, timeout=1)


def test_a_program_that_closes_its_output_still_runs_to_its_end(sandbox: Sandbox) -> None:
    code = """
        import os, time
        os.close(1)
        os.close(2)
        time.sleep(0.5)
        raise SystemExit(7)
    """
    result = run(sandbox, code)
    assert result.status == "failed"
    assert result.exit_code == 7
    assert result.duration_ms >= 500


def test_a_program_that_closes_its_output_and_hangs_times_out(sandbox: Sandbox) -> None:
    result = run(sandbox, "import os, time\nos.close(1)\nos.close(2)\ntime.sleep(600)\n", timeout=1)
    assert result.status == "timeout"
    assert result.duration_ms < 3000


def test_a_bad_timeout_is_refused_before_anything_runs(sandbox: Sandbox) -> None:
    for timeout in (0, -1, float("nan"), 10_000):
        with pytest.raises(ValueError, match="timeout must be"):
            sandbox.run("print(1)", None, timeout=timeout)


def test_a_snippet_that_is_not_valid_text_fails_inside_the_sandbox(sandbox: Sandbox) -> None:
    result = run(sandbox, "print('\ud800')\n")
    assert result.status == "failed"
    assert "SyntaxError" in result.error or "UnicodeDecodeError" in result.error
