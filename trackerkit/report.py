"""One self-contained HTML report of an account, to send to people who will never open Jupyter.

    >>> import trackerkit
    >>> from trackerkit.report import build_report
    >>> html = build_report(trackerkit.load_trackers("sample"))
    >>> html.startswith("<!DOCTYPE html>") and "Audit findings" in html
    True

Everything is inside the one file: plots are PNG images embedded as ``data:`` URLs, styles are
inline, and there is no script at all. Every text that comes from a tracker is escaped, and a
Content-Security-Policy forbids scripts anyway, so a tracker named
``<img src=x onerror=alert(1)>`` shows as text and runs nothing.
"""

from __future__ import annotations

import base64
import html
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._text import escaped_warnings
from trackerkit.errors import ResultTooLargeError, TrackerDataError
from trackerkit.frames import as_trackers_frame

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["build_report", "write_report"]

# No scripts, no network: only inline styles and data: images may load.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .figure { text-align: center; } .figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .6em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.error { color: #b00020; font-weight: 600; } .warning { color: #8a5a00; } .info { color: #555; }
nav a { margin-right: 1em; }
"""


def _img(fig: Figure, alt: str) -> str:
    from trackerkit.plotting import figure_to_png

    return (
        f'<div class="figure"><img alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{base64.b64encode(figure_to_png(fig)).decode("ascii")}"></div>'
    )


def _table(frame: pd.DataFrame, *, max_rows: int | None = None) -> str:
    if frame.empty:
        return "<p><em>Nothing found.</em></p>"
    shown = frame if max_rows is None else frame.head(max_rows)
    body = shown.to_html(
        index=False,
        escape=True,
        border=0,
        float_format=lambda v: f"{v:.3f}",
        na_rep="",
        formatters={c: _join for c in shown.columns if shown[c].dtype == object},
    )
    more = (
        ""
        if max_rows is None or len(frame) <= max_rows
        else (
            f"<p class='meta'>… and {len(frame) - max_rows} more rows "
            "(see the command line or the notebooks).</p>"
        )
    )
    return body + more


def _join(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))


def _severity_summary(findings: pd.DataFrame) -> str:
    if findings.empty:
        return "<p>No findings.</p>"
    counts = findings["severity"].value_counts()
    parts = [
        f'<span class="{s}">{int(counts[s])} {s}{"s" if counts[s] != 1 else ""}</span>'
        for s in ("error", "warning", "info")  # our own words: nothing to escape
        if s in counts
    ]
    return "<p>" + ", ".join(parts) + "</p>"


@escaped_warnings  # matplotlib's "Glyph missing" warnings quote tracker names' characters raw
def build_report(
    trackers: Any,
    *,
    title: str | None = None,
    analyzer: str = "char_wb",
    pair_threshold: float = 0.25,
    max_rows: int = 200,
) -> str:
    """The report as one HTML string: summary, vocabulary sizes, clustered similarity heatmap,
    most similar tracker pairs, clusters of redundant trackers, near-duplicate phrases and the
    audit. ``pair_threshold`` is the similarity above which tracker pairs are listed and
    clustered; tables are cut at ``max_rows`` rows. Each table keeps the total order of the
    function behind it (:func:`~trackerkit.tracker_pairs`, :func:`~trackerkit.cluster_trackers`,
    :func:`~trackerkit.similar_phrases`, :func:`~trackerkit.audit`), so what is cut depends on
    the account only.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)  # a report never needs a window
    from trackerkit.analysis import audit, cluster_trackers, similar_phrases, similarity_matrix, tracker_pairs
    from trackerkit.plotting import plot_similarity_heatmap, plot_vocabulary_sizes

    frame = as_trackers_frame(trackers)
    if frame.empty:
        raise TrackerDataError("the account has no trackers: there is nothing to report on")
    source = frame.attrs.get("source") or "memory"
    title = title or f"Tracker report: {source}"
    n_phrases = int(frame["n_phrases"].sum()) if len(frame) else 0

    summary = frame[["name", "tracker_id", "n_phrases", "n_unique_phrases", "languages"]]
    matrix = similarity_matrix(frame, analyzer=analyzer)
    pairs = tracker_pairs(matrix, threshold=pair_threshold)
    clusters = cluster_trackers(frame, threshold=pair_threshold, analyzer=analyzer)[
        ["cluster", "tracker", "size", "mean_similarity", "nearest", "nearest_similarity"]
    ]
    try:
        duplicates = _table(
            similar_phrases(frame)[["tracker_a", "phrase_a", "tracker_b", "phrase_b", "score", "kind"]],
            max_rows=max_rows,
        )
    except ResultTooLargeError as exc:  # an account repeating phrases everywhere: say so, report the rest
        duplicates = f"<p class='meta'>Too many pairs to list: {html.escape(str(exc))}.</p>"
    findings = audit(frame)[["severity", "rule", "tracker", "phrase", "detail"]]

    import matplotlib.pyplot as plt

    sizes_ax = plot_vocabulary_sizes(frame)
    heat_ax = plot_similarity_heatmap(matrix)
    sections = [
        ("summary", "Summary", _table(summary, max_rows=max_rows)),
        ("sizes", "Vocabulary sizes", _img(sizes_ax.figure, "phrases per tracker")),
        (
            "similarity",
            f"Similarity between trackers (TF-IDF, {analyzer})",
            _img(heat_ax.figure, "clustered similarity heatmap")
            + f"<h3>Pairs above {pair_threshold:.2f}</h3>"
            + _table(pairs, max_rows=max_rows),
        ),
        ("clusters", "Clusters of redundant trackers", _table(clusters, max_rows=max_rows)),
        ("duplicates", "Near-duplicate phrases across trackers", duplicates),
        ("audit", "Audit findings", _severity_summary(findings) + _table(findings, max_rows=max_rows)),
    ]
    plt.close("all")
    nav = " ".join(f'<a href="#{key}">{html.escape(name)}</a>' for key, name, _ in sections)
    body = "\n".join(f'<h2 id="{key}">{html.escape(name)}</h2>\n{content}' for key, name, content in sections)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="meta">{len(frame)} trackers, {n_phrases} phrases · generated {generated} by trackerkit</p>
<nav>{nav}</nav>
{body}
</body>
</html>
"""


def write_report(trackers: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write :func:`build_report` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(build_report(trackers, **options), encoding="utf-8")
    return target
