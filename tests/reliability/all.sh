#!/usr/bin/env bash
# Runs every reliability script (crash, powercut, disk, hostile-feeds, hostile-clients, load), full or --short, on one published
# app; prints their RESULT lines at the end and exits non-zero when any property failed. .ci/run runs it with --short.
# Usage: bash tests/reliability/all.sh [--short] [script ...]   (e.g. all.sh --short crash disk)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
flag=""
scripts=()
for arg in "$@"; do
    case $arg in
        --short|--full) flag=$arg ;;
        *) scripts+=("$arg") ;;
    esac
done
(( ${#scripts[@]} > 0 )) || scripts=(crash powercut disk hostile-clients hostile-feeds load)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/feedservice-reliability.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if [[ -z ${RELIABILITY_APP_DIR:-} ]]; then
    echo "[reliability] publishing once for every script"
    timeout 900 dotnet publish src/FeedService/FeedService.csproj -c Release -o "$WORK/app" >"$WORK/publish.out" 2>&1 || { tail -n 40 "$WORK/publish.out"; exit 1; }
    export RELIABILITY_APP_DIR="$WORK/app"
fi

failed=()
results=()
for s in "${scripts[@]}"; do
    started=$SECONDS
    echo "[reliability] ---- $s.sh $flag"
    set +e
    bash "tests/reliability/$s.sh" $flag 2>&1 | tee "$WORK/$s.out"
    rc=${PIPESTATUS[0]}
    set -e
    line=$(grep '^RESULT ' "$WORK/$s.out" | tr '\n' ' ' || true)
    results+=("${line:-RESULT $s status=error (no RESULT line)} (exit $rc, $((SECONDS - started)) s)")
    [[ $rc -eq 0 ]] || failed+=("$s")
done
echo "[reliability] ---- summary"
printf '%s\n' "${results[@]}"
if (( ${#failed[@]} > 0 )); then
    echo "[reliability] FAILED: ${failed[*]}"
    exit 1
fi
echo "[reliability] all properties hold"
