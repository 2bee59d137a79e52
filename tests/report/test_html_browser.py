"""The HTML report in a real browser: Debian's Chromium, headless, renders the report once (a screenshot and the
DOM) and the test checks that the page is not blank, that every table and figure is in the DOM and that nothing
was fetched from outside the file.

Chromium: ``$KPCOMPARE_CHROMIUM`` (set by ``.ci/run``, which installs Debian's ``chromium`` when it is missing
and it runs as root), else ``chromium`` on the PATH, else ``/usr/bin/chromium``.  Without it the test skips and
says why; when ``$KPCOMPARE_CHROMIUM`` names a browser that does not run, it fails.

No fetch: (1) a strict Content-Security-Policy in the page (``default-src 'none'; img-src data:``) whose
violations Chromium logs (``--enable-logging=stderr``): the log must hold none; (2) every ``src``/``href`` of the
rendered DOM is a ``data:`` URI or a ``#`` anchor; (3) Chromium runs behind a local sink proxy that answers
nothing, so nothing leaves the machine, and the proxy must see no request but Chromium's own background
services (time, update and account checks at Google hosts, which the headless flags do not all switch off).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from kpcompare.report.html import write_html
from report_bundles import combined_bundle  # tests/_support

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0", "--window-size=1280,1600"]
#: hosts of Chromium's own background requests (not the page's), seen by the sink proxy
BROWSER_SERVICES = re.compile(r"^(?:[\w-]+\.)*(?:google\.com|googleapis\.com|gvt1\.com|gstatic\.com)$")


def _chromium() -> str | None:
    named = os.environ.get("KPCOMPARE_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").exists()
                                        else None)


class SinkProxy:
    """A local HTTP proxy that records the host of each request and answers nothing."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                self.requests.append(conn.recv(300).decode("latin-1").split("\r\n", 1)[0])
            except OSError:
                self.requests.append("(no request line)")
            finally:
                conn.close()

    def __enter__(self) -> SinkProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()

    def page_requests(self) -> list[str]:
        """Requests not made by Chromium's own services."""
        out = []
        for line in self.requests:
            target = line.split(" ")[1] if line.count(" ") >= 2 else line
            host = re.sub(r"^\w+://", "", target).split("/")[0].split(":")[0]
            if not BROWSER_SERVICES.match(host):
                out.append(line)
        return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Chromium not found (set KPCOMPARE_CHROMIUM, or install Debian's chromium: "
                    "apt-get install chromium; .ci/run does so in CI): the report was not rendered in a browser")
    folder = tmp_path_factory.mktemp("browser")
    bundle = combined_bundle()
    page = write_html(bundle, folder / "report.html")
    shot = folder / "report.png"
    with SinkProxy() as proxy:
        run = subprocess.run([chromium, *FLAGS, f"--user-data-dir={folder / 'profile'}",
                              f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>",
                              f"--screenshot={shot}", "--dump-dom", page.resolve().as_uri()],
                             capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, f"chromium {chromium} failed ({run.returncode}): {run.stderr[-2000:]}"
    return {"bundle": bundle, "dom": run.stdout, "log": run.stderr, "shot": shot, "proxy": proxy}


def test_the_screenshot_is_not_blank(rendered):
    from PIL import Image

    image = np.asarray(Image.open(rendered["shot"]).convert("L"), dtype=float)
    assert image.shape == (1600, 1280)
    assert image.std() > 20  # text, rules and a table, not a blank page (a white page has 0)
    assert (image < 128).mean() > 0.02  # at least 2% dark pixels: text was drawn


def test_every_table_and_figure_is_in_the_dom(rendered):
    dom, bundle = rendered["dom"], rendered["bundle"]
    assert "<title>Ham and Feachem &lt;comparisons&gt; &amp; costs</title>" in dom
    for section in bundle.sections:
        assert f'id="table-{section.name}"' in dom
        rows = re.search(rf'id="table-{section.name}".*?<tbody>(.*?)</tbody>', dom, re.S).group(1)
        assert rows.count("<tr>") == len(section.table)
        for fig in section.figures:
            assert re.search(rf'<figure id="figure-{fig.name}"><img src="data:image/svg\+xml;base64,', dom)
    assert 'id="table-exclusions"' in dom and 'id="methods"' in dom and 'id="provenance"' in dom


def test_nothing_is_fetched_from_outside_the_file(rendered):
    dom, log = rendered["dom"], rendered["log"]
    assert "Content-Security-Policy" in dom and "default-src 'none'" in dom
    targets = re.findall(r'\b(?:src|href)="([^"]*)"', dom)
    assert targets and all(t.startswith(("data:", "#")) for t in targets), \
        [t[:80] for t in targets if not t.startswith(("data:", "#"))]
    violations = [line for line in log.splitlines() if "Content Security Policy" in line or "net::ERR" in line]
    assert violations == []
    assert rendered["proxy"].page_requests() == []


def test_the_proxy_check_sees_a_page_fetch(tmp_path):
    """The sink proxy does catch a page's request (so an empty list above means something)."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Chromium not found: see test_html_browser's module docstring")
    page = tmp_path / "fetching.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://report-assets.invalid/x.png" alt="x">'
                    "</body></html>", encoding="utf-8")
    with SinkProxy() as proxy:
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                        f"--proxy-server=http://127.0.0.1:{proxy.port}", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=240)
    assert any("report-assets.invalid" in line for line in proxy.page_requests())
