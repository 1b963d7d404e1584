"""The interactive documentation at /api/v3/docs/ renders in a real (headless) Chromium with nothing
fetched from another host: Swagger UI's files come from a Python package (api/browsable/swagger_ui.py), so the
page works offline and lists the API's operations."""

from __future__ import annotations

from conftest import WAIT_SECONDS


def test_swagger_ui_lists_the_operations_from_local_assets(start_live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    live = start_live_server("sqlite")
    browser.get(f"{live.url}/api/v3/docs/")
    wait = WebDriverWait(browser, WAIT_SECONDS)
    wait.until(lambda driver: len(driver.find_elements(By.CSS_SELECTOR, ".opblock")) > 50)

    paths = {element.get_attribute("data-path") for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/api/v3/projects/", "/api/v3/projects/{project_slug}/redirects/{redirect_id}/"} <= paths
    methods = {element.text for element in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-method")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(entry => entry.name)")
    assert any(url.endswith("/swagger-ui-bundle.js") for url in fetched), fetched
    assert all(url.startswith(live.url) for url in fetched), [url for url in fetched if not url.startswith(live.url)]


def test_the_assets_are_served_without_a_token(start_live_server):
    live = start_live_server("sqlite")
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        response = live.get(f"/api/v3/docs/assets/{name}")
        assert response.status_code == 200 and kind in response.headers["Content-Type"], (name, response.status_code)
    assert live.get("/api/v3/docs/assets/nope.js").status_code == 404
    page = live.get("/api/v3/docs/", headers={"Accept": "text/html"}).text
    assert "/api/v3/docs/assets/swagger-ui-bundle.js" in page and "cdn" not in page
