#!/usr/bin/env bash
# End-to-end checks with real MCP clients against a running Odoo: the addon
# installed on a fresh copy of the template database, served on loopback.
source "$(dirname "$0")/common.sh"
prepare_all
ensure_template_db
E2E_DB=${E2E_DB:-mcp_gateway_e2e}
E2E_PORT=${E2E_PORT:-8170}
clone_template_db "$E2E_DB"
log "Installing the addon on $E2E_DB"
odoo_bin -d "$E2E_DB" -i mcp_gateway --stop-after-init --log-level=warn >/dev/null 2>&1 ||
  die "installing mcp_gateway on $E2E_DB failed"

keys=$(make_keys "$E2E_DB" demo admin)
export MCP_USER_KEY=$(awk '$2 == "demo" {print $3}' <<<"$keys")
export MCP_ADMIN_KEY=$(awk '$2 == "admin" {print $3}' <<<"$keys")
[ -n "$MCP_USER_KEY" ] && [ -n "$MCP_ADMIN_KEY" ] || die "could not create MCP keys"
export MCP_URL="http://127.0.0.1:$E2E_PORT/mcp"

# A key of its own for the rate-limit test, so its count starts at zero.
export MCP_RATE_KEY=$(make_keys "$E2E_DB" demo | awk '{print $3}')
[ -n "$MCP_RATE_KEY" ] || die "could not create the rate-limit test key"

server_log=$CACHE_DIR/odoo_e2e_server_$E2E_DB.log
start_odoo_server "$E2E_DB" "$E2E_PORT" "$server_log"
FIRST_SERVER_PID=$ODOO_SERVER_PID
trap 'kill "$FIRST_SERVER_PID" 2>/dev/null; wait "$FIRST_SERVER_PID" 2>/dev/null' EXIT
log "Odoo serves $MCP_URL (log: $server_log)"

# A second Odoo server (another process) on the same database: the rate-limit
# test alternates its calls between both.
E2E_PORT_2=$((E2E_PORT + 5))
server_log_2=$CACHE_DIR/odoo_e2e_server2_$E2E_DB.log
start_odoo_server "$E2E_DB" "$E2E_PORT_2" "$server_log_2"
SECOND_SERVER_PID=$ODOO_SERVER_PID
trap 'kill "$FIRST_SERVER_PID" "$SECOND_SERVER_PID" 2>/dev/null; wait "$FIRST_SERVER_PID" "$SECOND_SERVER_PID" 2>/dev/null' EXIT
export MCP_URL_2="http://127.0.0.1:$E2E_PORT_2/mcp"
log "A second Odoo server serves $MCP_URL_2 (log: $server_log_2)"

set +e
pytest_log=$CACHE_DIR/e2e_pytest_$E2E_DB.log
(cd "$PROJECT_DIR/tests/e2e" && "$CLIENT_VENV/bin/python" -m pytest -p no:cacheprovider -v -s \
  "$PROJECT_DIR/tests/e2e") | tee "$pytest_log"
status=${PIPESTATUS[0]}
record_counts "MCP SDK client" "$(tail -1 "$pytest_log")"
set -e
for logfile in "$server_log" "$server_log_2"; do
  if grep -aq "Traceback" "$logfile"; then
    log "an Odoo server logged a traceback during the end-to-end run (see $logfile)"
    grep -a -B2 -A20 "Traceback" "$logfile" | head -60
    status=1
  fi
done
exit "$status"
