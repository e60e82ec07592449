"""End to end in a real browser: Debian's chromium, headless, driven by Playwright.

The server runs in this process (uvicorn on a free port); the page trains the
three-class spiral to a test accuracy above 0.90, survives a reload from its URL,
takes an uploaded CSV, explains a weight, exports code and weights, and leaves a
screenshot. Skips (with the reason, also as a warning) only where no chromium exists.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from glassbox.playground.app import create_app

CHROMIUM = os.environ.get("GLASSBOX_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NETWORK = "hidden=8,8,8&features=x1,x2,sinx1,sinx2&optimizer=adam&learning_rate=0.01"


def _skip(reason: str) -> None:
    warnings.warn(f"browser test skipped: {reason}", stacklevel=2)
    print(f"browser test skipped: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server_url():
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the playground server did not start"
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run does "
              f"this as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _skip("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as problem:  # noqa: BLE001 - any launch failure means no browser
            _skip(f"chromium at {CHROMIUM} does not start: {problem}")
        yield instance
        instance.close()


def _number(page, selector: str) -> float:
    try:
        return float(page.text_content(selector))
    except (TypeError, ValueError):
        return float("nan")


@pytest.mark.slow
def test_spiral_in_the_browser(server_url, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 950}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server_url + "#" + NETWORK)
    page.wait_for_selector("#node-1-7")           # the URL's network: 8 neurons per layer
    page.click("button[data-dataset=spiral]")
    page.wait_for_selector("button[data-dataset=spiral].selected")
    page.select_option("#classes", "3")
    page.wait_for_selector("#node-4-2")           # three output neurons: three classes
    assert page.input_value("#classes") == "3"

    page.click("#play")
    start = time.monotonic()
    accuracy = float("nan")
    while time.monotonic() - start < 60:
        accuracy = _number(page, "#test-accuracy")
        if accuracy > 0.90:
            break
        page.wait_for_timeout(250)
    seconds = time.monotonic() - start
    epochs = page.text_content("#epoch")
    page.click("#play")                            # pause
    page.wait_for_selector("#play:not(.playing)")
    assert accuracy > 0.90, f"test accuracy {accuracy} after {seconds:.0f} s ({epochs} epochs)"
    print(f"spiral, 3 classes: test accuracy {accuracy} after {seconds:.1f} s, epoch {epochs}")
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert (tmp_path / "playground.png").read_bytes()[:4] == b"\x89PNG"

    # the URL holds the settings: a reload restores the same data, network and options
    url = page.url
    assert "dataset=spiral" in url and "classes=3" in url and "hidden=8,8,8" in url
    page.reload()
    page.wait_for_selector("#node-4-2")
    assert page.url == url
    assert page.input_value("#classes") == "3"
    assert page.input_value("#optimizer") == "adam"
    assert float(page.input_value("#learning_rate")) == 0.01
    assert page.get_attribute("button[data-dataset=spiral]", "class") == "selected"
    assert page.locator("#network .node:not(.inactive)").count() == 4 + 8 * 3 + 3
    assert page.text_content("#epoch") == "000,000"  # a new tab's session starts at 0

    # a click on a weight shows its value, gradient and formulas (after one step)
    page.click("#step")
    expect(page.locator("#epoch")).to_have_text("000,001")
    page.dispatch_event("#link-1-2-3", "click")
    page.wait_for_selector("#inspector h3")
    assert "Weight W⁽²⁾₃₄" in page.text_content("#inspector h3")
    assert "last step" in page.text_content("#inspector")

    # controls: a feature added by a click, an option kept in the URL, a layer removed
    page.click("#feature-x1sq")
    page.wait_for_selector("#node-0-4")
    page.check("#show_test")
    expect(page).to_have_url(re.compile(r"features=x1,x2,x1sq,sinx1,sinx2&.*show_test=1"))
    page.click("#remove-layer")
    expect(page.locator("#layers-label")).to_have_text("2 hidden layers")
    assert page.locator("#network .node[id^=node-3-]").count() == 3  # the output layer
    assert "hidden=8,8&" in page.url

    # exports: glassbox code on the page, weights as a safetensors download
    page.click("#export-code")
    page.wait_for_selector("#code:not([hidden])")
    assert "nn.Sequential(" in page.text_content("#code")
    with page.expect_download() as download:
        page.click("#export-weights")
    path = tmp_path / "weights.safetensors"
    download.value.save_as(path)
    assert load_file(path)["4.weight"].shape == (3, 8)

    # the user's own data: a CSV upload, then a bad one with its message
    rng = np.random.default_rng(0)
    points = rng.normal(size=(100, 2))
    rows = "\n".join(f"{a:.4f},{b:.4f},{int(a * b > 0) + 2 * int(a > 1)}" for a, b in points)
    page.set_input_files("#upload", files=[{"name": "mine.csv", "mimeType": "text/csv",
                                            "buffer": ("x1,x2,label\n" + rows).encode()}])
    page.wait_for_selector("button[data-dataset=upload].selected")
    assert "100 rows" in page.text_content("#message")
    classes = len(np.unique([int(a * b > 0) + 2 * int(a > 1) for a, b in points]))
    assert page.locator("#network .node[id^=node-3-]").count() == classes
    page.set_input_files("#upload", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                            "buffer": b"x1,x2,label\n1,2,cat\n"}])
    page.wait_for_selector("#message.error")
    assert "at least 10 rows" in page.text_content("#message")
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
    assert errors == []
