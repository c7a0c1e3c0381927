#!/usr/bin/env bash
# Build (or reuse) the two virtualenvs the harness needs:
#   - the Odoo venv: Odoo's pinned requirements plus this addon's requirements.txt;
#   - the client venv: the official MCP Python SDK used by the end-to-end checks,
#     kept apart because its dependencies do not fit Odoo's pins.
# Each venv's folder name carries a hash of its inputs, so a changed requirement
# builds a new one and an unchanged one is reused as it is.
source "$(dirname "$0")/common.sh"
resolve_odoo_path

odoo_requirements() {
  # Two workarounds for Python 3.11: cbor2 5.4.2 does not build (5.6.2 does), and
  # psycopg2 / python-ldap would need C headers: the binary psycopg2 wheel is the
  # same driver, and python-ldap serves only auth_ldap, which the addon never uses.
  sed -e 's/^cbor2==5\.4\.2/cbor2==5.6.2/' \
      -e 's/^psycopg2==/psycopg2-binary==/' \
      -e '/^python-ldap/d' "$ODOO_PATH/requirements.txt"
  cat "$PROJECT_DIR/requirements.txt"
}

odoo_venv_hash=$( { odoo_requirements; $PYTHON --version; } | sha1sum | cut -c1-12)
ODOO_VENV=${ODOO_VENV:-$CACHE_DIR/venv-odoo-$odoo_venv_hash}
client_venv_hash=$( { cat "$PROJECT_DIR/tests/e2e/requirements.txt"; $PYTHON --version; } | sha1sum | cut -c1-12)
CLIENT_VENV=${CLIENT_VENV:-$CACHE_DIR/venv-client-$client_venv_hash}

if [ ! -f "$ODOO_VENV/.complete" ]; then
  log "Creating the Odoo virtualenv in $ODOO_VENV (a few minutes the first time)"
  rm -rf "$ODOO_VENV"
  $PYTHON -m venv "$ODOO_VENV"
  "$ODOO_VENV/bin/pip" install -q --upgrade pip wheel 'setuptools<70'
  odoo_requirements > "$ODOO_VENV/requirements.txt"
  # Old sdists in Odoo's pins do not build with a current, isolated setuptools.
  "$ODOO_VENV/bin/pip" install -q --no-build-isolation -r "$ODOO_VENV/requirements.txt"
  touch "$ODOO_VENV/.complete"
fi

if [ ! -f "$CLIENT_VENV/.complete" ]; then
  log "Creating the MCP client virtualenv in $CLIENT_VENV"
  rm -rf "$CLIENT_VENV"
  $PYTHON -m venv "$CLIENT_VENV"
  "$CLIENT_VENV/bin/pip" install -q --upgrade pip
  "$CLIENT_VENV/bin/pip" install -q -r "$PROJECT_DIR/tests/e2e/requirements.txt"
  touch "$CLIENT_VENV/.complete"
fi

printf 'ODOO_VENV=%s\nCLIENT_VENV=%s\nODOO_PATH=%s\n' "$ODOO_VENV" "$CLIENT_VENV" "$ODOO_PATH"
