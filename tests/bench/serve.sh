#!/usr/bin/env bash
# Serving benchmark: the published app (Release) against nginx serving the very same feed bytes.
#
# Publishes FeedService, starts it on 127.0.0.1 with a temp database and feeds folder, creates a
# category "bench" with 50 posts of ~1.3 KB HTML through the API (its current RSS document is ~70 KB),
# then starts nginx, configured as an operator would for static feed files (worker per core, sendfile,
# tcp_nopush, open_file_cache, etag, gzip_static/brotli_static on the app's own .gz/.br copies,
# keepalive, no access log, the same Cache-Control/CORS headers), on another 127.0.0.1 port with the
# app's feeds/ folder as its root. Then wrk drives both with the same threads and connections,
# interleaved round by round so they share the machine's noise, for four cases:
#   200   GET, no Accept-Encoding (identity body)
#   gzip  GET, Accept-Encoding: gzip
#   br    GET, Accept-Encoding: br (n/a for nginx when Debian's brotli module is missing)
#   304   GET, If-None-Match: the server's own current ETag
# and, for the 200 and 304 cases, a third server: serve/MinimalKestrel, Kestrel answering with the app's headers from
# the same bytes in memory and no application code (the floor under the app's own responses; kestrel_200,
# ratio_kestrel_200, kestrel_304, ratio_kestrel_304 and the CPU per request of both in RESULT).
# Reports the median requests/s and p99 latency per case and server, their ratios (ours / nginx),
# and the error count (non-2xx/3xx and socket errors, which must be 0), ending with one line
#   RESULT serve ours_200=… nginx_200=… ratio_200=… … p99_ratio_200=… … errors=0
#
# Run from the repository root: bash tests/bench/serve.sh
# Knobs (environment): BENCH_ROUNDS (3), BENCH_DURATION (5 s per run), BENCH_THREADS (2),
# BENCH_CONNECTIONS (64), BENCH_WARMUP (3 s per case and server), KEEP_WORK=1 keeps the temp folder.
# Installs wrk, nginx, libnginx-mod-http-brotli-static, curl and jq from Debian when missing.
# FEEDSERVICE_APP_DIR=<published app> skips the publish.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
HERE="$REPO/tests/bench/serve"
bench_knobs ROUNDS=3 DURATION=5 THREADS=2 CONNECTIONS=64 WARMUP=3
POSTS=50
FILE=bench.rss

# ---------------------------------------------------------------------------- tools
need_packages wrk nginx curl jq
# Debian 12 has nginx's brotli_static module as a separate package; without it br is n/a for nginx.
need_packages libnginx-mod-http-brotli-static 2>/dev/null || log "no brotli module for nginx: br is n/a for nginx"
BROTLI_MODULE=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so

# ---------------------------------------------------------------------------- the app
publish_app
start_app "$WORK"
BASE=$APP_BASE
PORT=${BASE##*:}
FEEDS="$WORK/feeds"
wait_healthy

log "seeding category 'bench' with $POSTS posts through the API"
api_expect 201 POST /api/categories '{"slug":"bench","name":"Bench","description":"Posts written by tests/bench/serve.sh."}'
LAST_GUID=""
for i in $(seq 1 "$POSTS"); do
    published=$(date -u -d "-$(( POSTS - i + 1 )) hours" +%Y-%m-%dT%H:%M:%SZ)
    body=$(jq -nc --argjson i "$i" --arg at "$published" '
        def para(k): "<p>Paragraph \(k) of benchmark post \($i). Feed readers poll this document on a timer, so it is served "
            + "from memory with strong validators; see <a href=\"https://example.org/posts/\($i)#p\(k)\">the original</a> for details "
            + "&amp; context.</p>";
        { title: "Benchmark post \($i): serving feeds from memory",
          summary: "<p>The excerpt of benchmark post \($i), a sentence or two long.</p>",
          content: (([range(0; 3)] | map(para(.))) + ["<ul><li>first point</li><li>second point</li></ul>"] | join("\n")),
          author: "Bench Writer", categories: ["bench"], publishedAt: $at,
          link: "https://example.org/posts/\($i)" }')
    api_expect 201 POST /api/posts "$body"
    LAST_GUID=$(jq -r .guid "$WORK/resp.json")
done
wait_until 30 "last post in /feeds/$FILE" url_has "$BASE/feeds/$FILE" "$LAST_GUID"
wait_feeds_folder 30   # nginx serves the static copy, written in the background
# Wait for the regeneration to settle (no run pending): the .gz/.br copies are written before the document.
sleep 1
SIZE=$(stat -c %s "$FEEDS/$FILE")
SIZE_GZ=$(stat -c %s "$FEEDS/$FILE.gz")
SIZE_BR=$(stat -c %s "$FEEDS/$FILE.br")
log "feeds/$FILE: $SIZE bytes, .gz $SIZE_GZ, .br $SIZE_BR"

# ---------------------------------------------------------------------------- nginx
NGINX_PORT=$(free_port)
while [[ $NGINX_PORT == "$PORT" ]]; do NGINX_PORT=$(free_port); done
NBASE="http://127.0.0.1:$NGINX_PORT"
NG="$WORK/nginx"
mkdir -p "$NG/tmp"
# nginx's workers run as nobody: they need to read the feeds folder.
chmod 755 "$WORK"
chmod -R a+rX "$FEEDS"
CORES=$(nproc)
{
    [[ -f $BROTLI_MODULE ]] && echo "load_module $BROTLI_MODULE;"
    [[ $(id -u) -eq 0 ]] && echo "user nobody nogroup;"
    cat <<EOF
worker_processes $CORES;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events {
    worker_connections 4096;
    use epoll;
}
http {
    types {
        application/rss+xml rss;
        application/atom+xml atom;
        application/feed+json json;
    }
    default_type application/octet-stream;
    charset utf-8;
    charset_types application/rss+xml application/atom+xml application/feed+json;
    server_tokens off;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_min_uses 1;
    open_file_cache_errors on;
    etag on;
    gzip off;
    gzip_static on;
    gzip_vary on;
    client_body_temp_path $NG/tmp/body;
    proxy_temp_path $NG/tmp/proxy;
    fastcgi_temp_path $NG/tmp/fastcgi;
    uwsgi_temp_path $NG/tmp/uwsgi;
    scgi_temp_path $NG/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT reuseport;
        location /feeds/ {
            alias $FEEDS/;
EOF
    [[ -f $BROTLI_MODULE ]] && echo "            brotli_static on;"
    cat <<EOF
            add_header Cache-Control "public, max-age=300";
            add_header Access-Control-Allow-Origin "*";
            add_header Access-Control-Expose-Headers "ETag, Last-Modified, Link";
        }
    }
}
EOF
} >"$NG/nginx.conf"
nginx -t -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" >"$NG/test.log" 2>&1 || { cat "$NG/test.log" >&2; die "nginx -t failed"; }
nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" -g 'daemon off;' >"$NG/stdout.log" 2>&1 </dev/null &
NGINX_PID=$!
track_pid "$NGINX_PID"
FAILURE_LOGS+=("$NG/error.log")
WAIT_PID=$NGINX_PID wait_until 10 "nginx serving $NBASE/feeds/$FILE" url_ok "$NBASE/feeds/$FILE"
log "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') started (pid $NGINX_PID) on $NBASE"

# ---------------------------------------------------------------------------- what each server answers
etag_of() { curl -fsS --max-time 5 -o /dev/null -D - "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}'; }
OURS_ETAG=$(etag_of "$BASE/feeds/$FILE")
NGINX_ETAG=$(etag_of "$NBASE/feeds/$FILE")
[[ -n $OURS_ETAG && -n $NGINX_ETAG ]] || die "no ETag (ours '$OURS_ETAG', nginx '$NGINX_ETAG')"

# check URL AE INM STATUS ENCODING BYTES: one request as wrk will send it answers as expected.
check() {
    local url=$1 ae=$2 inm=$3 want_status=$4 want_enc=$5 want_bytes=$6 args=(-sS --max-time 5 -o "$WORK/check.body" -D "$WORK/check.headers" -w '%{http_code} %{size_download}')
    [[ -n $ae ]] && args+=(-H "Accept-Encoding: $ae")
    [[ -n $inm ]] && args+=(-H "If-None-Match: $inm")
    local got status size enc
    got=$(curl "${args[@]}" "$url")
    status=${got% *}; size=${got#* }
    enc=$(tr -d '\r' <"$WORK/check.headers" | awk -F': ' 'tolower($1)=="content-encoding"{print $2}')
    [[ $status == "$want_status" && $enc == "$want_enc" && $size == "$want_bytes" ]] \
        || die "$url (Accept-Encoding '$ae', If-None-Match '$inm'): got $status, encoding '$enc', $size bytes; expected $want_status, '$want_enc', $want_bytes"
}
HAVE_NGINX_BR=""
[[ -f $BROTLI_MODULE ]] && HAVE_NGINX_BR=1
CASES=(200 gzip br 304)
case_ae() { case $1 in gzip) echo gzip ;; br) echo br ;; *) echo "" ;; esac; }
case_inm() { [[ $1 == 304 ]] && { [[ $2 == ours ]] && echo "$OURS_ETAG" || echo "$NGINX_ETAG"; } || echo ""; }
for server in ours nginx; do
    url=$([[ $server == ours ]] && echo "$BASE" || echo "$NBASE")/feeds/$FILE
    check "$url" "" "" 200 "" "$SIZE"
    check "$url" gzip "" 200 gzip "$SIZE_GZ"
    if [[ $server == ours || -n $HAVE_NGINX_BR ]]; then check "$url" br "" 200 br "$SIZE_BR"; fi
    check "$url" "" "$(case_inm 304 "$server")" 304 "" 0
done
log "both servers answer 200/gzip/br/304 with the same bodies; ETags: ours $OURS_ETAG, nginx $NGINX_ETAG"

# A third server for the 200 and 304 cases: Kestrel answering from the same bytes with no application code
# (serve/MinimalKestrel), the floor under the app's own responses on this machine.
build_project "$HERE/MinimalKestrel/MinimalKestrel.csproj" "$WORK/kestrel"
KPORT=$(free_port)
KBASE="http://127.0.0.1:$KPORT"
(cd "$WORK/kestrel" && MINIMAL_BODY="$FEEDS/$FILE" ASPNETCORE_URLS="$KBASE" exec dotnet MinimalKestrel.dll) >"$WORK/kestrel.log" 2>&1 </dev/null &
KESTREL_PID=$!
track_pid "$KESTREL_PID"
kestrel_304() { [[ $(curl -sS -o /dev/null -w '%{http_code}' -H 'If-None-Match: "x"' "$KBASE/feeds/$FILE" 2>/dev/null) == 304 ]]; }
WAIT_PID=$KESTREL_PID wait_until 30 "MinimalKestrel answering 304" kestrel_304
log "ours:  $(curl -sS -o /dev/null -D - "$BASE/feeds/$FILE" | tr -d '\r' | grep -v '^$' | tr '\n' '|')"
log "nginx: $(curl -sS -o /dev/null -D - "$NBASE/feeds/$FILE" | tr -d '\r' | grep -v '^$' | tr '\n' '|')"

# ---------------------------------------------------------------------------- load
# run_wrk SERVER CASE SECONDS: prints the WRK line of wrk.lua's done().
run_wrk() {
    local server=$1 case=$2 seconds=$3 url
    case $server in ours) url=$BASE ;; nginx) url=$NBASE ;; *) url=$KBASE ;; esac
    url+=/feeds/$FILE
    BENCH_ACCEPT_ENCODING=$(case_ae "$case") BENCH_IF_NONE_MATCH=$(case_inm "$case" "$server") \
        timeout $(( seconds + 30 )) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency -s "$HERE/wrk.lua" "$url" \
        >"$WORK/wrk.out" 2>&1 || { cat "$WORK/wrk.out" >&2; die "wrk failed ($server $case)"; }
    grep '^WRK ' "$WORK/wrk.out" || { cat "$WORK/wrk.out" >&2; die "wrk printed no summary ($server $case)"; }
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# cpu_ticks SERVER: user+system clock ticks used so far by the server's processes (the app; nginx's master and workers).
cpu_ticks() {
    local pids=("$APP_PID")
    [[ $1 == nginx ]] && pids=("$NGINX_PID" $(pgrep -P "$NGINX_PID" || true))
    [[ $1 == kestrel ]] && pids=("$KESTREL_PID")
    local total=0 pid
    for pid in "${pids[@]}"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) )); done
    echo "$total"
}
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
runs_for() {
    [[ $1 == nginx && $2 == br && -z $HAVE_NGINX_BR ]] && return 1
    [[ $1 == kestrel && $2 != 304 && $2 != 200 ]] && return 1
    return 0
}

log "warm-up: ${WARMUP} s per case and server"
for case in "${CASES[@]}"; do
    for server in ours nginx kestrel; do runs_for "$server" "$case" && run_wrk "$server" "$case" "$WARMUP" >/dev/null; done
done

declare -A RPS P99 CPU
ERRORS=0
log "measuring: $ROUNDS rounds x ${DURATION} s per case and server, wrk -t$THREADS -c$CONNECTIONS"
for round in $(seq 1 "$ROUNDS"); do
    for case in "${CASES[@]}"; do
        # Alternate who goes first, so neither always runs right after the other's load.
        order=(ours nginx kestrel); (( round % 2 == 0 )) && order=(kestrel nginx ours)
        for server in "${order[@]}"; do
            runs_for "$server" "$case" || continue
            ticks=$(cpu_ticks "$server")
            line=$(run_wrk "$server" "$case" "$DURATION")
            ticks=$(( $(cpu_ticks "$server") - ticks ))
            cpu=$(awk -v t="$ticks" -v us="$TICK_US" -v n="$(field requests "$line")" 'BEGIN{printf "%.1f", (n > 0 ? t * us / n : 0)}')
            RPS[$server,$case]+="$(field rps "$line") "
            P99[$server,$case]+="$(field p99_us "$line") "
            CPU[$server,$case]+="$cpu "
            ERRORS=$(( ERRORS + $(field status_errors "$line") + $(field socket_errors "$line") ))
            log "round $round $case $server: $(field rps "$line") req/s, p99 $(field p99_us "$line") us, server CPU $cpu us/request, errors $(field status_errors "$line")+$(field socket_errors "$line")"
        done
    done
done

# ---------------------------------------------------------------------------- report
printf '\nserving feeds/%s (%s bytes; gzip %s, br %s), wrk -t%s -c%s, %s x %s s per case, medians; %s cores\n' \
    "$FILE" "$SIZE" "$SIZE_GZ" "$SIZE_BR" "$THREADS" "$CONNECTIONS" "$ROUNDS" "$DURATION" "$(nproc)"
printf '%-6s | %11s %11s %6s | %11s %12s %9s | %13s %14s\n' case "ours req/s" "nginx req/s" ratio "ours p99 ms" "nginx p99 ms" "p99 ratio" "ours CPU us/r" "nginx CPU us/r"
printf '%s\n' "-------+--------------------------------+-------------------------------------+------------------------------"
RESULT="RESULT serve"
P99_PART=""
for case in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    ours=$(median ${RPS[ours,$case]}); ours_p99=$(median ${P99[ours,$case]}); ours_cpu=$(median ${CPU[ours,$case]})
    if runs_for nginx "$case"; then
        # shellcheck disable=SC2086
        nginx=$(median ${RPS[nginx,$case]}); nginx_p99=$(median ${P99[nginx,$case]}); nginx_cpu=$(median ${CPU[nginx,$case]})
        r=$(ratio "$ours" "$nginx"); pr=$(ratio "$ours_p99" "$nginx_p99")
    else
        nginx=n/a; nginx_p99=n/a; nginx_cpu=n/a; r=n/a; pr=n/a
    fi
    ms() { [[ $1 == n/a ]] && echo n/a || awk -v u="$1" 'BEGIN{printf "%.2f", u/1000}'; }
    int() { [[ $1 == n/a ]] && echo n/a || awk -v x="$1" 'BEGIN{printf "%d", x}'; }
    printf '%-6s | %11s %11s %6s | %11s %12s %9s | %13s %14s\n' "$case" "$(int "$ours")" "$(int "$nginx")" "$r" "$(ms "$ours_p99")" "$(ms "$nginx_p99")" "$pr" "$ours_cpu" "$nginx_cpu"
    RESULT+=" ours_$case=$(int "$ours") nginx_$case=$(int "$nginx") ratio_$case=$r"
    P99_PART+=" p99_ratio_$case=$pr"
done
for case in 200 304; do
    # shellcheck disable=SC2086
    kestrel=$(median ${RPS[kestrel,$case]}); kestrel_cpu=$(median ${CPU[kestrel,$case]})
    # shellcheck disable=SC2086
    nginx=$(median ${RPS[nginx,$case]}); ours_cpu=$(median ${CPU[ours,$case]})
    printf '%-6s | %11s %11s %6s | %35s | %13s\n' "$case *" "$(int "$kestrel")" "$(int "$nginx")" "$(ratio "$kestrel" "$nginx")" "" "$kestrel_cpu"
    RESULT+=" kestrel_$case=$(int "$kestrel") ratio_kestrel_$case=$(ratio "$kestrel" "$nginx") ours_cpu_us_$case=$ours_cpu kestrel_cpu_us_$case=$kestrel_cpu"
done
printf '* Kestrel alone: serve/MinimalKestrel, the same headers and bytes from memory, no application code (the floor for ours).\n'
printf 'errors (non-2xx/3xx and socket errors, all runs): %s\n' "$ERRORS"
printf 'CPU us/r: user+system CPU time of the server processes per request (from /proc), less sensitive to the noise than req/s.\n\n'
(( ERRORS == 0 )) || log "there were errors: the figures do not count"
echo "$RESULT${P99_PART} errors=$ERRORS"
(( ERRORS == 0 ))
