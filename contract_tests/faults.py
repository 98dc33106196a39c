"""Faulty targets: the real mock, each with one deviation from the contract, to prove the suite
catches it (tests/test_contract_detection.py runs the suite against each and reads its verdict).

Most faults are a WSGI middleware around the mock app that rewrites the query on its way in or
the answer on its way out; a forgotten check of the domain state is a world that forgot it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from contract_tests import spec
from contract_tests.ciphers import LOWER_CASE_MD5
from mockserver import crypto
from mockserver.app import create_app
from mockserver.context import MockConfig
from mockserver.serving import BackgroundServer, serve_in_background

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
Query = dict[str, str]


@dataclass(kw_only=True)
class Answer:
    """An answer of the mock on its way out, to be rewritten."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def set_header(self, name: str, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def envelope(self) -> dict[str, Any]:
        return json.loads(self.body)

    def set_envelope(self, body: dict[str, Any]) -> None:
        self.body = json.dumps(body, ensure_ascii=False).encode("utf-8")


def rewriting_query(rewrite: Callable[[Query], Query]) -> Callable[[WsgiApp], WsgiApp]:
    """Wrap an app so that reset requests reach it with `rewrite(query)` (untouched if equal)."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == spec.reset_path():
                query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
                changed = rewrite(dict(query))
                if changed != query:
                    environ = environ | {"QUERY_STRING": urlencode(changed)}
            return app(environ, start_response)

        return middleware

    return wrap


def rewriting_answer(rewrite: Callable[[Query, Answer], None]) -> Callable[[WsgiApp], WsgiApp]:
    """Wrap an app so that `rewrite(query, answer)` may change each answer to a reset request."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            if environ.get("PATH_INFO") != spec.reset_path():
                return app(environ, start_response)
            started: list[Any] = []
            chunks = app(
                environ, lambda status, headers, exc_info=None: started.extend([status, headers])
            )
            answer = Answer(status=started[0], headers=list(started[1]), body=b"".join(chunks))
            query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            rewrite(query, answer)
            answer.set_header("Content-Length", str(len(answer.body)))
            start_response(answer.status, answer.headers)
            return [answer.body]

        return middleware

    return wrap


def _code(answer: Answer) -> int | None:
    try:
        return answer.envelope().get("code")
    except ValueError:
        return None


def _answer_code(old: int, new: int) -> Callable[[Query, Answer], None]:
    def rewrite(query: Query, answer: Answer) -> None:
        if _code(answer) == old:
            answer.set_envelope(answer.envelope() | {"code": new})

    return rewrite


def _succeed_when_the_mock_says(detail: str) -> Callable[[Query, Answer], None]:
    """Answer 200 where the mock refused for `detail`: a check the server forgot to make."""

    def rewrite(query: Query, answer: Answer) -> None:
        if answer.header("X-Mock-Detail") == detail:
            answer.set_envelope(
                {"code": 200, "msg": "用户密码重置成功", "extMsg": None, "data": None}
            )

    return rewrite


def _drop_field(name: str) -> Callable[[Query, Answer], None]:
    def rewrite(query: Query, answer: Answer) -> None:
        body = answer.envelope()
        body.pop(name, None)
        answer.set_envelope(body)

    return rewrite


def _code_as_string(query: Query, answer: Answer) -> None:
    body = answer.envelope()
    answer.set_envelope(body | {"code": str(body["code"])})


def _html(query: Query, answer: Answer) -> None:
    answer.set_header("Content-Type", "text/html; charset=utf-8")


def _http_status_for_errors(query: Query, answer: Answer) -> None:
    if _code(answer) not in (None, 200):
        answer.status = "400 BAD REQUEST"


def _crash_on_bad_base64(query: Query, answer: Answer) -> None:
    if _NOT_BASE64.search(query.get("pwd", "")):
        answer.status = "500 INTERNAL SERVER ERROR"
        answer.set_header("Content-Type", "text/html; charset=utf-8")
        answer.body = b"<h1>Internal Server Error</h1>"


_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=\s]")


def _decrypting_with_lower_case_md5(query: Query) -> Query:
    """Read pwd as a server keyed by the lower-case MD5 would; hand the mock what it read."""
    if not query.get("pwd") or not query.get("random"):
        return query
    try:
        password = LOWER_CASE_MD5.decrypt(query["pwd"], query["random"])
    except ValueError:
        return query | {"pwd": "!"}
    return query | {"pwd": crypto.encrypt(password, query["random"])}


def _truncating_long_passwords(query: Query) -> Query:
    """Accept passwords up to 32 characters by keeping their first 20."""
    try:
        password = crypto.decrypt(query.get("pwd", ""), query.get("random", ""))
    except crypto.DecryptError:
        return query
    if 20 < len(password) <= 32:
        return query | {"pwd": crypto.encrypt(password[:20], query["random"])}
    return query


def _ignoring_pwd_without_random(query: Query) -> Query:
    if query.get("pwd") and not query.get("random", "").strip():
        return {name: value for name, value in query.items() if name != "pwd"}
    return query


@dataclass(frozen=True, kw_only=True)
class Fault:
    """One deviation from the contract: a wrapper of the mock app, or a change to its world."""

    description: str
    wrap: Callable[[WsgiApp], WsgiApp] = lambda app: app
    world: Callable[[str], str] | None = None
    """A change to the text of fixtures/world.yaml."""

    def app(self, fixtures: Path, workdir: Path) -> Flask:
        """Build the mock from `fixtures` (edited in a copy under `workdir`), with the fault."""
        if self.world is not None:
            fixtures = Path(shutil.copytree(fixtures, workdir / "fixtures"))
            world = fixtures / "world.yaml"
            world.write_text(self.world(world.read_text(encoding="utf-8")), encoding="utf-8")
        app = create_app(MockConfig(fixtures_dir=fixtures))
        app.wsgi_app = self.wrap(app.wsgi_app)
        return app


FAULTS = {
    "wrong-code": Fault(
        description="answers 5013 where the contract says 5015 (unknown user domain)",
        wrap=rewriting_answer(_answer_code(5015, 5013)),
    ),
    "lower-case-md5": Fault(
        description="derives the AES key from the lower-case MD5 of random",
        wrap=rewriting_query(_decrypting_with_lower_case_md5),
    ),
    "missing-extmsg": Fault(
        description="leaves extMsg out of the envelope",
        wrap=rewriting_answer(_drop_field("extMsg")),
    ),
    "code-as-string": Fault(
        description="sends the business code as a string", wrap=rewriting_answer(_code_as_string)
    ),
    "html-content-type": Fault(
        description="labels its JSON text/html", wrap=rewriting_answer(_html)
    ),
    "http-errors": Fault(
        description="answers business errors with HTTP 400",
        wrap=rewriting_answer(_http_status_for_errors),
    ),
    "crash-on-bad-base64": Fault(
        description="crashes (HTTP 500) on a pwd that is not Base64",
        wrap=rewriting_answer(_crash_on_bad_base64),
    ),
    "long-passwords": Fault(
        description="accepts passwords of 21 to 32 characters (and keeps 20)",
        wrap=rewriting_query(_truncating_long_passwords),
    ),
    "pwd-without-random": Fault(
        description="forgets to refuse pwd without random (resets to 12345678)",
        wrap=rewriting_query(_ignoring_pwd_without_random),
    ),
    "reusable-codes": Fault(
        description="forgets that a code was used",
        wrap=rewriting_answer(_succeed_when_the_mock_says("the code has been used already")),
    ),
    "unbound-codes": Fault(
        description="accepts a code sent to another account",
        wrap=rewriting_answer(_succeed_when_the_mock_says("the code was sent to another account")),
    ),
    "disabled-domain": Fault(
        description="forgets to check whether the user domain is disabled",
        world=lambda text: text.replace("disabled: true", "disabled: false"),
    ),
}
"""Every fault the suite must catch, by name."""


def _hiding_the_admin_health(app: WsgiApp) -> WsgiApp:
    def middleware(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/__admin/health":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        return app(environ, start_response)

    return middleware


CONFORMING = "conforming"
"""The prefix of the mock without a fault."""
WITHOUT_ADMIN = "without-admin"
"""The prefix of a conforming mock that looks like a real deployment: no admin health, so no
admin API for the suite (a profile's command can still get codes from its /__admin/codes)."""


def serve_targets(fixtures: Path, workdir: Path) -> tuple[BackgroundServer, dict[str, str]]:
    """Serve the conforming mock and every fault, each under its own prefix, on one free port.

    Returns the server and the base URL of each target by name (CONFORMING, WITHOUT_ADMIN or
    a fault's).
    """
    faults = {
        CONFORMING: Fault(description="none"),
        WITHOUT_ADMIN: Fault(description="no admin API", wrap=_hiding_the_admin_health),
    } | FAULTS
    apps = {f"/{name}": fault.app(fixtures, workdir / name) for name, fault in faults.items()}
    shell = Flask(__name__)
    shell.wsgi_app = DispatcherMiddleware(shell.wsgi_app, apps)
    server = serve_in_background(shell)
    return server, {name: f"{server.url}/{name}" for name in faults}
