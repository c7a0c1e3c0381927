#!/usr/bin/env bash
# The addon's own Odoo tests (post_install, real HTTP) on a fresh copy of the
# template database. Exits non-zero when a test fails or errors.
source "$(dirname "$0")/common.sh"
prepare_all
ensure_template_db
TEST_DB=${TEST_DB:-mcp_gateway_test}
TEST_PORT=${TEST_PORT:-8169}
clone_template_db "$TEST_DB"

log "Running the addon's Odoo tests on $TEST_DB"
logfile=$CACHE_DIR/odoo_tests.$TEST_DB.log
set +e
odoo_bin -d "$TEST_DB" -i mcp_gateway ${EXTRA_TEST_MODULES:+-i "$EXTRA_TEST_MODULES"} \
  --test-tags "${TEST_TAGS:-/mcp_gateway}" --stop-after-init \
  --http-port="$TEST_PORT" --http-interface=127.0.0.1 --log-level=info 2>&1 |
  tee "$logfile" | grep -aE --line-buffered \
    '( ERROR | CRITICAL |FAIL: |Traceback|post-tests in|at-install tests in)'
status=${PIPESTATUS[0]}
set -e
if grep -aqE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logfile"; then
  log "Odoo logged errors during the tests (full log: $logfile)"
  status=1
fi
summary=$(grep -aE 'odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$logfile" | tail -1)
[ -n "$summary" ] || { log "Odoo ran no test (full log: $logfile)"; status=1; }
log "Odoo tests: ${summary##*odoo.tests.result: }"
record_counts "Odoo tests" "$summary"
exit "$status"
