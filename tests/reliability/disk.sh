#!/usr/bin/env bash
# Full disk: the feeds folder, then the database's folder, on a small tmpfs filled to the last byte.
# Feeds: only the static copy falls behind (logged, /healthz 503 with feedsFolder "behind"), readers get the new
# documents from memory, the rest works, and freeing the space lets the folder catch up alone. Database: writes answer 503 problem+json, nothing
# acknowledged is lost, writes work again once there is space. Needs root (it mounts tmpfs file systems).
# Usage: bash tests/reliability/disk.sh [--short]   (full mode repeats the fill/free rounds 3 times; KEEP_WORK=1 keeps the temp folder)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
RESULT_ON_DIE=1

need_packages curl:curl brotli:brotli
need_python sqlite3 json gzip
[[ $(id -u) -eq 0 ]] || die "disk.sh must run as root: it mounts small tmpfs file systems (mount -t tmpfs) to fill them"
FEEDS_MNT="$WORK/feeds-fs"
DB_MNT="$WORK/db-fs"
mkdir -p "$FEEDS_MNT" "$DB_MNT"
on_exit() {
    mountpoint -q "$FEEDS_MNT" && umount "$FEEDS_MNT" || true
    mountpoint -q "$DB_MNT" && umount "$DB_MNT" || true
}
mount -t tmpfs -o size=2m,mode=0755 tmpfs "$FEEDS_MNT" 2>"$WORK/mount.err" || die "cannot mount a tmpfs on $FEEDS_MNT: $(cat "$WORK/mount.err")"
mount -t tmpfs -o size=8m,mode=0755 tmpfs "$DB_MNT" 2>"$WORK/mount.err" || die "cannot mount a tmpfs on $DB_MNT: $(cat "$WORK/mount.err")"
log "feeds on a 2 MiB tmpfs ($FEEDS_MNT), database on an 8 MiB tmpfs ($DB_MNT)"
publish_app
ROUNDS=${ROUNDS:-$([[ $SHORT == 1 ]] && echo 1 || echo 3)}
MODE=$MODE NAME=$NAME "$PY" "tests/reliability/disk.py" --app-dir "$APP_DIR" --work "$WORK" --feeds-mount "$FEEDS_MNT" --db-mount "$DB_MNT" --rounds "$ROUNDS"
