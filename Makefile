# MCP Gateway: the two commands of the README, and a few helpers.
# Odoo's source is found through ODOO_PATH, then /opt/odoo/19.0 (cloned there
# when missing and the network allows).

.PHONY: demo test test-odoo test-e2e test-conformance bench setup clean-db

demo:            ## Local Odoo with demo data and the addon on 127.0.0.1:8069
	@bash scripts/demo.sh

test:            ## Every test: Odoo tests, then real MCP clients end to end
	@bash scripts/test.sh

test-odoo:       ## Only the addon's Odoo tests
	@bash scripts/run_odoo_tests.sh

test-e2e:        ## Only the end-to-end checks with real MCP clients
	@bash scripts/run_e2e.sh

test-conformance: ## The MCP conformance suite and the Inspector CLI against a live Odoo
	@bash scripts/run_conformance.sh

bench:           ## Answer sizes and latencies against JSON-2, on a running make demo
	@bash scripts/bench.sh

setup:           ## Virtualenvs, PostgreSQL and the template database, nothing else
	@bash -c 'source scripts/common.sh; prepare_all; ensure_template_db'

clean-db:        ## Drop the demo and test databases (keeps the template)
	@bash -c 'source scripts/common.sh; ensure_postgres; for db in mcp_demo mcp_gateway_test mcp_gateway_e2e; do dropdb --if-exists --force $$db; done'
