# ops/bench tenants [--count N]: creates N tenants (default 1000) through the CLI while a server
# runs, then reports the server's resident memory and PostgreSQL connection count before and
# after (the baseline is the same server with the demo tenants only), the time `tenant add`
# takes, and how long until the running server serves a new tenant.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
COUNT=1000
while (($#)); do
    case $1 in
        --count) COUNT=$2; shift 2 ;;
        *) echo "usage: ops/bench tenants [--count N]" >&2; exit 2 ;;
    esac
done
bench_setup
start_server 16
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
connections() {
    psql "$AGORA_DATABASE_URL" -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
}
# Touch a page on each tenant so per-tenant state (templates, settings, prepared plans) is live.
warm() {
    local slug
    for slug in "$@"; do curl -fs -o /dev/null -H "Host: $slug.localhost" "http://127.0.0.1:$PORT/login" || true; done
}
prefix="bt$RANDOM"
"$AGORA" tenant add "${prefix}-base" --host "${prefix}-base.localhost" >/dev/null
warm "${prefix}-base"
rss_before="$(rss_mb)"
conn_before="$(connections)"
log "creating $COUNT tenants"
start=$(date +%s.%N)
for i in $(seq 1 "$COUNT"); do
    "$AGORA" tenant add "$prefix-$i" --host "$prefix-$i.localhost" >/dev/null
done
end=$(date +%s.%N)
per_tenant_ms="$(awk -v s="$start" -v e="$end" -v n="$COUNT" 'BEGIN { printf "%.1f", (e - s) * 1000 / n }')"
sleep 2
mapfile -t sample < <(seq 1 "$COUNT" | awk -v p="$prefix" 'NR % 10 == 1 { print p "-" $1 }')
warm "${sample[@]}"
rss_after="$(rss_mb)"
conn_after="$(connections)"

# Live pick-up: add one more tenant and poll its host until the running server answers.
t0=$(date +%s.%N)
"$AGORA" tenant add "${prefix}-live" --host "${prefix}-live.localhost" >/dev/null
t1=$(date +%s.%N)
until curl -fs -o /dev/null -H "Host: ${prefix}-live.localhost" "http://127.0.0.1:$PORT/login"; do sleep 0.01; done
t2=$(date +%s.%N)
add_ms="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
served_ms="$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"

printf '\nops/bench tenants — %s tenants added to a running server (%s cores)\n\n' "$COUNT" "$(nproc)"
printf '%-44s %12s %12s\n' "" "baseline" "after"
printf '%-44s %12s %12s\n' "server resident memory (MB)" "$rss_before" "$rss_after"
printf '%-44s %12s %12s\n' "PostgreSQL connections (all clients)" "$conn_before" "$conn_after"
printf '\n%-44s %12s\n' "agora tenant add, mean over $COUNT (ms)" "$per_tenant_ms"
printf '%-44s %12s\n' "one more tenant: add command (ms)" "$add_ms"
printf '%-44s %12s\n' "one more tenant: add → served (ms)" "$served_ms"
printf '\ngoals: memory <= 300 MB, connections independent of tenant count, create <= 2000 ms, served <= 5000 ms\n'
