#!/usr/bin/env bash
# Cluster: three instances of the published app on one PostgreSQL database behave as one service. node1 and node2 are
# Web,Worker, node3 is Web only. Checked (tests/cluster/cluster.py does the work):
#   1. posts written through every node show in every node's feeds within 1 s, with the same bytes and ETag everywhere;
#   2. a polling round over 200 sources on 20 hosts fetches each source once, never two requests at once to one host;
#   3. each cron trigger fire runs on one node only, the Web-only node runs no job, WebSub delivers each body once;
#   4. node1 killed (SIGKILL) mid-round and mid-delivery: nothing acknowledged is lost, its work is finished by the
#      others; the time that takes is printed.
# Prints one `RESULT cluster status=ok|fail ...` line; exits non-zero when any check fails (reasons on stderr). Its keys:
#   posts visible_p50_ms visible_max_ms late_posts     acknowledged posts; 201 → in all 3 nodes' feeds; later than 1 s
#   identical_feeds                                    URLs served with the same bytes and ETag by every live node
#   polled double_fetches max_host_inflight agg_visible  first round: sources fetched, extra fetches, busiest host, new items shown
#   poll_rate_2w poll_rate_1w                          sources fetched per second with two workers (and, --full, one)
#   regen_runs regen_dupes poll_runs poll_dupes        cron fires seen in the job log lines; fires run on more than one node
#   web_only_jobs web_only_regenerations               job runs and regenerations logged by node3 (Web only)
#   deliveries duplicate_deliveries missing_deliveries stale_subscriptions abandoned_deliveries   WebSub, per subscriber
#   lost_posts failover_polled refetched_after_kill failover_s   after node1's kill: acknowledged posts missing on the
#                                                      survivors, the round's sources fetched, time until all owed work was done
# Usage: bash tests/cluster/run.sh [--short|--full]   (env: KEEP_WORK=1 keeps the nodes' logs and fetches.tsv /
#   deliveries.tsv, what the feed server and the subscriber saw; FEEDSERVICE_APP_DIR=a published app to reuse)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/app.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../lib/postgres.sh"
RESULT_ON_DIE=1

need_packages psql:postgresql-client
need_python json hashlib
publish_app
start_postgres
# A database of the run's own: node1 migrates it at start-up, and the nodes share everything else through it.
DB_NAME=cluster_$$
psql_admin "CREATE DATABASE $DB_NAME" >/dev/null
log "mode $MODE: database $DB_NAME"
MODE=$MODE NAME=$NAME "$PY" tests/cluster/cluster.py --app-dir "$APP_DIR" --work "$WORK" --mode "$MODE" \
    --connection-string "$FEEDSERVICE_TEST_POSTGRES;Database=$DB_NAME" --api-key "$API_KEY"
