"""Signed cursors and byte budgets for the tools that return lists.

A cursor is an encoded position (an offset into the query's stable order, plus
the id of the last record returned) signed with HMAC-SHA256 under the
database secret. The signature covers the tool, the user and the whole query
(model, domain, order, fields or ids), so a cursor only works when the call
that returned it is repeated with the same arguments; anything else, or a
single changed character, is refused as a tool error.

Why an offset rather than a keyset: Odoo orders a many2one by the related
model's own order, booleans and empty values by its own rules, and translated
fields by language; a keyset domain would have to re-implement that ORDER BY.
An offset into an order that always ends with ``id`` is exact as long as the
matching set does not change; the last id in the cursor detects when it did,
and the answer then says so.
"""

import base64
import binascii
import json

from odoo.tools import misc

from .base import ToolError
from .serialize import json_size

CURSOR_SCOPE = "mcp_gateway.cursor"
CURSOR_VERSION = "1"
SIGNATURE_CHARS = 32  # 128 bits of the hex digest
# A search matching more than this many times its limit suggests aggregating.
AGGREGATE_HINT_FACTOR = 3

CURSOR_PROPERTY = {
    "type": "string",
    "minLength": 1,
    "description": "next_cursor from the previous page. Repeat the other "
    "arguments of that call unchanged.",
}


def _signature(env, tool, query, offset, last_id):
    message = json.dumps(
        [tool.id, tool.name, env.uid, query, offset, last_id],
        sort_keys=True, separators=(",", ":"), default=str,
    )
    # sudo: Odoo's hmac reads database.secret, configuration no user may read.
    return misc.hmac(env(su=True), CURSOR_SCOPE, message)[:SIGNATURE_CHARS]


def make_cursor(env, tool, query, offset, last_id):
    """An opaque cursor for the page starting at ``offset`` of ``query``."""
    # Signed as read back: no last record (0 in the cursor) is None.
    signature = _signature(env, tool, query, offset, last_id or None)
    raw = f"{CURSOR_VERSION}.{offset}.{last_id or 0}.{signature}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_cursor(env, tool, query, cursor):
    """``(offset, last_id)`` of a cursor made by ``make_cursor`` for this very
    tool, user and query; a ToolError for anything else."""
    refused = ToolError(
        "Invalid cursor: it was altered, or it belongs to another tool, user or "
        "query. Pass next_cursor exactly as received, with the same model, domain, "
        "fields, order (or ids) as the call that returned it; omit the cursor to "
        "start from the first page."
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        version, offset, last_id, signature = (
            base64.urlsafe_b64decode(padded.encode()).decode().split(".")
        )
        offset, last_id = int(offset), int(last_id)
    except (ValueError, binascii.Error, UnicodeError) as error:
        raise refused from error
    if version != CURSOR_VERSION or offset < 1 or last_id < 0:
        raise refused
    expected = _signature(env, tool, query, offset, last_id or None)
    if not misc.consteq(signature, expected):
        raise refused
    return offset, last_id or None


def stable_order(model, order):
    """``order`` (or the model's own) ending with ``id``, so pages never overlap."""
    order = order or model._order or "id"
    terms = [term.split()[0].strip('"').lower() for term in order.split(",") if term.strip()]
    return order if "id" in terms else f"{order}, id"


def fit_to_budget(result, rows, budget):
    """How many of ``rows`` fit, with ``result`` around them, in ``budget``
    bytes of JSON text; at least one, so an answer always moves forward.

    ``result`` is the answer without its rows, with its longest possible note
    and cursor, and legends for all ``rows`` (never smaller than those of the
    rows kept): the sum is an upper bound of the final size.
    """
    used = json_size({**result, "records": []})
    kept = 0
    for row in rows:
        used += json_size(row) + (1 if kept else 0)
        if used > budget and kept:
            break
        kept += 1
    return kept


def budget_note(kept, available, budget, unit="records", remedy="name fewer fields"):
    return (
        f"Response budget of {budget} bytes reached: {kept} of {available} "
        f"{unit} are here, the other {available - kept} were left out. Call again "
        f"with next_cursor for them, or {remedy}."
    )


def aggregate_hint(total, limit):
    """A note suggesting aggregation when the matches dwarf one page."""
    if total <= AGGREGATE_HINT_FACTOR * limit:
        return None
    return (
        f"{total} records match. To answer totals, counts or sums per group, "
        "call aggregate_records instead of paging through them."
    )
