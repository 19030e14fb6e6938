#!/usr/bin/python3
"""tests/browser/self_test.py [SCREENSHOT_DIR] — proves check_pages.py's checks can fail.

Runs check_page on the hand-made pages of tests/browser/selftest/: good.html must pass
every check; each other page must fail exactly the checks listed for it here, each for
the reason expected (a request to 127.0.0.1:9 named, the console error reported, the
chart that is missing, hidden, of zero size or empty named, …). Port 9 is one Chromium
refuses to connect to (ERR_UNSAFE_PORT): no request ever leaves the machine. Prints
"ok browser: self-test: …" or "not ok browser: self-test: …" per page, then
"self_test: N passed, N failed"; exits 1 when any failed.
"""
import os
import signal
import sys
import tempfile

import check_pages

PAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "selftest")
ALL_CHARTS = ["confusion-matrix", "roc-curve", "pr-curve", "calibration", "predicted-vs-actual",
              "residual-histogram", "feature-importance", "trials", "column-histogram",
              "top-values", "correlation-heatmap"]
# page file, charts expected, {check that must fail: text its reason must contain}
CASES = [
    ("good.html", ALL_CHARTS, {}),
    ("external.html", ["feature-importance"], {
        "no request leaves the page": "http://127.0.0.1:9/font.woff2, http://127.0.0.1:9/x.png",
        "no console error": "Failed to load resource"}),
    ("blocked_by_csp.html", ["feature-importance"], {
        "no request leaves the page": "http://127.0.0.1:9/blocked.png",
        "no console error": "violates the following Content Security Policy"}),
    ("console_error.html", ["feature-importance"], {
        "no console error": "Applying inline style violates"}),
    ("broken_charts.html", ["roc-curve", "pr-curve", "calibration", "column-histogram", "trials"], {
        "chart roc-curve is drawn": "not displayed",
        "chart pr-curve is drawn": "its box is 0x0",
        "chart calibration is drawn": "nothing drawn",
        "chart column-histogram is drawn": 'polyline, polygon) (data-column "income")',
        "chart trials is drawn": 'no svg[data-chart="trials"]'}),
    ("script.html", ["feature-importance"], {
        "has no script": "1 <script> element(s), 1 element(s) with an on* handler",
        "no console error": "Executing inline event handler violates"}),
    ("blank.html", [], {"screenshot is not blank": "1 distinct colours"}),
    ("wide.html", ["feature-importance"], {"fits 1280 px wide": "scrollWidth 2008 px > window 1280 px"}),
    ("no_csp.html", ["feature-importance"], {"has a Content-Security-Policy meta tag": "none in the page"}),
    ("no_such_page.html", [], {"loads": "no such file"}),
]


def compare(results, expected):
    """What differs between the checks' results and the failures expected (empty: none)."""
    failures = {check: why for check, why in results if why is not None}
    wrong = [f"{check} passed, expected to fail with “{text}”"
             for check, text in expected.items() if check not in failures]
    wrong += [f"{check} failed with “{failures[check]}”, expected “{text}”"
              for check, text in expected.items() if check in failures and text not in failures[check]]
    wrong += [f"{check} failed unexpectedly: {why}" for check, why in failures.items() if check not in expected]
    return wrong


def main(argv):
    shots = argv[1] if len(argv) > 1 else tempfile.mkdtemp(prefix="browser-self-test-")
    passed = failed = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # quit the browser on timeout
    driver = check_pages.start_browser()
    try:
        for file, charts, expected in CASES:
            name = os.path.splitext(file)[0]
            page = {"name": name, "file": os.path.join(PAGES, file), "charts": charts,
                    "screenshot": os.path.join(shots, f"self-test-{name}.png")}
            wrong = compare(check_pages.check_page(driver, page), expected)
            what = "passes every check" if not expected else "fails " + "; ".join(
                f"{check} ({text})" for check, text in expected.items())
            if wrong:
                failed += 1
                print(f"not ok browser: self-test: {file} {what}: " + "; ".join(wrong), flush=True)
            else:
                passed += 1
                print(f"ok browser: self-test: {file} {what}", flush=True)
    finally:
        driver.quit()
    print(f"self_test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
