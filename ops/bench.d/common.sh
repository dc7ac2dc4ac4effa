# Shared set-up for benchmarks: build, servers, a running `agora serve`, wrk helpers.
# shellcheck shell=bash
# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ROOT="$(agora_root)"
cd "$ROOT"
BUILD="${AGORA_BUILD_DIR:-$ROOT/build}"
AGORA="$BUILD/agora"

BENCH_TMP="$(mktemp -d /tmp/agora-bench.XXXXXX)"
chmod 0755 "$BENCH_TMP"
SERVER_PID=""
bench_cleanup() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    if [[ ${BENCH_OWN_SERVERS:-0} == 1 ]]; then
        redis_stop "$BENCH_TMP/redis" || true
        pg_stop "$BENCH_TMP/pg" || true
    fi
    rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT

bench_setup() {
    ensure_packages
    # AGORA_BENCH_NO_BUILD=1 measures an existing build as it is.
    [[ ${AGORA_BENCH_NO_BUILD:-0} == 1 ]] || build_agora "$BUILD" >/dev/null
    if [[ -z ${AGORA_DATABASE_URL:-} ]]; then
        BENCH_OWN_SERVERS=1
        local pg redis
        pg="$(free_port)"
        pg_start "$BENCH_TMP/pg" "$pg" fast >/dev/null
        redis="$(free_port)"
        redis_start "$BENCH_TMP/redis" "$redis" >/dev/null
        pg_export_urls "$BENCH_TMP/pg" "$pg"
        AGORA_REDIS_URL="$(redis_url "$BENCH_TMP/redis" "$redis")"
        export AGORA_REDIS_URL
    fi
    "$AGORA" network init >/dev/null
}

# start_server [workers] — sets PORT and SERVER_PID
start_server() {
    PORT="$(free_port)"
    "$AGORA" serve --port "$PORT" --workers "${1:-16}" >"$BENCH_TMP/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$BENCH_TMP/server.log" >&2
    die "server did not start"
}

# json_field FILE KEY — a top-level number from one-line JSON without jq
json_field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1"; }

# Converts wrk's latency text (e.g. 1.23ms, 456.00us, 2.01s) to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

# run_wrk LABEL HOST PATH [extra wrk args...] — appends "label rps p50ms p99ms" to RESULTS
RESULTS=()
run_wrk() {
    local label=$1 host=$2 path=$3
    shift 3
    local out
    out="$(wrk -t2 -c"${WRK_CONNECTIONS:-16}" -d"${WRK_SECONDS:-10}"s --latency -H "Host: $host" "$@" "http://127.0.0.1:$PORT$path")"
    local rps p50 p99
    rps="$(awk '/Requests\/sec/ { print $2 }' <<<"$out")"
    p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    local errors
    errors="$(awk '/Non-2xx/ { print $NF }' <<<"$out")"
    [[ -z $errors ]] || warn "$label: $errors non-2xx responses"
    RESULTS+=("$label|$rps|$p50|$p99")
}
