#!/usr/bin/env bash
# Hostile clients against the published app: missing/wrong keys on every write route of the OpenAPI document, bodies
# over the limit (413), SQL metacharacters and Unicode in every field, path tricks on every route with a slug or id,
# markup in every text field (inert on pages, widget and feeds), page security headers, and rate limits (429).
# Then the xunit tests of the same properties (tests/FeedService.Tests/Reliability: keys, rate limits, storage full).
# Usage: bash tests/reliability/hostile-clients.sh [--short]   (--short skips the xunit run, which dotnet test covers in CI)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
RESULT_ON_DIE=1

need_packages curl:curl
need_python sqlite3 json gzip
publish_app
MODE=$MODE NAME=$NAME "$PY" "tests/reliability/hostile_clients.py" --app-dir "$APP_DIR" --work "$WORK" | tee "$WORK/driver.out"
rc=${PIPESTATUS[0]}
if [[ $SHORT != 1 ]]; then
    log "xunit: Reliability.ApiKeyTests, WriteRateLimit*, StorageFullTests, RequestLimitTests"
    if ! timeout 600 dotnet test tests/FeedService.Tests --nologo -v q \
            --filter "FullyQualifiedName~Reliability.ApiKeyTests|FullyQualifiedName~Reliability.WriteRateLimit|FullyQualifiedName~Reliability.StorageFullTests|FullyQualifiedName~Reliability.RequestLimitTests" \
            >"$WORK/xunit.out" 2>&1; then
        tail -n 40 "$WORK/xunit.out" >&2
        echo "RESULT hostile-clients-xunit status=fail"
        exit 1
    fi
    echo "RESULT hostile-clients-xunit status=pass $(grep -Eo 'Passed: +[0-9]+' "$WORK/xunit.out" | tr -d ' ' | tr ':' '=' | tr 'P' 'p')"
fi
exit "$rc"
