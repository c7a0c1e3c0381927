#!/usr/bin/env bash
# The official MCP conformance suite and the MCP Inspector CLI against a live Odoo
# with the addon and the test-only fixtures addon (tests/addons), reached through
# a loopback proxy that adds a test key (the suite sends no credentials).
source "$(dirname "$0")/common.sh"
prepare_all
ensure_template_db
ensure_node_tools
CONF_DB=${CONF_DB:-mcp_gateway_conformance}
CONF_PORT=${CONF_PORT:-8171}
PROXY_PORT=${PROXY_PORT:-8172}
OUT_DIR=$CACHE_DIR/conformance-$CONF_DB
clone_template_db "$CONF_DB"
log "Installing mcp_gateway and its conformance fixtures on $CONF_DB"
odoo_bin -d "$CONF_DB" -i mcp_gateway,mcp_gateway_conformance --stop-after-init \
  --log-level=warn >/dev/null 2>&1 || die "installing the addons on $CONF_DB failed"
key=$(make_keys "$CONF_DB" demo | awk '{print $3}')
[ -n "$key" ] || die "could not create an MCP key"

server_log=$CACHE_DIR/odoo_conformance_server.log
start_odoo_server "$CONF_DB" "$CONF_PORT" "$server_log"
start_auth_proxy "$PROXY_PORT" "$CONF_PORT" "$key"
trap 'kill "$AUTH_PROXY_PID" "$ODOO_SERVER_PID" 2>/dev/null; wait 2>/dev/null' EXIT
url="http://localhost:$PROXY_PORT/mcp"
status=0

for requirements in 2025-11-25 2026-07-28; do
  log "Conformance suite, --requirements $requirements, against $url"
  rm -rf "$OUT_DIR/$requirements"
  report=$OUT_DIR/$requirements.txt
  mkdir -p "$OUT_DIR"
  set +e
  conformance server --url "$url" --requirements "$requirements" \
    --expected-failures "$PROJECT_DIR/tests/conformance/expected-failures-$requirements.yaml" \
    -o "$OUT_DIR/$requirements" > "$report" 2>&1
  rc=$?
  set -e
  sed -n '/=== SUMMARY ===/,$p' "$report"
  if [ "$rc" != 0 ]; then
    status=1
    log "conformance $requirements FAILED (exit $rc); full report: $report"
    grep -E -A3 'Failed Checks|not in the baseline|baseline' "$report" | head -40 || true
  fi
  scored=$(awk '/^server:/{on=1; next} on && /^  - /{print $2} on && /^[a-z_]+:/{on=0}' \
    "$NODE_TOOLS_DIR/node_modules/@modelcontextprotocol/conformance/requirements/$requirements.yaml")
  baseline=$(grep -E '^  - ' "$PROJECT_DIR/tests/conformance/expected-failures-$requirements.yaml" | awk '{print $2}')
  passed=0 failed=0
  for scenario in $scored; do
    grep -qx "$scenario" <<<"$baseline" && continue
    if grep -qE "^✓ $scenario:" "$report"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
  echo "conformance $requirements: $passed passed, $failed failed (scored scenarios that apply)"
  record_counts "conformance $requirements" "$passed passed, $failed failed"
  [ "$failed" = 0 ] || status=1
done
# The MCP Inspector CLI, each era: list the tools, then call one. Its own HOME
# keeps it from reading or writing the user's configuration.
inspector_home=$(mktemp -d)
for era in legacy modern; do
  log "MCP Inspector CLI, --protocol-era $era"
  listing=$OUT_DIR/inspector-$era-tools-list.json
  call=$OUT_DIR/inspector-$era-tools-call.json
  set +e
  (cd "$inspector_home" && HOME=$inspector_home mcp-inspector --cli "http://127.0.0.1:$CONF_PORT/mcp" \
    --protocol-era "$era" --header "Authorization: Bearer $key" --method tools/list) > "$listing" 2>&1
  (cd "$inspector_home" && HOME=$inspector_home mcp-inspector --cli "http://127.0.0.1:$CONF_PORT/mcp" \
    --protocol-era "$era" --header "Authorization: Bearer $key" --method tools/call \
    --tool-name search_records --tool-arg model=res.partner --tool-arg limit=2 \
    --tool-arg 'fields=["name"]') > "$call" 2>&1
  set -e
  if "$PYTHON" - "$listing" "$call" "$era" <<'PY'
import json, sys
listing, call, era = sys.argv[1:]

def first_json(path):
    # The Inspector may print notes (e.g. on schema portability) after the JSON.
    return json.JSONDecoder().raw_decode(open(path).read().lstrip())[0]

names = [tool["name"] for tool in first_json(listing)["tools"]]
expected = {"list_models", "describe_model", "search_records", "read_records", "count_records",
            "aggregate_records"}
assert expected <= set(names), names
result = first_json(call)
assert not result.get("isError"), result
records = result["structuredContent"]["records"]
assert len(records) == 2 and all(r["name"] for r in records), result
print(f"  $ mcp-inspector --cli URL --protocol-era {era} --method tools/list")
print(f"    {len(names)} tools: {', '.join(names)}")
print(f"  $ mcp-inspector --cli URL --protocol-era {era} --method tools/call "
      "--tool-name search_records --tool-arg model=res.partner --tool-arg limit=2 "
      "--tool-arg 'fields=[\"name\"]'")
print(f"    text: {result['content'][0]['text'][:300]}")
print(f"Inspector ({era}): tools/list gave {len(names)} tools, including "
      f"{', '.join(sorted(expected))}; tools/call search_records returned "
      f"{', '.join(repr(r['name']) for r in records)}")
PY
  then
    record_counts "Inspector $era" "1 passed, 0 failed"
  else
    status=1
    record_counts "Inspector $era" "0 passed, 1 failed"
    log "Inspector $era FAILED; output in $listing and $call"
    head -c 2000 "$listing" "$call"
  fi
done
rm -rf "$inspector_home"
exit "$status"
