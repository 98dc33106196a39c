"""Turn a scenario into the HTTP answer it stands for: an envelope, or a fault on the wire."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from flask import Response

from mockserver.codes import Code, message
from mockserver.responses import JSON, envelope_of, json_bytes
from mockserver.scenarios import Fault, Scenario

TRICKLE_SECONDS_PER_BYTE = 0.05
GATEWAY_STATUS = {
    Fault.BAD_GATEWAY: (502, "Bad Gateway"),
    Fault.SERVICE_UNAVAILABLE: (503, "Service Temporarily Unavailable"),
    Fault.GATEWAY_TIMEOUT: (504, "Gateway Time-out"),
}


def _gateway_page(status: int, reason: str) -> str:
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def _body(scenario: Scenario, language: str) -> bytes:
    code = scenario.code if scenario.code is not None else int(Code.OK)
    text = scenario.msg if scenario.msg is not None else message(Code(code), language)
    return json_bytes(envelope_of(code, text, ext_msg=scenario.ext_msg, data=scenario.data))


def render(scenario: Scenario, language: str, sleep: Callable[[float], None]) -> Response:
    """Wait the scenario's delay, then answer as it says."""
    if scenario.delay is not None:
        sleep(random.uniform(scenario.delay.low, scenario.delay.high) / 1000)
    headers = {"X-Mock-Scenario": scenario.name, **scenario.headers}
    fault = scenario.fault
    if fault in GATEWAY_STATUS:
        status, reason = GATEWAY_STATUS[fault]
        return Response(
            _gateway_page(status, reason),
            status=scenario.status or status,
            headers=headers,
            content_type="text/html",
        )
    status = scenario.status or 200
    body = _body(scenario, language)
    if fault is Fault.EMPTY_RESPONSE:
        return Response(b"", status=status, headers=headers, content_type=JSON)
    if fault is Fault.MALFORMED_JSON:
        text = body.decode("utf-8")
        cut = text[: len(text) // 2].encode("utf-8")
        return Response(cut, status=status, headers=headers, content_type=JSON)
    if fault is Fault.CONNECTION_DROPPED:
        # The headers promise a body that never comes: the server closes the connection.
        headers["Content-Length"] = str(len(body))
        return Response(iter(()), status=status, headers=headers, content_type=JSON)
    if fault is Fault.TRICKLE:
        headers["Content-Length"] = str(len(body))
        return Response(_trickle(body, sleep), status=status, headers=headers, content_type=JSON)
    return Response(body, status=status, headers=headers, content_type=JSON)


def _trickle(body: bytes, sleep: Callable[[float], None]) -> Iterator[bytes]:
    for index in range(len(body)):
        if index:
            sleep(TRICKLE_SECONDS_PER_BYTE)
        yield body[index : index + 1]
