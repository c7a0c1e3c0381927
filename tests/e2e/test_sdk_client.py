"""End-to-end: the official MCP Python SDK ``Client`` against a running Odoo.

Run by ``make test`` (scripts/run_e2e.sh), which starts Odoo with the addon and
passes the endpoint and keys through the environment:
MCP_URL, MCP_USER_KEY (the demo user's MCP key), MCP_ADMIN_KEY.
"""

import asyncio
import json
import os

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

URL = os.environ["MCP_URL"]
USER_KEY = os.environ["MCP_USER_KEY"]
ADMIN_KEY = os.environ["MCP_ADMIN_KEY"]
DEFAULT_TOOLS = {"list_models", "describe_model", "search_records", "read_records",
                 "count_records"}
EXPECTED_VERSION = {"legacy": "2025-11-25", "auto": "2026-07-28"}


def connect(key, mode):
    http_client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {key}"}, timeout=60)
    return Client(streamable_http_client(URL, http_client=http_client), mode=mode)


def structured(result):
    assert not result.is_error, result
    data = result.structured_content
    assert json.loads(result.content[0].text) == data
    return data


async def exercise_every_tool(mode):
    async with connect(USER_KEY, mode) as client:
        assert client.protocol_version == EXPECTED_VERSION[mode]
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert DEFAULT_TOOLS <= set(tools)
        assert tools["search_records"].annotations.read_only_hint is True

        models = structured(await client.call_tool("list_models", {"query": "partner"}))
        assert "res.partner" in [m["model"] for m in models["models"]]

        described = structured(await client.call_tool("describe_model", {"model": "res.partner"}))
        assert described["fields"]["name"]["type"] == "char"

        found = structured(await client.call_tool("search_records", {
            "model": "res.partner", "domain": [["is_company", "=", True]], "limit": 3,
            "fields": ["name", "country_id"]}))
        assert len(found["records"]) == 3 and found["total"] >= 3

        ids = [record["id"] for record in found["records"]]
        read = structured(await client.call_tool("read_records", {
            "model": "res.partner", "ids": ids, "fields": ["name"]}))
        assert [record["id"] for record in read["records"]] == ids

        counted = structured(await client.call_tool("count_records", {
            "model": "res.partner", "domain": [["is_company", "=", True]]}))
        assert counted["count"] == found["total"]

        failed = await client.call_tool("read_records", {"model": "res.partner",
                                                         "ids": [999999999]})
        assert failed.is_error and "999999999" in failed.content[0].text
        return client.protocol_version


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_sdk_client_lists_and_calls_every_tool(mode):
    version = asyncio.run(exercise_every_tool(mode))
    print(f"SDK Client mode={mode}: negotiated {version}, called all default tools")


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_admin_reads_invoices(mode):
    async def run():
        async with connect(ADMIN_KEY, mode) as client:
            return structured(await client.call_tool("search_records", {
                "model": "account.move", "domain": [["move_type", "=", "out_invoice"]],
                "fields": ["name", "partner_id", "amount_total"], "limit": 5}))

    result = asyncio.run(run())
    assert result["records"] and result["records"][0]["partner_id"][1]


def test_wrong_key_is_refused():
    statuses = []

    async def record(response):
        statuses.append(response.status_code)

    async def run():
        http_client = httpx2.AsyncClient(
            headers={"Authorization": "Bearer " + "0" * 40},
            event_hooks={"response": [record]},
        )
        async with Client(streamable_http_client(URL, http_client=http_client),
                          mode="legacy") as client:
            await client.list_tools()

    with pytest.raises(Exception):
        asyncio.run(run())
    assert statuses and set(statuses) == {401}, statuses


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_aggregate_records_through_the_sdk(mode):
    async def run():
        async with connect(ADMIN_KEY, mode) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert "aggregate_records" in tools
            assert "create_record" not in tools  # write tools ship inactive
            grouped = structured(await client.call_tool("aggregate_records", {
                "model": "sale.order", "group_by": ["state"],
                "measures": ["amount_total:sum"]}))
            refused = await client.call_tool("aggregate_records", {
                "model": "sale.order", "measures": ["amount_total:median"]})
            return grouped, refused

    grouped, refused = asyncio.run(run())
    assert grouped["groups"] and all("amount_total:sum" in g for g in grouped["groups"])
    assert refused.is_error and "measures/0" in refused.content[0].text


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_cursor_pages_and_resource_links(mode):
    """The SDK client follows next_cursor to the end of a list (each page
    validated against the tool's outputSchema by the SDK) and receives one
    odoo:// resource link per record."""
    async def run():
        async with connect(ADMIN_KEY, mode) as client:
            arguments = {"model": "res.partner", "fields": ["name"], "limit": 4,
                         "domain": [["is_company", "=", True]]}
            seen, cursor, links = [], None, []
            while True:
                result = await client.call_tool(
                    "search_records", {**arguments, **({"cursor": cursor} if cursor else {})})
                page = structured(result)
                seen += [record["id"] for record in page["records"]]
                links += [block.uri for block in result.content[1:]]
                if not page["has_more"]:
                    return page["total"], seen, links
                cursor = page["next_cursor"]

    total, seen, links = asyncio.run(run())
    assert len(seen) == total == len(set(seen)) > 4
    assert [str(uri) for uri in links] == [f"odoo://res.partner/{i}" for i in seen]
