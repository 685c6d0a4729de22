"""uvicorn's HTTP protocols, answering the requests it cannot parse as the app answers errors.

uvicorn answers a request it cannot parse (an unknown method such as FOO, a request line or
header too long for its parser, bytes that are not HTTP) itself, before any application or
middleware sees it: a plain-text 400 without the security headers every other answer
carries (middleware.SecurityHeaders). These subclasses of its two HTTP/1.1 protocols answer
that 400 as JSON, with those headers: uvicorn's only hook for it is the protocol class
(`--http server.protocols:SecureHttp`, which cli.py and bench/server.py pass). A server run
with uvicorn's own protocols still answers such requests, without the headers.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.h11_impl import H11Protocol

from .middleware import PAGE_POLICY

SECURITY_HEADERS = [
    (b"content-security-policy", PAGE_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
UNREADABLE = ("request: this is not an HTTP/1.1 request the server can read (an unknown "
              "method, a request line or header too long, or bytes that are not HTTP)")


def _bad_request(default_headers: list[tuple[bytes, bytes]]) -> bytes:
    body = json.dumps({"detail": UNREADABLE}).encode()
    headers = [*default_headers, *SECURITY_HEADERS,
               (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    return b"".join([b"HTTP/1.1 400 Bad Request\r\n",
                     *(name + b": " + value + b"\r\n" for name, value in headers),
                     b"\r\n", body])


class SecureH11(H11Protocol):
    """h11's protocol, its 400 answered as JSON with the security headers."""

    def send_400_response(self, msg: str) -> None:
        self.transport.write(_bad_request(self.server_state.default_headers))
        self.transport.close()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools missing: uvicorn itself would use h11
    SecureHttp: type = SecureH11
else:
    class SecureHttpTools(HttpToolsProtocol):
        """httptools' protocol (uvicorn's choice where it is installed), its 400 answered
        as JSON with the security headers."""

        def send_400_response(self, msg: str) -> None:
            self.transport.write(_bad_request(self.server_state.default_headers))
            self.transport.close()

    SecureHttp = SecureHttpTools
