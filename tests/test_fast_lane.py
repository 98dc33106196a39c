"""The fast lane answers plain resets exactly as Flask would, and leaves the rest to Flask."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.fast_lane import query_pairs

PATH = "/v2/enduser/enduserapi/userPwdReset"
ALICE = "userDomain=C.DM.5903.1&phone=13800138000&code=606754"


@given(st.text(alphabet="ab=&%+20F9c.é\x00 ", max_size=40))
def test_query_pairs_split_like_parse_qsl(query):
    assert query_pairs(query) == parse_qsl(query, keep_blank_values=True)


@pytest.mark.parametrize(
    ("request_kwargs", "expected"),
    [
        ({}, 200),
        ({"data": b"{}"}, 200),
        ({"headers": {"X-Mock-Scenario": "user-domain-disabled"}}, 5104),
        ({"headers": {"X-Q-Language": "en"}}, 200),
    ],
)
def test_fast_lane_and_flask_answer_alike(app, request_kwargs, expected):
    client = app.test_client()
    fast = client.put(f"{PATH}?{ALICE}", **request_kwargs)
    client.post("/__admin/reset")
    slow = client.put(
        f"{PATH}?{ALICE}", data=b"x", **{k: v for k, v in request_kwargs.items() if k != "data"}
    )
    assert fast.get_json() == slow.get_json()
    assert fast.get_json()["code"] == expected
    assert fast.headers.get("Content-Type") == slow.headers.get("Content-Type")
    assert fast.headers.get("X-Mock-Detail") == slow.headers.get("X-Mock-Detail")
    entries = client.get("/__admin/requests?limit=2").get_json()["requests"]
    for field in ("method", "path", "query", "status", "code", "detail", "scenario", "session"):
        assert entries[0][field] == entries[1][field], field
