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

server_log=$CACHE_DIR/odoo_e2e_server.$E2E_DB.log
start_odoo_server "$E2E_DB" "$E2E_PORT" "$server_log"
trap 'kill "$ODOO_SERVER_PID" 2>/dev/null; wait "$ODOO_SERVER_PID" 2>/dev/null' EXIT
log "Odoo serves $MCP_URL (log: $server_log)"

set +e
(cd "$PROJECT_DIR/tests/e2e" && "$CLIENT_VENV/bin/python" -m pytest -p no:cacheprovider -v -s \
  "$PROJECT_DIR/tests/e2e") | tee "$CACHE_DIR/e2e_pytest.$E2E_DB.log"
status=${PIPESTATUS[0]}
record_counts "MCP SDK client" "$(tail -1 "$CACHE_DIR/e2e_pytest.$E2E_DB.log")"
set -e
if grep -q "Traceback" "$server_log"; then
  log "the Odoo server logged a traceback during the end-to-end run (see $server_log)"
  grep -B2 -A20 "Traceback" "$server_log" | head -60
  status=1
fi
exit "$status"
