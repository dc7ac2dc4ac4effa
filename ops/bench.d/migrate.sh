# ops/bench migrate [--posts N | --1m] — the posts.last_activity_by change (migrations/tenant
# 004–007) under a writer load, against the naive plain-SQL version of the same change.
#
#   (a) naive: ALTER TABLE … ADD COLUMN … REFERENCES + UPDATE backfill + plain CREATE INDEX in one
#       transaction, on a staging copy (agora tenant stage), with the writer on that copy;
#   (b) agora migrate apply of the real steps on the tenant itself, with the writer on it;
#   (c) the rehearsal's estimate (sum of estimated_prod_ms) against (b)'s applied time;
#   (c) also writes the rehearsal as one self-contained page (timeline of locks and waits per
#       step): $AGORA_BENCH_HTML, default build/bench-migrate-rehearsal.html;
#   (e) the writer's own log (written in the transaction of each write) against the final table:
#       duplicates, missing rows, rows that should be deleted, missed updates.
# During (a) and (b) a slow transaction holds a read lock (ACCESS SHARE) on posts for 4 s, as a
# long report query would. "Stall" is the longest single write the writer saw (lock waits
# included), measured with clock_timestamp() around each write.
#   (d) a shadow rewrite of posts (copy + catch-up rows/s, no writer) against a raw batched
#       UPDATE of the same copy (rows/s); NAIVE column = the UPDATE, AGORA APPLY = the shadow.
# shellcheck shell=bash
# shellcheck source=ops/bench.d/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

POSTS=200000
while [[ $# -gt 0 ]]; do
    case $1 in
    --posts) POSTS=$2; shift 2 ;;
    --1m) POSTS=1000000; shift ;;
    *) die "usage: ops/bench migrate [--posts N | --1m]" ;;
    esac
done

bench_setup
command -v jq >/dev/null || die "jq is needed"

# A checkout root whose migrations stop before 004, so the tenant starts as production is today;
# everything else points at the real checkout.
STEPS=(004_posts_last_activity_by.sql 005_posts_last_activity_by_backfill.sql
    006_posts_last_activity_by_index.sql 007_posts_last_activity_by_validate.sql)
BROOT="$BENCH_TMP/root"
mkdir -p "$BROOT"
for e in "$ROOT"/*; do
    [[ ${e##*/} == migrations ]] || ln -s "$e" "$BROOT/${e##*/}"
done
cp -r "$ROOT/migrations" "$BROOT/migrations"
for s in "${STEPS[@]}"; do mv "$BROOT/migrations/tenant/$s" "$BENCH_TMP/"; done
export AGORA_ROOT="$BROOT"

SLUG=mbench
# The owner: the bench changes tables directly.
PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 "${AGORA_MIGRATION_DATABASE_URL:-$AGORA_DATABASE_URL}")
log() { echo "bench migrate: $*" >&2; }

log "seeding $SLUG with $POSTS posts"
"$AGORA" tenant add "$SLUG" --host "$SLUG.test" >/dev/null
"$AGORA" tenant seed "$SLUG" --posts "$POSTS" >/dev/null
for s in "${STEPS[@]}"; do mv "$BENCH_TMP/$s" "$BROOT/migrations/tenant/"; done
schema_of() { "${PSQL[@]}" -c "SELECT schema_name FROM network.tenants WHERE slug = '$1'"; }
SCHEMA="$(schema_of "$SLUG")"

# The writer: one procedure, one write per transaction, each logged in bench.writes in the same
# transaction (so the log holds exactly the committed writes). Writes: new questions, votes and
# edits of them, edits of seeded posts, deletes of its own questions.
"${PSQL[@]}" <<'SQL'
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.writes (
    run text NOT NULL, seq bigint NOT NULL, op text NOT NULL, post_id bigint NOT NULL,
    body text, up_votes int, ms double precision NOT NULL, at timestamptz NOT NULL,
    PRIMARY KEY (run, seq));
CREATE TABLE IF NOT EXISTS bench.ctl (run text PRIMARY KEY, stop boolean NOT NULL DEFAULT false);
CREATE OR REPLACE PROCEDURE bench.writer(p_run text, p_seed int) LANGUAGE plpgsql AS $$
DECLARE
    seq bigint := 0; t0 timestamptz; op text; v_id bigint; b text; up int;
    v_members bigint[]; lo bigint; hi bigint; mine bigint[] := '{}'; k int;
BEGIN
    PERFORM setseed(p_seed / 1000.0);
    SELECT array_agg(m.id) INTO v_members FROM members m;
    SELECT min(p.id), max(p.id) INTO lo, hi FROM posts p;
    COMMIT;
    LOOP
        EXIT WHEN (SELECT stop FROM bench.ctl WHERE run = p_run);
        seq := seq + 1;
        b := p_run || ':' || seq;
        up := NULL;
        t0 := clock_timestamp();
        k := floor(random() * 10);
        IF k < 3 OR cardinality(mine) < 5 THEN
            op := 'insert';
            INSERT INTO posts (post_type, author_id, title, body_md, body_html, tags)
            VALUES ('question', v_members[1 + floor(random() * cardinality(v_members))::int],
                    'bench ' || b, b, '<p>' || b || '</p>', '{bench}')
            RETURNING posts.id INTO v_id;
            mine := mine || v_id;
            -- Servers that already run the new code fill last_activity_by. Checked after the
            -- INSERT: a column added before it is seen; one added later is added after this
            -- commits, so the backfill (which runs after that) sees this row.
            IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'posts'::regclass
                       AND attname = 'last_activity_by' AND NOT attisdropped) THEN
                EXECUTE 'UPDATE posts SET last_activity_by = author_id WHERE id = $1' USING v_id;
            END IF;
        ELSIF k < 5 THEN
            op := 'vote';
            v_id := mine[1 + floor(random() * cardinality(mine))::int];
            UPDATE posts SET up_votes = up_votes + 1, score = score + 1 WHERE posts.id = v_id
            RETURNING up_votes, body_md INTO up, b;
        ELSIF k < 7 THEN
            op := 'edit';
            v_id := mine[1 + floor(random() * cardinality(mine))::int];
            UPDATE posts SET body_md = b, body_html = '<p>' || b || '</p>',
                   last_activity_at = now() WHERE posts.id = v_id;
        ELSIF k < 9 THEN
            op := 'edit-seeded';
            v_id := lo + floor(random() * (hi - lo + 1))::bigint;
            UPDATE posts SET body_md = b, last_activity_at = now() WHERE posts.id = v_id;
            IF NOT FOUND THEN
                op := 'none';
            END IF;
        ELSE
            op := 'delete';
            v_id := mine[1];
            mine := mine[2:];
            DELETE FROM post_tags WHERE post_id = v_id;
            DELETE FROM posts WHERE posts.id = v_id;
        END IF;
        IF op <> 'none' THEN
            INSERT INTO bench.writes VALUES (p_run, seq, op, v_id,
                CASE WHEN op = 'delete' THEN NULL ELSE b END, up,
                extract(epoch FROM clock_timestamp() - t0) * 1000, clock_timestamp());
        END IF;
        COMMIT;
        PERFORM pg_sleep(0.002);
    END LOOP;
END
$$;
SQL

# run_with_load RUN SCHEMA CMD... — the writer on SCHEMA and the slow reader around CMD; prints
# CMD's wall time in ms on fd 3
run_with_load() {
    local run=$1 schema=$2
    shift 2
    "${PSQL[@]}" -c "INSERT INTO bench.ctl VALUES ('$run', false)"
    PGOPTIONS="-c search_path=$schema,public" "${PSQL[@]}" -c "CALL bench.writer('$run', 7)" &
    local writer=$!
    sleep 2
    PGOPTIONS="-c search_path=$schema,public" "${PSQL[@]}" \
        -c "BEGIN; SELECT count(*) FROM posts WHERE body_md <> ''; SELECT pg_sleep(4); COMMIT" >/dev/null &
    local slow=$!
    sleep 0.5
    local t0 t1
    t0=$(date +%s%N)
    "$@"
    t1=$(date +%s%N)
    wait "$slow"
    sleep 2
    "${PSQL[@]}" -c "UPDATE bench.ctl SET stop = true WHERE run = '$run'"
    wait "$writer"
    echo $(((t1 - t0) / 1000000)) >"$BENCH_TMP/$run.ms"
}

# (c) first: the rehearsal (refreshes SLUG-staging and applies the steps there).
log "rehearsing"
HTML_OUT="${AGORA_BENCH_HTML:-$BUILD/bench-migrate-rehearsal.html}"
"$AGORA" migrate rehearse "$SLUG" --json --html "$HTML_OUT" >"$BENCH_TMP/rehearse.json"
EST_MS="$(jq '[.steps[].estimated_prod_ms] | add | floor' "$BENCH_TMP/rehearse.json")"

# (a) a fresh copy without the steps, then the naive change on it under load.
log "naive change on a staging copy"
"$AGORA" tenant stage "$SLUG" >/dev/null
STAGE_SCHEMA="$(schema_of "$SLUG-staging")"
naive() {
    PGOPTIONS="-c search_path=$STAGE_SCHEMA,public" "${PSQL[@]}" <<'SQL'
BEGIN;
ALTER TABLE posts ADD COLUMN last_activity_by bigint REFERENCES members (id);
UPDATE posts p SET last_activity_by = coalesce(
    (SELECT a.author_id FROM posts a WHERE a.parent_id = p.id AND a.post_type = 'answer'
      ORDER BY a.created_at DESC, a.id DESC LIMIT 1), p.author_id);
CREATE INDEX posts_last_activity_by ON posts (last_activity_by);
COMMIT;
SQL
}
run_with_load naive "$STAGE_SCHEMA" naive

# (b) the real steps on the tenant.
log "agora migrate apply"
apply() { "$AGORA" migrate apply "$SLUG" --json >"$BENCH_TMP/apply.json"; }
run_with_load real "$SCHEMA" apply
APPLY_MS="$(jq '[.tenants[0].steps[].duration_ms] | add' "$BENCH_TMP/apply.json")"

# (e) the writer's log against the final table, per run.
check() {
    local run=$1 schema=$2
    "${PSQL[@]}" -F' ' <<SQL
WITH last AS (
    SELECT DISTINCT ON (post_id) post_id, op, body, up_votes FROM bench.writes
    WHERE run = '$run' AND op <> 'vote' ORDER BY post_id, seq DESC),
votes AS (
    SELECT DISTINCT ON (post_id) post_id, up_votes FROM bench.writes
    WHERE run = '$run' AND op = 'vote' ORDER BY post_id, seq DESC)
SELECT
  (SELECT count(*) FROM (SELECT body_md FROM $schema.posts WHERE body_md LIKE '$run:%'
                         AND post_type = 'question' AND 'bench' = ANY (tags)
                         GROUP BY body_md HAVING count(*) > 1) d),
  (SELECT count(*) FROM last l WHERE l.op <> 'delete'
     AND NOT EXISTS (SELECT 1 FROM $schema.posts p WHERE p.id = l.post_id)),
  (SELECT count(*) FROM last l WHERE l.op = 'delete'
     AND EXISTS (SELECT 1 FROM $schema.posts p WHERE p.id = l.post_id)),
  (SELECT count(*) FROM last l JOIN $schema.posts p ON p.id = l.post_id
     WHERE l.op <> 'delete' AND p.body_md IS DISTINCT FROM l.body)
  + (SELECT count(*) FROM votes v JOIN $schema.posts p ON p.id = v.post_id
     WHERE p.up_votes <> v.up_votes),
  (SELECT count(*) FROM bench.writes WHERE run = '$run'),
  (SELECT round(max(ms)::numeric, 1) FROM bench.writes WHERE run = '$run'),
  (SELECT round((percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::numeric, 1)
     FROM bench.writes WHERE run = '$run');
SQL
}
read -r N_DUP N_MISS N_UNDEL N_STALE N_WRITES N_STALL N_P99 < <(check naive "$STAGE_SCHEMA")
read -r R_DUP R_MISS R_UNDEL R_STALE R_WRITES R_STALL R_P99 < <(check real "$SCHEMA")
NULLS="$("${PSQL[@]}" -c "SELECT count(*) FROM $SCHEMA.posts WHERE last_activity_by IS NULL")"

# (d) a shadow rewrite of posts (copy + catch-up, then swap) on a fresh copy of the migrated
# tenant, against a raw batched UPDATE of every row of the same copy (5,000 ids per commit).
log "shadow rewrite vs batched UPDATE on a staging copy"
cat >"$BROOT/migrations/tenant/099_bench_shadow.sql" <<'SQL'
-- agora:shadow posts
ALTER TABLE posts ALTER COLUMN comment_count TYPE bigint;
SQL
"$AGORA" tenant stage "$SLUG" >/dev/null
STAGE_SCHEMA="$(schema_of "$SLUG-staging")"
D_RATIO="-" D_SHADOW="failed" D_RAW="-" D_OK="MISS"
if "$AGORA" migrate apply "$SLUG-staging" --json >"$BENCH_TMP/shadow.json"; then
    read -r SH_ROWS SH_MS < <(jq -r '.tenants[0].steps[] | select(.step == "099_bench_shadow.sql")
        | "\(.shadow.rows_copied) \(.shadow.copy_ms + .shadow.catchup_ms)"' "$BENCH_TMP/shadow.json")
    t0=$(date +%s%N)
    PGOPTIONS="-c search_path=$STAGE_SCHEMA,public" "${PSQL[@]}" <<'SQL'
DO $$
DECLARE lo bigint; hi bigint;
BEGIN
    SELECT min(id), max(id) INTO lo, hi FROM posts;
    WHILE lo <= hi LOOP
        UPDATE posts SET comment_count = comment_count WHERE id >= lo AND id < lo + 5000;
        COMMIT;
        lo := lo + 5000;
    END LOOP;
END
$$;
SQL
    t1=$(date +%s%N)
    RAW_ROWS="$("${PSQL[@]}" -c "SELECT count(*) FROM $STAGE_SCHEMA.posts")"
    RAW_MS=$(((t1 - t0) / 1000000))
    D_SHADOW="$(awk -v r="$SH_ROWS" -v m="$SH_MS" 'BEGIN { printf "%.0f rows/s", r * 1000 / (m > 0 ? m : 1) }')"
    D_RAW="$(awk -v r="$RAW_ROWS" -v m="$RAW_MS" 'BEGIN { printf "%.0f rows/s", r * 1000 / (m > 0 ? m : 1) }')"
    D_RATIO="$(awk -v a="$SH_ROWS" -v am="$SH_MS" -v b="$RAW_ROWS" -v bm="$RAW_MS" 'BEGIN { printf "%.2f", (a / (am > 0 ? am : 1)) / (b / (bm > 0 ? bm : 1)) }')"
    D_OK="$(awk -v v="$D_RATIO" 'BEGIN { print (v >= 0.75) ? "ok" : "MISS" }')"
fi

DEV="$(awk -v e="$EST_MS" -v a="$APPLY_MS" 'BEGIN { printf "%+.0f %%", (e - a) * 100 / (a > 0 ? a : 1) }')"
EST_OK="$(awk -v e="$EST_MS" -v a="$APPLY_MS" 'BEGIN { d = (e - a) / (a > 0 ? a : 1); print (d <= 0.25 && d >= -0.25) ? "ok" : "MISS" }')"
ok() { awk -v v="$1" -v t="$2" 'BEGIN { print (v + 0 <= t + 0) ? "ok" : "MISS" }'; }

echo
echo "migrate bench: $POSTS posts seeded ($(date -u +%FT%TZ)); slow reader holds posts 4 s in each run"
printf '%-44s %-16s %-16s %-10s %s\n' MEASURE NAIVE "AGORA APPLY" TARGET RESULT
printf '%-44s %-16s %-16s %-10s %s\n' "(a/b) longest writer stall (ms)" "$N_STALL" "$R_STALL" "<= 500" "$(ok "$R_STALL" 500)"
printf '%-44s %-16s %-16s %-10s %s\n' "      writer p99 (ms)" "$N_P99" "$R_P99" "" ""
printf '%-44s %-16s %-16s %-10s %s\n' "      writes committed" "$N_WRITES" "$R_WRITES" "" ""
printf '%-44s %-16s %-16s %-10s %s\n' "      change wall time (ms)" "$(cat "$BENCH_TMP/naive.ms")" "$(cat "$BENCH_TMP/real.ms")" "" ""
printf '%-44s %-16s %-16s %-10s %s\n' "(c) rehearsal estimate vs applied (ms)" "" "$EST_MS vs $APPLY_MS" "±25 %" "$DEV $EST_OK"
jq -r --slurpfile a "$BENCH_TMP/apply.json" '.steps[] | .step as $s |
    "      \($s | .[0:34]): est \(.estimated_prod_ms | floor) ms, applied \([$a[0].tenants[0].steps[] | select(.step == $s) | .duration_ms][0]) ms"' \
    "$BENCH_TMP/rehearse.json"
printf '%-44s %-16s %-16s %-10s %s\n' "(e) duplicates" "$N_DUP" "$R_DUP" "0" "$(ok "$R_DUP" 0)"
printf '%-44s %-16s %-16s %-10s %s\n' "    missing" "$N_MISS" "$R_MISS" "0" "$(ok "$R_MISS" 0)"
printf '%-44s %-16s %-16s %-10s %s\n' "    should be deleted" "$N_UNDEL" "$R_UNDEL" "0" "$(ok "$R_UNDEL" 0)"
printf '%-44s %-16s %-16s %-10s %s\n' "    missed updates" "$N_STALE" "$R_STALE" "0" "$(ok "$R_STALE" 0)"
printf '%-44s %-16s %-16s %-10s %s\n' "    last_activity_by NULL after apply" "" "$NULLS" "0" "$(ok "$NULLS" 0)"
printf '%-44s %-16s %-16s %-10s %s\n' "(d) shadow copy+catch-up vs batched UPDATE" "$D_RAW" "$D_SHADOW" ">= 0.75" "$D_RATIO $D_OK"
echo "rehearsal timeline: $HTML_OUT"
