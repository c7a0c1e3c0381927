#!/usr/bin/env bash
# `make bench`: sizes and latencies of MCP answers against Odoo's JSON-2 API, on
# a running demo (`make demo`, same DEMO_DB / DEMO_PORT). Runs as BENCH_LOGIN
# (default admin, who sees all the demo's sale orders: the demo user, a
# salesman, sees 17), with an MCP key of that user (MCP_KEY, else one made once
# and saved) and a global API key of the same user for JSON-2 (JSON2_KEY, else
# made once and saved beside it).
source "$(dirname "$0")/common.sh"
prepare_all
DEMO_DB=${DEMO_DB:-mcp_demo}
DEMO_PORT=${DEMO_PORT:-8069}
DEMO_LOGIN=${BENCH_LOGIN:-admin}
base_url=${BENCH_URL:-http://127.0.0.1:$DEMO_PORT}
curl -sf "$base_url/web/health" >/dev/null ||
  die "no Odoo answers at $base_url: start one with DEMO_DETACH=1 make demo"

export MCP_URL=${MCP_URL:-$base_url/mcp} JSON2_URL=${JSON2_URL:-$base_url}
mcp_key_file=$CACHE_DIR/$DEMO_DB.$DEMO_LOGIN.key
if [ -z "${MCP_KEY:-}" ]; then
  MCP_KEY=$(cat "$mcp_key_file" 2>/dev/null || true)
  if [ -z "$MCP_KEY" ]; then
    log "Making an MCP key for $DEMO_LOGIN on $DEMO_DB"
    MCP_KEY=$(make_keys "$DEMO_DB" "$DEMO_LOGIN" | awk '{print $3}')
    [ -n "$MCP_KEY" ] || die "could not create an MCP key for $DEMO_LOGIN"
    (umask 077; printf '%s\n' "$MCP_KEY" > "$mcp_key_file")
  fi
fi
export MCP_KEY

json2_key_file=$CACHE_DIR/$DEMO_DB.$DEMO_LOGIN.json2.key
if [ -z "${JSON2_KEY:-}" ]; then
  JSON2_KEY=$(cat "$json2_key_file" 2>/dev/null || true)
  if [ -z "$JSON2_KEY" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
      "$JSON2_URL/json/2/res.users/context_get" -H "Authorization: Bearer $JSON2_KEY" \
      -H 'Content-Type: application/json' -d '{}')" != 200 ]; then
    log "Making a global API key for $DEMO_LOGIN on $DEMO_DB (JSON-2 needs one)"
    JSON2_KEY=$(MCP_KEY_SCOPE=global make_keys "$DEMO_DB" "$DEMO_LOGIN" | awk '{print $3}')
    [ -n "$JSON2_KEY" ] || die "could not create a global API key for $DEMO_LOGIN"
    (umask 077; printf '%s\n' "$JSON2_KEY" > "$json2_key_file")
  fi
fi
export JSON2_KEY
exec "$CLIENT_VENV/bin/python" "$PROJECT_DIR/scripts/bench.py"
