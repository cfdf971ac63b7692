#!/usr/bin/env python3
"""Draws the Grafana dashboard of the Helm chart from a real Prometheus.

Every panel's queries are taken as written in deploy/helm/slipway/files/slipway-dashboard.json,
evaluated with Prometheus' query_range API, and drawn where the panel's gridPos puts it (24
columns), in Grafana's dark colours. Used by bench/dashboard-picture.sh, which supplies the
Prometheus and the builds; not a test.

Usage: dashboard-picture.py PROMETHEUS_URL START END OUT.png
"""
import json
import re
import sys
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "deploy/helm/slipway/files/slipway-dashboard.json"
# What Grafana substitutes: the rate window for a 1 s scrape interval, all namespaces and pods.
VARIABLES = {"$__rate_interval": "20s", "$namespace": ".*", "$pod": ".*"}
COLOURS = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#fade2a"]
BG, PANEL, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2c3235"


def query_range(url, expr, start, end, step):
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{url}/api/v1/query_range?{params}") as reply:
        body = json.load(reply)
    if body["status"] != "success":
        raise SystemExit(f"{expr}: {body}")
    return body["data"]["result"]


def legend(template, labels):
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), template) or "value"


def human(value, unit):
    if unit == "percentunit":
        return f"{value * 100:.0f}%"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if 0 < abs(value) < 1 else f"{value:.0f} s"
    if unit in ("bytes", "Bps"):
        suffix = "/s" if unit == "Bps" else ""
        for size in ("B", "kB", "MB", "GB", "TB"):
            if abs(value) < 1000:
                return f"{value:.0f} {size}{suffix}" if size == "B" else f"{value:.1f} {size}{suffix}"
            value /= 1000
        return f"{value:.1f} PB{suffix}"
    return f"{value:g}"


def draw(ax, panel, url, start, end, step):
    ax.set_facecolor(PANEL)
    for side in ax.spines.values():
        side.set_color(GRID)
    ax.tick_params(colors=TEXT, labelsize=7)
    ax.grid(color=GRID, linewidth=0.6)
    ax.set_title(panel["title"], color=TEXT, fontsize=9, loc="left", pad=4)
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    unit = defaults.get("unit", "short")
    dashed = [
        re.compile(o["matcher"]["options"])
        for o in panel.get("fieldConfig", {}).get("overrides", [])
        if o["matcher"]["id"] == "byRegexp"
    ]
    stacked = defaults.get("custom", {}).get("stacking", {}).get("mode") == "normal"
    lines = []
    for target in panel["targets"]:
        for series in query_range(url, target["expr"], start, end, step):
            times = [datetime.fromtimestamp(float(t)) for t, _ in series["values"]]
            values = [float(v) for _, v in series["values"]]
            lines.append((legend(target.get("legendFormat", ""), series["metric"]), times, values))
    if not lines:
        ax.text(0.5, 0.5, "No data", color="#8e8e8e", ha="center", va="center",
                transform=ax.transAxes, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    if stacked:
        # Grafana stacks on a shared time axis; a phase's missing points count as zero.
        axis = sorted({t for _, times, _ in lines for t in times})
        labels = [name for name, _, _ in lines]
        stacks = [[dict(zip(times, values)).get(t, 0.0) for t in axis] for _, times, values in lines]
        ax.stackplot(axis, *stacks, labels=labels, colors=COLOURS[: len(stacks)], alpha=0.6)
    else:
        for i, (name, times, values) in enumerate(lines):
            style = "--" if any(p.fullmatch(name) for p in dashed) else "-"
            ax.plot(times, values, style, label=name, color=COLOURS[i % len(COLOURS)], linewidth=1.3)
            if style == "-":
                ax.fill_between(times, values, alpha=0.08, color=COLOURS[i % len(COLOURS)])
    if "min" in defaults:
        ax.set_ylim(defaults["min"], defaults.get("max"))
    else:
        ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human(v, unit)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=5))
    ax.legend(loc="upper left", fontsize=7, frameon=False, labelcolor=TEXT, ncol=3)


def main():
    url, start, end, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    dashboard = json.loads(DASHBOARD.read_text())
    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    fig = plt.figure(figsize=(16, rows * 0.33 + 0.9), facecolor=BG)
    grid = fig.add_gridspec(rows, 24, left=0.045, right=0.99, top=1 - 0.9 / (rows * 0.33 + 0.9),
                            bottom=0.03, wspace=2.2, hspace=2.6)
    step = max(1, int((end - start) / 300))
    for panel in panels:
        g = panel["gridPos"]
        ax = fig.add_subplot(grid[g["y"]: g["y"] + g["h"] - 1, g["x"]: g["x"] + g["w"]])
        draw(ax, panel, url, start, end, step)
    fig.suptitle(f"{dashboard['title']}   namespace: All   builder pod: All", x=0.01, ha="left",
                 color=TEXT, fontsize=12, y=0.995)
    fig.savefig(out, dpi=80, facecolor=BG)


if __name__ == "__main__":
    main()
