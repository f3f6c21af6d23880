"""The page in real headless Chromium (Debian `chromium`, driven by Playwright), against a
real `rarecase serve` on loopback."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from rarecase.phenopacket import check_v2_schema  # noqa: E402
from rarecase.service.launch import running_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EXAMPLE = Path(__file__).parents[2] / "examples" / "pasted_case_report.txt"


@pytest.fixture(scope="module")
def base_url(request: pytest.FixtureRequest, hpo, tmp_path_factory) -> Iterator[str]:
    cache = request.config.cache.mkdir("rarecase-kb")
    folder = tmp_path_factory.mktemp("serve")
    options = ["--db", str(folder / "cases.sqlite")]
    with running_server(options, folder / "server.log", cli=["--cache-dir", str(cache)]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("RARECASE_REQUIRE_CHROMIUM"):
            pytest.fail(f"{CHROMIUM} is missing and RARECASE_REQUIRE_CHROMIUM is set")
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def test_paste_see_highlights_exclude_a_term_and_download(base_url, browser, tmp_path):
    page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page.goto(base_url)
    page.fill("#case-text", EXAMPLE.read_text())
    page.click("#analyze")
    page.wait_for_selector("#differential li")
    # highlights by status and subject, each with its term and cue on hover
    assert page.locator("#document .patient-present").count() >= 4
    assert page.locator("#document .patient-excluded").count() >= 3
    assert page.locator("#document .family").count() >= 1
    fever = page.locator("#document .patient-excluded", has_text="fever").first
    assert "HP:0001945" in (fever.get_attribute("title") or "")
    assert "cue" in (fever.get_attribute("title") or "")
    assert page.locator("#similar li a[href*='pubmed.ncbi.nlm.nih.gov']").count() >= 1
    # the patient's facts and actions, with the words they were read from
    patient = page.locator("#patient").inner_text()
    assert "p54y" in patient and "female" in patient and "54-year-old woman" in patient
    actions = page.locator("#actions").inner_text()
    assert "MAXO:0000448" in actions and "at P54Y" in actions
    assert page.locator("#novelty").inner_text().strip()
    before = page.locator("#differential").inner_text()
    # exclude the most specific finding: the differential changes
    row = page.locator("#features li[data-id='HP:0003467']")
    row.locator("button.flip").click()
    page.wait_for_function(
        "before => document.querySelector('#differential').innerText !== before", arg=before
    )
    assert "(excluded)" in row.inner_text()
    with page.expect_download() as info:
        page.click("#download")
    path = tmp_path / "case.json"
    info.value.save_as(path)
    packet = json.loads(path.read_text())
    check_v2_schema(packet)
    excluded = {f["type"]["id"] for f in packet["phenotypicFeatures"] if f.get("excluded")}
    assert "HP:0003467" in excluded
    page.close()


def test_add_a_term_by_autocomplete_and_bad_input_is_said(base_url, browser):
    page = browser.new_page(viewport={"width": 768, "height": 1024})  # a tablet
    page.goto(base_url)
    page.click("#analyze")  # nothing pasted
    assert "Paste a case report" in page.locator("#message").inner_text()
    page.fill(
        "#case-text",
        "She had ataxia. Recurrence follows excision in up to a third of patients [2].",
    )
    page.click("#analyze")
    page.wait_for_selector("#features li[data-id='HP:0001251']")
    claim = page.locator("#claims").inner_text()
    assert "33.3 %" in claim and "recurrence" in claim
    page.fill("#add-term", "HP:0001250")
    page.press("#add-term", "Enter")
    page.wait_for_selector("#features li[data-id='HP:0001250']")
    page.locator("#features li[data-id='HP:0001251'] button.remove").click()
    page.wait_for_function("!document.querySelector(`#features li[data-id='HP:0001251']`)")
    page.set_input_files("#case-file", files=[{"name": "x.bin", "mimeType":
                        "application/octet-stream", "buffer": b"\x00\x01\x02" * 40}])  # fmt: skip
    page.click("#analyze")
    page.wait_for_function("document.querySelector('#message').innerText.includes('x.bin')")
    page.close()


def test_the_page_works_from_the_keyboard_alone(base_url, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(base_url)
    page.keyboard.press("Tab")  # the first control is the text box
    assert page.evaluate("document.activeElement.id") == "case-text"
    page.keyboard.type("A 30-year-old man had seizures. He had no fever.")
    page.keyboard.press("Tab")  # the file input
    page.keyboard.press("Tab")  # the Analyze button
    assert page.evaluate("document.activeElement.id") == "analyze"
    page.keyboard.press("Enter")
    page.wait_for_selector("#features li[data-id='HP:0001250']")
    # every mention can be reached with Tab and says what it is
    page.focus("#document .m")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "HP:0001250" in label and "patient, present" in label
    page.keyboard.press("Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "HP:0001945" in label and "excluded" in label
    # flip a phenotype with the keyboard
    page.focus("#features li[data-id='HP:0001250'] button.flip")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector(`#features li[data-id='HP:0001250']`).className === 'excluded'"
    )
    page.close()


def _axe_violations(page) -> list[str]:
    """axe-core (bundled in the axe-playwright-python wheel, no download) over the page as it
    stands; each violation named with its rule, impact and the first element it hit."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    response = axe.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in response["violations"]
    ]


def test_the_page_passes_an_axe_accessibility_audit(base_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url)
    assert _axe_violations(page) == []  # the empty page
    page.fill("#case-text", EXAMPLE.read_text())
    page.click("#analyze")
    page.wait_for_selector("#similar li")
    page.locator("#differential details").first.click()  # reasons open
    assert _axe_violations(page) == []  # highlights, lists, differential, cases, novelty
    page.set_viewport_size({"width": 768, "height": 1024})
    assert _axe_violations(page) == []
    # the audit does see faults: a button with no name is one
    page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    assert any(v.startswith("button-name") for v in _axe_violations(page))
    page.close()
