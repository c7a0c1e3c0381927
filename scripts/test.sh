#!/usr/bin/env bash
# `make test`: every check, on fresh databases: the addon's Odoo tests, then the
# real MCP clients end to end. Exits non-zero if any part fails.
source "$(dirname "$0")/common.sh"
export RESULTS_FILE=$(mktemp)
trap 'rm -f "$RESULTS_FILE"' EXIT
failed=()
bash "$PROJECT_DIR/scripts/run_odoo_tests.sh" || failed+=("Odoo tests")
bash "$PROJECT_DIR/scripts/run_e2e.sh" || failed+=("end-to-end clients")
bash "$PROJECT_DIR/scripts/run_conformance.sh" || failed+=("conformance and Inspector")
awk -F'\t' '{ printf "  %-20s %4d passed, %d failed\n", $1, $2, $3 }' "$RESULTS_FILE" >&2
totals=$(awk -F'\t' '{ p += $2; f += $3 } END { printf "%d passed, %d failed", p, f }' "$RESULTS_FILE")
if [ "${#failed[@]}" -gt 0 ]; then
  echo "total: $totals"
  log "FAILED: ${failed[*]}"
  exit 1
fi
log "All checks passed."
echo "total: $totals"
