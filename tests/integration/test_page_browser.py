"""A real browser on the partner's page: Debian's chromium, driven by Selenium, opens an
invite link, checks in to today's ritual with one tap and writes an appreciation; the
events are then read back from the store. It leaves a 390x844 screenshot of the today
page in the test's temporary folder.

Skips, saying why, where chromium or chromedriver is not installed (CI installs both; see
``.ci/run``).
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from engine import Engine, FixedClock
from engine.web import create_app
from engine.web.serve import RunningServer, start_in_thread
from tests.moments import CLI_NOW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="needs Debian's chromium and chromium-driver "
        "(apt-get install -y chromium chromium-driver)",
    ),
]

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Engine, RunningServer]]:
    clock = FixedClock(CLI_NOW - timedelta(days=3))
    with Engine.open(f"sqlite:///{tmp_path / 'rituals.db'}", clock=clock, via="server") as eng:
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, "Evening one-thing", cron="0 18 * * *", prompts=["One thing?"])
        eng.add_ritual(couple, "Appreciation journal", per_week=3, together=False)
        clock.advance(timedelta(days=3))
        server = start_in_thread(create_app(eng, recheck=timedelta(0)), threads=2)
        try:
            yield eng, server
        finally:
            server.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    pytest.importorskip("selenium", reason="needs the selenium package (the test extra)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        yield driver
    finally:
        driver.quit()


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def press(browser: object, button: object) -> str:
    """Press a form's button and say what the next page says, once the browser has left
    the old page and followed the redirect (the old page may carry a status line too)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    assert isinstance(browser, WebDriver) and isinstance(button, WebElement)
    old = browser.find_element(By.TAG_NAME, "html")
    button.click()
    wait = WebDriverWait(browser, 20)
    wait.until(expected_conditions.staleness_of(old))
    found = wait.until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=status]"))
    )
    return str(found.text)


def test_a_partner_checks_in_and_appreciates_from_a_phone_browser(
    served: tuple[Engine, RunningServer], browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver

    eng, server = served
    assert isinstance(browser, WebDriver)
    invite = eng.invite_partner(None, partner="alex", base_url=server.url).url
    token = invite.rsplit("/", 1)[1]

    browser.get(invite)
    assert urlsplit(browser.current_url).path == "/me"
    assert token not in browser.current_url
    assert "Hi Alex" in browser.page_source
    shot = tmp_path / "today.png"
    assert browser.save_screenshot(str(shot))
    assert png_size(shot) == (WIDTH, HEIGHT)

    card = browser.find_element(By.CSS_SELECTOR, "article.card.pending")
    assert "Evening one-thing" in card.text
    card.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys("tea on the balcony")
    four = card.find_element(By.CSS_SELECTOR, "button[name=closeness][value='4']")
    assert "Thank you for making the time" in press(browser, four)

    browser.get(server.url + "/me/words")
    browser.find_element(By.ID, "text").send_keys("Thank you for waiting for me.")
    save = browser.find_element(By.CSS_SELECTOR, "#appreciate button[type=submit]")
    assert "Small words, big difference" in press(browser, save)

    found = {r.event.type_name: r.event for r in eng.store.read_all(limit=1000, decrypt=True)}
    checked = found["ritual.checked_in"]
    given = found["appreciation.given"]
    assert getattr(checked, "closeness", None) == 4
    assert getattr(checked, "note", None) == "tea on the balcony"
    assert getattr(given, "text", None) == "Thank you for waiting for me."
    assert getattr(given, "shared", False) is True
