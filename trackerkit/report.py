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
from trackerkit._validation import check_count, check_fraction
from trackerkit.analysis import audit, cluster_trackers, similar_phrases, tracker_pairs
from trackerkit.constants import DEFAULT_ANALYZER, DEFAULT_TRACKER_THRESHOLD, SEVERITIES
from trackerkit.errors import InvalidParameterError, ResultTooLargeError, TrackerDataError
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import SimilarityHeatmapDisplay, VocabularySizesDisplay, figure_to_png

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike
    from trackerkit.plotting._base import Display

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


def _img(display: Display, alt: str) -> str:
    """``display`` drawn on a figure outside pyplot (the user's figures and backend untouched),
    as an embedded PNG."""
    png = figure_to_png(display.plot(pyplot=False).figure_)
    return (
        f'<div class="figure"><img alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"></div>'
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
        for s in SEVERITIES  # our own words: nothing to escape
        if s in counts
    ]
    return "<p>" + ", ".join(parts) + "</p>"


@escaped_warnings  # matplotlib's "Glyph missing" warnings quote tracker names' characters raw
def build_report(
    trackers: TrackersLike,
    *,
    title: str = "Tracker report",
    analyzer: str = DEFAULT_ANALYZER,
    threshold: float = DEFAULT_TRACKER_THRESHOLD,
    max_rows: int = 200,
) -> str:
    """The report as one HTML string: summary, vocabulary sizes, clustered similarity heatmap,
    most similar tracker pairs, clusters of redundant trackers, near-duplicate phrases and the
    audit.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    title : str
        The report's title (the command line passes ``Tracker report: SOURCE``).
    analyzer : {"char_wb", "word"}
        The TF-IDF analyzer of the similarity between trackers.
    threshold : float
        The similarity from which tracker pairs are listed and clustered.
    max_rows : int
        Tables are cut at this many rows.

    Returns
    -------
    str
        The HTML document.

    Notes
    -----
    Each result is computed once: the clustering holds the similarity matrix the heatmap
    draws (in the clustering's own tree order) and the pairs are listed from. Each table keeps
    the total order of the function behind it (:func:`~trackerkit.tracker_pairs`,
    :func:`~trackerkit.cluster_trackers`, :func:`~trackerkit.similar_phrases`,
    :func:`~trackerkit.audit`), so what is cut depends on the account only. The plots are
    drawn on ``matplotlib.figure.Figure`` objects outside pyplot: building a report in a
    notebook neither switches the backend nor closes the user's figures.
    """
    if not isinstance(title, str):
        raise InvalidParameterError(f"title must be a string; got {type(title).__name__}", parameter="title")
    threshold = check_fraction("threshold", threshold, allow_zero=True)
    max_rows = check_count("max_rows", max_rows)
    frame = as_trackers_frame(trackers)
    if frame.empty:
        raise TrackerDataError("the account has no trackers: there is nothing to report on")
    n_phrases = int(frame["n_phrases"].sum()) if len(frame) else 0

    summary = frame[["name", "tracker_id", "n_phrases", "n_unique_phrases", "languages"]]
    clustering = cluster_trackers(frame, threshold=threshold, analyzer=analyzer)
    pairs = tracker_pairs(clustering.similarity, threshold=threshold)
    clusters = clustering.table[
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

    sections = [
        ("summary", "Summary", _table(summary, max_rows=max_rows)),
        (
            "sizes",
            "Vocabulary sizes",
            _img(VocabularySizesDisplay.from_trackers(frame), "phrases per tracker"),
        ),
        (
            "similarity",
            f"Similarity between trackers (TF-IDF, {analyzer})",
            _img(SimilarityHeatmapDisplay.from_result(clustering), "clustered similarity heatmap")
            + f"<h3>Pairs above {threshold:.2f}</h3>"
            + _table(pairs, max_rows=max_rows),
        ),
        ("clusters", "Clusters of redundant trackers", _table(clusters, max_rows=max_rows)),
        ("duplicates", "Near-duplicate phrases across trackers", duplicates),
        ("audit", "Audit findings", _severity_summary(findings) + _table(findings, max_rows=max_rows)),
    ]
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


def write_report(trackers: TrackersLike, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write :func:`build_report` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(build_report(trackers, **options), encoding="utf-8")
    return target
