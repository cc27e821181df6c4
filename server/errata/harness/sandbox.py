"""The sandbox every snippet runs in: bubblewrap as uid 65534, seccomp, per-run cgroups, prlimit.

One run = `cgexec` (per-run memory/pids/cpu cgroups) -> `prlimit` -> `setpriv` (uid/gid 65534,
no groups) -> `bwrap` (every namespace unshared, nested user namespaces disabled, read-only
/usr with an empty /usr/local, a fresh size-capped /tmp holding the files, seccomp deny-list)
-> Debian's `/usr/bin/python3 -I -S`, or Node.js for JavaScript and TypeScript (runtimes.py:
its one binary bound read-only, nothing else of the checkout). The harness enforces the wall
deadline and the output cap, and kills everything in the run's cgroups afterwards. A self-test
at startup decides `available` (and `node_available`, probed alike); when it fails, `run`
refuses: nothing ever runs outside the sandbox. Root and /dev are read-only (only /tmp and
/dev/shm take writes, each size-capped).

Statuses: passed (the check ran to its end and said so on the run's verdict channel, see
boot.py); ran_without_error (a snippet with no check ran to its end: nothing was checked);
failed (anything else: an exception, a failed assertion, an early exit whatever its code, a
refused verdict record); timeout (wall deadline or CPU time limit); error (killed at the memory
or output limit, or the sandbox itself failed). `error` holds the traceback's last line with
its file and line, or the limit that was hit ("killed: memory limit 256 MiB"). Only the last
`kept_output_bytes` of stdout and stderr are kept.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from . import cgroups, runtimes
from .run_output import Collected, Limits, SandboxResult, collect_output, memfd, reap, summarize
from .verdict import Verdict, VerdictChannel

HERE = Path(__file__).resolve().parent
PYTHON = runtimes.PYTHON
SANDBOX_UID = 65534
TOOLS = ("bwrap", "setpriv", "prlimit", "cgexec")
_run_numbers = itertools.count(1)


class SandboxUnavailable(RuntimeError):
    """The sandbox could not be set up here; no code is run."""


class Sandbox:
    """Runs Python (and Node) in the sandbox; `available` and `reason` say whether it can."""

    def __init__(self, mode: str = "auto", limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.available = False
        self.reason = ""
        self.version = ""
        self.python_version = ""
        self.node_available = False
        self.node_reason = "the sandbox is unavailable"
        self.node_version = ""
        self._node = ""
        self._tools: dict[str, str] = {}
        self._bpf = b""
        if mode != "auto":
            self.reason = (
                "sandbox disabled by ERRATA_SANDBOX=off"
                if mode == "off"
                else f"ERRATA_SANDBOX must be auto or off, not {mode!r}"
            )
            return
        try:
            self._setup()
        except Exception as exc:  # whatever went wrong, fail closed with the reason
            self.reason = str(exc) or type(exc).__name__
            return
        self.available = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Sandbox:
        """The sandbox a server with these settings uses (`settings.sandbox`: auto or off)."""
        return cls(mode=settings.sandbox)

    def describe(self) -> dict[str, Any]:
        """Availability, for /api/health."""
        return {"available": self.available, "reason": self.reason, "version": self.version}

    # -- setup ---------------------------------------------------------------------------

    def _setup(self) -> None:
        if os.geteuid() != 0:
            raise SandboxUnavailable("the harness must run as root to drop snippets to uid 65534")
        for tool in TOOLS:
            found = shutil.which(tool, path="/usr/bin:/bin:/usr/sbin:/sbin")
            if found is None:
                raise SandboxUnavailable(f"{tool} not found (run scripts/system-deps.sh)")
            self._tools[tool] = found
        if not os.access(PYTHON, os.X_OK):
            raise SandboxUnavailable(f"{PYTHON} not found")
        built = subprocess.run(
            [PYTHON, "-I", str(HERE / "seccomp_filter.py")],
            capture_output=True,
            env={},
            timeout=20,
        )
        if built.returncode != 0 or not built.stdout:
            last = built.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise SandboxUnavailable(f"cannot build the seccomp filter: {' '.join(last)}")
        self._bpf = built.stdout
        try:
            cgroups.prepare_parent(self.limits.total_cpus)
        except cgroups.CgroupError as exc:
            raise SandboxUnavailable(str(exc)) from exc
        cgroups.sweep_stale()
        bwrap = subprocess.run([self._tools["bwrap"], "--version"], capture_output=True, timeout=10)
        bwrap_version = bwrap.stdout.decode("utf-8", "replace").strip() or "bubblewrap"
        self.available = True  # provisionally, for the probe
        try:
            self.python_version = self._probe(runtimes.PYTHON_PROBE, "python", 2)
        finally:
            self.available = False
        self.version = f"{bwrap_version}, Python {self.python_version}"
        self._setup_node()

    def _setup_node(self) -> None:
        """Find and self-test Node; without it only Python runs (JavaScript is refused)."""
        self.available = True  # provisionally, for the probe
        try:
            self._node = runtimes.find_node()
            self.node_available = True
            self.node_version = self._probe(runtimes.NODE_PROBE, "typescript", 3)
            self.node_reason = ""
        except (OSError, SandboxUnavailable) as exc:
            self.node_available = False
            self.node_reason = f"Node.js unavailable: {exc}"
        finally:
            self.available = False

    def _probe(self, code: str, language: str, fields: int) -> str:
        """Run a self-test that prints "ok VERSION..."; the version, or SandboxUnavailable."""
        probe = self.run(code, None, timeout=20, language=language)
        lines = probe.stdout.split()
        if probe.status != "ran_without_error" or len(lines) != fields or lines[0] != "ok":
            detail = probe.error or probe.stderr.strip()[-300:] or probe.stdout.strip()[-300:]
            raise SandboxUnavailable(f"{language} sandbox self-test failed: {detail}")
        return lines[1]

    # -- one run -------------------------------------------------------------------------

    def run(
        self,
        code: str,
        check_code: str | None = None,
        *,
        timeout: float,
        language: str = "python",
        check_language: str | None = None,
    ) -> SandboxResult:
        """Run `check_code` (or `code` itself when None) with `code` as /tmp/snippet.EXT.

        `language` is the snippet's (python, javascript, typescript), `check_language` the
        check's (the snippet's by default); both must run under the same runtime.
        """
        _, runtime, names = self._layout(language, check_language, check_code)
        if not 0 < timeout <= 3600:
            raise ValueError(f"timeout must be in (0, 3600] seconds, not {timeout!r}")
        files = {names[0]: code.encode("utf-8", errors="surrogatepass"), **runtime.files()}
        if check_code is not None:
            files[names[1]] = check_code.encode("utf-8", errors="surrogatepass")
        program = f"/tmp/{names[1] if check_code is not None else names[0]}"
        channel = VerdictChannel("passed" if check_code is not None else "ran_without_error")
        name = f"run-{os.getpid()}-{next(_run_numbers)}-{secrets.token_hex(4)}"
        limits = self.limits
        cgroups.create_run(
            name, cgroups.RunLimits(limits.memory_mb * 1_048_576, limits.pids, limits.cpus)
        )
        fds: list[int] = []
        proc: subprocess.Popen[bytes] | None = None
        started = time.monotonic()
        try:
            seccomp_fd = memfd("seccomp", self._bpf)
            fds.append(seccomp_fd)
            file_args: list[str] = []
            for filename, data in files.items():
                fds.append(memfd(filename, data))
                file_args += ["--file", str(fds[-1]), f"/tmp/{filename}"]
            command = [*file_args, program, *map(str, channel.child_fds())]
            proc = subprocess.Popen(
                self._argv(name, timeout, seccomp_fd, command, runtime),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={},
                close_fds=True,
                pass_fds=[*fds, *channel.child_fds()],
                start_new_session=True,
            )
            for fd in fds:
                os.close(fd)
            fds.clear()
            channel.started()
            collected = collect_output(
                proc,
                started + timeout,
                limits.output_bytes,
                kept=limits.kept_output_bytes,
                channel=channel,
            )
            hits = cgroups.memory_oom_kills(name), cgroups.pids_limit_hits(name)
        finally:  # also on errors and interrupts: nothing of the run survives it
            for fd in fds:
                os.close(fd)
            channel.close()
            cgroups.destroy_run(name)
            if proc is not None:
                reap(proc)
        run = _Run(name, collected, proc.returncode, started, timeout, hits, runtime.name)
        return self._result(run, channel.finish(), channel.expected)

    def _layout(
        self, language: str, check_language: str | None, check_code: str | None
    ) -> tuple[str, runtimes.Runtime, tuple[str, str]]:
        """The snippet's language, the runtime and the (snippet, check) file names."""
        if not self.available:
            raise SandboxUnavailable(self.reason or "sandbox unavailable")
        runtime, names = runtimes.layout(language, check_language)
        if runtime.name == "node" and not self.node_available:
            raise SandboxUnavailable(self.node_reason)
        return language, runtime, names

    def _argv(
        self,
        name: str,
        timeout: float,
        seccomp_fd: int,
        command: list[str],
        runtime: runtimes.Runtime = runtimes.PYTHON_RUNTIME,
    ) -> list[str]:
        """The command line of one run; `command` is the --file arguments, then boot's."""
        limits, tools = self.limits, self._tools
        node = ["--ro-bind", self._node, runtimes.NODE_IN_SANDBOX] if runtime.name == "node" else []
        cpu_seconds = max(1, int(timeout) + 1)
        return [
            tools["cgexec"], "-g", cgroups.cgexec_group(name),
            tools["prlimit"], f"--cpu={cpu_seconds}:{cpu_seconds + 1}",
            f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}", "--core=0", "--",
            tools["setpriv"], f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}",
            "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
            tools["bwrap"],
            "--ro-bind", "/usr", "/usr",
            # the host's own installs and their config (/usr/local/etc...) stay out of sight
            "--size", "4096", "--tmpfs", "/usr/local", "--remount-ro", "/usr/local",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(limits.tmp_bytes), "--tmpfs", "/dev/shm",
            "--size", str(limits.tmp_bytes), "--tmpfs", "/tmp",
            *node, *command[:-3],
            # the root's and /dev's own tmpfs take no writes (no size cap of their own)
            "--remount-ro", "/dev", "--remount-ro", "/",
            "--unshare-all", "--unshare-user", "--disable-userns",
            "--die-with-parent", "--new-session",
            "--clearenv", "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/tmp",
            "--setenv", "LANG", "C.UTF-8",
            "--chdir", "/tmp", "--seccomp", str(seccomp_fd),
            *runtime.command(), *command[-3:],
        ]  # fmt: skip

    def _result(self, run: _Run, verdict: Verdict, expected: str) -> SandboxResult:
        status, error = summarize(
            run.collected,
            run.returncode,
            timeout=run.timeout,
            limits=self.limits,
            oom_kills=run.hits[0],
            pids_hits=run.hits[1],
            verdict=verdict,
            expected=expected,
        )
        return SandboxResult(
            status=status,
            exit_code=run.returncode,
            duration_ms=round((time.monotonic() - run.started) * 1000, 1),
            stdout=run.collected.stdout,
            stderr=run.collected.stderr,
            figures=verdict.figures if status == expected else {},
            error=error,
            python_version=self.python_version if run.runtime == "python" else "",
            sandbox_version=self.version
            if run.runtime == "python"
            else self.version.replace(f"Python {self.python_version}", f"Node {self.node_version}"),
            run_id=run.name,
        )


@dataclass(frozen=True)
class _Run:
    """What a finished run left for its result."""

    name: str
    collected: Collected
    returncode: int | None
    started: float
    timeout: float
    hits: tuple[int, int]
    runtime: str = "python"
