"""Renders an `rtb-verify report` HTML page in headless Chromium and checks what a reader sees.

usage: report_browser.py PAGE.html SCRATCH_DIR [CHROMIUM]

- the rendered DOM (chromium --dump-dom) holds every chart the page's source holds, each an
  <svg class="chart"> with at least one mark (class="series") and one <text>;
- a screenshot of the whole page, and one of each chart alone, are decoded (PNG, by the small
  reader below) and must show visible pixels: each chart at least 1% of its area not white, and
  some of its marks' colour;
- the page makes no network request: Chromium's network log holds no request made for the page
  (a request whose network isolation key is the file:// page) other than file:, data: or about:
  URLs. The browser's own background requests are not the page's.

Prints one line per check and exits 0 when all pass, 1 otherwise.
"""
import html.parser
import json
import os
import re
import struct
import subprocess
import sys
import zlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND"]


def chromium(binary, arguments):
    result = subprocess.run([binary] + FLAGS + arguments, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"chromium failed ({result.returncode}): {result.stderr[-500:]}")
    return result.stdout


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, width = 8, b"", 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


class Charts(html.parser.HTMLParser):
    """Per chart id: how many marks and texts its <svg> holds."""
    def __init__(self):
        super().__init__()
        self.charts, self.current, self.depth = {}, None, 0

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "svg" and "chart" in (attributes.get("class") or "").split():
            self.current, self.depth = attributes.get("data-chart"), 0
            self.charts[self.current] = {"marks": 0, "texts": 0, "colours": set()}
        elif self.current is not None:
            if "series" in (attributes.get("class") or "").split():
                self.charts[self.current]["marks"] += 1
                colour = attributes.get("stroke") if tag == "polyline" else attributes.get("fill")
                self.charts[self.current]["colours"].add(colour)
            if tag == "text":
                self.charts[self.current]["texts"] += 1
        if tag == "svg" and self.current is not None:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.current is not None:
            self.depth -= 1
            if self.depth == 0:
                self.current = None


def page_requests(log_path):
    log = json.load(open(log_path))
    urls = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        if "url" in params and "file://" in str(params.get("network_isolation_key", "")):
            urls.add(params["url"])
    return sorted(u for u in urls if not u.startswith(("file:", "data:", "about:")))


def main():
    page, scratch = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    binary = sys.argv[3] if len(sys.argv) > 3 else "chromium"
    os.makedirs(scratch, exist_ok=True)
    failures = []
    source = open(page, encoding="utf-8").read()
    expected = re.findall(r'<svg class="chart" data-chart="([^"]+)"', source)

    log = os.path.join(scratch, "net.json")
    dom = chromium(binary, [f"--log-net-log={log}", "--dump-dom", "file://" + page])
    parser = Charts()
    parser.feed(dom)
    print(f"dom: {len(parser.charts)} charts rendered of {len(expected)} in the page")
    if sorted(parser.charts) != sorted(expected) or not expected:
        failures.append(f"charts in the DOM {sorted(parser.charts)}, in the page {sorted(expected)}")
    for chart, counts in sorted(parser.charts.items()):
        print(f"chart {chart}: {counts['marks']} marks, {counts['texts']} texts")
        if counts["marks"] == 0 or counts["texts"] == 0:
            failures.append(f"chart {chart} is empty")
    requests = page_requests(log)
    print(f"network: {len(requests)} requests by the page")
    if requests:
        failures.append(f"the page requested {requests}")

    shot = os.path.join(scratch, "page.png")
    chromium(binary, ["--window-size=1100,3000", f"--screenshot={shot}", "file://" + page])
    width, height, rows = png_pixels(shot)
    ink = sum(1 for row in rows for pixel in row if min(pixel) < 200)
    print(f"page screenshot: {width}x{height}, {ink} dark pixels")
    if ink < width * height // 100:
        failures.append("the page screenshot is nearly blank")

    # Each chart alone: its own page, screenshot, pixels.
    for match in re.finditer(r'<svg class="chart" data-chart="([^"]+)".*?</svg>', source, re.S):
        chart, svg = match.group(1), match.group(0)
        size = re.search(r'width="([0-9.]+)" height="([0-9.]+)"', svg)
        alone = os.path.join(scratch, f"chart-{chart}.html")
        with open(alone, "w", encoding="utf-8") as out:
            out.write('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style>'
                      f"</head><body>{svg}</body></html>")
        picture = os.path.join(scratch, f"chart-{chart}.png")
        chromium(binary, [f"--window-size={int(float(size.group(1)))},{int(float(size.group(2)))}",
                          f"--screenshot={picture}", "file://" + alone])
        w, h, pixels = png_pixels(picture)
        drawn = sum(1 for row in pixels for pixel in row if min(pixel) < 235)
        colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))
                   for c in parser.charts.get(chart, {}).get("colours", set()) if c and c.startswith("#")}
        coloured = sum(1 for row in pixels for pixel in row
                       if any(all(abs(pixel[i] - colour[i]) < 24 for i in range(3)) for colour in colours))
        print(f"chart {chart} screenshot: {w}x{h}, {drawn} drawn pixels, {coloured} in its series colours")
        if drawn < w * h // 100 or coloured == 0:
            failures.append(f"chart {chart} shows nothing")

    for failure in failures:
        print("FAIL " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
