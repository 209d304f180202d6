"""The connectedness bench's figures: measures of one run, the summary over seeds, the SVG chart."""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from matcher import connectedness as cx

__all__ = ["ARMS", "FIGURES", "measures", "summarise", "svg_chart"]

ARMS = ("hearth", "events only", "random groups", "no isolated first", "no standing groups")


def measures(raw: dict) -> dict:
    """The figures of one run, from ``matcher.connectedness`` (the product's one definition)."""
    people, weeks = raw["people"], raw["weeks"]
    start_score = {u: sc for w, u, sc in raw["checkins"] if w == -1}
    fifth = cx.isolated_fifth(people, raw["start_ties"], start_score)
    ties = cx.recurring_ties(raw["attendance"], raw["answers"])
    per = cx.tie_counts(ties, people)
    tied, size = cx.share_with_a_tie(fifth, ties)
    diversity = cx.mean_diversity(cx.tie_diversity(ties, raw["hood"], raw["cluster"]))
    means = cx.weekly_means([(w, sc) for w, _, sc in raw["checkins"]], list(range(-1, weeks)))
    curve = cx.recurring_ties_by_week(raw["attendance"], raw["answers"], list(range(weeks)))
    fifth_set = set(fifth)
    fifth_curve = [sum(1 for a, b in cx.recurring_ties(raw["attendance"], raw["answers"], at=w)
                       for p in (a, b) if p in fifth_set) / max(1, len(fifth)) for w in range(weeks)]
    return {
        "ties_per_resident": sum(per.values()) / len(people),
        "ties_isolated_fifth": sum(per[p] for p in fifth) / len(fifth),
        "fifth_with_a_tie": tied / size,
        "diversity": diversity,
        "never_placed": 1 - len(set(raw["placed"]) & set(people)) / len(people),
        "checkin_change": (means[-1][0] - means[0][0]) if means[-1][0] is not None else None,
        "curve": [2 * c / len(people) for c in curve],  # each tie counts for both people, as above
        "fifth_curve": fifth_curve,
    }


def _ci(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    mean = statistics.fmean(values)
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0
    return round(mean, 4), round(half, 4)


FIGURES = ("ties_per_resident", "ties_isolated_fifth", "fifth_with_a_tie", "diversity", "never_placed",
           "checkin_change")


def summarise(runs: list[dict]) -> list[dict]:
    """One row per arm: each figure's mean and 95 % half-interval over seeds, and the mean curves."""
    rows = []
    for arm in ARMS:
        mine = [r for r in runs if r["arm"] == arm]
        if not mine:
            continue
        row = {"arm": arm, "seeds": len(mine)}
        for f in FIGURES:
            mean, half = _ci([m[f] for m in mine])
            row[f] = "n/a" if mean is None else f"{mean:.3f} ± {half:.3f}"
            row[f + "_mean"], row[f + "_ci95"] = mean, half
        for c in ("curve", "fifth_curve"):
            row[c] = [round(statistics.fmean(v), 4) for v in zip(*[m[c] for m in mine])]
        row["seconds"] = round(statistics.fmean(m["seconds"] for m in mine), 1)
        rows.append(row)
    return rows


_COLOURS = ("#b5452c", "#2f6f9f", "#6b8e23", "#8e5ea2", "#c58b00")


def svg_chart(rows: list[dict], path: Path) -> Path:
    """The weekly curves of recurring ties per resident (solid) and for the isolated fifth (dashed)."""
    w, h, left, bottom, top, right = 720, 420, 70, 60, 40, 190
    weeks = max(len(r["curve"]) for r in rows)
    peak = max([v for r in rows for v in r["curve"] + r["fifth_curve"]] + [0.01])

    def xy(i, v):
        x = left + (w - left - right) * (i + 1) / max(weeks, 1)
        return x, h - bottom - (h - bottom - top) * v / peak

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           'font-family="sans-serif" font-size="12">',
           '<title>Recurring ties per resident, week by week, per arm</title>',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>']
    for i in range(weeks):
        x, _ = xy(i, 0)
        out.append(f'<text x="{x:.1f}" y="{h - bottom + 16}" text-anchor="middle">{i + 1}</text>')
    for k in range(5):
        v = peak * k / 4
        _, y = xy(0, v)
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:.2f}</text>')
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - right}" y2="{y:.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{(left + w - right) / 2}" y="{h - 18}" text-anchor="middle">week</text>')
    out.append(f'<text transform="translate(18 {(top + h - bottom) / 2}) rotate(-90)" text-anchor="middle">'
               'recurring ties per resident</text>')
    for n, row in enumerate(rows):
        colour = _COLOURS[n % len(_COLOURS)]
        for key, dash in (("curve", ""), ("fifth_curve", ' stroke-dasharray="5 4"')):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in enumerate(row[key])))
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        y = top + 18 * n
        out.append(f'<line x1="{w - right + 12}" y1="{y}" x2="{w - right + 36}" y2="{y}" stroke="{colour}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{w - right + 42}" y="{y + 4}">{row["arm"]}</text>')
    y = top + 18 * len(rows) + 10
    out.append(f'<text x="{w - right + 12}" y="{y}">solid: everyone</text>')
    out.append(f'<text x="{w - right + 12}" y="{y + 16}">dashed: isolated fifth</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
