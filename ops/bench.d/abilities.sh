# ops/bench abilities [--members M] [--posts N] [--samples S] [--vote-samples V]
# The abilities plugin's costs, each next to its goal and its baseline from the same run:
#   (1) a Redis GET round trip and (2) a cached ability check, interleaved in one loop
#       (in process, plugins loaded; goal: check p99 <= GET p99)
#   (3) an uncached check (the member's cache entry deleted before each one)
#   (4) re-evaluating every member after a threshold change: PUT
#       /api/v1/admin/abilities/unrestricted on a tenant seeded with M members (goal: <= 10 s
#       for 100k); seeding and enabling the plugin are timed too, separately
#   (5) a vote's latency over HTTP on two tenants seeded alike, plugin enabled vs not
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
MEMBERS=100000
POSTS=""
SAMPLES=20000
VOTE_SAMPLES=3000
while (($#)); do
    case $1 in
        --members) MEMBERS=$2; shift 2 ;;
        --posts) POSTS=$2; shift 2 ;;
        --samples) SAMPLES=$2; shift 2 ;;
        --vote-samples) VOTE_SAMPLES=$2; shift 2 ;;
        *) echo "usage: ops/bench abilities [--members M] [--posts N] [--samples S] [--vote-samples V]" >&2; exit 2 ;;
    esac
done
POSTS="${POSTS:-$((MEMBERS * 2))}"
BENCH_BIN="$BUILD/tests/bench/agora_bench_abilities"
export AGORA_PLUGIN_DIR="${AGORA_PLUGIN_DIR:-$BUILD/plugins}"

# Only what this benchmark runs: the server, the plugin and the timing program.
if [[ ${AGORA_BENCH_NO_BUILD:-0} != 1 ]]; then
    ensure_packages
    log "building ($BUILD)"
    launcher=()
    command -v ccache >/dev/null 2>&1 &&
        launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE="${AGORA_BUILD_TYPE:-Release}" "${launcher[@]}" >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" --target agora agora_plugin_abilities agora_bench_abilities >/dev/null
fi
[[ -x $BENCH_BIN ]] || die "$BENCH_BIN is missing (build target agora_bench_abilities)"
[[ -f $AGORA_PLUGIN_DIR/abilities.so ]] || die "no abilities.so in $AGORA_PLUGIN_DIR"
AGORA_BENCH_NO_BUILD=1 bench_setup

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# Tenants: "big" (M members, re-evaluation and checks), "on"/"off" (votes, seeded alike).
big="benchab$RANDOM"
on="${big}on"
off="${big}off"
for t in "$big" "$on" "$off"; do
    "$AGORA" tenant add "$t" --host "$t.localhost" >/dev/null
done
log "seeding $MEMBERS members, $POSTS posts into $big"
t0="$(now)"
# seed SLUG ARGS... — the result JSON in $BENCH_TMP/SLUG.json; the error shown when it fails
seed() {
    local t=$1
    shift
    "$AGORA" tenant seed "$t" "$@" --json >"$BENCH_TMP/$t.json" 2>"$BENCH_TMP/$t.err" || {
        tail -c 2000 "$BENCH_TMP/$t.err" >&2
        die "seeding $t failed"
    }
}
seed "$big" --posts "$POSTS" --members "$MEMBERS"
seed_seconds="$(since "$t0")"
log "seeded in $seed_seconds s; enabling abilities (evaluates every member)"
t0="$(now)"
"$AGORA" plugin enable "$big" abilities >/dev/null
enable_seconds="$(since "$t0")"
for t in "$on" "$off"; do
    seed "$t" --posts 2000 --members 200 --showcase
done
"$AGORA" plugin enable "$on" abilities >/dev/null
start_server 16

# signup HOST USER — prints the new account's id
signup() {
    curl -fs -H "Host: $1" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$2\",\"email\":\"$2@bench.invalid\",\"password\":\"bench-password\"}" \
        "http://127.0.0.1:$PORT/api/v1/users" | sed -n 's/^{"id":\([0-9]*\).*/\1/p; s/.*[{,]"id":\([0-9]*\).*/\1/p' | head -1
}
# token HOST USER — a bearer token
token() {
    curl -fs -H "Host: $1" -H 'Content-Type: application/json' \
        -d "{\"login\":\"$2\",\"password\":\"bench-password\"}" \
        "http://127.0.0.1:$PORT/api/v1/session" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# (1)-(3): a plain member of the big tenant (moderators never reach the plugin).
member_name="benchmember$RANDOM"
member="$(signup "$big.localhost" "$member_name")"
[[ -n $member ]] || die "could not sign up $member_name"
[[ -n $(token "$big.localhost" "$member_name") ]] || die "could not sign in $member_name"
log "timing ability checks ($SAMPLES samples)"
"$BENCH_BIN" checks --tenant "$big" --member "$member" --samples "$SAMPLES" >"$BENCH_TMP/checks.txt"

# (4): an admin changes the unrestricted thresholds; every member is judged again.
admin="benchadmin$RANDOM"
signup "$big.localhost" "$admin" >/dev/null
token "$big.localhost" "$admin" >/dev/null  # makes them a member of the tenant
"$AGORA" member role "$big" "$admin" admin >/dev/null
admin_token="$(token "$big.localhost" "$admin")"
[[ -n $admin_token ]] || die "could not sign in $admin"
log "changing the unrestricted thresholds on $big"
curl -fs -o "$BENCH_TMP/reeval.json" -w '%{time_total}\n' -X PUT -H "Host: $big.localhost" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d '{"post_score":0.55}' \
    "http://127.0.0.1:$PORT/api/v1/admin/abilities/unrestricted" >"$BENCH_TMP/reeval.time" ||
    die "threshold change failed: $(cat "$BENCH_TMP/reeval.json" 2>/dev/null)"
reeval_seconds="$(awk '{ printf "%.2f", $1 }' "$BENCH_TMP/reeval.time")"
evaluated="$(json_field "$BENCH_TMP/reeval.json" evaluated)"
gained="$(json_field "$BENCH_TMP/reeval.json" gained)"
lost="$(json_field "$BENCH_TMP/reeval.json" lost)"

# (5): the same member actions on two tenants seeded alike.
for t in "$on" "$off"; do
    voter="benchvoter$RANDOM"
    signup "$t.localhost" "$voter" >/dev/null
    vt="$(token "$t.localhost" "$voter")"
    [[ -n $vt ]] || die "could not sign in $voter on $t"
    question="$(json_field "$BENCH_TMP/$t.json" showcase_question)"
    label="vote_off"
    [[ $t == "$on" ]] && label="vote_on"
    log "timing $VOTE_SAMPLES votes on $t ($label)"
    "$BENCH_BIN" votes --port "$PORT" --host "$t.localhost" --token "$vt" --post "$question" \
        --samples "$VOTE_SAMPLES" --label "$label" >>"$BENCH_TMP/votes.txt"
done

fig() { awk -F'|' -v l="$2" -v c="$3" '$1 == l { print $c }' "$1"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
meets() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "yes" : "NO") }'; }
get50="$(fig "$BENCH_TMP/checks.txt" redis_get 3)"
get99="$(fig "$BENCH_TMP/checks.txt" redis_get 4)"
hit50="$(fig "$BENCH_TMP/checks.txt" check_cached 3)"
hit99="$(fig "$BENCH_TMP/checks.txt" check_cached 4)"
miss50="$(fig "$BENCH_TMP/checks.txt" check_uncached 3)"
miss99="$(fig "$BENCH_TMP/checks.txt" check_uncached 4)"
miss_n="$(fig "$BENCH_TMP/checks.txt" check_uncached 2)"
on50="$(fig "$BENCH_TMP/votes.txt" vote_on 3)"
on99="$(fig "$BENCH_TMP/votes.txt" vote_on 4)"
off50="$(fig "$BENCH_TMP/votes.txt" vote_off 3)"
off99="$(fig "$BENCH_TMP/votes.txt" vote_off 4)"
members_total="$(json_field "$BENCH_TMP/$big.json" members)"
reeval_goal="$(awk -v m="$evaluated" 'BEGIN { printf "%.2f", 10 * m / 100000 }')"

printf '\nops/bench abilities — tenant %s: %s seeded members, %s posts; %s cores, server --workers 16\n' \
    "$big" "$members_total" "$POSTS" "$(nproc)"
printf 'checks: %s samples in one process (cached check and Redis GET interleaved), uncached: %s\n\n' \
    "$SAMPLES" "$miss_n"
printf '%-44s %10s %10s   %-36s %s\n' "measure" "p50 ms" "p99 ms" "goal" "met"
printf '%-44s %10s %10s   %-36s %s\n' "(1) Redis GET round trip (baseline)" "$(ms "$get50")" "$(ms "$get99")" "-" "-"
printf '%-44s %10s %10s   %-36s %s\n' "(2) ability check, cached" "$(ms "$hit50")" "$(ms "$hit99")" \
    "p99 <= Redis GET p99 ($(ms "$get99"))" "$(meets "$hit99" "$get99")"
printf '%-44s %10s %10s   %-36s %s\n' "(3) ability check, uncached" "$(ms "$miss50")" "$(ms "$miss99")" "-" "-"
printf '%-44s %10s %10s   %-36s %s\n' "(5a) vote, plugin disabled (baseline)" "$(ms "$off50")" "$(ms "$off99")" "-" "-"
printf '%-44s %10s %10s   %-36s %s\n' "(5b) vote, plugin enabled" "$(ms "$on50")" "$(ms "$on99")" \
    "reported against (5a)" "p50 x$(awk -v a="$on50" -v b="$off50" 'BEGIN { printf "%.2f", a / b }')"
printf '\n%-44s %10s   %-36s %s\n' "measure" "seconds" "goal" "met"
printf '%-44s %10s   %-36s %s\n' "(4) re-evaluate $evaluated members (PUT thresholds)" "$reeval_seconds" \
    "<= 10 s per 100k (${reeval_goal} s here)" "$(meets "$reeval_seconds" "$reeval_goal")"
printf '%-44s %10s   %-36s %s\n' "    enabling the plugin (evaluates everyone)" "$enable_seconds" "-" "-"
printf '%-44s %10s   %-36s %s\n' "    seeding (not a goal)" "$seed_seconds" "-" "-"
printf '\nre-evaluation: %s gained, %s lost unrestricted (post_score threshold set to 0.55)\n' "$gained" "$lost"
