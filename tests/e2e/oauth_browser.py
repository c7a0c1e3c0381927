"""A scripted "browser" for the OAuth consent page: logs in to Odoo like a
person would (/web/login with login and password) and posts the consent form."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx2

HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class OdooBrowser:
    def __init__(self, base_url, login, password, decision="allow", log=print):
        self.base_url = base_url
        self.login = login
        self.password = password
        self.decision = decision
        self.log = log
        self.redirect = None
        self.http = httpx2.AsyncClient(base_url=base_url, timeout=60, follow_redirects=False)

    async def sign_in(self):
        page = await self.http.get("/web/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = await self.http.post("/web/login", data={
            "login": self.login, "password": self.password, "csrf_token": csrf,
            "type": "password", "redirect": ""})
        assert answer.status_code == 303, (answer.status_code, answer.text[:300])
        self.log(f"browser: logged in to Odoo as {self.login!r}")

    async def consent(self, authorization_url):
        """What the SDK's redirect handler does: the user approves in Odoo."""
        path = authorization_url[len(self.base_url):]
        page = await self.http.get(path)
        assert page.status_code == 200, (page.status_code, page.text[:300])
        fields = {unescape(k): unescape(v) for k, v in HIDDEN_INPUT.findall(page.text)}
        heading = re.search(r"<h4[^>]*>(.*?) wants", page.text, re.S).group(1)
        client_name = re.sub(r"<[^>]+>", "", heading).strip()
        self.log(f"browser: consent page shows client {unescape(client_name)!r}, "
                 f"scopes {fields.get('scope')!r}; clicking {self.decision!r}")
        answer = await self.http.post("/oauth/authorize", data={
            **fields, "decision": self.decision})
        assert answer.status_code == 303, (answer.status_code, answer.text[:300])
        location = answer.headers["location"]
        self.redirect = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        self.log(f"browser: redirected to {location.split('?')[0]} with "
                 f"{sorted(self.redirect)}")
        return self.redirect

    async def call_kw(self, model, method, args, kwargs=None):
        """An ORM call through the web client's own RPC, as the signed-in user."""
        response = await self.http.post(f"/web/dataset/call_kw/{model}/{method}", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": model, "method": method, "args": args,
                       "kwargs": kwargs or {}}})
        payload = response.json()
        assert "error" not in payload, payload
        return payload["result"]

    async def close(self):
        await self.http.aclose()
