"""A known-good request with one parameter changed so that it breaks a documented rule never
succeeds: generated near misses (a character inserted, dropped or replaced) and plain garbage.
"""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from contract_tests.envelope import check_envelope
from contract_tests.harness import Contract, fresh_password, generated
from contract_tests.parameter_rules import broken_rules, check_no_success_on_broken_rule
from contract_tests.report import conformance

NEAR_ALPHABET = "0123456789+-._@ \tAaZz"


@st.composite
def near_miss(draw: st.DrawFn, value: str) -> str:
    """Return `value` with one character inserted, dropped or replaced."""
    position = draw(st.integers(0, len(value)))
    character = draw(st.sampled_from(NEAR_ALPHABET) | st.characters(codec="utf-8"))
    edit = draw(st.sampled_from(["insert", "drop", "replace"]))
    if edit == "insert" or position == len(value):
        return value[:position] + character + value[position:]
    return value[:position] + ("" if edit == "drop" else character) + value[position + 1 :]


@conformance("parameter rules", "one broken rule", "a good request with one rule broken is refused")
def test_parameter_rule_broken_in_good_request_never_succeeds(
    contract: Contract, examples: int
) -> None:
    account = contract.account("phone")
    contract.code_source()

    @generated(examples)
    @given(data=st.data())
    def refused(data: st.DataObject) -> None:
        good = contract.good_request(account, fresh_password())
        name = data.draw(st.sampled_from(sorted(good)), label="parameter")
        value = data.draw(near_miss(good[name]) | st.text(max_size=24), label="value")
        request = good | {name: value}
        assume(broken_rules({key: [value] for key, value in request.items()}))
        exchange = contract.client.reset(request)
        check_envelope(exchange)
        check_no_success_on_broken_rule(exchange)

    refused()
