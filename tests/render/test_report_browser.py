"""The HTML report (checker/render/stats_html.py, checker/render/svg.py) as people see it:
weeks placed by date, a y-axis with values, titles and text alternatives; and rendered in a
real headless Chromium (Debian's package: ``.ci/run`` installs it when missing), whose
screenshot must not be blank and must show the charts in the first screen."""

from __future__ import annotations

import datetime
import itertools
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from checker.render import svg
from tests.conftest import Repo

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
RED = (0xC0, 0x50, 0x4D)  # .bar, .trend and .point
SVG = "{http://www.w3.org/2000/svg}"


def _monday(week: int) -> datetime.date:
    return datetime.date.fromisocalendar(2026, week, 1)


def test_weeks_are_placed_by_date_and_the_y_axis_has_values() -> None:
    points = [(_monday(40), "2026-W40", 0.10), (_monday(41), "2026-W41", 0.0),
              (_monday(45), "2026-W45", 0.05)]
    chart = ElementTree.fromstring(svg.line("w", "Drift per week", points, "week", "rate"))
    dots = [float(c.get("cx", "0")) for c in chart.iter(f"{SVG}circle")]
    assert len(dots) == 3
    assert dots[2] - dots[1] == pytest.approx(4 * (dots[1] - dots[0]))  # a gap is a gap
    ticks = [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks[:5] == ["0%", "5%", "10%", "15%", "20%"]  # 0.10 fits under 20 %
    assert {"2026-W40", "2026-W45"} <= set(ticks)
    assert chart.findtext(f"{SVG}title") == "Drift per week"
    assert chart.findtext(f"{SVG}desc") == "2026-W40: 10.0%; 2026-W41: 0.0%; 2026-W45: 5.0%"
    assert chart.get("aria-labelledby") == "w-t w-d"


def test_x_labels_never_overlap() -> None:
    points = [(_monday(w), f"2026-W{w:02d}", 0.01) for w in range(1, 53)]
    chart = ElementTree.fromstring(svg.line("w", "t", points, "week", "rate"))
    xs = [float(t.get("x", "0")) for t in chart.iter(f"{SVG}text")
          if t.get("class") == "tick" and "W" in (t.text or "")]
    assert 3 <= len(xs) < 52 and all(b - a >= 60 for a, b in itertools.pairwise(xs))


def test_bars_have_a_scale_and_a_text_alternative() -> None:
    chart = ElementTree.fromstring(svg.bars("e", "Per executor", [("codex", 0.25, "x"),
                                                                  ("<b>", 0.5, "y")]))
    ticks = [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["0%", "25%", "50%", "75%", "100%"]
    assert chart.findtext(f"{SVG}desc") == "codex: 25.0%; <b>: 50.0%"


def _browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows (RGB or RGBA bytes) of an 8-bit, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, head = 8, b"", b""
    while pos < len(png):
        size, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + size]
        head = body if kind == b"IHDR" else head
        data += body if kind == b"IDAT" else b""
        pos += 12 + size
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", head)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    step = 3 if colour == 2 else 4
    raw, stride, rows = zlib.decompress(data), width * step, []
    prior = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = prior[i], prior[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 0xFF
        rows.append(bytes(line))
        prior = line
    return width, height, [r if step == 3 else bytes(b for i, b in enumerate(r) if i % 4 != 3)
                           for r in rows]


def _history(repo: Repo) -> None:
    """Claimed commits in four weeks with a gap of three, drift in two of them."""
    days = [(38, {"db/migrations/0042_awards.sql": "t\n", "README.md": "drift\n"}),
            (39, {"app/models/__init__.py": "m\n"}),
            (43, {"app/views/awards.py": "v\n", "app/registry.py": "drift\n"}),
            (44, {"app/views/__init__.py": "i\n"})]
    for week, files in days:
        for path, text in files.items():
            repo.write(path, text)
        repo.git("add", "-A")
        when = f"{_monday(week).isoformat()}T10:00:00+00:00"
        slice_id = "tables" if week < 40 else "views"
        subprocess.run(["git", "commit", "-q", "--no-verify", "-m", f"week {week}", "-m",
                        f"Plan: plans/awards.yaml#{slice_id}\nExecutor: codex"],
                       cwd=repo.path, check=True, env={**os.environ, "GIT_AUTHOR_DATE": when,
                                                      "GIT_COMMITTER_DATE": when})


def test_the_report_renders_in_a_browser(awards: Repo, tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium here (apt-get install chromium; .ci/run installs it)")
    _history(awards)
    report = tmp_path / "report.html"
    assert awards.planscope("stats", "--by", "week", "--html", str(report)).code == 0
    page = report.read_text()
    weeks = re.findall(r'<circle class="point" cx="([\d.]+)"', page)
    assert len(weeks) == 4
    shot = tmp_path / "shot.png"
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--window-size=1280,900",
                           f"--screenshot={shot}", report.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, rows = _pixels(shot.read_bytes())
    assert (width, height) == (1280, 900)
    ink = sum(1 for row in rows for i in range(0, len(row), 3) if row[i:i + 3] != b"\xff\xff\xff")
    assert ink > width * height * 0.01, f"the page looks blank: {ink} pixels not white"
    red = [y for y, row in enumerate(rows) for i in range(0, len(row), 3)
           if all(abs(row[i + k] - RED[k]) <= 24 for k in range(3))]
    assert len(red) > 50, "no chart drawn in the first screen"
    assert min(red) < height // 2  # the weekly chart is near the top, in view


def test_labels_show_control_characters_escaped() -> None:
    """An executor or a path is the executor's to write: no terminal escape, no bidi
    override reaches the page, and the page stays well-formed XML."""
    label = "codex\x1b]0;pwned\x07\u202e<b>"
    chart = svg.bars("e", "t", [(label, 0.5, label)])
    assert "\x1b" not in chart and "\u202e" not in chart and "\x07" not in chart
    assert "\\x1b" in chart and "\\u202e" in chart and "&lt;b&gt;" in chart
    ElementTree.fromstring(chart)
