"""Review hits by hand and estimate each tracker's precision.

1. :func:`review_sample` draws a stratified sample of hits: up to ``per_stratum`` hits per
   tracker and match kind (literal and by meaning apart, since they fail differently), each
   stratum drawn with its own seeded generator, so the sample of a tracker does not change when
   others are added or removed.
2. A :class:`ReviewLog` saves each label as it is made: one JSON line appended, flushed and
   fsync-ed, so a label is on disk before the call returns and a dying kernel loses nothing
   (a line cut short by a crash is ignored on reading, and the next label starts on a new
   line). Labelling a hit again appends a new line: the latest label counts, the history keeps
   every one. Reopening the file resumes: :meth:`ReviewLog.pending` lists what is left.
3. :func:`precision` estimates each tracker's precision (right / (right + wrong); ``"skip"``
   counts for neither) with a Wilson 95% score interval, per match kind and overall.

    >>> import tempfile, os, trackerkit
    >>> sample = review_sample(trackerkit.load_tracker_results("sample"), per_stratum=2)
    >>> log = ReviewLog(os.path.join(tempfile.mkdtemp(), "labels.jsonl"))
    >>> log.label(sample.iloc[0], "right")
    >>> log.label(sample.iloc[0], "wrong")   # changed my mind: the latest label counts
    >>> len(log.history()), log.labels()["label"].tolist()
    (2, ['wrong'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_choice, check_count, check_fraction
from trackerkit.constants import REVIEW_LABELS
from trackerkit.errors import InvalidParameterError, TrackerDataError

if TYPE_CHECKING:
    import pandas as pd  # lazy: heavy

__all__ = ["REVIEW_LABELS", "ReviewLog", "hit_key", "precision", "review_sample", "wilson_interval"]

_KEY_FIELDS = ("conversation_id", "message_id", "tracker_id", "match", "value")
_ENTRY_FIELDS = ("hit_key", "label", "tracker_id", "tracker", "match", "stratum_size", "note", "time")


def hit_key(conversation_id: Any, message_id: Any, tracker_id: Any, match: Any, value: Any) -> str:
    """A stable 16-character key of one hit (its conversation, message, tracker, match, phrase).

    >>> hit_key("c1", "m1", "t1", "literal", "hello")
    '947a8ec9121b3722'
    """
    raw = "\x1f".join(str(v) for v in (conversation_id, message_id, tracker_id, match, value))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def _stratum_seed(seed: int, tracker_id: str, match: str) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{tracker_id}\x1f{match}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def review_sample(hits: pd.DataFrame, *, per_stratum: int = 20, seed: int = 0) -> pd.DataFrame:
    """A stratified sample of hits to review: up to ``per_stratum`` per tracker and match kind.

    Returns the sampled rows of ``hits`` with ``hit_key``, ``stratum_size`` (hits of that
    tracker and kind) and ``weight`` (``stratum_size`` over the hits sampled from it) added;
    trackers by name then id, literal before by meaning, each stratum in its drawn order.

    >>> import trackerkit
    >>> sample = review_sample(trackerkit.load_tracker_results("sample"), per_stratum=5)
    >>> int(sample.groupby(["tracker_id", "match"]).size().max())
    5
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    per_stratum = check_count("per_stratum", per_stratum)
    seed = check_count("seed", seed, minimum=0)
    if not isinstance(hits, pd.DataFrame) or any(
        c not in hits.columns for c in (*_KEY_FIELDS, "tracker_name")
    ):
        raise InvalidParameterError(
            "hits must be a hits frame (trackerkit.replay, load_tracker_results)", parameter="hits"
        )
    tracker_id = hits["tracker_id"].astype(str).to_numpy()
    name = hits["tracker_name"].astype(str).to_numpy()
    match = hits["match"].astype(str).to_numpy()
    kind_rank = np.where(match == "literal", 0, 1)
    order = np.lexsort((np.arange(len(hits)), kind_rank, tracker_id, name))
    chosen: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    if len(order):
        keys = np.char.add(np.char.add(tracker_id[order].astype(str), "\x1f"), match[order].astype(str))
        bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
        for start, end in itertools.pairwise(bounds):
            rows = order[start:end]
            rng = np.random.default_rng(_stratum_seed(seed, tracker_id[rows[0]], match[rows[0]]))
            picked = rows[rng.permutation(len(rows))[:per_stratum]]
            chosen.append(picked)
            sizes.append(np.full(len(picked), len(rows)))
    rows = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
    out = hits.iloc[rows].reset_index(drop=True).copy()
    out["hit_key"] = [
        hit_key(*values) for values in zip(*(out[c].astype(str).to_numpy() for c in _KEY_FIELDS))
    ]
    out["stratum_size"] = np.concatenate(sizes).astype(np.int64) if sizes else np.zeros(0, np.int64)
    taken = out.groupby(["tracker_id", "match"])["hit_key"].transform("size")
    out["weight"] = out["stratum_size"] / taken
    return out


class ReviewLog:
    """Labels of reviewed hits, saved as they are made in an append-only JSON-lines file.

    Parameters
    ----------
    path : str or Path
        The file (created with its folder if missing; an existing one is resumed).

    Each line is one labelling: ``hit_key``, ``label`` (``"right"``, ``"wrong"``, ``"skip"``),
    ``tracker_id``, ``tracker``, ``match``, ``stratum_size`` (for precision), ``note`` and
    ``time`` (UTC, ISO 8601). Nothing is ever rewritten.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidParameterError(
                f"path must be a file path; got {type(path).__name__}", parameter="path"
            )
        self.path = Path(path)
        #: Lines of the file that are not whole JSON (cut short by a crash), ignored on reading.
        self.cut_lines = 0
        if self.path.exists() and self.path.is_dir():
            raise InvalidParameterError(f"path is a folder, not a file: {self.path}", parameter="path")

    def __repr__(self) -> str:
        return f"ReviewLog({str(self.path)!r}, {len(self._entries())} entries)"

    def label(self, hit: Any, label: str, *, note: str | None = None) -> None:
        """Save ``label`` for ``hit`` (a row of :func:`review_sample`, or a mapping with the same
        fields); on disk when this returns."""
        check_choice("label", label, REVIEW_LABELS)
        if note is not None and not isinstance(note, str):
            raise InvalidParameterError(
                f"note must be a string or None; got {type(note).__name__}", parameter="note"
            )
        if not isinstance(hit, Mapping) and not hasattr(hit, "get"):
            raise InvalidParameterError(
                f"hit must be a row of review_sample (with hit_key); got {type(hit).__name__}",
                parameter="hit",
            )
        key = hit.get("hit_key")
        if not isinstance(key, str):
            raise InvalidParameterError("hit has no hit_key: pass a row of review_sample", parameter="hit")
        size = hit.get("stratum_size")
        entry = {
            "hit_key": key,
            "label": label,
            "tracker_id": str(hit.get("tracker_id")),
            "tracker": str(hit.get("tracker_name", hit.get("tracker"))),
            "match": str(hit.get("match")),
            "stratum_size": None if size is None else int(size),
            "note": note,
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":  # a line cut short by a crash: keep it apart
                    line = "\n" + line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if new and hasattr(os, "O_DIRECTORY"):
            fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        raw = self.path.read_bytes().split(b"\n")
        entries, cut = [], 0
        for number, line in enumerate(raw, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                cut += 1  # a line cut short by a crash (labels are only ever appended whole)
                continue
            if (
                not isinstance(entry, dict)
                or "hit_key" not in entry
                or entry.get("label") not in REVIEW_LABELS
            ):
                raise TrackerDataError(f"{self.path}, line {number}: not a label entry")
            entries.append(entry)
        self.cut_lines = cut
        return entries

    def history(self) -> pd.DataFrame:
        """Every labelling, in the order made (columns as in the file)."""
        import pandas as pd  # lazy: heavy

        return pd.DataFrame.from_records(self._entries(), columns=list(_ENTRY_FIELDS))

    def labels(self) -> pd.DataFrame:
        """The latest label of each hit, in the order of those latest labellings."""
        history = self.history()
        return history.drop_duplicates("hit_key", keep="last").reset_index(drop=True)

    def pending(self, sample: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``sample`` without a label yet (a skipped hit counts as labelled)."""
        done = set(self.labels()["hit_key"])
        return sample[~sample["hit_key"].isin(done)].reset_index(drop=True)


def wilson_interval(right: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval of a proportion ``right / n`` (NaNs for ``n`` = 0).

    >>> [round(v, 3) for v in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    from scipy.stats import norm  # lazy: heavy

    confidence = check_fraction("confidence", confidence)
    if n == 0:
        return math.nan, math.nan
    z = float(norm.ppf(0.5 + confidence / 2))
    p = right / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def precision(labels: ReviewLog | pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Each tracker's precision from the labels, with a Wilson interval.

    Rows per tracker (by name, then id) and ``match`` (``"literal"``, ``"meaning"``, then
    ``"any"``): ``tracker_id``, ``tracker``, ``match``, ``right``, ``wrong``, ``skipped``,
    ``labelled`` (right + wrong), ``precision``, ``ci_low``, ``ci_high``. The ``"any"`` row
    weighs each kind by its share of the tracker's hits (``stratum_size``), since the sample
    takes as many of each kind; its interval is the same weighting of the kinds' Wilson bounds
    (an approximation). A kind with no right or wrong label has NaNs.

    >>> import pandas as pd
    >>> labels = pd.DataFrame({"hit_key": ["a", "b", "c"], "label": ["right", "right", "wrong"],
    ...     "tracker_id": "1", "tracker": "Pricing", "match": "literal", "stratum_size": 40})
    >>> precision(labels)[["match", "right", "wrong", "precision"]].round(3).to_dict("records")[0]
    {'match': 'literal', 'right': 2, 'wrong': 1, 'precision': 0.667}
    """
    import pandas as pd  # lazy: heavy

    confidence = check_fraction("confidence", confidence)
    if isinstance(labels, ReviewLog):
        frame = labels.labels()
    elif isinstance(labels, pd.DataFrame):
        missing = [
            c for c in ("hit_key", "label", "tracker_id", "tracker", "match") if c not in labels.columns
        ]
        if missing:
            raise InvalidParameterError(f"labels lack column(s) {', '.join(missing)}", parameter="labels")
        frame = labels.drop_duplicates("hit_key", keep="last")
    else:
        raise InvalidParameterError(
            f"labels must be a ReviewLog or its labels(); got {type(labels).__name__}", parameter="labels"
        )
    columns = ["tracker_id", "tracker", "match", "right", "wrong", "skipped", "labelled", "precision"]
    columns += ["ci_low", "ci_high"]
    if not len(frame):
        return pd.DataFrame(columns=columns)
    rows = []
    names = frame.drop_duplicates("tracker_id").set_index("tracker_id")["tracker"].astype(str)
    ids = sorted(names.index.astype(str), key=lambda i: (names[i], i))
    for tracker_id in ids:
        mine = frame[frame["tracker_id"].astype(str) == tracker_id]
        kinds = []
        for match in ("literal", "meaning"):
            part = mine[mine["match"] == match]
            if not len(part):
                continue
            right = int((part["label"] == "right").sum())
            wrong = int((part["label"] == "wrong").sum())
            skipped = int((part["label"] == "skip").sum())
            n = right + wrong
            low, high = wilson_interval(right, n, confidence=confidence)
            value = right / n if n else math.nan
            size = part["stratum_size"].dropna() if "stratum_size" in part.columns else []
            weight = float(size.iloc[-1]) if len(size) else float(n)
            rows.append((tracker_id, names[tracker_id], match, right, wrong, skipped, n, value, low, high))
            if n:
                kinds.append((weight, value, low, high))
        total = sum(w for w, *_ in kinds)
        mine_rows = [r for r in rows if r[0] == tracker_id]
        sums = [sum(r[i] for r in mine_rows) for i in (3, 4, 5, 6)]
        if total > 0:
            estimate = [sum(w * v[i] for w, *v in kinds) / total for i in range(3)]
        else:
            estimate = [math.nan] * 3
        rows.append((tracker_id, names[tracker_id], "any", *sums, *estimate))
    out = pd.DataFrame.from_records(rows, columns=columns)
    for column in ("right", "wrong", "skipped", "labelled"):
        out[column] = out[column].astype("int64")
    return out
