"""Security headers on every response (API, PWA files, ``/docs``, errors), added as the response starts."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# The PWA may ask for the device's position (an entry's place); nothing else needs a powerful feature.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"

EVERY_RESPONSE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
    "x-frame-options": "DENY",
}
API_PREFIX = "/api/"


class SecurityHeadersMiddleware:
    """Pure ASGI, so streamed responses (exports) keep streaming; headers a route set itself are kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope["path"]).startswith(API_PREFIX)
        is_https = scope.get("scheme") == "https"
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_RESPONSE_HEADERS.items():
                    headers.setdefault(name, value)
                if is_api:
                    # Entries are intimate: no browser or proxy keeps a copy of an API answer.
                    headers.setdefault("cache-control", "no-store")
                if is_https:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # An unhandled error still gets a problem+json answer with these headers; the error goes on to be logged.
            if not started:
                response = problem_response(500, "internal_error", "Something went wrong on the server.")
                await response(scope, receive, send_with_headers)
            raise
