# shellcheck shell=bash
# Helpers shared by the ops/ scripts. Source it; it does nothing on its own.
#
# Conventions used by every script and by the `agora` binary:
#   AGORA_DATABASE_URL=postgresql://agora_app:PASSWORD@127.0.0.1:PORT/agora      (requests)
#   AGORA_MIGRATION_DATABASE_URL=postgresql://agora:PASSWORD@127.0.0.1:PORT/agora (owner)
#   AGORA_REDIS_URL=redis://agora:PASSWORD@127.0.0.1:PORT/0
# A PostgreSQL "DIR" (mode 0700) holds data/ (the cluster), log, port, the unix socket and
# passwords (role=password lines, 0600) with the generated passwords of its roles.
# A Redis "DIR" holds redis.pid, redis.log, port, redis.conf and password (both 0600) and
# (when persistent) dump.rdb.

# ops/up and ops/test set `umask 077` once packages are installed and the build is done, so
# what they write afterwards (passwords, env files, logs, test files) is private to the caller.

set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Repository root, found from this file's location so scripts work from any cwd.
# Inside a function BASH_SOURCE[0] is the file that defined it, i.e. ops/lib.sh.
agora_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

AGORA_PACKAGES=(
    build-essential cmake ccache pkg-config clang libclang-rt-14-dev
    libpoco-dev libpq-dev libhiredis-dev libkainjow-mustache-dev libspdlog-dev
    libfmt-dev libsodium-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
    nlohmann-json3-dev libtomlplusplus-dev libdtl-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    postgresql-15 postgresql-contrib redis-server
    wrk chromium nodejs npm curl universal-ctags python3-aiosmtpd openssl
)

# Installs only what is missing, so a second run costs a few dpkg queries and
# never touches the network.
ensure_packages() {
    local missing=() pkg
    for pkg in "${AGORA_PACKAGES[@]}"; do
        # Node is often installed from upstream (nodesource, nvm) rather than
        # Debian; Debian's npm would then conflict, so trust the commands.
        case $pkg in
            nodejs) command -v node >/dev/null 2>&1 && continue ;;
            npm) command -v npm >/dev/null 2>&1 && continue ;;
        esac
        if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    log "installing missing packages: ${missing[*]}"
    # Lock timeout: wait for an unattended upgrade or another install to finish
    # instead of failing on the dpkg lock.
    as_root apt-get -o DPkg::Lock::Timeout=600 update
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}"
}

# Browser tests use playwright-core against Debian's chromium, so no browser
# download is needed; only the npm package itself.
ensure_node_modules() {
    local e2e
    e2e="$(agora_root)/tests/e2e"
    [[ -f $e2e/package.json ]] || return 0
    if [[ ! -d $e2e/node_modules/playwright-core ]]; then
        log "installing browser-test dependencies (npm)"
        (cd "$e2e" && npm install --no-audit --no-fund --no-package-lock)
    fi
}

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

# build_agora [build_dir [cmake args...]]   (relative paths are relative to the repo root)
# Extra arguments go to cmake's configure step and win over the defaults, e.g. ops/test
# --sanitize passes -DCMAKE_BUILD_TYPE=Debug -DAGORA_SANITIZE=ON.
build_agora() {
    local root build
    root="$(agora_root)"
    build="${1:-build}"
    (($# == 0)) || shift
    [[ $build == /* ]] || build="$root/$build"
    local args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${AGORA_BUILD_TYPE:-Release}")
    if command -v ccache >/dev/null 2>&1; then
        args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
        # Paths relative to the checkout and no working directory in the hash (the sanitizer
        # build has debug info): another clone of the same sources reuses the cache.
        export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
    fi
    args+=("$@")
    log "configuring ($build)"
    cmake "${args[@]}"
    log "building"
    cmake --build "$build" -j"$(nproc)"
}

# ---------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------

# True when nothing listens on 127.0.0.1:PORT. Uses ss when present, else a
# connect attempt through bash's /dev/tcp (no python on a fresh machine).
port_free() {
    local p=$1
    if command -v ss >/dev/null 2>&1; then
        [[ -z $(ss -Hltn "sport = :$p" 2>/dev/null) ]]
    else
        if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
    fi
}

# Prints a free TCP port in 20000-60000 (random, so parallel runs rarely collide).
free_port() {
    local i p
    for ((i = 0; i < 500; i++)); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
        if port_free "$p"; then
            echo "$p"
            return 0
        fi
    done
    die "no free TCP port found"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

# PostgreSQL refuses to run as root. As root we run it as the `postgres` system
# user (created by the postgresql-15 package); as anyone else we run it as
# ourselves. `cd /` because the caller's cwd may be unreadable to postgres.
pg_user() {
    if [[ $EUID -eq 0 ]]; then echo postgres; else id -un; fi
}
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

pg_running() {
    local dir=$1
    [[ -f $dir/data/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# Port of a running cluster (4th line of postmaster.pid).
pg_port() {
    sed -n 4p "$1/data/postmaster.pid"
}

# Starts an already initialised cluster with the settings stored in its data
# dir (agora.conf). Also used by ops/pg-ctl when a test restarts PostgreSQL.
pg_ctl_start() {
    local dir=$1
    pg_running "$dir" && return 0
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null; then
        tail -n 30 "$dir/log" >&2 || true
        die "PostgreSQL failed to start in $dir (log: $dir/log)"
    fi
}

# A generated password (hex: safe in URLs and config files).
new_password() {
    od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

# pg_password DIR ROLE — the role's password, generated and kept in DIR/passwords (0600) on
# first use.
pg_password() {
    local dir=$1 role=$2 file="$1/passwords" pw
    pw="$(sed -n "s/^$role=//p" "$file" 2>/dev/null | head -n1 || true)"
    if [[ -z $pw ]]; then
        pw="$(new_password)"
        (umask 077 && echo "$role=$pw" >>"$file")
    fi
    chmod 0600 "$file"
    echo "$pw"
}

# psql as the superuser: over the private unix socket when the cluster has one (trust there:
# only the server's OS user, or root, can reach it), else TCP with the superuser's password.
pg_admin_psql() {
    local dir=$1 port=$2
    shift 2
    local host=127.0.0.1
    [[ -S $dir/.s.PGSQL.$port ]] && host=$dir
    PGPASSWORD="$(pg_password "$dir" postgres)" \
        psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres -tA "$@"
}

# pg_ensure_db DIR PORT
# Roles and database, idempotent (also turns an older superuser `agora` into the owner):
#   agora      owns the database and every schema; runs migrations, creates tenants and their
#              roles (CREATEROLE) and test databases (CREATEDB). Not a superuser.
#   agora_app  what the server connects as: DML only, through grants `agora network init` gives.
#   postgres   the superuser; used by these scripts only.
# Passwords are scram-sha-256, generated once, kept in DIR/passwords.
pg_ensure_db() {
    local dir=$1 port=$2
    local q=(pg_admin_psql "$dir" "$port")
    local owner_pw app_pw su_pw
    su_pw="$(pg_password "$dir" postgres)"
    owner_pw="$(pg_password "$dir" agora)"
    app_pw="$(pg_password "$dir" agora_app)"
    "${q[@]}" -d postgres -v su="$su_pw" -v owner="$owner_pw" -v app="$app_pw" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT 'CREATE ROLE agora' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'agora')
\gexec
SELECT 'CREATE ROLE agora_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'agora_app')
\gexec
ALTER ROLE postgres PASSWORD :'su';
ALTER ROLE agora NOSUPERUSER CREATEROLE CREATEDB LOGIN PASSWORD :'owner';
ALTER ROLE agora_app NOSUPERUSER NOCREATEROLE NOCREATEDB INHERIT LOGIN PASSWORD :'app';
SELECT 'CREATE DATABASE agora OWNER agora' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'agora')
\gexec
SQL
    # In the database: nobody but its roles may connect; tenant roles may not call set_config
    # (it could switch a plugin's statement back to the application role).
    "${q[@]}" -d agora <<'SQL'
REVOKE ALL ON DATABASE agora FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE agora TO agora_app;
REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO agora, agora_app;
SQL
}

# pg_export_urls DIR PORT — exports the URLs of the two roles (see the top of this file).
pg_export_urls() {
    local dir=$1 port=$2
    local app owner
    app="$(pg_password "$dir" agora_app)"
    owner="$(pg_password "$dir" agora)"
    export AGORA_DATABASE_URL="postgresql://agora_app:$app@127.0.0.1:$port/agora"
    export AGORA_MIGRATION_DATABASE_URL="postgresql://agora:$owner@127.0.0.1:$port/agora"
}

# pg_start DIR PORT [fast]
# Initialises DIR/data on first use, (re)writes the settings, starts the
# cluster on 127.0.0.1:PORT and makes sure role/database `agora` exist.
# `fast` trades durability for speed (throwaway test clusters only).
pg_start() {
    local dir=$1 port=$2 mode=${3:-}
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    [[ -x $PG_BIN/initdb ]] || die "PostgreSQL 15 not found in $PG_BIN"

    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$dir"
    fi
    # Every parent directory must be traversable by the server's user; a
    # checkout under /root is not. Fail with a clear reason instead of an
    # obscure initdb error.
    if ! as_pg test -w "$dir"; then
        die "user $(pg_user) cannot write $dir (a parent directory lacks o+x?)"
    fi

    # Private: passwords and the unix socket live here.
    chmod 0700 "$dir"
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        log "initialising PostgreSQL cluster in $dir/data"
        # The superuser's password exists from the start; pg_hba.conf is ours (written below).
        local pwfile
        pwfile="$(mktemp)"
        pg_password "$dir" postgres >"$pwfile"
        [[ $EUID -eq 0 ]] && chown postgres "$pwfile"
        as_pg "$PG_BIN/initdb" -D "$dir/data" --auth-local=trust --auth-host=scram-sha-256 \
            --pwfile="$pwfile" -U postgres -E UTF8 \
            --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
            {
                rm -f "$pwfile"
                cat "$dir/initdb.log" >&2
                die "initdb failed"
            }
        rm -f "$pwfile"
        # Our settings live in their own file so they can be rewritten on
        # every start without editing postgresql.conf again.
        echo "include_if_exists = 'agora.conf'" >>"$dir/data/postgresql.conf"
    fi

    if pg_running "$dir"; then
        local running
        running="$(pg_port "$dir")"
        [[ $running == "$port" ]] || die "PostgreSQL in $dir already runs on port $running, not $port"
        pg_ensure_db "$dir" "$port"
        return 0
    fi

    # The unix socket path is limited to ~107 bytes; with a deep DIR we fall
    # back to TCP only (everything here connects over 127.0.0.1 anyway).
    local sockdir=$dir
    if ((${#dir} + 20 > 100)); then sockdir=''; fi
    {
        echo "# written by ops/lib.sh pg_start; rewritten on every start"
        echo "port = $port"
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = '$sockdir'"
        echo "unix_socket_permissions = 0700"
        echo "password_encryption = 'scram-sha-256'"
        echo "hba_file = '$dir/data/agora_hba.conf'"
        echo "max_connections = 300"
        echo "shared_buffers = 256MB"
        if [[ $mode == fast ]]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } >"$dir/data/agora.conf"
    # Passwords on TCP (also for clusters made before this file had them); the socket is
    # private (0700), so trust there admits only the server's OS user and root.
    {
        echo "# written by ops/lib.sh pg_start; rewritten on every start"
        echo "local all all trust"
        echo "host all all 127.0.0.1/32 scram-sha-256"
        echo "host all all ::1/128 scram-sha-256"
    } >"$dir/data/agora_hba.conf"
    echo "$port" >"$dir/port"
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$dir/data/agora.conf" "$dir/data/agora_hba.conf" "$dir/port"
    fi

    log "starting PostgreSQL on 127.0.0.1:$port"
    pg_ctl_start "$dir"
    pg_ensure_db "$dir" "$port"
}

# pg_stop DIR — fast shutdown (rolls back open transactions, keeps data).
# Quiet no-op when the cluster is not running (a test may have stopped it).
pg_stop() {
    local dir=$1
    [[ -f $dir/data/PG_VERSION ]] || return 0
    if pg_running "$dir"; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ||
            warn "PostgreSQL in $dir did not stop cleanly"
    fi
}

# Where ops/up keeps its PostgreSQL cluster. Normally ROOT/.agora/pg. When we
# run as root and the `postgres` user cannot reach the checkout (e.g. it lives
# under /root, mode 0700), the cluster goes to /var/lib/agora/<hash of ROOT>/pg
# and .agora/pg becomes a symlink to it. This avoids loosening permissions on
# the user's home directory; the hash keeps several checkouts apart.
agora_pg_dir() {
    local root=$1 link="$1/.agora/pg"
    if [[ -e $link ]]; then
        readlink -f "$link"
        return 0
    fi
    mkdir -p "$root/.agora"
    if [[ $EUID -ne 0 ]] || runuser -u postgres -- test -x "$root/.agora" 2>/dev/null; then
        mkdir -p "$link"
        echo "$link"
    else
        local hash target
        hash="$(printf '%s' "$root" | sha256sum | cut -c1-12)"
        target="/var/lib/agora/$hash/pg"
        mkdir -p "$target"
        ln -sfn "$target" "$link"
        echo "$target"
    fi
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

# PID of the redis-server recorded in DIR, if it is still that process.
redis_pid() {
    local dir=$1 pid
    [[ -f $dir/redis.pid ]] || return 1
    pid="$(cat "$dir/redis.pid")"
    [[ -n $pid && -r /proc/$pid/comm ]] || return 1
    [[ $(cat "/proc/$pid/comm") == redis-server* ]] || return 1
    echo "$pid"
}

redis_running() {
    redis_pid "$1" >/dev/null
}

# redis_password DIR — generated on first use, kept in DIR/password (0600).
redis_password() {
    local dir=$1
    if [[ ! -s $dir/password ]]; then
        (umask 077 && new_password >"$dir/password")
    fi
    chmod 0600 "$dir/password"
    cat "$dir/password"
}

# redis_url DIR PORT — what the server uses: the ACL user `agora` (no admin commands).
redis_url() {
    echo "redis://agora:$(redis_password "$1")@127.0.0.1:$2/0"
}

# redis_start DIR PORT [persist]
# Without `persist` Redis is a pure cache (no RDB, no AOF) — what tests want.
# ops/up passes `persist` so the cache survives a restart.
# Passwords: `default` (requirepass; what redis-cli uses via REDISCLI_AUTH) and the ACL user
# `agora` (everything but @dangerous: no FLUSHALL, CONFIG, KEYS, SHUTDOWN...) share the
# generated one in DIR/password.
redis_start() {
    local dir=$1 port=$2 mode=${3:-}
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    chmod 0700 "$dir"
    local pw
    pw="$(redis_password "$dir")"
    (
        umask 077
        {
            echo "# written by ops/lib.sh redis_start; rewritten on every start"
            echo "requirepass $pw"
            echo "user agora on >$pw ~* &* +@all -@dangerous"
        } >"$dir/redis.conf"
    )
    if redis_running "$dir"; then
        [[ $(cat "$dir/port" 2>/dev/null) == "$port" ]] ||
            die "Redis in $dir already runs, not on port $port"
        return 0
    fi
    local save=(--save '')
    [[ $mode == persist ]] && save=(--save 60 1)
    log "starting Redis on 127.0.0.1:$port"
    redis-server "$dir/redis.conf" --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
        "${save[@]}" --appendonly no
    echo "$port" >"$dir/port"
    local i
    for ((i = 0; i < 100; i++)); do
        if [[ $(REDISCLI_AUTH=$pw redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$dir/redis.log" >&2 || true
    die "Redis did not answer on port $port (log: $dir/redis.log)"
}

# redis_stop DIR — SIGTERM (which saves first when persistence is on), then
# wait for the process to go away. No-op if it is not running.
redis_stop() {
    local dir=$1 pid i
    pid="$(redis_pid "$dir")" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        [[ -d /proc/$pid ]] || return 0
        sleep 0.1
    done
    warn "Redis (pid $pid) ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# Capture SMTP server (ops/mail-capture.py): keeps every message as DIR/*.eml
# ---------------------------------------------------------------------------

# mail_capture_start DIR PORT: starts it in the background (pid in DIR/.pid) and
# waits until it accepts connections.
mail_capture_start() {
    local dir=$1 port=$2 i
    mkdir -p "$dir"
    "$(agora_root)/ops/mail-capture.py" --port "$port" --dir "$dir" \
        >"$dir/.log" 2>&1 &
    echo $! >"$dir/.pid"
    echo "$port" >"$dir/.port"
    for ((i = 0; i < 100; i++)); do
        port_free "$port" || return 0
        kill -0 "$(cat "$dir/.pid")" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir/.log" >&2 || true
    die "the capture SMTP server did not start on port $port"
}

mail_capture_stop() {
    local dir=$1 pid
    [[ -f $dir/.pid ]] || return 0
    pid="$(cat "$dir/.pid")"
    rm -f "$dir/.pid"
    kill -TERM "$pid" 2>/dev/null || return 0
    wait "$pid" 2>/dev/null || true
}
