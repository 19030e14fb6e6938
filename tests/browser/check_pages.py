#!/usr/bin/python3
"""tests/browser/check_pages.py MANIFEST — checks HTML pages in headless Chromium.

The pages are the ones automl.report(model_id) and automl.describe_report(relation)
return: self-contained, no script, every chart an inline <svg data-chart="NAME">
(docs/report-documents.md, "Charts in the page"). MANIFEST is a JSON list:

  [{"name": "model_binary", "file": "/abs/page.html",
    "charts": ["confusion-matrix", "roc-curve"], "screenshot": "/abs/page.png"}]

For each page, loaded from its file:// URL in a window 1280 px wide: it loads; it has
a Content-Security-Policy meta tag and no script (<script> elements, on* handlers);
each chart named is there, displayed, not of zero size and draws something (every svg
of that name: per-column charts come once per column); nothing is wider than the
window; its full-page screenshot is not blank; no request leaves the page (any URL
but its own and data:); and the browser logs no error. Prints "ok browser: PAGE: CHECK" or
"not ok browser: PAGE: CHECK: WHY" per check, then "check_pages: N passed, N failed";
exits 1 when any check failed.

Debian 12: apt-get install chromium chromium-driver python3-selenium python3-pil.
CHROMIUM and CHROMEDRIVER override the binaries' paths.
"""
import base64
import json
import os
import signal
import sys
import time
import urllib.parse

from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

WIDTH = 1280
MAX_SCREENSHOT_HEIGHT = 30000
DRAWN = "rect, path, circle, ellipse, line, polyline, polygon"


def start_browser():
    """Headless Chromium through Debian's chromedriver (never Selenium Manager)."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={WIDTH},900", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--no-default-browser-check"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


def requests_leaving(driver, own_url):
    """URLs the page requested (Network.requestWillBeSent) other than its own and data:,
    sorted."""
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        if urllib.parse.unquote(url.split("#")[0]) != own_url and not url.startswith("data:"):
            urls.add(url)
    return sorted(urls)


def console_errors(driver):
    """The browser log's SEVERE entries, each on one line of at most 300 characters."""
    return [" ".join(entry["message"].split())[:300]
            for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def chart_problem(driver, name):
    """Why the chart NAME is not drawn, or None; every svg of that name must be."""
    svgs = driver.find_elements(By.CSS_SELECTOR, f'svg[data-chart="{name}"]')
    if not svgs:
        return f'no svg[data-chart="{name}"]'
    for svg in svgs:
        column = svg.get_attribute("data-column")
        which = f' (data-column "{column}")' if column else ""
        size = svg.size
        box = f"its box is {size['width']:g}x{size['height']:g}"
        if not svg.is_displayed():
            return "not displayed, " + box + which
        if size["width"] < 1 or size["height"] < 1:
            return box + which
        if not svg.find_elements(By.CSS_SELECTOR, DRAWN):
            return f"nothing drawn (none of {DRAWN})" + which
    return None


def script_problem(driver):
    """What script the DOM holds (<script> elements, on* handler attributes), or None."""
    scripts, handlers = driver.execute_script(
        "return [document.scripts.length, Array.from(document.querySelectorAll('*')).filter("
        "e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length];")
    found = [f"{scripts} <script> element(s)"] if scripts else []
    found += [f"{handlers} element(s) with an on* handler"] if handlers else []
    return ", ".join(found) or None


def overflow_problem(driver):
    """Why the page is wider than the window, or None (1 px of rounding allowed)."""
    scroll, client = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];")
    return f"scrollWidth {scroll} px > window {client} px" if scroll > client + 1 else None


def full_page_screenshot(driver, path):
    """The whole document, beyond the viewport (CDP Page.captureScreenshot)."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"],
            "height": min(size["height"], MAX_SCREENSHOT_HEIGHT), "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True, "clip": clip})
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as out:
        out.write(base64.b64decode(shot["data"]))


def blank_problem(path):
    """Why the screenshot looks blank, or None: a few colours or next to no variance."""
    image = Image.open(path).convert("RGB")
    colours = image.getcolors(maxcolors=256)
    spread = sum(ImageStat.Stat(image).stddev) / 3
    if colours is not None and len(colours) <= 8:
        return f"{len(colours)} distinct colours in {image.width}x{image.height} px"
    if spread < 1.0:
        return f"pixel standard deviation {spread:.2f} in {image.width}x{image.height} px"
    return None


def check_page(driver, page):
    """Runs every check on one manifest entry; returns [(check, why or None)]."""
    path = os.path.abspath(page["file"])
    if not os.path.isfile(path):
        return [("loads", f"no such file {path}")]
    url = "file://" + path  # Chromium's log has it percent-encoded: compared unquoted
    driver.get_log("performance")  # drop what earlier pages left
    driver.get_log("browser")
    try:
        driver.get(url)
    except Exception as error:  # a timeout or a crashed tab: nothing else to check
        return [("loads", str(error).splitlines()[0])]
    results = [("loads", None)]
    csp = driver.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="Content-Security-Policy" i]')
    results.append(("has a Content-Security-Policy meta tag", None if csp else "none in the page"))
    results.append(("has no script", script_problem(driver)))
    for name in page.get("charts", []):
        results.append((f"chart {name} is drawn", chart_problem(driver, name)))
    results.append((f"fits {WIDTH} px wide", overflow_problem(driver)))
    shot = page.get("screenshot") or os.path.splitext(path)[0] + ".png"
    full_page_screenshot(driver, shot)
    results.append(("screenshot is not blank", blank_problem(shot)))
    time.sleep(0.3)  # let late requests (lazy images, fonts) reach the logs
    leaving = requests_leaving(driver, url)
    results.append(("no request leaves the page",
                    "requested " + ", ".join(leaving) if leaving else None))
    errors = console_errors(driver)
    results.append(("no console error", " | ".join(errors) if errors else None))
    return results


def print_results(name, results):
    """Prints one line per check; returns (passed, failed)."""
    failed = 0
    for check, why in results:
        if why is None:
            print(f"ok browser: {name}: {check}", flush=True)
        else:
            failed += 1
            print(f"not ok browser: {name}: {check}: {why}", flush=True)
    return len(results) - failed, failed


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: check_pages.py MANIFEST")
    with open(argv[1]) as manifest:
        pages = json.load(manifest)
    passed = failed = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # quit the browser on timeout
    driver = start_browser()
    try:
        for page in pages:
            p, f = print_results(page["name"], check_page(driver, page))
            passed, failed = passed + p, failed + f
    finally:
        driver.quit()
    print(f"check_pages: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
