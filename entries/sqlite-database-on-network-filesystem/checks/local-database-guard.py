"""A database on a filesystem whose locks fail: one writer fails on every write; the guard refuses
such paths (or moves the database to a local folder), and a local path writes at once.

The sandbox has no network mount, so the check does two things:

- a child process installs a syscall filter that answers SQLite's lock calls (fcntl F_SETLK and
  F_SETLKW) the way a broken network mount does: ENOLCK ("No locks available", an NFS client
  without a lock manager) or EIO. One connection, nobody else: "database is locked" after the
  whole busy timeout, also in WAL mode, or "disk I/O error" at once;
- the guard reads mount tables as /proc/mounts prints them (an SMB share under Docker for
  Windows, NFS homes, Docker Desktop's fakeowner and grpcfuse, WSL's 9p, a path with a space,
  nested and stacked mounts, a symlink into a share), and the sandbox's own table, where a plain
  sqlite3 write on the local path succeeds.
"""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from errata_check import load_snippet, record

ns = load_snippet()
mount_of, is_network_fs = ns["mount_of"], ns["is_network_fs"]
local_database_path, connect = ns["local_database_path"], ns["connect"]
NetworkFilesystemError = ns["NetworkFilesystemError"]

CHILD = r"""
import ctypes, json, platform, sqlite3, struct, sys, time

arch, fcntl_nr = {"x86_64": (0xC000003E, 72), "aarch64": (0xC00000B7, 25)}[platform.machine()]
answer, path, wal, busy_s = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "wal", float(sys.argv[4])
op = lambda code, jt, jf, k: struct.pack("HBBI", code, jt, jf, k)
program = b"".join([
    op(0x20, 0, 0, 4), op(0x15, 0, 6, arch),              # another architecture: allow
    op(0x20, 0, 0, 0), op(0x15, 0, 4, fcntl_nr),          # not fcntl: allow
    op(0x20, 0, 0, 24), op(0x15, 1, 0, 6), op(0x15, 0, 1, 7),  # cmd F_SETLK or F_SETLKW
    op(0x06, 0, 0, 0x00050000 | answer), op(0x06, 0, 0, 0x7FFF0000),
])
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
prog = Prog(len(program) // 8, program)
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
assert libc.prctl(38, 1, None, 0, 0) == 0, ctypes.get_errno()  # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.addressof(prog), 0, 0) == 0, ctypes.get_errno()  # install the syscall filter
start = time.monotonic()
try:
    conn = sqlite3.connect(path, timeout=busy_s)  # the only connection to this file
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    outcome = "written"
except sqlite3.OperationalError as exc:
    outcome = str(exc)
print(json.dumps([outcome, round(time.monotonic() - start, 3)]))
"""
ENOLCK, EIO = 37, 5


def write_with_broken_locks(answer: int, wal: bool, busy_s: float = 0.4) -> tuple[str, float]:
    path = os.path.join(tempfile.mkdtemp(), "app.db")
    argv = [sys.executable, "-S", "-c", CHILD, str(answer), path, "wal" if wal else "-", str(busy_s)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcome, seconds = json.loads(proc.stdout.strip().splitlines()[-1])
    return outcome, seconds


# 1. The failure: a single writer, a busy timeout, WAL or not.
locked, locked_s = write_with_broken_locks(ENOLCK, wal=False)
locked_wal, locked_wal_s = write_with_broken_locks(ENOLCK, wal=True)
io_error, io_error_s = write_with_broken_locks(EIO, wal=False, busy_s=3.0)
assert locked == locked_wal == "database is locked", (locked, locked_wal)
assert locked_s >= 0.35 and locked_wal_s >= 0.35, (locked_s, locked_wal_s)  # waited in vain
assert io_error == "disk I/O error" and io_error_s < 1.5, (io_error, io_error_s)  # no waiting
assert write_with_broken_locks(0, wal=False)[0] == "written"  # the filter alone changes nothing

# 2. The guard on mount tables.
TABLE = r"""overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/ABC 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
/dev/sda1 /var/lib/app ext4 rw,relatime 0 0
//10.0.75.1/C /data cifs rw,relatime,vers=3.02,cache=strict,nobrl,addr=10.0.75.1 0 0
/dev/sdb1 /data/local ext4 rw,relatime 0 0
nas:/export/home /home nfs4 rw,relatime,vers=4.2,hard,proto=tcp,local_lock=none 0 0
/run/host_mark/Users /app fakeowner rw,relatime 0 0
grpcfuse /code fuse.grpcfuse rw,nosuid,nodev,relatime,user_id=0,group_id=0 0 0
C:\134 /mnt/c 9p rw,noatime,aname=drvfs;path=C:\;uid=1000;gid=1000 0 0
//nas/media /mnt/my\040share cifs rw,relatime,vers=3.1.1 0 0
/dev/sdc1 /srv ext4 rw 0 0
nas:/srv /srv nfs4 rw,vers=4.1 0 0
fuse-overlayfs /var/lib/podman fuse.fuse-overlayfs rw 0 0
"""
expected = {
    "/data/app.db": ("/data", "cifs", True),
    "/data/local/app.db": ("/data/local", "ext4", False),
    "/database/app.db": ("/", "overlay", False),  # /data is not a prefix of /database
    "/home/me/.local/share/app/app.db": ("/home", "nfs4", True),
    "/app/data/app.db": ("/app", "fakeowner", True),
    "/code/db.sqlite3": ("/code", "fuse.grpcfuse", True),
    "/mnt/c/Users/me/app.db": ("/mnt/c", "9p", True),
    "/mnt/my share/app.db": ("/mnt/my share", "cifs", True),
    "/srv/app.db": ("/srv", "nfs4", True),  # mounted over the ext4 one: the later mount wins
    "/var/lib/app/app.db": ("/var/lib/app", "ext4", False),
    "/var/lib/podman/app.db": ("/var/lib/podman", "fuse.fuse-overlayfs", False),
    "/tmp/app.db": ("/tmp", "tmpfs", False),
}
for path, (point, fs_type, network) in expected.items():
    assert mount_of(path, TABLE) == (point, fs_type), (path, mount_of(path, TABLE))
    assert is_network_fs(fs_type) is network, fs_type
    if network:
        try:
            local_database_path(path, mounts_text=TABLE)
            raise AssertionError(f"{path} on {fs_type} was accepted")
        except NetworkFilesystemError as exc:
            assert fs_type in str(exc) and point in str(exc), str(exc)
            assert "database is locked" in str(exc) and "local" in str(exc), str(exc)
    else:
        assert local_database_path(path, mounts_text=TABLE) == Path(path)

# A symlink into a share is judged by where it leads.
root = Path(os.path.realpath(tempfile.mkdtemp()))
share, local_dir = root / "share", root / "local"
share.mkdir()
os.symlink(share, root / "link")
share_table = TABLE + f"nas:/export/app {share} nfs4 rw,vers=4.2 0 0\n"
assert mount_of(root / "link" / "app.db", share_table) == (str(share), "nfs4")

# 3. Moving the database: the existing data comes along, writes succeed on the local copy.
original = sqlite3.connect(share / "app.db")
original.execute("CREATE TABLE notes (body TEXT)")
original.execute("INSERT INTO notes VALUES ('kept')")
original.commit()
original.close()
moved = local_database_path(root / "link" / "app.db", local_dir, share_table)
assert moved == local_dir / "app.db" and moved.exists(), moved
conn = sqlite3.connect(moved, timeout=0)
conn.execute("INSERT INTO notes VALUES ('new')")
conn.commit()
conn.close()
again = local_database_path(share / "app.db", local_dir, share_table)  # no second copy over it
rows = [r for (r,) in sqlite3.connect(again).execute("SELECT body FROM notes ORDER BY rowid")]
assert rows == ["kept", "new"], rows
try:
    local_database_path(share / "app.db", share / "cache", share_table)
    raise AssertionError("a local_dir on the share was accepted")
except NetworkFilesystemError as exc:
    assert "nfs4" in str(exc), str(exc)

# 4. This machine's own mount table: the temporary folder is local, and one writer just writes.
real_point, real_type = mount_of(root)
assert real_type and not is_network_fs(real_type), (real_point, real_type)
start = time.monotonic()
conn = connect(root / "plain.db", timeout=0)
assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
conn.execute("CREATE TABLE notes (body TEXT)")
conn.execute("INSERT INTO notes VALUES ('hello')")
conn.commit()
local_write_ms = (time.monotonic() - start) * 1000
assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
conn.close()

record(
    enolck_single_writer=f"{locked} after {locked_s:.2f} s of a 0.4 s busy timeout",
    enolck_single_writer_wal=f"{locked_wal} after {locked_wal_s:.2f} s",
    eio_single_writer=f"{io_error} after {io_error_s:.3f} s of a 3 s busy timeout",
    mount_tables_judged=len(expected),
    sandbox_tmp_filesystem=real_type,
    local_write_ms=round(local_write_ms, 1),
)
