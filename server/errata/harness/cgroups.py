"""Per-run cgroups (v1: memory, pids, cpu) under one parent capped at one CPU.

Layout: /sys/fs/cgroup/<controller>/errata-sandbox/run-<harness pid>-<n>-<random>. The run id
carries the pid of the harness that made it, so a sweep at startup removes the runs of dead
harnesses (killed mid-run) without touching those of a live one (another server, a test).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PARENT = "errata-sandbox"
CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000
_RUN_NAME = re.compile(r"^run-(\d+)-")


class CgroupError(OSError):
    """The cgroups the sandbox needs cannot be created or written."""


@dataclass(frozen=True)
class RunLimits:
    """What one run's cgroup allows."""

    memory_bytes: int
    pids: int
    cpus: float


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(value)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _dirs(name: str) -> list[Path]:
    return [CGROUP_ROOT / c / PARENT / name for c in CONTROLLERS]


def prepare_parent(total_cpus: float) -> None:
    """Create the parent cgroups (idempotent) and cap all sandboxes together at `total_cpus`."""
    for controller in CONTROLLERS:
        base = CGROUP_ROOT / controller
        if not (base / "cgroup.procs").exists():
            raise CgroupError(
                f"per-run cgroups need the cgroup v1 {controller!r} controller at {base}, "
                "which this host does not mount (cgroup v2 is not supported yet)"
            )
        try:
            (base / PARENT).mkdir(exist_ok=True)
        except OSError as exc:
            raise CgroupError(f"cannot create {base / PARENT}: {exc.strerror}") from exc
    cpu = CGROUP_ROOT / "cpu" / PARENT
    try:
        _write(cpu / "cpu.cfs_period_us", str(CPU_PERIOD_US))
        _write(cpu / "cpu.cfs_quota_us", str(int(CPU_PERIOD_US * total_cpus)))
        _write(cpu / "cpu.shares", "1024")  # a lower share starves runs whenever a core is busy
        _write(CGROUP_ROOT / "memory" / PARENT / "memory.use_hierarchy", "1")
    except OSError as exc:
        if exc.errno != 16:  # EBUSY: use_hierarchy is fixed once children exist
            raise CgroupError(f"cannot configure the sandbox cgroups: {exc}") from exc


def create_run(name: str, limits: RunLimits) -> None:
    """Create the run's cgroups with their limits; undone by `destroy_run`."""
    memory, pids, cpu = _dirs(name)
    try:
        for d in (memory, pids, cpu):
            d.mkdir()
        _write(memory / "memory.limit_in_bytes", str(limits.memory_bytes))
        if (memory / "memory.memsw.limit_in_bytes").exists():
            _write(memory / "memory.memsw.limit_in_bytes", str(limits.memory_bytes))
        _write(memory / "memory.swappiness", "0")
        _write(pids / "pids.max", str(limits.pids))
        _write(cpu / "cpu.cfs_period_us", str(CPU_PERIOD_US))
        _write(cpu / "cpu.cfs_quota_us", str(int(CPU_PERIOD_US * limits.cpus)))
    except OSError as exc:
        destroy_run(name)
        raise CgroupError(f"cannot create the run's cgroups: {exc}") from exc


def cgexec_group(name: str) -> str:
    """The `cgexec -g` argument that starts a process in the run's cgroups."""
    return f"{','.join(CONTROLLERS)}:{PARENT}/{name}"


def pids_of(name: str) -> set[int]:
    """Every process still in the run's cgroups."""
    found: set[int] = set()
    for d in _dirs(name):
        found.update(int(p) for p in _read(d / "cgroup.procs").split())
    return found


def memory_oom_kills(name: str) -> int:
    """How many processes of the run the memory limit killed."""
    text = _read(CGROUP_ROOT / "memory" / PARENT / name / "memory.oom_control")
    match = re.search(r"^oom_kill (\d+)$", text, re.M)
    return int(match.group(1)) if match else 0


def pids_limit_hits(name: str) -> int:
    """How many forks the pids limit refused."""
    match = re.search(
        r"^max (\d+)$", _read(CGROUP_ROOT / "pids" / PARENT / name / "pids.events"), re.M
    )
    return int(match.group(1)) if match else 0


def destroy_run(name: str, *, timeout: float = 2.0) -> bool:
    """SIGKILL every process of the run, then remove its cgroups; True when all are gone."""
    deadline = time.monotonic() + timeout
    dirs = [d for d in _dirs(name) if d.exists()]
    while dirs:
        for pid in pids_of(name):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        remaining = []
        for d in dirs:
            try:
                d.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                remaining.append(d)  # EBUSY: a process (or zombie) is still in it
        dirs = remaining
        if not dirs:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def run_exists(name: str) -> bool:
    """True while any of the run's cgroups is still there."""
    return any(d.exists() for d in _dirs(name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale() -> int:
    """Kill and remove the runs left by harnesses that no longer exist; how many were removed."""
    stale: set[str] = set()
    for controller in CONTROLLERS:
        parent = CGROUP_ROOT / controller / PARENT
        if not parent.is_dir():
            continue
        for child in parent.iterdir():
            match = _RUN_NAME.match(child.name)
            if child.is_dir() and match and not _alive(int(match.group(1))):
                stale.add(child.name)
    for name in stale:
        destroy_run(name)
    return len(stale)


def kill_own_runs() -> int:
    """SIGKILL the sandbox runs this process started (the server is stopping); how many."""
    parent = CGROUP_ROOT / "pids" / PARENT
    prefix = f"run-{os.getpid()}-"
    killed = 0
    for run in parent.iterdir() if parent.is_dir() else []:
        if run.name.startswith(prefix):
            for pid in pids_of(run.name):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            killed += 1
    return killed
