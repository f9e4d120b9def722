#!/usr/bin/env bash
# Self-test of lossyfs, the power-cut filesystem (see README.md): builds it, mounts it on temp folders and checks, in
# both --meta modes where they differ, that a cut keeps exactly what was made durable. One PASS/FAIL line per case.
#
# Exit status: 0 = every case passed; 1 = a case failed (or the build failed);
#              77 = skipped: FUSE cannot be used here (no /dev/fuse, fusermount3 missing and not installable, mount
#                   refused); prints "SKIP: <reason>".
# Usage: bash tests/reliability/powercut/selftest.sh
#   env: CASES="1 5" runs only those cases; KEEP_WORK=1 keeps the temp folder (lossyfs logs, backings);
#        N=300 commits per SQLite case; COMMITS=2000 for the throughput figure; OPS=1500 per random-model run.
# Needs root, or a user allowed to mount FUSE; installs fuse3/libfuse3-dev/pkg-config/gcc with apt-get when missing
# (as root). Starts no servers; touches nothing outside its temp folder but the lossyfs binary built next to it.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
N=${N:-300}
COMMITS=${COMMITS:-2000}
OPS=${OPS:-1500}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lossyfs-selftest.XXXXXX")
PIDS=()      # helper processes this script started and has not reaped (SIGKILLed at exit)
FSPIDS=()    # lossyfs daemons this script started and has not reaped (unmounted at exit)
MOUNTS=()    # mountpoints this script mounted
FAILS=0

forget_pid() { # forget_pid ARRAY PID: PID was reaped, drop it from ARRAY
    local -n arr=$1
    local p keep=()
    for p in "${arr[@]}"; do [[ $p == "$2" ]] || keep+=("$p"); done
    arr=("${keep[@]}")
}
cleanup() {
    local rc=$? m p
    trap - EXIT
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    for m in "${MOUNTS[@]}"; do
        mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null; }
    done
    for p in "${FSPIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    if [[ -n ${KEEP_WORK:-} ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

skip() { echo "SKIP: $*"; exit 77; }
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
apt_install() { # apt_install PACKAGE...: only as root, only where apt-get exists
    [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null || return 1
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

# ---- prerequisites ----
[[ -c /dev/fuse ]] || skip "no /dev/fuse"
command -v fusermount3 >/dev/null || apt_install fuse3
command -v fusermount3 >/dev/null || skip "fusermount3 is missing and cannot be installed"
command -v mountpoint >/dev/null || skip "mountpoint (util-linux) is missing"
{ command -v gcc && pkg-config --exists fuse3; } >/dev/null 2>&1 || apt_install gcc pkg-config libfuse3-dev ||
    skip "cannot install gcc, pkg-config and libfuse3-dev"
[[ -x $PY ]] && "$PY" -c 'import sqlite3' 2>/dev/null || skip "$PY with its sqlite3 module is missing"
LOSSYFS=$(bash "$HERE/build.sh") || { echo "FAIL: build"; exit 1; }

# ---- mounting ----
# up NAME META: mounts $WORK/NAME/backing (created if missing) on $WORK/NAME/mnt; sets MNT, FSPID, STATS.
MOUNT_NO=0
up() {
    local dir="$WORK/$1"
    mkdir -p "$dir/backing" "$dir/mnt"
    MOUNT_NO=$((MOUNT_NO + 1))
    MNT="$dir/mnt" STATS="$dir/stats.$MOUNT_NO.json"
    "$LOSSYFS" "$dir/backing" "$MNT" --meta="$2" --stats="$STATS" 2>>"$dir/lossyfs.log" &
    FSPID=$!
    FSPIDS+=("$FSPID")
    MOUNTS+=("$MNT")
    for _ in $(seq 1 100); do
        mountpoint -q "$MNT" && return 0
        kill -0 "$FSPID" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}
# wait_fs: waits (60 s at most) for the daemon to finish writing the durable state and exit; its exit status.
wait_fs() {
    local rc
    for _ in $(seq 1 600); do kill -0 "$FSPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$FSPID" 2>/dev/null && { echo "lossyfs $FSPID did not exit within 60 s; killing it" >&2; kill -KILL "$FSPID"; }
    wait "$FSPID"
    rc=$?
    forget_pid FSPIDS "$FSPID"
    return "$rc"
}
# power_cut: the cut itself, once the caller has killed the processes using the mount: unmount, then wait for the
# daemon to write the durable state into the backing folder.
power_cut() {
    for _ in $(seq 1 50); do fusermount3 -u "$MNT" 2>/dev/null && break; sleep 0.1; done
    wait_fs
}
stat_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$STATS" "$1"; }
# py ARGS... <<EOF: runs a Python snippet (errors on stderr; its exit status is the snippet's).
py() { "$PY" - "$@"; }
fsync_dir() { printf 'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY|os.O_DIRECTORY)\nos.fsync(fd)\n' | "$PY" - "$1"; }

# ---- 1. writes without fsync are lost ----
case_1() {
    local meta c lost files got fresh want_fresh
    for meta in lazy eager; do
        c="1-nofsync-$meta"
        mkdir -p "$WORK/$c/backing" && printf 'old content' >"$WORK/$c/backing/existing"
        up "$c" "$meta" || { fail "$c: mount"; continue; }
        py "$MNT" <<'EOF' || fail "$c: writing"
import sys
m = sys.argv[1]
with open(f"{m}/existing", "r+b") as f:   # rewrites an existing durable file, no fsync
    f.write(b"NEW CONTENT, never synced" * 10)
with open(f"{m}/fresh", "wb") as f:       # a new file, no fsync
    f.write(b"x" * 10000)
EOF
        power_cut || fail "$c: unmount"
        lost=$(stat_field bytes_lost) files=$(stat_field files_with_lost_data)
        up "$c" "$meta" || { fail "$c: remount"; continue; }
        got=$(cat "$MNT/existing" 2>&1)
        fresh=$([[ -e $MNT/fresh ]] && stat -c %s "$MNT/fresh" || echo missing)
        want_fresh=$([[ $meta == lazy ]] && echo missing || echo 0)
        if [[ $got == "old content" && $fresh == "$want_fresh" && $lost -gt 0 && $files -eq 2 ]]; then
            pass "$c: unsynced writes dropped (existing file back to its old content; new file: $([[ $fresh == 0 ]] && echo 'empty' || echo "$fresh"); stats: $files files, $lost bytes lost)"
        else
            fail "$c: existing='$got' fresh=$fresh (want $want_fresh) bytes_lost=$lost files_with_lost_data=$files"
        fi
        power_cut || fail "$c: unmount"
    done
}

# ---- 2. a new file, fsync of the file only ----
case_2() {
    local meta c entries got
    for meta in lazy eager; do
        c="2-fsync-no-dirsync-$meta"
        up "$c" "$meta" || { fail "$c: mount"; continue; }
        py "$MNT" <<'EOF' || fail "$c: writing"
import os, sys
fd = os.open(f"{sys.argv[1]}/new", os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644)
os.write(fd, b"synced data")
os.fsync(fd)
os.close(fd)
EOF
        power_cut || fail "$c: unmount"
        entries=$(stat_field entries_reverted)
        up "$c" "$meta" || { fail "$c: remount"; continue; }
        got=$(cat "$MNT/new" 2>/dev/null || echo missing)
        if [[ $meta == lazy && $got == missing && $entries -eq 1 ]]; then
            pass "$c: file missing after the cut (its directory was never fsynced; entries_reverted=$entries)"
        elif [[ $meta == eager && $got == "synced data" ]]; then
            pass "$c: file present with its data"
        else
            fail "$c: got '$got' entries_reverted=$entries"
        fi
        power_cut || fail "$c: unmount"
    done
}

# ---- 3. a temp file, not fsynced, renamed over an existing file ----
# ---- 4. the same with fsync of the temp file, then of the directory after the rename ----
case_rename() { # case_rename 0|1 (fsync)
    local sync=$1 meta c got tmp want
    for meta in lazy eager; do
        c="$((3 + sync))-rename-$([[ $sync == 1 ]] && echo fsync || echo nofsync)-$meta"
        mkdir -p "$WORK/$c/backing" && printf 'old feed' >"$WORK/$c/backing/feed.xml"
        up "$c" "$meta" || { fail "$c: mount"; continue; }
        py "$MNT" "$sync" <<'EOF' || fail "$c: writing"
import os, sys
m, sync = sys.argv[1], sys.argv[2] == "1"
with open(f"{m}/.feed.xml.tmp", "wb") as f:
    f.write(b"new feed document")
    if sync:
        f.flush()
        os.fsync(f.fileno())
os.rename(f"{m}/.feed.xml.tmp", f"{m}/feed.xml")
if sync:
    d = os.open(m, os.O_RDONLY | os.O_DIRECTORY)
    os.fsync(d)
    os.close(d)
EOF
        power_cut || fail "$c: unmount"
        up "$c" "$meta" || { fail "$c: remount"; continue; }
        got=$(cat "$MNT/feed.xml" 2>/dev/null || echo missing)
        tmp=$([[ -e $MNT/.feed.xml.tmp ]] && echo present || echo absent)
        if [[ $sync == 1 ]]; then want="new feed document"
        elif [[ $meta == lazy ]]; then want="old feed"
        else want=""; fi
        if [[ $got == "$want" && $tmp == absent ]]; then
            pass "$c: feed.xml after the cut: '$got'$([[ -z $got ]] && echo ' (empty: the rename was durable, the data was not)'); no temp file left"
        else
            fail "$c: feed.xml='$got' (want '$want'), temp file $tmp"
        fi
        power_cut || fail "$c: unmount"
    done
}
case_3() { case_rename 0; }
case_4() { case_rename 1; }

# ---- 5. SQLite in WAL mode: synchronous=NORMAL loses the last commits, FULL loses none ----
# setup_db: the database in WAL mode with its table, made durable (SQLite fsyncs the file, we fsync the directory).
setup_db() {
    py "$MNT" <<'EOF'
import os, sqlite3, sys
m = sys.argv[1]
db = sqlite3.connect(f"{m}/test.db")
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
db.commit()
db.close()                 # checkpoints, fsyncs the database, removes the WAL
d = os.open(m, os.O_RDONLY | os.O_DIRECTORY)
os.fsync(d)
os.close(d)
EOF
}
# The inserter: N single-row committed transactions, then it writes what they took into READY and waits to be
# SIGKILLed with the connection still open (so SQLite never checkpoints on close).
INSERTER='
import sqlite3, sys, time
m, sync, n, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
db = sqlite3.connect(f"{m}/test.db", isolation_level=None)
db.execute(f"PRAGMA synchronous={sync}")
db.execute("PRAGMA wal_autocheckpoint=100")   # a checkpoint every ~100 commits here
t0 = time.monotonic()
for i in range(1, n + 1):
    db.execute("BEGIN")
    db.execute("INSERT INTO t(id, v) VALUES (?, ?)", (i, "row %d " % i + "x" * 100))
    db.execute("COMMIT")
with open(ready, "w") as f:
    f.write("%.3f" % (time.monotonic() - t0))
time.sleep(3600)
'
# run_inserts SYNC N: runs the inserter and SIGKILLs it once its N commits are done; sets SECS (what they took).
run_inserts() {
    local ready="$WORK/ready.$RANDOM" pid
    SECS=""
    "$PY" -c "$INSERTER" "$MNT" "$1" "$2" "$ready" &
    pid=$!
    PIDS+=("$pid")
    while [[ ! -s $ready ]] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    forget_pid PIDS "$pid"
    [[ -s $ready ]] && SECS=$(cat "$ready")
}
# check_db: prints "ROWS CONTIGUOUS INTEGRITY"
check_db() {
    py "$MNT" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"{sys.argv[1]}/test.db")
ids = [r[0] for r in db.execute("SELECT id FROM t ORDER BY id")]
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
print(len(ids), "yes" if ids == list(range(1, len(ids) + 1)) else "no", ok)
EOF
}
case_5() {
    local meta sync c lost_bytes rows contiguous integrity lost
    for meta in lazy eager; do
        for sync in NORMAL FULL; do
            c="5-sqlite-$sync-$meta"
            up "$c" "$meta" || { fail "$c: mount"; continue; }
            setup_db || { fail "$c: setup"; power_cut; continue; }
            run_inserts "$sync" "$N" || { fail "$c: the inserter failed"; power_cut; continue; }
            power_cut || fail "$c: unmount"
            lost_bytes=$(stat_field bytes_lost)
            up "$c" "$meta" || { fail "$c: remount"; continue; }
            read -r rows contiguous integrity < <(check_db 2>&1)
            lost=$((N - ${rows:-0}))
            if [[ $contiguous == yes && $integrity == ok ]] &&
                { [[ $sync == FULL && $lost -eq 0 ]] || [[ $sync == NORMAL && $lost -gt 0 ]]; }; then
                pass "$c: $N commits in ${SECS}s; after the cut $rows rows (ids 1..$rows), $lost commits lost, integrity ok (stats: $lost_bytes bytes lost, the never-fsynced 32 KiB -shm included)"
            else
                fail "$c: $N commits; after the cut rows=$rows contiguous=$contiguous integrity=$integrity lost=$lost"
            fi
            power_cut || fail "$c: unmount"
        done
    done
}

# ---- 6. POSIX behaviour while mounted; a tree made durable level by level survives ----
case_6() {
    local c="6-posix" sha got
    up "$c" lazy || { fail "$c: mount"; return; }
    if py "$MNT" <<'EOF'; then
import ctypes, errno, fcntl, hashlib, mmap, os, random, shutil, subprocess, sys
m = sys.argv[1]
def expect_errno(code, fn, *args):
    try:
        fn(*args)
    except OSError as e:
        assert e.errno == code, (fn.__name__, args, e)
        return
    raise AssertionError(f"{fn.__name__}{args} did not fail with {errno.errorcode[code]}")

# unlink of an open file: it keeps working until closed
fd = os.open(f"{m}/gone", os.O_CREAT | os.O_RDWR, 0o644)
os.write(fd, b"abc")
os.unlink(f"{m}/gone")
assert "gone" not in os.listdir(m) and os.fstat(fd).st_nlink == 0
os.write(fd, b"def")
os.fsync(fd)
assert os.pread(fd, 10, 0) == b"abcdef" and os.fstat(fd).st_size == 6
os.close(fd)

# write after rename: the open file follows its inode
fd = os.open(f"{m}/a", os.O_CREAT | os.O_WRONLY, 0o644)
os.rename(f"{m}/a", f"{m}/b")
os.write(fd, b"written after rename")
os.close(fd)
assert open(f"{m}/b", "rb").read() == b"written after rename" and not os.path.exists(f"{m}/a")

# truncate down, up (zeros), ftruncate, O_TRUNC
pattern = bytes(range(256)) * 40                  # 10240 bytes
open(f"{m}/t", "wb").write(pattern)
os.truncate(f"{m}/t", 5000)
assert os.path.getsize(f"{m}/t") == 5000
os.truncate(f"{m}/t", 12000)
data = open(f"{m}/t", "rb").read()
assert data[:5000] == pattern[:5000] and data[5000:] == bytes(7000)
with open(f"{m}/t", "r+b") as f:
    os.ftruncate(f.fileno(), 3)
assert open(f"{m}/t", "rb").read() == bytes([0, 1, 2])
open(f"{m}/t", "wb").close()
assert os.path.getsize(f"{m}/t") == 0

# O_EXCL, O_APPEND
expect_errno(errno.EEXIST, os.open, f"{m}/b", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
fd = os.open(f"{m}/b", os.O_WRONLY | os.O_APPEND)
os.write(fd, b"+")
os.close(fd)
assert open(f"{m}/b", "rb").read() == b"written after rename+"

# rename: replacing, RENAME_NOREPLACE, RENAME_EXCHANGE, a directory into itself, a non-empty target directory
libc = ctypes.CDLL(None, use_errno=True)
def renameat2(a, b, flags):
    if libc.renameat2(-100, a.encode(), -100, b.encode(), flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
open(f"{m}/x", "w").write("X")
open(f"{m}/y", "w").write("Y")
expect_errno(errno.EEXIST, renameat2, f"{m}/x", f"{m}/y", 1)      # RENAME_NOREPLACE
renameat2(f"{m}/x", f"{m}/y", 2)                                   # RENAME_EXCHANGE
assert open(f"{m}/x").read() == "Y" and open(f"{m}/y").read() == "X"
os.rename(f"{m}/x", f"{m}/y")
assert open(f"{m}/y").read() == "Y" and not os.path.exists(f"{m}/x")
os.makedirs(f"{m}/d1/d2")
expect_errno(errno.EINVAL, os.rename, f"{m}/d1", f"{m}/d1/d2/d3")
os.mkdir(f"{m}/d4")
open(f"{m}/d4/f", "w").close()
expect_errno(errno.ENOTEMPTY, os.rename, f"{m}/d1", f"{m}/d4")
expect_errno(errno.ENOTEMPTY, os.rmdir, f"{m}/d4")
expect_errno(errno.EISDIR, os.rename, f"{m}/y", f"{m}/d4")
os.rename(f"{m}/d1/d2", f"{m}/d4/d2")
assert sorted(os.listdir(f"{m}/d4")) == ["d2", "f"] and os.listdir(f"{m}/d1") == []
os.rmdir(f"{m}/d1")

# hard links (.NET's File.Move without overwrite is link() + unlink())
open(f"{m}/h1", "w").write("H")
os.link(f"{m}/h1", f"{m}/h2")
assert os.stat(f"{m}/h1").st_nlink == 2 and os.stat(f"{m}/h1").st_ino == os.stat(f"{m}/h2").st_ino
os.unlink(f"{m}/h1")
assert open(f"{m}/h2").read() == "H" and os.stat(f"{m}/h2").st_nlink == 1

# a big directory: listed in several readdir calls, removed by rmtree while being listed
os.mkdir(f"{m}/many")
for i in range(500):
    open(f"{m}/many/file-with-a-long-name-{i:04d}", "w").close()
assert len(os.listdir(f"{m}/many")) == 500
shutil.rmtree(f"{m}/many")
assert not os.path.exists(f"{m}/many")

# shared writable mmap (as SQLite maps its -shm), seen by read() and by another mapping
with open(f"{m}/shm", "wb") as f:
    f.truncate(32768)
fd = os.open(f"{m}/shm", os.O_RDWR)
mm = mmap.mmap(fd, 32768, mmap.MAP_SHARED)
mm[5000:5005] = b"hello"
fd2 = os.open(f"{m}/shm", os.O_RDWR)
mm2 = mmap.mmap(fd2, 32768, mmap.MAP_SHARED)
assert mm2[5000:5005] == b"hello"
mm2[20000:20003] = b"xyz"
assert mm[20000:20003] == b"xyz"
mm.flush()
mm2.flush()
assert os.pread(fd, 5, 5000) == b"hello" and os.pread(fd, 3, 20000) == b"xyz"
mm.close(); mm2.close(); os.close(fd); os.close(fd2)

# posix_fallocate grows the file with zeros
fd = os.open(f"{m}/alloc", os.O_CREAT | os.O_RDWR, 0o644)
os.write(fd, b"1234")
os.posix_fallocate(fd, 0, 100000)
assert os.fstat(fd).st_size == 100000 and os.pread(fd, 100000, 0) == b"1234" + bytes(99996)
os.close(fd)

# fcntl locks are enforced between processes (by the kernel)
fd = os.open(f"{m}/lock", os.O_CREAT | os.O_RDWR, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
probe = "import fcntl,os,sys\nfd=os.open(sys.argv[1],os.O_RDWR)\ntry:\n fcntl.lockf(fd,fcntl.LOCK_EX|fcntl.LOCK_NB)\nexcept OSError:\n sys.exit(3)\n"
assert subprocess.run([sys.executable, "-c", probe, f"{m}/lock"]).returncode == 3
fcntl.lockf(fd, fcntl.LOCK_UN)
assert subprocess.run([sys.executable, "-c", probe, f"{m}/lock"]).returncode == 0
os.close(fd)

# sparse writes read back zeros; statfs answers
with open(f"{m}/sparse", "wb") as f:
    f.seek(3 << 20)
    f.write(b"end")
data = open(f"{m}/sparse", "rb").read()
assert len(data) == (3 << 20) + 3 and data[:3 << 20] == bytes(3 << 20) and data[-3:] == b"end"
assert os.statvfs(m).f_namemax == 255

# for after the cut: mkdir + a 5 MiB file fsynced + fsyncdir of every level survives ...
big = random.Random(1).randbytes(5 << 20)
os.makedirs(f"{m}/keep/sub")
with open(f"{m}/keep/sub/big", "wb") as f:
    f.write(big)
    os.fsync(f.fileno())
for d in (f"{m}/keep/sub", f"{m}/keep", m):
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY); os.fsync(fd); os.close(fd)
# ... but a directory made durable inside, never in its parent, vanishes with its contents
os.mkdir(f"{m}/lost")
with open(f"{m}/lost/f", "wb") as f:
    f.write(b"data"); os.fsync(f.fileno())
fd = os.open(f"{m}/lost", os.O_RDONLY | os.O_DIRECTORY); os.fsync(fd); os.close(fd)
open(f"{m}/big.sha256", "w").write(hashlib.sha256(big).hexdigest())
EOF
        pass "$c: unlinked-open file, write after rename, truncate, O_EXCL/O_APPEND, rename flags, rmdir, hard links, 500-entry directory, shared mmap, fallocate, fcntl locks, sparse files"
    else
        fail "$c"
    fi
    sha=$(cat "$MNT/big.sha256" 2>/dev/null)
    power_cut || fail "$c: unmount"
    up "$c" lazy || { fail "$c-cut: remount"; return; }
    got=$(sha256sum "$MNT/keep/sub/big" 2>/dev/null | cut -d' ' -f1)
    if [[ -n $sha && $got == "$sha" && ! -e $MNT/lost && ! -e $MNT/big.sha256 ]]; then
        pass "$c-cut: mkdir + fsynced 5 MiB file + fsyncdir of every level survive; a directory never fsynced in its parent vanishes"
    else
        fail "$c-cut: big file sha256 '$got', want '$sha'; lost/ $([[ -e $MNT/lost ]] && echo present || echo absent)"
    fi
    power_cut || fail "$c-cut: unmount"
}

# ---- 7. throughput, for the test driver to size its runs ----
case_7() {
    local c="7-throughput"
    up "$c" lazy || { fail "$c: mount"; return; }
    setup_db || { fail "$c: setup"; power_cut; return; }
    run_inserts FULL "$COMMITS" || { fail "$c: the inserter failed"; power_cut; return; }
    power_cut || fail "$c: unmount"
    echo "INFO: $c: $COMMITS SQLite commits (WAL, synchronous=FULL) on lossyfs: ${SECS} s ($(awk -v n="$COMMITS" -v s="$SECS" 'BEGIN{printf "%.0f", n/s}') commits/s; $(stat_field fsyncs) fsyncs)"
    pass "$c"
}

# ---- 8. random operations against a reference model of the durability rules ----
# model.py run MNT META SEED OPS WANT: random writes/truncates/fsyncs/fsyncdirs/renames/links/unlinks in three
# directories, mirrored in a model; checks the mounted (volatile) view, writes the expected durable tree into WANT.
# model.py check BACKING WANT: the backing folder after the cut is exactly WANT.
write_model() {
    cat >"$WORK/model.py" <<'EOF'
import json, os, random, sys
DIRS, NAMES = ["", "d1", "d2"], [f"f{i}" for i in range(6)]
if sys.argv[1] == "check":
    b, want = sys.argv[2], json.load(open(sys.argv[3]))
    for d, files in want.items():
        p = f"{b}/{d}" if d else b
        got = {x for x in os.listdir(p) if not (d == "" and x in DIRS)}
        assert got == set(files), ("durable names", d, sorted(got), sorted(files))
        for n, h in files.items():
            assert open(f"{p}/{n}", "rb").read().hex() == h, ("durable content", d, n)
    sys.exit(0)
m, eager, rnd, nops = sys.argv[2], sys.argv[3] == "eager", random.Random(int(sys.argv[4])), int(sys.argv[5])
vol, dur = {}, {}                           # inode -> volatile / durable bytes
ents = {d: ({}, {}) for d in DIRS}          # dir -> (volatile, durable) entries: name -> inode
for d in DIRS[1:]:
    os.mkdir(f"{m}/{d}")
fd = os.open(m, os.O_RDONLY | os.O_DIRECTORY); os.fsync(fd); os.close(fd)   # the subdirectories are durable
def path(d, n): return f"{m}/{d}/{n}" if d else f"{m}/{n}"
def changed(d, n):                          # --meta=eager: namespace changes are durable at once
    if eager:
        v, du = ents[d]
        if n in v: du[n] = v[n]
        else: du.pop(n, None)
for step in range(nops):
    op = rnd.choices(["write", "truncate", "fsync", "fsyncdir", "rename", "unlink", "link"], [30, 8, 12, 8, 12, 6, 4])[0]
    d, n = rnd.choice(DIRS), rnd.choice(NAMES)
    v = ents[d][0]
    if op == "write":
        off = max(0, rnd.choice([0, rnd.randrange(20000), 4096 * rnd.randrange(5) - rnd.randrange(3)]))
        data = rnd.randbytes(rnd.choice([1, 100, 4096, rnd.randrange(1, 12000)]))
        fd = os.open(path(d, n), os.O_WRONLY | os.O_CREAT, 0o644)
        os.pwrite(fd, data, off)
        os.close(fd)
        if n not in v:
            i = len(vol) + 1
            vol[i], dur[i], v[n] = bytearray(), bytearray(), i
            changed(d, n)
        b = vol[v[n]]
        b.extend(bytes(max(0, off - len(b))))
        b[off:off + len(data)] = data
    elif op == "truncate" and n in v:
        size = rnd.randrange(20000)
        os.truncate(path(d, n), size)
        b = vol[v[n]]
        del b[size:]
        b.extend(bytes(size - len(b)))
    elif op == "fsync" and n in v:
        fd = os.open(path(d, n), os.O_RDONLY); os.fsync(fd); os.close(fd)
        dur[v[n]] = bytearray(vol[v[n]])
    elif op == "fsyncdir":
        fd = os.open(f"{m}/{d}" if d else m, os.O_RDONLY | os.O_DIRECTORY); os.fsync(fd); os.close(fd)
        ents[d] = (v, dict(v))
    elif op in ("rename", "link") and n in v:
        d2, n2 = rnd.choice(DIRS), rnd.choice(NAMES)
        v2 = ents[d2][0]
        if op == "link" and n2 not in v2:
            os.link(path(d, n), path(d2, n2))
            v2[n2] = v[n]
            changed(d2, n2)
        elif op == "rename":
            os.rename(path(d, n), path(d2, n2))
            if v2.get(n2) != v[n]:          # onto another name of the same inode: a no-op
                v2[n2] = v.pop(n)
                changed(d, n); changed(d2, n2)
    elif op == "unlink" and n in v:
        os.unlink(path(d, n))
        del v[n]
        changed(d, n)
for d in DIRS:                              # the volatile view, while mounted
    got = sorted(x for x in os.listdir(f"{m}/{d}" if d else m) if x not in DIRS)
    assert got == sorted(ents[d][0]), ("volatile names", d, got, sorted(ents[d][0]))
    for n, i in ents[d][0].items():
        assert open(path(d, n), "rb").read() == vol[i], ("volatile content", d, n)
json.dump({d: {n: dur[i].hex() for n, i in ents[d][1].items()} for d in DIRS}, open(sys.argv[6], "w"))
EOF
}
case_8() {
    local meta seed c ok
    write_model
    for meta in lazy eager; do
        ok=0
        for seed in 1 2 3; do
            c="8-model-$meta-$seed"
            up "$c" "$meta" || { fail "$c: mount"; continue; }
            "$PY" "$WORK/model.py" run "$MNT" "$meta" "$seed" "$OPS" "$WORK/$c/want.json" || fail "$c: mounted view"
            power_cut || fail "$c: unmount"
            if "$PY" "$WORK/model.py" check "$WORK/$c/backing" "$WORK/$c/want.json"; then
                ok=$((ok + 1))
            else
                fail "$c: the backing after the cut differs from the model"
            fi
        done
        ((ok == 3)) && pass "8-model-$meta: 3 x $OPS random operations; the mounted view and the tree after the cut match the model"
    done
}

# ---- 9. SIGTERM unmounts cleanly and writes the durable state ----
case_9() {
    local c="9-sigterm" rc
    up "$c" lazy || { fail "$c: mount"; return; }
    printf 'kept' >"$MNT/kept" && printf 'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY)\nos.fsync(fd)\n' | "$PY" - "$MNT/kept"
    fsync_dir "$MNT"
    printf 'lost' >"$MNT/lost"
    kill -TERM "$FSPID"
    wait_fs
    rc=$?
    if [[ $rc -eq 0 ]] && ! mountpoint -q "$MNT" && [[ $(cat "$WORK/$c/backing/kept" 2>/dev/null) == kept && ! -e $WORK/$c/backing/lost ]]; then
        pass "$c: SIGTERM unmounted, the daemon exited 0, the backing holds the durable state only"
    else
        fail "$c: exit $rc, $(mountpoint -q "$MNT" && echo 'still mounted' || echo unmounted), backing: $(ls "$WORK/$c/backing" | tr '\n' ' ')"
    fi
}

# The first mount tells a machine where FUSE is refused (SKIP) from one where lossyfs fails (FAIL).
if ! up probe lazy; then
    reason=$(tail -n 3 "$WORK/probe/lossyfs.log" 2>/dev/null | tr '\n' ' ')
    if grep -qiE 'fuse|mount|permission|not permitted' <<<"$reason"; then skip "cannot mount a FUSE filesystem: $reason"; fi
    echo "FAIL: lossyfs did not start: ${reason:-no message}"
    exit 1
fi
power_cut || { echo "FAIL: the probe mount did not unmount cleanly"; exit 1; }

for n in ${CASES:-1 2 3 4 5 6 7 8 9}; do
    if declare -F "case_$n" >/dev/null; then "case_$n"; else fail "no case $n"; fi
done
if ((FAILS > 0)); then
    echo "selftest: $FAILS check(s) FAILED (KEEP_WORK=1 keeps the lossyfs logs and backings)"
    exit 1
fi
echo "selftest: all cases passed"
