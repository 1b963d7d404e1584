"""A person browsing the API in a real (headless) Chromium: from the root, with a token typed into
the page, clicking links down to a project's build. Skipped without Chromium, except under CI=true
where it fails (.ci/run installs chromium and chromium-driver)."""

from __future__ import annotations

import pytest
from e2e_support import SEED_PROJECT, assert_json

PROJECTS = "/api/v3/projects/"
WAIT_SECONDS = 15


@pytest.fixture
def live(start_live_server):
    return start_live_server("sqlite")


def test_a_person_browses_from_the_root_to_a_build(live, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shows
    from selenium.webdriver.support.ui import WebDriverWait

    token = live.token("alice")
    assert_json(live.post(PROJECTS, token, json=SEED_PROJECT), 201)
    build = assert_json(live.post(f"{PROJECTS}test-project/builds/", token), 201)["build"]
    wait = WebDriverWait(browser, WAIT_SECONDS)

    def click_link(url: str, expected_status: str = "HTTP 200 OK") -> str:
        """Click the link to `url` in the shown JSON; the text of the page it leads to."""
        browser.find_element(By.CSS_SELECTOR, f'#response-body a[href="{url}"]').click()
        wait.until(shows.url_to_be(url))
        wait.until(shows.text_to_be_present_in_element((By.ID, "status"), expected_status))
        return browser.find_element(By.ID, "response-body").text

    browser.get(f"{live.url}/api/v3/")
    assert browser.find_element(By.ID, "status").text == "HTTP 200 OK"
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.ID, "use-token").click()
    wait.until(shows.text_to_be_present_in_element((By.ID, "token-state"), "A token is stored"))

    listing = click_link(f"{live.url}{PROJECTS}")
    assert '"count": 1' in listing and '"slug": "test-project"' in listing
    project = click_link(f"{live.url}{PROJECTS}test-project/")
    assert '"name": "Test Project"' in project
    builds = click_link(f"{live.url}{PROJECTS}test-project/builds/")
    assert f'"id": {build["id"]}' in builds
    assert f"{live.url}{PROJECTS}test-project/builds/{build['id']}/" in builds
    click_link(f"{live.url}{PROJECTS}test-project/builds/{build['id']}/")

    # Forgetting the token: the list of one's projects is now a 401 offering the form again (the build's
    # page would still answer: a public project reads without a token, as on Read the Docs).
    browser.get(f"{live.url}{PROJECTS}")
    wait.until(shows.text_to_be_present_in_element((By.ID, "status"), "HTTP 200 OK"))
    browser.find_element(By.ID, "forget-token").click()
    wait.until(shows.text_to_be_present_in_element((By.ID, "status"), "HTTP 401 Unauthorized"))
    assert browser.find_element(By.ID, "token").is_displayed()
