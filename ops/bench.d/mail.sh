# ops/bench mail [--samples N] [--mails N] — what mail costs a request (a write transaction
# with and without a mail queued in it, same run) and how fast the sender drains the outbox
# into a capture SMTP server (ops/mail-capture.py, as ops/up runs it).
# shellcheck shell=bash
# shellcheck source=ops/bench.d/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bench_setup
BIN="$BUILD/tests/bench/agora_bench_mail"
[[ -x $BIN ]] || die "build did not produce $BIN"
MAIL_DIR="$BENCH_TMP/mail"
mail_capture_start "$MAIL_DIR" "$(free_port)"
trap 'mail_capture_stop "$MAIL_DIR"; bench_cleanup' EXIT
rc=0
"$BIN" --smtp "smtp://127.0.0.1:$(cat "$MAIL_DIR/.port")" "$@" | while IFS='|' read -r label value unit; do
    printf '%-36s %10s %s\n' "$label" "$value" "$unit"
done || rc=$?
printf '%-36s %10s %s\n' "messages the SMTP server kept" "$(find "$MAIL_DIR" -name '*.eml' | wc -l)" files
exit "$rc"
