"""Run inside `odoo-bin shell`: print fresh MCP keys for the given logins.

Usage (stdin of odoo-bin shell): set MCP_KEY_LOGINS="demo admin" and optional
MCP_KEY_DAYS. Prints one line per login: `MCP_KEY <login> <key>`.
MCP_KEY_SCOPE=global makes global keys instead (scope NULL: what Odoo's JSON-2
API needs; the benchmark compares against it).
"""
import datetime
import os

days = int(os.environ.get("MCP_KEY_DAYS", "30"))
scope = os.environ.get("MCP_KEY_SCOPE", "mcp")
scope = None if scope == "global" else scope
for login in os.environ["MCP_KEY_LOGINS"].split():
    user = env["res.users"].search([("login", "=", login)], limit=1)  # noqa: F821
    if not user:
        raise SystemExit(f"no user with login {login!r}")
    if not user.has_group("mcp_gateway.group_mcp_user"):
        user.group_ids = [(4, env.ref("mcp_gateway.group_mcp_user").id)]  # noqa: F821
    expiration = datetime.datetime.now() + datetime.timedelta(days=days)
    # Generated as the user (the key is theirs); sudo lets the harness choose a
    # lifetime beyond the user's group cap, as Odoo documents for _generate.
    key = env["res.users.apikeys"].with_user(user).sudo()._generate(  # noqa: F821
        scope, f"{login} (make_keys)", expiration)
    print(f"MCP_KEY {login} {key}")
env.cr.commit()  # noqa: F821
