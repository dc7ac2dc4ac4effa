# ops/bench plugin_sql [--samples N] — the latency cost of running plugin SQL under its
# tenant's role (SET ROLE around each statement) against running it unconfined, and the cost
# of one new connection, which a per-tenant login pool would pay instead (docs/security.md).
# shellcheck shell=bash
# shellcheck source=ops/bench.d/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bench_setup
BIN="$BUILD/tests/bench/agora_bench_plugin_sql"
[[ -x $BIN ]] || die "build did not produce $BIN"
printf '%-36s %8s %9s %9s %9s\n' "one plugin statement" samples "p50 µs" "p99 µs" "mean µs"
"$BIN" "$@" | while IFS='|' read -r label n p50 p99 mean; do
    printf '%-36s %8s %9s %9s %9s\n' "$label" "$n" "$p50" "$p99" "$mean"
done
