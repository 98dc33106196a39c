"""Turn a scenario into the HTTP answer it stands for: an envelope, or a fault on the wire."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from mockserver.answers import Answer
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


def render(scenario: Scenario, language: str, sleep: Callable[[float], None]) -> Answer:
    """Wait the scenario's delay, then answer as it says."""
    if scenario.delay is not None:
        sleep(random.uniform(scenario.delay.low, scenario.delay.high) / 1000)
    headers = [("X-Mock-Scenario", scenario.name), *scenario.headers.items()]
    fault = scenario.fault
    if fault in GATEWAY_STATUS:
        status, reason = GATEWAY_STATUS[fault]
        page = _gateway_page(status, reason).encode("ascii")
        return Answer(
            status=scenario.status or status,
            headers=[("Content-Type", "text/html"), ("Content-Length", str(len(page))), *headers],
            body=page,
        )
    status = scenario.status or 200
    body = _body(scenario, language)
    headers.append(("Content-Type", JSON))
    if fault is Fault.EMPTY_RESPONSE:
        body = b""
    elif fault is Fault.MALFORMED_JSON:
        text = body.decode("utf-8")
        body = text[: len(text) // 2].encode("utf-8")
    elif fault is Fault.CONNECTION_DROPPED:
        # The headers promise a body that never comes: the server closes the connection.
        return Answer(
            status=status, headers=[*headers, ("Content-Length", str(len(body)))], body=iter(())
        )
    elif fault is Fault.TRICKLE:
        headers.append(("Content-Length", str(len(body))))
        return Answer(status=status, headers=headers, body=_trickle(body, sleep))
    return Answer(status=status, headers=[*headers, ("Content-Length", str(len(body)))], body=body)


def _trickle(body: bytes, sleep: Callable[[float], None]) -> Iterator[bytes]:
    for index in range(len(body)):
        if index:
            sleep(TRICKLE_SECONDS_PER_BYTE)
        yield body[index : index + 1]
