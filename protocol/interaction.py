"""Input-required results (2026-07-28): asking the client for input mid-call.

A tool or prompt answers ``resultType: "input_required"`` with the requests the
client must answer and an opaque ``requestState``; the client retries the same
call with ``inputResponses`` and that state. The state comes back from the
client, so it is signed (HMAC-SHA256 with a key derived from the database
secret) and bound to the user, the tool or prompt, and a short lifetime.
"""

import base64
import hashlib
import hmac
import json
import time

from ..executors import InputRequired, InteractionContext, MissingClientCapability
from . import versions
from .errors import INVALID_PARAMS, McpProtocolError

STATE_LIFETIME_SECONDS = 15 * 60
# Which client capability each kind of input request needs.
REQUEST_CAPABILITIES = {
    "elicitation/create": "elicitation",
    "sampling/createMessage": "sampling",
    "roots/list": "roots",
}


def _signing_key(env):
    # sudo: reads the database secret, configuration this addon derives its key from
    secret = env["ir.config_parameter"].sudo().get_param("database.secret") or ""
    return hashlib.sha256(f"mcp_gateway.request_state:{secret}".encode()).digest()


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_state(env, target, state):
    payload = json.dumps(
        {"u": env.uid, "t": target, "x": int(time.time()) + STATE_LIFETIME_SECONDS, "s": state},
        separators=(",", ":"), sort_keys=True,
    ).encode()
    mac = hmac.new(_signing_key(env), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify_state(env, target, token, http_status):
    """The executor's state from a token this server signed for this user and
    target, or a -32602 error."""
    failure = McpProtocolError(
        INVALID_PARAMS, "Invalid params: requestState integrity check failed.",
        http_status=http_status)
    if not isinstance(token, str) or token.count(".") != 1:
        raise failure
    payload_part, mac_part = token.split(".")
    try:
        payload = _unb64(payload_part)
        mac = _unb64(mac_part)
    except (ValueError, TypeError):
        raise failure from None
    expected = hmac.new(_signing_key(env), payload, hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise failure
    data = json.loads(payload)
    if data.get("u") != env.uid or data.get("t") != target or data.get("x", 0) < time.time():
        raise failure
    return data.get("s")


def build_context(env, params, target, stateless, http_status):
    """The interaction context of a call: client capabilities, answers, state."""
    meta = params.get("_meta") or {}
    capabilities = meta.get(versions.META_CLIENT_CAPABILITIES) or {}
    responses = params.get("inputResponses")
    if responses is not None and (
        not isinstance(responses, dict)
        or not all(isinstance(value, dict) for value in responses.values())
    ):
        raise McpProtocolError(
            INVALID_PARAMS, "Invalid params: inputResponses must map keys to result objects.",
            http_status=http_status)
    state = None
    if params.get("requestState") is not None:
        state = verify_state(env, target, params["requestState"], http_status)
    return InteractionContext(stateless, capabilities, responses, state)


def input_required_result(env, target, context, needed):
    """The wire result for an ``InputRequired`` answer, checked against what the
    client declared it can do."""
    missing = {}
    for request in needed.input_requests.values():
        capability = REQUEST_CAPABILITIES.get(request.get("method"))
        if capability and not context.supports(capability):
            missing[capability] = {}
    if missing:
        raise MissingClientCapability(missing)
    result = {"resultType": "input_required", "inputRequests": needed.input_requests}
    if needed.state is not None:
        result["requestState"] = sign_state(env, target, needed.state)
    return result


__all__ = ["InputRequired", "build_context", "input_required_result", "verify_state"]
