"""Watch only the source tree (one inotify watch per directory), and raise the kernel limit persistently."""

import os
from pathlib import Path

# WRONG: a recursive watcher on the project root (webpack/Vite/chokidar, nodemon, Jest --watch,
# watchdog, uvicorn/Django --reload, VS Code) adds one inotify watch per directory, including
# node_modules, .git, dist and .venv. Past fs.inotify.max_user_watches (8192 on older kernels,
# shared by every process of the user) inotify_add_watch fails with ENOSPC:
#     Error: ENOSPC: System limit for number of file watchers reached, watch '/app/node_modules/...'
#     OSError: [Errno 28] inotify watch limit reached
# and past max_user_instances (often 128) inotify_init fails with EMFILE:
#     OSError: [Errno 24] inotify instance limit reached

IGNORED = frozenset({"node_modules", ".git", "dist", "build", ".venv", "venv", "__pycache__", ".next", "coverage"})
INOTIFY_DIR = "/proc/sys/fs/inotify"
SYSCTL_FILE = "/etc/sysctl.d/60-inotify-watches.conf"


def watched_dirs(root: str, ignored: frozenset[str] = IGNORED) -> list[str]:
    """The directories a recursive watcher adds a watch for, pruning ignored names before descending."""
    found = []
    for current, dirnames, _files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ignored)
        found.append(current)
    return found


def inotify_limits(folder: str = INOTIFY_DIR) -> dict[str, int]:
    """max_user_watches, max_user_instances and max_queued_events as ints (empty where /proc has none)."""
    limits = {}
    for name in ("max_user_watches", "max_user_instances", "max_queued_events"):
        path = Path(folder) / name
        if path.is_file():
            limits[name] = int(path.read_text(encoding="utf-8").strip())
    return limits


def sysctl_conf(watches: int = 524288, instances: int = 512) -> str:
    """The file to put in /etc/sysctl.d/ (then `sudo sysctl --system`): it survives reboots."""
    return f"fs.inotify.max_user_watches = {watches}\nfs.inotify.max_user_instances = {instances}\n"


def parse_sysctl(text: str) -> dict[str, int]:
    """Read `key = value` lines of a sysctl.d file, skipping comments, as sysctl --system does."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")) and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            values[key] = int(value)
    return values


def fits(root: str, ignored: frozenset[str] = IGNORED, headroom: float = 0.5) -> bool:
    """True when watching root takes at most `headroom` of this machine's watch limit."""
    limit = inotify_limits().get("max_user_watches", 8192)
    return len(watched_dirs(root, ignored)) <= limit * headroom
