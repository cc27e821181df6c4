"""Keep a SQLite database on a local filesystem: check where its path lives before opening it."""

import os
import re
import shutil
import sqlite3
from pathlib import Path

# WRONG: sqlite3.connect("/mnt/nas/app/app.db")  (an NFS or SMB share, or a Windows/macOS folder
# bind-mounted into a container). SQLite's byte-range locks fail or lie there, so even one writer
# gets "database is locked" or "disk I/O error", WAL cannot share its -shm index, and two hosts
# writing at once corrupt the file. A busy timeout, WAL or fewer writers change nothing.

# Filesystem types (as /proc/mounts names them) that are shared over a network or between a
# host and a VM or container; FUSE types count too, except the local ones below.
NETWORK_FS_TYPES = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "virtiofs", "fakeowner", "drvfs", "vboxsf",
    "vmhgfs", "prl_fs", "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "afs", "davfs", "fuse",
}
LOCAL_FUSE_TYPES = {"fuse.fuse-overlayfs", "fuse.lxcfs"}
SIDE_FILES = ("", "-wal", "-journal")  # a database travels with its WAL or hot journal


class NetworkFilesystemError(RuntimeError):
    """The database path is on a filesystem whose locks SQLite cannot rely on."""


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a mount point as \\040 (octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _under(mount_point: str, path: str) -> bool:
    """True if `path` is `mount_point` or inside it."""
    return mount_point in ("/", path) or path.startswith(mount_point.rstrip("/") + "/")


def mount_of(path: str | os.PathLike, mounts_text: str | None = None) -> tuple[str, str]:
    """(mount point, filesystem type) holding `path`: the longest mount point over its real path."""
    if mounts_text is None:
        mounts_text = Path("/proc/mounts").read_text(encoding="utf-8")
    target, best = os.path.realpath(path), ("", "")
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) >= 3 and _under(_unescape(fields[1]), target):
            point = _unescape(fields[1])
            if len(point) >= len(best[0]):  # the later of two stacked mounts wins
                best = (point, fields[2])
    return best


def is_network_fs(fs_type: str) -> bool:
    """True for NFS, SMB/CIFS, host shares into a VM or container, cluster and FUSE filesystems."""
    if fs_type in LOCAL_FUSE_TYPES:
        return False
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith("fuse.")


def local_database_path(
    path: str | os.PathLike,
    local_dir: str | os.PathLike | None = None,
    mounts_text: str | None = None,
) -> Path:
    """`path` if it is on a local filesystem. Otherwise raise NetworkFilesystemError, or, given
    `local_dir` (itself local), return the database's place there, copied over on first use."""
    path = Path(path)
    point, fs_type = mount_of(path, mounts_text)
    if not is_network_fs(fs_type):
        return path
    if local_dir is None:
        raise NetworkFilesystemError(
            f"{path} is on {fs_type} (mounted at {point}): SQLite's file locks do not work there, "
            "so writes fail with 'database is locked' or 'disk I/O error' and WAL cannot work. "
            "Keep it on a local disk (or pass local_dir), or use a client/server database."
        )
    return _move_to(path, Path(local_dir), mounts_text)


def _move_to(path: Path, local_dir: Path, mounts_text: str | None) -> Path:
    local_dir.mkdir(parents=True, exist_ok=True)
    point, fs_type = mount_of(local_dir, mounts_text)
    if is_network_fs(fs_type):
        raise NetworkFilesystemError(f"local_dir {local_dir} is on {fs_type} too ({point})")
    local = local_dir / path.name
    if path.exists() and not local.exists():
        for suffix in SIDE_FILES:  # copy while nothing writes to it; the share keeps the original
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{local}{suffix}")
    return local


def connect(
    path: str | os.PathLike, local_dir: str | os.PathLike | None = None, **kwargs
) -> sqlite3.Connection:
    """sqlite3.connect on a path checked (or moved) to a local filesystem."""
    return sqlite3.connect(local_database_path(path, local_dir), **kwargs)
