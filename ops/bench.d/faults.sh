# ops/bench faults [--seconds S] [--down S]
# A mixed load (writers posting answers and comments, signed-in and anonymous readers, ability
# checks; tests/bench/FaultLoad.cpp logs every request) while the services fail under it:
#   phase "redis"  Redis is killed (SIGKILL) and restarted after --down seconds
#   phase "pg"     PostgreSQL is stopped (fast shutdown: every connection dropped) and started
#                  again after --down seconds
#   phase "kill9"  the server itself is killed with SIGKILL mid-load and started again
# Each phase, and the baseline before them, lasts --seconds after its fault ends. Afterwards:
# every acknowledged write (201 with an id) must still exist, and the tenant's invariants must
# hold (every post has all its revisions, counters equal what they count, no orphan rows).
# Always on its own throwaway PostgreSQL and Redis: it kills them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SECONDS_PER_PHASE=15
DOWN=10
while (($#)); do
    case $1 in
        --seconds) SECONDS_PER_PHASE=$2; shift 2 ;;
        --down) DOWN=$2; shift 2 ;;
        *) echo "usage: ops/bench faults [--seconds S] [--down S]" >&2; exit 2 ;;
    esac
done
LOAD_BIN="$BUILD/tests/bench/agora_bench_faults"
export AGORA_PLUGIN_DIR="${AGORA_PLUGIN_DIR:-$BUILD/plugins}"
unset AGORA_DATABASE_URL AGORA_REDIS_URL

if [[ ${AGORA_BENCH_NO_BUILD:-0} != 1 ]]; then
    ensure_packages
    log "building ($BUILD)"
    launcher=()
    command -v ccache >/dev/null 2>&1 &&
        launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE="${AGORA_BUILD_TYPE:-Release}" "${launcher[@]}" >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target agora agora_plugin_abilities agora_bench_faults >/dev/null
fi
[[ -x $LOAD_BIN ]] || die "$LOAD_BIN is missing (build target agora_bench_faults)"
AGORA_BENCH_NO_BUILD=1 bench_setup
PG_DIR="$BENCH_TMP/pg"
REDIS_DIR="$BENCH_TMP/redis"
REDIS_PORT="$(cat "$REDIS_DIR/port")"
PG_PORT="$(cat "$PG_DIR/port")"
PSQL=(psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U agora -d agora)

# A community whose rate limits never get in the way of the load.
slug="faults$RANDOM"
host="$slug.localhost"
cat >"$BENCH_TMP/$slug.toml" <<EOF
slug = "$slug"
name = "Fault run"
hosts = ["$host"]
plugins = ["abilities"]

[settings]
"rate_limit.answers_per_day" = 100000
"rate_limit.comments_per_day" = 100000
"rate_limit.new_user.answers_per_day" = 100000
"rate_limit.new_user.comments_per_day" = 100000
EOF
"$AGORA" tenant apply "$BENCH_TMP/$slug.toml" >/dev/null
"$AGORA" tenant seed "$slug" --posts 200 --members 50 --json >"$BENCH_TMP/seed.json"
schema="$("${PSQL[@]}" -c "select schema_name from network.tenants where slug = '$slug'")"
[[ -n $schema ]] || die "no schema for $slug"
questions="$("${PSQL[@]}" -c "select string_agg(id::text, ',') from (select id from $schema.posts
    where post_type = 'question' and deleted_at is null and closed_at is null and locked_at is null
    order by id limit 20) q")"
[[ -n $questions ]] || die "no open questions seeded in $slug"

server_log="$BENCH_TMP/server.log"
start_agora() {
    "$AGORA" serve --port "$PORT" --workers 16 >>"$server_log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 200); do
        curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
        sleep 0.05
    done
    tail -n 30 "$server_log" >&2
    die "server did not start"
}
PORT="$(free_port)"
start_agora

# Members with bearer tokens, "id token" per line. Accounts come from the CLI (no sign-up
# throttle in the way); signing in on the community makes them members (id = account id).
: >"$BENCH_TMP/tokens"
echo "bench-password" >"$BENCH_TMP/password"
for i in 1 2 3 4 5 6; do
    user="fault$RANDOM$i"
    id="$("$AGORA" user add --email "$user@bench.invalid" --username "$user" \
        --password-file "$BENCH_TMP/password" --json | sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
    [[ -n $id ]] || die "could not create $user"
    token="$(curl -fs -H "Host: $host" -H 'Content-Type: application/json' \
        -d "{\"login\":\"$user\",\"password\":\"bench-password\"}" \
        "http://127.0.0.1:$PORT/api/v1/session" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
    [[ -n $token ]] || die "sign-in of $user failed"
    echo "$id $token" >>"$BENCH_TMP/tokens"
done

now_us() { echo "${EPOCHREALTIME/./}"; }
mark() { echo "$1 $(now_us)" >>"$BENCH_TMP/marks"; }
: >"$BENCH_TMP/marks"

log "load on $host (3 writers, 2 signed-in readers, 1 ability checker, 2 anonymous readers)"
"$LOAD_BIN" --port "$PORT" --host "$host" --tokens "$BENCH_TMP/tokens" --questions "$questions" \
    --out "$BENCH_TMP/requests.log" --stop "$BENCH_TMP/stop" &
LOAD_PID=$!

mark base_start
sleep "$SECONDS_PER_PHASE"

log "phase redis: SIGKILL Redis, restart it after ${DOWN}s"
mark redis_start
kill -KILL "$(redis_pid "$REDIS_DIR")"
mark redis_down
sleep "$DOWN"
redis_start "$REDIS_DIR" "$REDIS_PORT" >/dev/null
mark redis_up
sleep "$SECONDS_PER_PHASE"

log "phase pg: stop PostgreSQL (fast), start it after ${DOWN}s"
mark pg_start
pg_stop "$PG_DIR"
mark pg_down
sleep "$DOWN"
pg_ctl_start "$PG_DIR"
mark pg_up
sleep "$SECONDS_PER_PHASE"

log "phase kill9: SIGKILL the server mid-load, start it again"
mark kill9_start
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
mark kill9_down
sleep 2
start_agora
mark kill9_up
sleep "$SECONDS_PER_PHASE"
mark end
touch "$BENCH_TMP/stop"
wait "$LOAD_PID" || true

# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------
at() { awk -v k="$1" '$1 == k { print $2 }' "$BENCH_TMP/marks"; }
R="$BENCH_TMP/requests.log"
# phase_stats FROM TO — requests started in [FROM, TO): total failed 503s max_seconds
phase_stats() {
    awk -v a="$1" -v b="$2" '$1 >= a && $1 < b {
            n++; d = ($2 - $1) / 1e6; if (d > max) max = d
            ok = ($5 >= 200 && $5 < 400); if (!ok) f++; if ($5 == 503) u++; if ($5 == 0) z++
        } END { printf "%d %d %d %d %.3f", n, f, u, z, max }' "$R"
}
row() {
    local label=$1 stats
    stats="$(phase_stats "$2" "$3")"
    read -r n f u z max <<<"$stats"
    printf '%-30s %9s %8s %6s %11s %9s\n' "$label" "$n" "$f" "$u" "$z" "$max"
}

# Slowest answer to a request started while PostgreSQL was down, and the statuses given.
pg_down_max="$(awk -v a="$(at pg_down)" -v b="$(at pg_up)" '$1 >= a && $1 < b {
        d = ($2 - $1) / 1e6; if (d > max) max = d } END { printf "%.3f", max }' "$R")"
pg_down_codes="$(awk -v a="$(at pg_down)" -v b="$(at pg_up)" '$1 >= a && $1 < b { c[$5]++ }
        END { for (k in c) printf "%s%s:%d", (s++ ? " " : ""), (k == 0 ? "none" : k), c[k] }' "$R")"
# first_write_after MARK — seconds from MARK to the end of the first acknowledged write
# started after it
first_write_after() {
    awk -v a="$(at "$1")" '$1 >= a && $5 == 201 { d = ($2 - a) / 1e6; if (!seen || d < best) best = d; seen = 1 }
        END { if (seen) printf "%.3f", best; else printf "never" }' "$R"
}
pg_first_write="$(first_write_after pg_up)"
redis_first_write="$(first_write_after redis_down)"
kill9_first_write="$(first_write_after kill9_up)"

# Acknowledged writes that are gone.
answers="$(awk '$4 == "answer" && $5 == 201 && $6 > 0 { print $6 }' "$R" | paste -sd,)"
comments="$(awk '$4 == "comment" && $5 == 201 && $6 > 0 { print $6 }' "$R" | paste -sd,)"
acked_answers="$(awk '$4 == "answer" && $5 == 201' "$R" | wc -l)"
acked_comments="$(awk '$4 == "comment" && $5 == 201' "$R" | wc -l)"
acked_no_id="$(awk '($4 == "answer" || $4 == "comment") && $5 == 201 && $6 == 0' "$R" | wc -l)"
missing_answers="$("${PSQL[@]}" -c "select count(*) from unnest('{${answers}}'::bigint[]) i
    where not exists (select 1 from $schema.posts p where p.id = i and p.post_type = 'answer')")"
missing_comments="$("${PSQL[@]}" -c "select count(*) from unnest('{${comments}}'::bigint[]) i
    where not exists (select 1 from $schema.comments c where c.id = i)")"

# The tenant schema's invariants (migrations/tenant): each query counts the rows breaking one.
declare -A invariant=(
    ["posts without all their revisions"]="select count(*) from $schema.posts p where p.revision_count <>
        (select count(*) from $schema.revisions r where r.post_id = p.id)
        or not exists (select 1 from $schema.revisions r where r.post_id = p.id and r.number = 1)"
    ["questions whose answer_count is off"]="select count(*) from $schema.posts q where q.post_type = 'question'
        and q.answer_count <> (select count(*) from $schema.posts a where a.parent_id = q.id and a.deleted_at is null)"
    ["posts whose comment_count is off"]="select count(*) from $schema.posts p where p.comment_count <>
        (select count(*) from $schema.comments c where c.post_id = p.id and c.deleted_at is null)"
    ["members whose answer_count is off"]="select count(*) from $schema.members m where m.answer_count <>
        (select count(*) from $schema.posts a where a.author_id = m.id and a.post_type = 'answer' and a.deleted_at is null)"
    ["site answer total off"]="select count(*) from $schema.site_counters s where s.answers <>
        (select count(*) from $schema.posts where post_type = 'answer' and deleted_at is null)"
    ["answers without a question"]="select count(*) from $schema.posts a where a.post_type = 'answer'
        and not exists (select 1 from $schema.posts q where q.id = a.parent_id and q.post_type = 'question')"
)
inv_rows=()
inv_bad=0
for name in "${!invariant[@]}"; do
    n="$("${PSQL[@]}" -c "${invariant[$name]}" 2>&1)" || n="error: $n"
    [[ $n == 0 ]] || inv_bad=1
    inv_rows+=("$(printf '  %-40s %s' "$name" "$n")")
done

meets() { awk -v v="$1" -v g="$2" 'BEGIN { if (v == "never") print "NO"; else print (v <= g ? "yes" : "NO") }'; }
printf '\nops/bench faults — tenant %s, %s cores, server --workers 16, %ss per phase, %ss down\n\n' \
    "$slug" "$(nproc)" "$SECONDS_PER_PHASE" "$DOWN"
printf '%-30s %9s %8s %6s %11s %9s\n' "phase (requests started in)" "requests" "failed" "503" "no answer" "slowest s"
row "baseline" "$(at base_start)" "$(at redis_start)"
row "redis killed + restarted" "$(at redis_start)" "$(at pg_start)"
row "  while Redis was down" "$(at redis_down)" "$(at redis_up)"
row "postgresql restarted" "$(at pg_start)" "$(at kill9_start)"
row "  while PostgreSQL was down" "$(at pg_down)" "$(at pg_up)"
row "server kill -9 + restart" "$(at kill9_start)" "$(at end)"
row "  while the server was down" "$(at kill9_down)" "$(at kill9_up)"
printf '\n%-58s %10s %-10s %s\n' "measure" "value" "goal" "met"
printf '%-58s %10s %-10s %s\n' "slowest answer while PostgreSQL was down (s)" "$pg_down_max" "<= 1" "$(meets "$pg_down_max" 1)"
printf '%-58s %10s\n' "  statuses given meanwhile" "${pg_down_codes:-none}"
printf '%-58s %10s %-10s %s\n' "first acknowledged write after PostgreSQL returned (s)" "$pg_first_write" "<= 5" "$(meets "$pg_first_write" 5)"
printf '%-58s %10s\n' "first acknowledged write after Redis died (s)" "$redis_first_write"
printf '%-58s %10s\n' "first acknowledged write after the server restarted (s)" "$kill9_first_write"
printf '%-58s %10s\n' "acknowledged writes (answers + comments)" "$((acked_answers + acked_comments))"
printf '%-58s %10s %-10s %s\n' "acknowledged writes missing afterwards" "$((missing_answers + missing_comments + acked_no_id))" "0" \
    "$( ((missing_answers + missing_comments + acked_no_id == 0)) && echo yes || echo NO)"
printf '\ninvariants after the run (rows breaking each; goal 0):\n'
printf '%s\n' "${inv_rows[@]}" | sort
printf '\n"while ... was down" ends when the restart command returns: the service may already answer\n'
printf 'the last requests of that window. "no answer" = refused, reset or timed out (in flight at a kill).\n'
printf 'request log: %s lines; %s error/warning lines in the server log\n' "$(wc -l <"$R")" \
    "$(grep -ciE 'error|warn' "$server_log" || true)"
# Slow clients: 200 connections trickling header lines while a new visitor fetches a question
# page, against its latency alone (same server, same run). The load above has stopped.
if [[ -x $BUILD/tests/bench/agora_bench_edge ]]; then
    log "slow clients: 200 connections trickling headers"
    "$BUILD/tests/bench/agora_bench_edge" --port "$PORT" --host "$host" \
        --path "/questions/${questions%%,*}" --idle 0 --trickle 200 --requests 300 || true
fi
if [[ ${AGORA_BENCH_KEEP:-0} == 1 ]]; then
    cp "$R" "$server_log" "$BENCH_TMP/marks" "$ROOT/build/" 2>/dev/null || true
    log "kept requests.log, server.log and marks in $ROOT/build/"
fi
((inv_bad == 0))
