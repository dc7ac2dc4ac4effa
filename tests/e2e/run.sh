#!/usr/bin/env bash
# Browser tests: prepares the demo network on the test database, starts
# `agora serve` on a free port, runs tests/e2e/*.test.mjs with node's test
# runner (playwright-core driving Debian's chromium) and stops the server.
#
# Needs AGORA_DATABASE_URL and AGORA_REDIS_URL (ops/test provides them).
# Optional:
#   AGORA_BUILD_DIR   where the `agora` binary lives (default: build)
#   AGORA_TEST_TMP    where the server log goes (default: the build dir)
#   AGORA_CHROMIUM    browser executable (default: /usr/bin/chromium)
# Extra arguments go to `node --test`, e.g. --test-name-pattern=login
#
# The tests receive AGORA_E2E_PORT (= AGORA_E2E_BASE_PORT), the port of the
# server, and AGORA_E2E_SCREENSHOTS, where they save screenshots
# ($AGORA_BUILD_DIR/e2e-screenshots), and AGORA_E2E_MAIL_DIR, where the mail the server
# sends is kept as .eml files by a capture SMTP server.
set -euo pipefail

# shellcheck source=ops/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../ops/lib.sh"

ROOT="$(agora_root)"
E2E="$ROOT/tests/e2e"

[[ -n ${AGORA_DATABASE_URL:-} ]] || die "AGORA_DATABASE_URL is not set (run through ops/test, or export it)"
[[ -n ${AGORA_REDIS_URL:-} ]] || die "AGORA_REDIS_URL is not set (run through ops/test, or export it)"

BUILD="${AGORA_BUILD_DIR:-$ROOT/build}"
[[ $BUILD == /* ]] || BUILD="$ROOT/$BUILD"
AGORA="$BUILD/agora"
[[ -x $AGORA ]] || die "$AGORA not found; build it first (cmake --build $BUILD --target agora)"

CHROMIUM="${AGORA_CHROMIUM:-/usr/bin/chromium}"
[[ -x $CHROMIUM ]] || die "chromium not found at $CHROMIUM (apt-get install chromium, or set AGORA_CHROMIUM)"
command -v node >/dev/null 2>&1 || die "node not found (apt-get install nodejs)"
command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install curl)"
ensure_node_modules
[[ -d $E2E/node_modules/playwright-core ]] || die "playwright-core missing in $E2E/node_modules"

LOG_DIR="${AGORA_TEST_TMP:-$BUILD}"
mkdir -p "$LOG_DIR"
SHOTS="$BUILD/e2e-screenshots"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png

export AGORA_ROOT="$ROOT"
export AGORA_BUILD_DIR="$BUILD"
export AGORA_CHROMIUM="$CHROMIUM"
export AGORA_E2E_SCREENSHOTS="$SHOTS"

# The demo network, as ops/up creates it. Every step is idempotent, so re-running
# them on a shared test database is harmless. Existing communities are brought up to
# date directly (unrehearsed), as a demo install does.
cd "$ROOT"
log "e2e: preparing the demo network"
"$AGORA" network init
"$AGORA" tenant apply "$ROOT"/tenants/*.toml
"$AGORA" migrate apply --all --unrehearsed
"$AGORA" demo seed

SERVER_PID=""
# shellcheck disable=SC2317  # called from the EXIT trap
stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID i
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "agora serve (pid $pid) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
# Mail the server sends lands as .eml files here (tests read links out of them).
MAIL_DIR="$LOG_DIR/e2e-mail"
rm -rf "$MAIL_DIR"
mail_capture_start "$MAIL_DIR" "$(free_port)"
export AGORA_E2E_MAIL_DIR="$MAIL_DIR"
# shellcheck disable=SC2317  # called from the EXIT trap
stop_all() {
    stop_server
    mail_capture_stop "$MAIL_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until the server answers /login for cooking. Returns 1 if the server
# process exits first (e.g. the port was taken in the meantime) or after 60 s.
wait_ready() {
    local port=$1 i code
    for ((i = 0; i < 600; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
            -H 'Host: cooking.localhost' "http://127.0.0.1:$port/login" || true)"
        [[ $code == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}

PORT=""
for attempt in 1 2 3; do
    port="$(free_port)"
    SERVER_LOG="$LOG_DIR/e2e-server.$port.log"
    log "e2e: starting agora serve on port $port (log: $SERVER_LOG)"
    AGORA_SMTP_URL="smtp://127.0.0.1:$(cat "$MAIL_DIR/.port")" \
        AGORA_PUBLIC_URL="http://{host}:$port" \
        "$AGORA" serve --port "$port" >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    if wait_ready "$port"; then
        PORT=$port
        break
    fi
    warn "agora serve did not become ready on port $port (attempt $attempt); last log lines:"
    tail -n 20 "$SERVER_LOG" >&2 || true
    stop_server
done
[[ -n $PORT ]] || die "could not start agora serve"

export AGORA_E2E_PORT="$PORT"
export AGORA_E2E_BASE_PORT="$PORT"

log "e2e: running browser tests against http://cooking.localhost:$PORT (screenshots: $SHOTS)"
rc=0
(cd "$E2E" && node --test --test-reporter=spec "$@" ./*.test.mjs) || rc=$?

stop_server
if ((rc != 0)); then
    warn "browser tests failed (exit $rc); server log: $SERVER_LOG; screenshots: $SHOTS"
fi
exit "$rc"
