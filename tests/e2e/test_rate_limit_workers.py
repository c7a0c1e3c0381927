"""Two Odoo server processes on one database keep one rate count.

The admin sets a limit of a few calls per day per key (through Odoo's own web
RPC, as in the Settings page); one key then calls both servers in turn. If each
process counted for itself, twice as many calls would pass.
"""

import asyncio
import datetime
import os

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from oauth_browser import OdooBrowser

URLS = (os.environ["MCP_URL"], os.environ["MCP_URL_2"])
BASE = URLS[0].rsplit("/mcp", 1)[0]
RATE_KEY = os.environ["MCP_RATE_KEY"]
PARAMETER = "mcp_gateway.rate_limit_credential_per_day"
LIMIT = 6


async def count_partners(url):
    http_client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {RATE_KEY}"},
                                     timeout=60)
    async with Client(streamable_http_client(url, http_client=http_client),
                      mode="legacy") as client:
        return await client.call_tool("count_records", {"model": "res.partner"})


async def wait_past_midnight_if_near():
    """The daily window is the UTC day: a run crossing midnight would start a
    fresh count half-way. Start after midnight when it is less than a minute away."""
    now = datetime.datetime.now(datetime.timezone.utc)
    midnight = (now + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    if (midnight - now).total_seconds() < 60:
        await asyncio.sleep((midnight - now).total_seconds() + 1)


async def run():
    await wait_past_midnight_if_near()
    admin = OdooBrowser(BASE, "admin", "admin", log=lambda message: None)
    await admin.sign_in()
    previous = await admin.call_kw("ir.config_parameter", "get_param", [PARAMETER])
    await admin.call_kw("ir.config_parameter", "set_param", [PARAMETER, str(LIMIT)])
    outcomes = []
    try:
        for number in range(LIMIT + 2):
            url = URLS[number % 2]
            result = await count_partners(url)
            text = result.content[0].text
            outcomes.append(result.is_error)
            print(f"  [rate] call {number + 1} on server {number % 2 + 1} "
                  f"({url}): {'refused: ' + text if result.is_error else 'ok'}")
    finally:
        await admin.call_kw("ir.config_parameter", "set_param",
                            [PARAMETER, previous or False])
        await admin.close()
    return outcomes, text


def test_two_servers_share_one_count():
    outcomes, last_message = asyncio.run(run())
    assert outcomes == [False] * LIMIT + [True, True], outcomes
    assert f"Rate limit reached: {LIMIT} calls per day for this key or client" in last_message
    assert "Retry after" in last_message
