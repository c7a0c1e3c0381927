"""Two Odoo server processes on one database share one tool catalog.

Each process caches the catalog (schemas and descriptions) in memory. A manager
edits a tool through server 1's web client RPC; a client listing the tools on
server 2, whose cache was filled before the edit, must see the change, then
must no longer see the tool once it is archived. Odoo signals the cleared cache
to the other processes through the database.
"""

import asyncio
import os

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from oauth_browser import OdooBrowser

URLS = (os.environ["MCP_URL"], os.environ["MCP_URL_2"])
BASE = URLS[0].rsplit("/mcp", 1)[0]
ADMIN_KEY = os.environ["MCP_ADMIN_KEY"]
TOOL = "count_records"


async def listed_tools(url):
    http_client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {ADMIN_KEY}"},
                                     timeout=60)
    async with Client(streamable_http_client(url, http_client=http_client),
                      mode="legacy") as client:
        return {tool.name: tool for tool in (await client.list_tools()).tools}


async def run():
    admin = OdooBrowser(BASE, "admin", "admin", log=lambda message: None)
    await admin.sign_in()
    [tool] = await admin.call_kw("mcp.tool", "search_read", [[["name", "=", TOOL]]],
                                 {"fields": ["id", "description_override"]})
    marker = "Counts records; edited on server 1, read on server 2."
    seen = []
    try:
        before = await listed_tools(URLS[1])  # fills server 2's cache
        seen.append(before[TOOL].description)
        await admin.call_kw("mcp.tool", "write",
                            [[tool["id"]], {"description_override": marker}])
        after = await listed_tools(URLS[1])
        seen.append(after[TOOL].description)
        await admin.call_kw("mcp.tool", "write", [[tool["id"]], {"active": False}])
        archived = await listed_tools(URLS[1])
        seen.append(TOOL in archived)
    finally:
        await admin.call_kw("mcp.tool", "write", [[tool["id"]], {
            "active": True, "description_override": tool["description_override"]}])
        await admin.close()
    steps = ("before", "after edit", "after archive")
    for step, value in zip(steps, seen, strict=False):
        print(f"  [catalog] server 2, {step}: {value!r}")
    return marker, seen


def test_a_tool_edited_on_one_server_changes_on_the_other():
    marker, (before, after, still_listed) = asyncio.run(run())
    assert before != marker
    assert after == marker
    assert still_listed is False
