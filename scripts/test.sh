#!/usr/bin/env bash
# `make test`: every check, on fresh databases: the addon's Odoo tests, then the
# real MCP clients end to end. Exits non-zero if any part fails.
source "$(dirname "$0")/common.sh"
failed=()
bash "$PROJECT_DIR/scripts/run_odoo_tests.sh" || failed+=("Odoo tests")
bash "$PROJECT_DIR/scripts/run_e2e.sh" || failed+=("end-to-end clients")
if [ "${#failed[@]}" -gt 0 ]; then
  log "FAILED: ${failed[*]}"
  exit 1
fi
log "All checks passed."
