"""A loopback proxy that adds an MCP key to every request it forwards.

The conformance suite and the Inspector send no credentials of their own; this
proxy stands in front of Odoo on 127.0.0.1 and adds
``Authorization: Bearer <key>``. Everything else passes through unchanged,
Host and Origin included (the DNS-rebinding checks depend on them), and the
response body is relayed byte for byte.

Usage: python auth_proxy.py LISTEN_PORT UPSTREAM_PORT  (key in MCP_PROXY_KEY)
"""

import http.client
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "content-length"}


class AuthProxyHandler(BaseHTTPRequestHandler):
    upstream_port = None
    key = None
    protocol_version = "HTTP/1.1"

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {name: value for name, value in self.headers.items()
                   if name.lower() not in HOP_BY_HOP and name.lower() != "authorization"}
        headers["Authorization"] = f"Bearer {self.key}"
        connection = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        connection.putrequest(self.command, self.path, skip_host=True,
                              skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body or b"")))
        connection.endheaders(body)
        response = connection.getresponse()
        payload = response.read()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        connection.close()

    do_POST = do_GET = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = _forward

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def main():
    listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    AuthProxyHandler.upstream_port = upstream_port
    AuthProxyHandler.key = os.environ["MCP_PROXY_KEY"]
    server = ThreadingHTTPServer(("127.0.0.1", listen_port), AuthProxyHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
