"""Dashboard figures from ``bot.analytics`` counters, and the geometry of its SVG chart."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Dict, List

from bot import analytics

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 720, 220, 32


def _chart(days: List[Dict[str, Any]]) -> Dict[str, Any]:
    top = max([d["questions"] for d in days] + [d["conversations"] for d in days] + [1])
    step = (CHART_WIDTH - 2 * CHART_PAD) / max(len(days), 1)
    inner = CHART_HEIGHT - 2 * CHART_PAD
    bars, points, labels = [], [], []
    for index, day in enumerate(days):
        x = CHART_PAD + index * step
        height = inner * day["questions"] / top
        fallback_height = inner * day["fallbacks"] / top
        bars.append({
            "x": round(x + step * 0.15, 1), "width": round(step * 0.7, 1),
            "y": round(CHART_HEIGHT - CHART_PAD - height, 1), "height": round(height, 1),
            "fy": round(CHART_HEIGHT - CHART_PAD - fallback_height, 1), "fheight": round(fallback_height, 1),
            "title": f"{day['day']}: {day['questions']} câu hỏi, {day['fallbacks']} chưa trả lời được, {day['conversations']} hội thoại",
        })
        points.append(f"{round(x + step / 2, 1)},{round(CHART_HEIGHT - CHART_PAD - inner * day['conversations'] / top, 1)}")
        if index % max(1, len(days) // 6) == 0 or index == len(days) - 1:
            labels.append({"x": round(x + step / 2, 1), "text": dt.date.fromisoformat(day["day"]).strftime("%d/%m")})
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "pad": CHART_PAD, "bars": bars, "line": " ".join(points),
        "labels": labels, "top": top, "base": CHART_HEIGHT - CHART_PAD,
    }


def build(client: Any, names: Dict[str, str], version: Any, days: int = 30) -> Dict[str, Any]:
    """The figures of the last ``days`` (``names``: procedure id -> name; ``version``: the one in use)."""
    daily = analytics.daily(days, client=client)
    totals = {k: sum(d[k] for d in daily) for k in ("questions", "fallbacks", "conversations")}
    channels: Dict[str, Counter] = {}
    procedures: Counter = Counter()
    for day in daily:
        for name, figures in day["channels"].items():
            channels.setdefault(name, Counter()).update(figures)
        procedures.update(day["procedures"])
    return {
        "days": daily,
        "totals": totals,
        "fallback_rate": (100.0 * totals["fallbacks"] / totals["questions"]) if totals["questions"] else 0.0,
        "channels": [
            {"name": name, **dict(figures), "rate": 100.0 * figures["fallbacks"] / figures["questions"] if figures["questions"] else 0.0}
            for name, figures in sorted(channels.items(), key=lambda kv: -kv[1]["questions"])
        ],
        "top_procedures": [{"id": pid, "name": names.get(pid, pid), "count": count} for pid, count in procedures.most_common(10)],
        "chart": _chart(daily),
        "today": daily[-1] if daily else None,
        "unanswered": client.llen("unanswered"),
        "version": version,
    }
