# ops/bench pages [--posts N]: seeds a bench tenant (>= 100k posts, one question with 20 answers
# and 40 comments, one member with 10k posts) and measures, in one run, against the same server:
#   (a) /ping — the ceiling   (b) that question page anonymous   (c) the same page signed in
#   (d) the questions list    (e) the profile of the member with 10k posts
# prints req/s, p50/p99 and each ratio to (a), plus the server-side p50 of (b) from /metrics.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
POSTS=110000
while (($#)); do
    case $1 in
        --posts) POSTS=$2; shift 2 ;;
        *) echo "usage: ops/bench pages [--posts N]" >&2; exit 2 ;;
    esac
done
bench_setup
slug="benchpages$RANDOM"
host="$slug.localhost"
"$AGORA" tenant add "$slug" --host "$host" >/dev/null
log "seeding $POSTS posts into $slug"
"$AGORA" tenant seed "$slug" --posts "$POSTS" --showcase --heavy-member-posts 10000 --json \
    >"$BENCH_TMP/seed.json" 2>/dev/null
question="$(json_field "$BENCH_TMP/seed.json" showcase_question)"
heavy="$(json_field "$BENCH_TMP/seed.json" heavy_member)"
posts_total="$(json_field "$BENCH_TMP/seed.json" posts_total)"
start_server 16

# A signed-in member: sign up and keep the session cookie.
user="bench$RANDOM"
curl -fs -H "Host: $host" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"email\":\"$user@bench.invalid\",\"password\":\"bench-password\"}" \
    "http://127.0.0.1:$PORT/api/v1/users" >/dev/null
cookie="$(curl -fs -D - -o /dev/null -H "Host: $host" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$user\",\"password\":\"bench-password\"}" \
    "http://127.0.0.1:$PORT/api/v1/session" | sed -n 's/^Set-Cookie: \(agora_session=[^;]*\).*/\1/p')"
[[ -n $cookie ]] || die "could not sign in"

# Warm up (connections, prepared statements, caches).
WRK_SECONDS=2 run_wrk warm "$host" "/questions/$question" >/dev/null
RESULTS=()
metric_hist() {
    curl -fs "http://127.0.0.1:$PORT/metrics" |
        grep "agora_http_request_duration_seconds_bucket{route=\"/questions/{id}\",tenant=\"$slug\"" || true
}
run_wrk "(a) /ping (ceiling)" "$host" /ping
before="$(metric_hist)"
run_wrk "(b) question, anonymous" "$host" "/questions/$question"
after="$(metric_hist)"
run_wrk "(c) question, signed in" "$host" "/questions/$question" -H "Cookie: $cookie"
run_wrk "(d) questions list" "$host" "/"
run_wrk "(e) profile, 10k posts" "$host" "/users/$heavy"

# Server-side p50 of (b): the histogram delta over (b)'s run, interpolated within its bucket.
server_p50="$(paste <(sed 's/.*le="\([^"]*\)"} \([0-9]*\)/\1 \2/' <<<"$before") \
                    <(sed 's/.*le="\([^"]*\)"} \([0-9]*\)/\1 \2/' <<<"$after") |
    awk '{ le[NR] = $1; n[NR] = $4 - $2 } END {
        total = n[NR]; if (total == 0) { print "n/a"; exit }
        prev_le = 0; prev_n = 0
        for (i = 1; i <= NR; i++) {
            if (n[i] >= total / 2) {
                if (le[i] == "+Inf") { print ">1000"; exit }
                f = (total / 2 - prev_n) / (n[i] - prev_n + 1e-9)
                printf "%.3f", (prev_le + f * (le[i] - prev_le)) * 1000; exit
            }
            prev_le = le[i]; prev_n = n[i]
        }
    }')"

ceiling="$(cut -d'|' -f2 <<<"${RESULTS[0]}")"
printf '\nops/bench pages — %s posts in tenant %s, question %s (20 answers, 40 comments), member %s (10k posts)\n' \
    "$posts_total" "$slug" "$question" "$heavy"
printf 'wrk -t2 -c%s -d%ss on %s cores, server --workers 16\n\n' "${WRK_CONNECTIONS:-16}" "${WRK_SECONDS:-10}" "$(nproc)"
printf '%-28s %10s %10s %10s %8s\n' "route" "req/s" "p50 ms" "p99 ms" "ratio"
for r in "${RESULTS[@]}"; do
    IFS='|' read -r label rps p50 p99 <<<"$r"
    ratio="$(awk -v a="$rps" -v c="$ceiling" 'BEGIN { printf "%.3f", a / c }')"
    printf '%-28s %10s %10s %10s %8s\n' "$label" "$rps" "$p50" "$p99" "$ratio"
done
printf '\nserver-side p50 of (b): %s ms (from /metrics histogram)\n' "$server_p50"
printf 'targets: (b) >= 0.25 of (a), (c) >= 0.10 of (a), server p50 (b) <= 1 ms, (e) < 20 ms\n'
