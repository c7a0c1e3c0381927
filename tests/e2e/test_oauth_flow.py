"""End-to-end: the MCP Python SDK's OAuth client provider (``mcp.client.auth``)
against the live Odoo: discovery from the 401, dynamic registration, the
authorization request with PKCE, consent by a logged-in Odoo user, token
exchange, tool calls, refresh with rotation, revocation. Every HTTP exchange is
printed, so ``make test`` shows a full OAuth run."""

import asyncio
import os
import time

import httpx2
from mcp import Client
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata

from oauth_browser import OdooBrowser

URL = os.environ["MCP_URL"]
BASE = URL.rsplit("/mcp", 1)[0]
REDIRECT_URI = "http://127.0.0.1:33418/callback"


def say(message):
    print(f"  [oauth] {message}", flush=True)


class MemoryStorage:
    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def make_provider(storage, browser):
    async def redirect_handler(authorization_url):
        say(f"SDK opens the authorization URL {authorization_url.split('?')[0]} "
            "(response_type=code, code_challenge_method=S256, resource, state)")
        await browser.consent(authorization_url)

    async def callback_handler():
        redirect = browser.redirect
        return AuthorizationCodeResult(code=redirect["code"], state=redirect.get("state"),
                                       iss=redirect.get("iss"))

    return OAuthClientProvider(
        server_url=URL,
        client_metadata=OAuthClientMetadata(
            client_name="MCP SDK end-to-end client",
            redirect_uris=[REDIRECT_URI],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )


async def log_response(response):
    request = response.request
    path = str(request.url).replace(BASE, "")
    extra = ""
    if response.status_code == 401:
        extra = f"  WWW-Authenticate: {response.headers.get('www-authenticate')}"
    say(f"{request.method} {path} -> {response.status_code}{extra}")


async def run_full_flow():
    storage = MemoryStorage()
    browser = OdooBrowser(BASE, "demo", "demo", log=say)
    await browser.sign_in()
    provider = make_provider(storage, browser)
    http_client = httpx2.AsyncClient(auth=provider, timeout=60,
                                     event_hooks={"response": [log_response]})
    async with Client(streamable_http_client(URL, http_client=http_client),
                      mode="legacy") as client:
        say(f"connected, protocol {client.protocol_version}; token scope "
            f"{storage.tokens.scope!r}, expires in {storage.tokens.expires_in}s")
        assert storage.client_info.client_id.startswith("mcpc_")
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert "count_records" in tools
        counted = await client.call_tool("count_records", {"model": "res.partner"})
        assert not counted.is_error, counted
        say(f"tools/call count_records with the access token: "
            f"{counted.structured_content}")

        first_tokens = storage.tokens
        provider.context.token_expiry_time = time.time() - 1
        say("access token marked expired on the client: next call refreshes it")
        again = await client.call_tool("count_records", {"model": "res.partner"})
        assert not again.is_error, again
        assert storage.tokens.access_token != first_tokens.access_token
        assert storage.tokens.refresh_token != first_tokens.refresh_token
        say("refresh rotated both tokens; the call succeeded with the new one")

    plain = httpx2.AsyncClient(timeout=60, event_hooks={"response": [log_response]})
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    old = await plain.post(URL, json=ping, headers={
        "Authorization": f"Bearer {first_tokens.access_token}"})
    assert old.status_code == 401
    say("the access token from before the refresh is refused (401)")

    client_auth = (storage.client_info.client_id, storage.client_info.client_secret)
    revoked = await plain.post(f"{BASE}/oauth/revoke", auth=client_auth,
                               data={"token": storage.tokens.refresh_token,
                                     "token_type_hint": "refresh_token"})
    assert revoked.status_code == 200
    after = await plain.post(URL, json=ping, headers={
        "Authorization": f"Bearer {storage.tokens.access_token}"})
    assert after.status_code == 401
    assert "resource_metadata=" in after.headers["www-authenticate"]
    refresh = await plain.post(f"{BASE}/oauth/token", auth=client_auth, data={
        "grant_type": "refresh_token", "refresh_token": storage.tokens.refresh_token})
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    say("after revocation: the access token gets 401 and the refresh token "
        "invalid_grant")
    await plain.aclose()
    await browser.close()


def test_sdk_oauth_client_full_flow():
    asyncio.run(run_full_flow())


async def run_read_only_grant():
    """A user grants read-only: a tool that writes answers 403 insufficient_scope."""
    storage = MemoryStorage()
    browser = OdooBrowser(BASE, "demo", "demo", decision="allow_read", log=say)
    await browser.sign_in()
    provider = make_provider(storage, browser)
    async with httpx2.AsyncClient(auth=provider, timeout=60) as http_client:
        async with Client(streamable_http_client(URL, http_client=http_client),
                          mode="legacy") as client:
            await client.list_tools()
    assert storage.tokens.scope == "mcp:read"
    say(f"read-only grant: scope {storage.tokens.scope!r}")
    await browser.close()
    return storage.tokens.access_token


def test_read_only_grant_reads_and_lists():
    token = asyncio.run(run_read_only_grant())

    async def call():
        async with httpx2.AsyncClient(timeout=60) as plain:
            return await plain.post(URL, json={
                "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "count_records", "arguments": {"model": "res.partner"}}},
                headers={"Authorization": f"Bearer {token}"})

    response = asyncio.run(call())
    assert response.status_code == 200
    assert response.json()["result"]["isError"] is False
