"""Benchmark (not a test): answer sizes and latencies of this addon against
Odoo's own JSON-2 API, on a running demo instance.

Run by ``make bench`` (scripts/bench.sh) with the MCP client virtualenv. Reads
from the environment: MCP_URL, MCP_KEY (an MCP key of the user), JSON2_URL and
JSON2_KEY (a global API key of the same user, for /json/2). Prints, per
scenario, the bytes of the MCP answer (the JSON text a model reads, and the whole
``tools/call`` result on the wire) and its latency beside JSON-2 ``search_read``
of the same records and fields, as ratios of one run (after one warm-up call).
"""

import asyncio
import json
import os
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

MCP_URL = os.environ["MCP_URL"]
MCP_KEY = os.environ["MCP_KEY"]
JSON2_URL = os.environ["JSON2_URL"].rstrip("/")
JSON2_KEY = os.environ["JSON2_KEY"]
BAR_BYTES = 4500


def size(data):
    return len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


class McpSide:
    def __init__(self, client):
        self.client = client

    async def call(self, name, arguments):
        """One timed tools/call after a warm-up one: (structured, text bytes,
        result bytes, resource links bytes, seconds)."""
        await self.client.call_tool(name, arguments)
        started = time.perf_counter()
        result = await self.client.call_tool(name, arguments)
        elapsed = time.perf_counter() - started
        assert not result.is_error, result.content[0].text
        wire = result.model_dump(by_alias=True, exclude_none=True, mode="json")
        links = [block for block in wire["content"] if block["type"] == "resource_link"]
        return {
            "data": result.structured_content,
            "text": len(result.content[0].text.encode()),
            "result": size(wire),
            "links": size(links) if links else 0,
            "seconds": elapsed,
        }


class Json2Side:
    def __init__(self, client):
        self.client = client

    async def call(self, model, method, body):
        url = f"{JSON2_URL}/json/2/{model}/{method}"
        (await self.client.post(url, json=body)).raise_for_status()
        started = time.perf_counter()
        response = await self.client.post(url, json=body)
        elapsed = time.perf_counter() - started
        response.raise_for_status()
        return {"data": response.json(), "bytes": len(response.content), "seconds": elapsed}


    async def every_field(self, model, domain):
        """search_read of every field, or None when Odoo refuses it to the user
        (a field reaching a model they may not read)."""
        try:
            return await self.call(model, "search_read", {"domain": domain, "limit": 200})
        except httpx2.HTTPStatusError as error:
            if error.response.status_code != 403:
                raise
            return None


def as_objects(data):
    """``data`` with its pairs spelled as objects, to measure what pairs save."""
    def convert(value):
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            if isinstance(value[0], int) and not isinstance(value[0], bool):
                return {"id": value[0], "name": value[1]}
            return {"amount": value[0], "currency": value[1]}
        return value
    records = [{key: convert(value) for key, value in record.items()}
               for record in data["records"]]
    return {**data, "records": records}


def field_names(records):
    return sorted({name for record in records for name in record} - {"id"})


def line(label, mcp_bytes, json2_bytes, mcp_seconds=None, json2_seconds=None):
    text = (f"  {label:<34} MCP {mcp_bytes:>7} B   JSON-2 {json2_bytes:>7} B   "
            f"ratio {mcp_bytes / json2_bytes:5.2f}")
    if mcp_seconds is not None:
        text += (f"   latency MCP {mcp_seconds * 1000:6.1f} ms  JSON-2 "
                 f"{json2_seconds * 1000:6.1f} ms  ratio {mcp_seconds / json2_seconds:5.2f}")
    print(text)


async def list_sale_orders(mcp, json2):
    print('"list 20 sale orders" (search_records, default fields)')
    found = await mcp.call("search_records", {"model": "sale.order", "limit": 20})
    records = found["data"]["records"]
    names = field_names(records)
    ids = [record["id"] for record in records]
    same = await json2.call("sale.order", "search_read", {
        "domain": [["id", "in", ids]], "fields": names, "limit": 20,
        "order": "date_order desc, id desc"})
    every = await json2.call("sale.order", "search_read", {
        "domain": [["id", "in", ids]], "limit": 20, "order": "date_order desc, id desc"})
    assert [record["id"] for record in same["data"]] == ids

    print(f"  {len(records)} records, fields: {', '.join(names)}")
    line("JSON text (what a model reads)", found["text"], same["bytes"],
         found["seconds"], same["seconds"])
    line("whole tools/call result", found["result"], same["bytes"])
    print(f"    of which {found['links']} B of resource links")
    line("vs JSON-2 with every field", found["text"], every["bytes"])

    print(f"  same answer with {{\"id\",\"name\"}} many2ones and "
          f"{{\"amount\",\"currency\"}} amounts: {size(as_objects(found['data']))} B "
          f"(pairs: {size(found['data'])} B)")

    wanted = ("partner_id", "date_order", "amount_total", "state", "user_id")
    complete = all(
        all(name in record for name in wanted) and isinstance(record["amount_total"], list)
        for record in records
    )
    twenty = len(records) == 20
    verdict = "PASS" if found["text"] <= BAR_BYTES and complete and twenty else "FAIL"
    print(f"  bar: 20 orders in <= {BAR_BYTES} B of JSON text naming customer, date, "
          f"total with currency, state, salesperson for each: {len(records)} orders, "
          f"{found['text']} B, {'all named' if complete else 'NOT all named'} "
          f"-> {verdict}")
    return verdict == "PASS"


async def read_invoice_with_lines(mcp, json2):
    print('"read 1 invoice with lines" (read_records + search_records of its lines)')
    first = await mcp.call("search_records", {
        "model": "account.move", "domain": [["move_type", "=", "out_invoice"]], "limit": 1,
        "fields": ["name"]})
    invoice_id = first["data"]["records"][0]["id"]

    invoice = await mcp.call("read_records", {"model": "account.move", "ids": [invoice_id]})
    header_fields = field_names(invoice["data"]["records"]) + ["invoice_line_ids"]
    invoice = await mcp.call("read_records", {"model": "account.move", "ids": [invoice_id],
                                              "fields": header_fields})
    relation = invoice["data"]["relations"]["invoice_line_ids"]
    domain = [[term[0], term[1], invoice_id if term[2] == "<id>" else term[2]]
              for term in relation["domain"]]
    lines = await mcp.call("search_records", {"model": relation["model"], "domain": domain,
                                              "limit": 200})
    line_fields = field_names(lines["data"]["records"])

    json2_invoice = await json2.call("account.move", "read", {
        "ids": [invoice_id], "fields": header_fields})
    json2_lines = await json2.call(relation["model"], "search_read", {
        "domain": domain, "fields": line_fields, "limit": 200})
    json2_every = await json2.every_field("account.move", [["id", "=", invoice_id]])
    json2_every_lines = await json2.every_field(relation["model"], domain)

    print(f"  invoice {invoice_id}: {len(lines['data']['records'])} lines; header fields: "
          f"{', '.join(header_fields)}; line fields: {', '.join(line_fields)}")
    mcp_text = invoice["text"] + lines["text"]
    json2_bytes = json2_invoice["bytes"] + json2_lines["bytes"]
    line("JSON text (what a model reads)", mcp_text, json2_bytes,
         invoice["seconds"] + lines["seconds"], json2_invoice["seconds"] + json2_lines["seconds"])
    line("whole tools/call results", invoice["result"] + lines["result"], json2_bytes)
    if json2_every and json2_every_lines:
        line("vs JSON-2 with every field", mcp_text,
             json2_every["bytes"] + json2_every_lines["bytes"])
    else:
        print("  JSON-2 with every field: refused to this user (403)")


async def main():
    mcp_http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {MCP_KEY}"}, timeout=60)
    json2_http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {JSON2_KEY}"},
                                    timeout=60)
    async with Client(streamable_http_client(MCP_URL, http_client=mcp_http),
                      mode="legacy") as client:
        print(f"MCP {MCP_URL} (protocol {client.protocol_version}) vs JSON-2 {JSON2_URL}; "
              "bytes are UTF-8 JSON, latency of one call after a warm-up call\n")
        mcp, json2 = McpSide(client), Json2Side(json2_http)
        passed = await list_sale_orders(mcp, json2)
        print()
        await read_invoice_with_lines(mcp, json2)
    await json2_http.aclose()
    return passed


if __name__ == "__main__":
    raise SystemExit(0 if asyncio.run(main()) else 1)
