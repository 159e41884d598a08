"""Small charts drawn as inline SVG on the server: no script, no CDN, and they print."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from markupsafe import Markup

WIDTH = 360  # the viewBox width; the SVG scales to its box, so a phone and a PC both fit it
COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a")
ROW = 26


def bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one row per label, the count at the end of each bar."""
    if not items:
        return Markup("")
    top = max(n for _, n in items) or 1
    label_width, room = 96, WIDTH - 96 - 40
    height = ROW * len(items) + 8
    parts = []
    for i, (label, count) in enumerate(items):
        y = 4 + i * ROW
        width = round(room * count / top)
        parts.append(f'<text x="{label_width - 6}" y="{y + 16}" text-anchor="end">{escape(_short(label))}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="18" rx="3" fill="{COLOURS[0]}"/>'
                     f'<text x="{label_width + width + 4}" y="{y + 16}">{count}</text>')
    return _svg(title, height, "".join(parts))


def trend(title: str, weeks: Sequence[date], series: Sequence[tuple[str, Sequence[int]]]) -> Markup:
    """Columns by week, side by side for each series, with a legend."""
    if not weeks or not series:
        return Markup("")
    top = max((n for _, values in series for n in values), default=0) or 1
    left, plot_height, base = 8, 120, 150
    slot = (WIDTH - left) / len(weeks)
    column = max(4.0, (slot - 8) / len(series))
    parts = []
    for w, monday in enumerate(weeks):
        x0 = left + w * slot + 4
        for s, (_, values) in enumerate(series):
            value = values[w]
            height = round(plot_height * value / top)
            x = x0 + s * column
            parts.append(f'<rect x="{x:.1f}" y="{base - height}" width="{column - 1:.1f}" height="{height}" '
                         f'fill="{COLOURS[s % len(COLOURS)]}"><title>{value}</title></rect>')
            if value:
                parts.append(f'<text x="{x + column / 2:.1f}" y="{base - height - 3}" text-anchor="middle" '
                             f'font-size="10">{value}</text>')
        parts.append(f'<text x="{x0 + (slot - 8) / 2:.1f}" y="{base + 14}" text-anchor="middle" font-size="11">'
                      f'{monday.month}/{monday.day}</text>')
    for s, (name, _) in enumerate(series):
        x = left + s * 110
        parts.append(f'<rect x="{x}" y="{base + 24}" width="12" height="12" fill="{COLOURS[s % len(COLOURS)]}"/>'
                     f'<text x="{x + 16}" y="{base + 35}">{escape(name)}</text>')
    return _svg(title, base + 44, f'<line x1="{left}" x2="{WIDTH}" y1="{base}" y2="{base}" stroke="#999"/>'
                + "".join(parts))


def share(title: str, part: int, whole: int) -> Markup:
    """One bar filled to the share, with the percentage and the counts written out."""
    if not whole:
        return Markup("")
    filled = round((WIDTH - 16) * part / whole)
    percent = round(100 * part / whole)
    body = (f'<rect x="8" y="8" width="{WIDTH - 16}" height="26" rx="4" fill="#e0e0e0"/>'
            f'<rect x="8" y="8" width="{filled}" height="26" rx="4" fill="{COLOURS[0]}"/>'
            f'<text x="14" y="26" fill="#fff" font-weight="600">{percent}%</text>'
            f'<text x="8" y="54">{part} / {whole}</text>')
    return _svg(title, 62, body)


def _svg(title: str, height: int, body: str) -> Markup:
    return Markup(f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
                  f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
                  f'font-size="13" font-family="sans-serif">{body}</svg></figure>')


def _short(label: str, limit: int = 7) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
