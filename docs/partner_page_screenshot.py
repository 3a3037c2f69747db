"""Take the docs' screenshot of the partner's page: headless chromium at 390x844.

Run from a checkout with chromium and chromedriver installed:
``python docs/partner_page_screenshot.py [docs/partner-page.png]``. The couple, its
rituals and its week are made up here, on a fixed clock, in a temporary database.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from engine import Engine, FixedClock
from engine.web import create_app
from engine.web.serve import start_in_thread

MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/partner-page.png")
    clock = FixedClock(MONDAY - timedelta(days=7))
    with tempfile.TemporaryDirectory() as tmp:
        eng = Engine.open(f"sqlite:///{tmp}/rituals.db", clock=clock, via="server")
        couple = eng.create_couple("Sam & Alex", ["sam", "alex"], "Europe/Berlin")
        eng.add_ritual(couple, template="morning-micro-check")
        eng.add_ritual(couple, template="evening-one-thing")
        eng.add_ritual(couple, "Appreciation journal", per_week=3, together=False)
        clock.advance(timedelta(days=9, hours=13))  # Wednesday 25 Nov, 20:00 in Berlin
        rituals = {r.title: r for r in eng.rituals(couple)}
        morning = next(t for t in rituals if t.lower().startswith("morning"))
        eng.check_in(couple, rituals[morning].id, by="sam", closeness=4)
        eng.check_in(couple, rituals[morning].id, by="alex", closeness=5)
        eng.check_in(couple, "Appreciation journal", by="alex")
        server = start_in_thread(create_app(eng), threads=2)
        invite = eng.invite_partner(couple, partner="alex", base_url=server.url).url
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
            )
            driver.get(invite)
            driver.get(server.url + "/me")
            driver.save_screenshot(str(out))
        finally:
            driver.quit()
            server.stop()
            eng.close()
    print(f"saved {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
