"""The admin page, end to end in headless Chromium driven by Playwright."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from mockserver.app import create_app
from mockserver.context import MockConfig
from mockserver.serving import serve_in_background

from .conftest import DEFAULT_FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found: `apt-get install chromium` (Debian's package; .ci/run installs it)",
)
PATH = "/v2/enduser/enduserapi/userPwdReset"
ALICE = "userDomain=C.DM.5903.1&phone=13800138000&code=606754"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def put(url: str, query: str, session: str | None = None) -> dict:
    request = urllib.request.Request(f"{url}{PATH}?{query}", method="PUT")
    if session:
        request.add_header("X-Mock-Session", session)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def fixtures_dir(tmp_path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_FIXTURES, target)
    return target


@pytest.fixture
def mock(fixtures_dir):
    app = create_app(MockConfig(fixtures_dir=fixtures_dir))
    server = serve_in_background(app)
    yield app, server.url
    server.stop()


@pytest.fixture
def page(browser, mock):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{mock[1]}/__admin/")
    page.wait_for_selector("button[data-scenario='sms-code-rejected']")
    yield page
    page.close()


def test_page_lists_every_scenario_of_the_fixtures(page, mock):
    app, _ = mock
    names = page.eval_on_selector_all(
        "button[data-scenario]", "bs => bs.map(b => b.dataset.scenario)"
    )
    assert names == list(app.extensions["mock"].catalog.scenarios)


def test_page_activates_a_scenario_for_everyone(page, mock):
    _, url = mock
    page.click("button[data-scenario='sms-code-rejected']")
    page.wait_for_function(
        "document.getElementById('plan').textContent.includes('sms-code-rejected')"
    )
    assert put(url, ALICE)["code"] == 5037
    page.click("#clear-scenario")
    page.wait_for_function("document.getElementById('plan').textContent === 'plan: simulation'")
    assert put(url, ALICE)["code"] == 200


def test_page_activates_a_scenario_for_one_session(page, mock):
    _, url = mock
    page.fill("#session", "tab-7")
    page.dispatch_event("#session", "change")
    page.click("button[data-scenario='user-domain-disabled']")
    page.wait_for_function("document.getElementById('plan').textContent.includes('user-domain')")
    assert put(url, ALICE, session="tab-7")["code"] == 5104
    assert put(url, ALICE)["code"] == 200
    assert {"name": "mock-session", "value": "tab-7"}.items() <= page.context.cookies()[0].items()


def test_page_shows_requests_live_with_the_password_masked(page, mock):
    from mockserver import crypto

    _, url = mock
    pwd = crypto.encrypt("Secret-99", "r")
    query = f"{ALICE}&pwd={urllib.parse.quote(pwd)}&random=r"
    put(url, query)
    row = page.wait_for_selector("#journal tbody tr:has-text('9 characters')")
    text = row.inner_text()
    assert "pwd=***" in text and "200" in text
    assert "Secret-99" not in page.content()


def test_page_issues_a_verification_code(page, mock):
    _, url = mock
    page.fill("#code-form input[name=phone]", "13900139000")
    page.click("#code-form button[type=submit]")
    page.wait_for_function("document.getElementById('code-result').textContent.startsWith('code ')")
    code = page.text_content("#code-result").split()[1]
    assert put(url, f"userDomain=C.DM.5903.1&phone=13900139000&code={code}")["code"] == 200


def test_page_shows_fixture_errors_while_the_last_good_fixtures_serve(page, mock, fixtures_dir):
    app, url = mock
    world = fixtures_dir / "world.yaml"
    world.write_text(world.read_text(encoding="utf-8") + "\nbogus: 1\n", encoding="utf-8")
    app.extensions["mock"].reloader.check()
    page.wait_for_selector("#errors:not([hidden])")
    assert "world.yaml:" in page.text_content("#errors")
    assert "bogus" in page.text_content("#errors")
    assert put(url, ALICE)["code"] == 200


def test_page_lists_a_scenario_added_while_it_is_open(page, mock, fixtures_dir):
    app, _ = mock
    scenarios = fixtures_dir / "scenarios.yaml"
    text = scenarios.read_text(encoding="utf-8")
    added = "\n  brand-new:\n    description: added while the page is open\n    code: 5015\n"
    scenarios.write_text(text.replace("\nrules:", added + "\nrules:", 1), encoding="utf-8")
    assert app.extensions["mock"].reloader.check()
    page.wait_for_selector("button[data-scenario='brand-new']")
