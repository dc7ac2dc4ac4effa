# ops/bench edge [--idle N] [--trickle N] [--requests N]: a new visitor's latency for a
# question page (a fresh connection per request) alone, with N idle keep-alive connections
# held open (default 1000), and with N clients trickling header lines (default 200).
# The server runs with its default limits and 16 workers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ARGS=()
while (($#)); do
    case $1 in
        --idle | --trickle | --requests | --interval-ms) ARGS+=("$1" "$2"); shift 2 ;;
        *) echo "usage: ops/bench edge [--idle N] [--trickle N] [--requests N]" >&2; exit 2 ;;
    esac
done
bench_setup
slug="benchedge$RANDOM"
host="$slug.localhost"
"$AGORA" tenant add "$slug" --host "$host" >/dev/null
"$AGORA" tenant seed "$slug" --posts 2000 --showcase --json >"$BENCH_TMP/seed.json" 2>/dev/null
question="$(json_field "$BENCH_TMP/seed.json" showcase_question)"
ulimit -n 65536 || true
start_server 16
"$BUILD/tests/bench/agora_bench_edge" --port "$PORT" --host "$host" \
    --path "/questions/$question" "${ARGS[@]}"
