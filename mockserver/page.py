"""The admin page at /__admin/: plain HTML and a little JavaScript over the admin API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

from mockserver.context import check_admin_token

PAGE = (Path(__file__).parent / "static" / "admin.html").read_bytes()

blueprint = Blueprint("page", __name__)
blueprint.before_request(check_admin_token)


@blueprint.get("/")
def admin_page() -> Response:
    """Serve the page; it reads and drives everything through the admin API."""
    return Response(PAGE, content_type="text/html; charset=utf-8")
