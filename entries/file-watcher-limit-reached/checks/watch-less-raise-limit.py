"""A recursive watcher over a project with node_modules, .git and dist runs past a watch limit
(ENOSPC, as inotify_add_watch fails); watching only what the ignore list leaves fits, and the
sysctl.d file and /proc values parse."""

import errno
import tempfile
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
watched_dirs, inotify_limits = ns["watched_dirs"], ns["inotify_limits"]
sysctl_conf, parse_sysctl, fits = ns["sysctl_conf"], ns["parse_sysctl"], ns["fits"]

root = Path(tempfile.mkdtemp()) / "app"
for i in range(8):
    (root / "src" / f"feature{i}" / "components").mkdir(parents=True)
for i in range(600):  # packages, each with lib/ and dist/ folders, like a real node_modules
    for sub in ("lib", "dist"):
        (root / "node_modules" / f"pkg{i}" / sub).mkdir(parents=True)
for i in range(256):
    (root / ".git" / "objects" / f"{i:02x}").mkdir(parents=True)
for i in range(40):
    (root / "dist" / "assets" / f"chunk{i}").mkdir(parents=True)

LIMIT = 1000  # stands in for fs.inotify.max_user_watches, which needs root to change


class Inotify:
    """One watch per directory, and ENOSPC past the limit, as the kernel's inotify_add_watch."""

    def __init__(self, limit: int) -> None:
        self.limit, self.watches = limit, []

    def add_watch(self, path: str) -> None:
        if len(self.watches) >= self.limit:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        self.watches.append(path)


# WRONG: everything under the project root, node_modules and .git included.
everything = watched_dirs(str(root), frozenset())
naive = Inotify(LIMIT)
try:
    for path in everything:
        naive.add_watch(path)
    raise AssertionError("watching the whole tree should run past the limit")
except OSError as exc:
    assert exc.errno == errno.ENOSPC and str(exc) == "[Errno 28] inotify watch limit reached", exc
assert len(everything) > LIMIT and len(naive.watches) == LIMIT

# RIGHT: prune ignored trees before descending; the source tree fits with room to spare.
kept = watched_dirs(str(root))
fixed = Inotify(LIMIT)
for path in kept:
    fixed.add_watch(path)
assert len(kept) == 1 + 1 + 8 * 2, len(kept)
assert not any(part in {"node_modules", ".git", "dist"} for p in kept for part in Path(p).parts)

# The limits as /proc/sys/fs/inotify shows them, read from a copy and from this machine.
proc = Path(tempfile.mkdtemp())
for name, value in (("max_user_watches", "8192\n"), ("max_user_instances", "128\n"), ("max_queued_events", "16384\n")):
    (proc / name).write_text(value, encoding="utf-8")
assert inotify_limits(str(proc)) == {"max_user_watches": 8192, "max_user_instances": 128, "max_queued_events": 16384}
here = inotify_limits()
assert all(isinstance(v, int) and v > 0 for v in here.values()), here

# The persistent setting: a sysctl.d file that sysctl --system reads at boot.
conf = "# raise inotify limits for dev servers and editors\n" + sysctl_conf()
assert parse_sysctl(conf) == {"fs.inotify.max_user_watches": 524288, "fs.inotify.max_user_instances": 512}
assert fits(str(root)) is (len(kept) <= here.get("max_user_watches", 8192) * 0.5)

record(
    dirs_in_project=len(everything),
    watch_limit=LIMIT,
    watches_before_enospc=len(naive.watches),
    dirs_watched_with_ignores=len(kept),
    sandbox_max_user_watches=here.get("max_user_watches", 0),
)
