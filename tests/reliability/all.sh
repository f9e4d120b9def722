#!/usr/bin/env bash
# Runs every reliability script (crash, powercut, disk, hostile-feeds, hostile-clients, load), full or --short, on one published
# app; prints their RESULT lines at the end and exits non-zero when any property failed. .ci/run runs it with --short.
# Usage: bash tests/reliability/all.sh [--short] [script ...]   (e.g. all.sh --short crash disk)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
NAME=reliability
flag=""
scripts=()
for arg in "$@"; do
    case $arg in
        --short|--full) flag=$arg ;;
        *) scripts+=("$arg") ;;
    esac
done
(( ${#scripts[@]} > 0 )) || scripts=(crash powercut disk hostile-clients hostile-feeds load)

publish_app   # once, for every script (exported as FEEDSERVICE_APP_DIR)

failed=()
results=()
for s in "${scripts[@]}"; do
    started=$SECONDS
    echo "[reliability] ---- $s.sh $flag"
    set +e
    bash "tests/reliability/$s.sh" $flag 2>&1 | tee "$WORK/$s.out"
    rc=${PIPESTATUS[0]}
    set -e
    # A script may print several RESULT lines (powercut: one per run); each stays a line of its own.
    mapfile -t lines < <(grep '^RESULT ' "$WORK/$s.out" || true)
    (( ${#lines[@]} > 0 )) || lines=("RESULT $s status=error (no RESULT line)")
    lines[-1]+=" (exit $rc, $((SECONDS - started)) s)"
    results+=("${lines[@]}")
    [[ $rc -eq 0 ]] || failed+=("$s")
done
echo "[reliability] ---- summary"
printf '%s\n' "${results[@]}"
if (( ${#failed[@]} > 0 )); then
    echo "[reliability] FAILED: ${failed[*]}"
    exit 1
fi
echo "[reliability] all properties hold"
