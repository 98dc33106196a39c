"""CORS: let a browser app on any origin call the mock, cookies included."""

from __future__ import annotations

EXPOSED_HEADERS = "X-Mock-Detail, X-Mock-Scenario"
DEFAULT_ALLOWED_HEADERS = "Content-Type, X-Q-Language, X-Mock-Scenario, X-Mock-Session"
ALLOWED_METHODS = "GET, PUT, POST, DELETE, OPTIONS"


def cors_headers(
    origin: str | None, method: str, requested_headers: str | None
) -> list[tuple[str, str]]:
    """Return the CORS headers of an answer to `origin` (none without an Origin header)."""
    if not origin:
        return []
    headers = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Credentials", "true"),
        ("Vary", "Origin"),
        ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
    ]
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", ALLOWED_METHODS),
            ("Access-Control-Allow-Headers", requested_headers or DEFAULT_ALLOWED_HEADERS),
            ("Access-Control-Max-Age", "600"),
        ]
    return headers
