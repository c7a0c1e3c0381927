#!/usr/bin/env bash
# `make demo`: a local Odoo 19 with Sales, Inventory, Invoicing and CRM demo data
# and this addon, serving MCP on 127.0.0.1:8069. Prints the URL, a key for the
# demo user and client configuration. A second run reuses the database and key.
source "$(dirname "$0")/common.sh"
prepare_all
ensure_template_db
DEMO_DB=${DEMO_DB:-mcp_demo}
DEMO_PORT=${DEMO_PORT:-8069}
DEMO_LOGIN=${DEMO_LOGIN:-demo}
key_file=$CACHE_DIR/$DEMO_DB.$DEMO_LOGIN.key

server_log=$CACHE_DIR/$DEMO_DB.log
running=$(pgrep -f "odoo-bin.* -d $DEMO_DB .*--http-port=$DEMO_PORT" | head -1 || true)
if [ -n "$running" ]; then
  log "The demo already runs (pid $running); reusing it"
  ODOO_SERVER_PID=$running
  DEMO_DETACH=1
else
  if curl -s -o /dev/null "http://127.0.0.1:$DEMO_PORT/web/health"; then
    die "something else answers on port $DEMO_PORT (stop it, or set DEMO_PORT)"
  fi
  if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DEMO_DB'" | grep -q 1; then
    log "Reusing database $DEMO_DB; updating the addon"
    odoo_bin -d "$DEMO_DB" -u mcp_gateway --stop-after-init --log-level=warn >/dev/null 2>&1 ||
      die "updating mcp_gateway on $DEMO_DB failed"
  else
    log "Creating database $DEMO_DB from the demo template and installing the addon"
    clone_template_db "$DEMO_DB"
    odoo_bin -d "$DEMO_DB" -i mcp_gateway --stop-after-init --log-level=warn >/dev/null 2>&1 ||
      die "installing mcp_gateway on $DEMO_DB failed"
    rm -f "$key_file"
  fi
  start_odoo_server "$DEMO_DB" "$DEMO_PORT" "$server_log"
fi
url="http://127.0.0.1:$DEMO_PORT/mcp"

# Reuse the saved key while it still opens /mcp; otherwise make a new one.
key=$(cat "$key_file" 2>/dev/null || true)
if [ -z "$key" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url" \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"ping"}')" != 200 ]; then
  key=$(make_keys "$DEMO_DB" "$DEMO_LOGIN" | awk '{print $3}')
  [ -n "$key" ] || die "could not create an MCP key for $DEMO_LOGIN"
  (umask 077; printf '%s\n' "$key" > "$key_file")
fi

cat <<INFO

  MCP Gateway demo is running.

  Odoo web client  http://127.0.0.1:$DEMO_PORT/odoo   (admin/admin, demo/demo)
  MCP endpoint     $url
  MCP key          $key   (user: $DEMO_LOGIN; also saved in $key_file)
  Server log       $server_log

  Claude Code:
    claude mcp add --transport http odoo $url --header "Authorization: Bearer $key"
  Claude Code by URL with OAuth (log in to Odoo and approve in the browser):
    claude mcp add --transport http odoo $url   # then /mcp > odoo > Authenticate

  Any MCP client (JSON configuration):
    {
      "mcpServers": {
        "odoo": {
          "type": "http",
          "url": "$url",
          "headers": { "Authorization": "Bearer $key" }
        }
      }
    }

  Quick check:
    curl -s -X POST $url -H "Authorization: Bearer $key" \\
      -H 'Content-Type: application/json' \\
      -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'

INFO

if [ -n "${DEMO_DETACH:-}" ]; then
  log "Running in the background (pid $ODOO_SERVER_PID); stop it with: kill $ODOO_SERVER_PID"
  exit 0
fi
log "Press Ctrl-C to stop Odoo."
trap 'kill "$ODOO_SERVER_PID" 2>/dev/null; wait "$ODOO_SERVER_PID" 2>/dev/null; exit 0' INT TERM
wait "$ODOO_SERVER_PID"
