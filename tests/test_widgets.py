"""trackerkit.widgets without a browser: drive the widgets through their values and buttons and
assert their attributes and what they would show (HTML values, PNG images).

Every HTML value of every widget is checked for raw tracker text: the account used here holds a
tracker named like an XSS payload, with a ``<script>`` phrase.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import ipywidgets
import pytest

import trackerkit
from trackerkit.loading import load_trackers

VOICE_ID = "5807963341258752"
PROMOTION_ID = "4476908732794496"
COMPETITOR_ID = "4036954488018197"  # "Competitor Mention"
COMPETITOR_LOWER_ID = "6976841123502577"  # "competitor mention"
XSS_ID = "9999999999999999"
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_NAME_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
XSS_PHRASE = "<script>alert(1)</script>"
XSS_PHRASE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
RAW = ("<img", "<script", "onerror=alert(1)>")
PNG = b"\x89PNG\r\n\x1a\n"


def hostile_account():
    sample = load_trackers("sample")
    records = [
        {"id": tid, "name": name, "vocabulary": list(vocabulary)}
        for tid, name, vocabulary in zip(sample["tracker_id"], sample["name"], sample["vocabulary"])
    ]
    records.append(
        {
            "id": XSS_ID,
            "name": XSS_NAME,
            "vocabulary": [
                XSS_PHRASE,
                "I want to speak to a supervisor",  # shared with Escalation Request
                "can you escalate this",
                "get me your manager <b>now</b>",
                "a plain phrase & an ampersand",
            ],
        }
    )
    return load_trackers(records)


@pytest.fixture(scope="module")
def trackers():
    return hostile_account()


@pytest.fixture(scope="module")
def sample():
    return load_trackers("sample")


def is_png(value) -> bool:
    """Whether an Image value (bytes or the memoryview ipywidgets keeps) holds a PNG."""
    return bytes(value).startswith(PNG)


def html_values(root):
    """Every (widget, value) of the HTML, HTMLMath and Label widgets under ``root``."""
    from trackerkit.widgets._base import walk

    out = []
    for w in walk(root):
        if isinstance(w, (ipywidgets.HTML, ipywidgets.HTMLMath, ipywidgets.Label)):
            out.append((w, w.value))
    return out


def text_values(root):
    """Every text a widget under ``root`` shows as text (labels, options, titles, descriptions)."""
    from trackerkit.widgets._base import walk

    out = []
    for w in walk(root):
        if isinstance(w, (ipywidgets.Dropdown, ipywidgets.Select, ipywidgets.ToggleButtons)):
            out.extend(str(label) for label in w._options_labels)
        if isinstance(w, ipywidgets.Combobox):
            out.extend(w.options)
        if isinstance(w, ipywidgets.Tab):
            out.extend(w.titles)
        out.append(getattr(w, "description", "") or "")
    return out


def assert_no_raw_markup(root):
    """No HTML value holds tracker text unescaped; returns all HTML, joined, for further checks."""
    values = html_values(root)
    assert values, "no HTML widget found"
    for widget, value in values:
        for raw in RAW:
            assert raw not in value, f"raw {raw!r} in {type(widget).__name__}: {value[:300]!r}"
        assert "<b>now</b>" not in value
    for w in _walk(root):
        assert not getattr(w, "description_allow_html", False), f"{type(w).__name__} allows HTML"
    return "\n".join(v for _, v in values)


def _walk(root):
    from trackerkit.widgets._base import walk

    return list(walk(root))


# --------------------------------------------------------------------------- base


def test_import_trackerkit_loads_no_widget_or_plot_library():
    code = (
        "import sys, trackerkit; trackerkit.load_trackers('sample'); "
        "bad = [m for m in ('ipywidgets', 'matplotlib', 'trackerkit.widgets') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_explore_is_exported_lazily():
    from trackerkit.widgets import explore

    assert trackerkit.explore is explore


def test_escape_and_frame_html_escape_everything():
    import pandas as pd

    from trackerkit.widgets._base import escape, frame_html, message_html

    assert escape(XSS_NAME) == XSS_NAME_ESCAPED
    assert escape("\"q\" & 's'") == "&quot;q&quot; &amp; &#x27;s&#x27;"
    table = frame_html(pd.DataFrame({XSS_NAME: [XSS_PHRASE], "n": [1.23456]}), caption=XSS_NAME)
    assert XSS_NAME_ESCAPED in table and XSS_PHRASE_ESCAPED in table
    assert not any(raw in table for raw in RAW)
    assert "1.235" in table
    assert "nothing to show" in frame_html(pd.DataFrame({"a": []}))
    assert XSS_NAME_ESCAPED in message_html(XSS_NAME, "error")
    with pytest.raises(ValueError, match="kind"):
        message_html("x", "loud")


def test_frame_html_aligns_numbers_right_and_text_left_header_and_cells_alike():
    import pandas as pd

    from trackerkit.widgets._base import HtmlCell, frame_html

    frame = pd.DataFrame(
        {
            "tracker": ["Billing", "Refunds"],
            "similarity": [0.51234, float("nan")],
            "shared phrases": pd.array([2, None], dtype="Int64"),
            "terms": [["bill", "charge"], []],
            # object: pandas 3 would make a list of str its string dtype, and drop the HtmlCell type
            "where": pd.Series([HtmlCell('<mark class="tk-hit">bill</mark>'), "<b>x</b>"], dtype=object),
        }
    )
    html = frame_html(
        frame, caption="Pairs", note="similarity: 0 = nothing, 1 = same", titles={"tracker": "a <name>"}
    )
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert '<th title="a &lt;name&gt;">tracker</th>' in head
    assert '<th class="tk-num">similarity</th>' in head and '<th class="tk-num">shared phrases</th>' in head
    assert "<th>terms</th>" in head and "<th>where</th>" in head
    body = html[html.index("<tbody>") :]
    assert (
        '<td>Billing</td><td class="tk-num">0.512</td><td class="tk-num">2</td><td>bill, charge</td>' in body
    )
    assert '<td class="tk-num"></td><td class="tk-num"></td>' in body  # missing values are blank
    assert '<mark class="tk-hit">bill</mark>' in body and "&lt;b&gt;x&lt;/b&gt;" in body
    # identifiers wrap at their underscores, not inside a word
    assert "<td>near_<wbr>duplicate_<wbr>phrase</td>" in frame_html(
        pd.DataFrame({"rule": ["near_duplicate_phrase"]})
    )
    assert '<div class="tk-note">similarity: 0 = nothing, 1 = same</div>' in html
    # the style sheet: numbers right-aligned (header and cells), a normal line height (ipywidgets
    # gives HTML widgets a 28 px one), and a scroll box with a visible scrollbar
    assert ".tk-table th.tk-num,.tk-table td.tk-num{text-align:right" in html
    assert ".tk-table th,.tk-table td{" in html and "text-align:left" in html
    assert ".tk-html{line-height:1.4" in html
    assert '<div class="tk-scroll" style="max-height:max(360px, calc(100vh - 260px))">' in html
    assert "scrollbar-width:thin" in html and "::-webkit-scrollbar-thumb" in html


def test_a_saved_notebook_shows_a_sentence_not_the_widget_repr(sample):
    app = trackerkit.explore(sample)
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    text = bundle["text/plain"]
    assert text.startswith("trackerkit app: 48 trackers, tabs Explore, Compare, Similarity, Match")
    assert "VBox" not in text and "<style>" not in text
    from trackerkit.widgets import TrackerPicker

    assert "run the notebook" in TrackerPicker(sample)._repr_mimebundle_()["text/plain"]
    app.close()


def test_display_to_png_renders_outside_pyplot_and_clears_the_figure():
    import matplotlib.pyplot as plt

    from trackerkit.plotting import VocabularySizesDisplay
    from trackerkit.widgets._base import display_to_png

    before = plt.get_fignums()
    display = VocabularySizesDisplay.from_trackers(load_trackers("sample"))
    png = display_to_png(display, max_label_chars=20)
    assert png.startswith(PNG)
    assert plt.get_fignums() == before  # never a pyplot figure
    assert display.figure_.axes == []  # drawn, encoded, then cleared: nothing kept
    with pytest.raises(ValueError, match="max_label_chars"):
        display_to_png(display, max_label_chars=1)
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------- picker


def test_picker_offers_name_and_id_options(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    assert f"Voice Message ({VOICE_ID})" in picker.options
    assert f"{XSS_NAME} ({XSS_ID})" in picker.options  # options are text, not HTML
    assert len(picker.options) == len(trackers)
    assert picker.value is None and picker.name is None and picker.message == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Voice Message ({VOICE_ID})", VOICE_ID),  # a picked option
        ("Voice Message", VOICE_ID),  # a typed name
        ("voice MESSAGE", VOICE_ID),  # any case, when unique
        ("  Voice Message ", VOICE_ID),
        (VOICE_ID, VOICE_ID),  # a typed id
        ("competitor mention", COMPETITOR_LOWER_ID),  # exact name wins over case-folded
        ("Competitor Mention", COMPETITOR_ID),
        (XSS_NAME, XSS_ID),
    ],
)
def test_picker_resolves_names_ids_and_options(sample, trackers, text, expected):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    seen = []
    picker.observe(lambda change: seen.append(change["new"]), "value")
    picker.combobox.value = text
    assert picker.value == expected
    assert seen == [expected]
    assert picker.message == ""
    assert picker.name == trackers.set_index("tracker_id").loc[expected, "name"]


def test_picker_unknown_text_suggests_without_raising(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    picker.text = "Voice Mesage"
    assert picker.value is None
    assert "Voice Message" in picker.suggestions
    assert "No tracker" in picker.message and "Voice Message" in picker.message
    assert "Traceback" not in picker.message_box.value
    assert "tk-error" in picker.message_box.value or "tk-info" in picker.message_box.value
    picker.text = "zzz qqq"
    assert picker.value is None and picker.suggestions == []
    assert "tk-error" in picker.message_box.value
    picker.text = ""
    assert picker.value is None and picker.message == "" and picker.message_box.value == ""


def test_picker_going_back_to_invalid_text_clears_the_value(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    picker.text = "Voice Message"
    assert picker.value == VOICE_ID
    picker.text = "Voice Messag"
    assert picker.value is None


def test_picker_ambiguous_text_lists_the_candidates(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    picker.text = "COMPETITOR MENTION"
    assert picker.value is None
    assert sorted(tid for tid, _ in picker.candidates) == sorted([COMPETITOR_ID, COMPETITOR_LOWER_ID])
    assert f"Competitor Mention ({COMPETITOR_ID})" in picker.message
    assert f"competitor mention ({COMPETITOR_LOWER_ID})" in picker.message
    assert "tk-warning" in picker.message_box.value


def test_picker_escapes_what_it_echoes(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    picker.text = "<script>alert(1)</script>"  # unknown text is echoed in the message
    assert picker.value is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in picker.message_box.value
    assert_no_raw_markup(picker.widget)


def test_picker_pick_from_code(trackers):
    from trackerkit import AmbiguousTrackerError, TrackerNotFoundError
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers, tracker="promotion mention")
    assert picker.value == PROMOTION_ID
    assert picker.text == f"Promotion Mention ({PROMOTION_ID})"
    with pytest.raises(TrackerNotFoundError):
        picker.pick("no such tracker")
    with pytest.raises(AmbiguousTrackerError):
        picker.pick("COMPETITOR MENTION")
    assert picker.value == PROMOTION_ID
    picker.clear()
    assert picker.value is None


def test_picker_value_is_read_only(trackers):
    import traitlets

    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    with pytest.raises(traitlets.TraitError):
        picker.value = VOICE_ID


def test_picker_displays_as_its_widget(trackers):
    from trackerkit.widgets import TrackerPicker

    picker = TrackerPicker(trackers)
    bundle = picker._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == picker.widget.model_id
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picker.close()


# --------------------------------------------------------------------------- explorer

ESCALATION_ID = "5727654126063356"
SPEAK_TO_MANAGER_ID = "5308635005259688"


def test_explorer_shows_a_picked_tracker(trackers):
    from trackerkit.widgets import TrackerExplorer

    explorer = TrackerExplorer(trackers)
    assert explorer.selected is None and explorer.table is None
    explorer.picker.combobox.value = "escalation request"
    assert explorer.selected == ESCALATION_ID
    assert explorer.name == "Escalation Request"
    vocabulary = trackers.set_index("tracker_id").loc[ESCALATION_ID, "vocabulary"]
    assert explorer.table["phrase"].tolist() == list(vocabulary)
    assert {"position", "phrase", "n_words", "findings"} <= set(explorer.table.columns)
    assert "let me speak to your manager" in explorer.vocabulary_html.value
    assert "Escalation Request" in explorer.header.value
    # neighbours, best first, with scores
    assert explorer.neighbours["tracker_id"].iloc[0] == SPEAK_TO_MANAGER_ID or (
        explorer.neighbours["tracker_id"].iloc[0] == XSS_ID  # the hostile copy shares two phrases
    )
    assert explorer.neighbours["score"].is_monotonic_decreasing
    assert SPEAK_TO_MANAGER_ID in explorer.neighbours["tracker_id"].tolist()
    assert "Speak to Manager" in explorer.neighbours_html.value
    # the dropdown lists the neighbours and starts on the first one
    assert [v for _, v in explorer.neighbour.options] == explorer.neighbours["tracker_id"].tolist()
    explorer.neighbour.value = SPEAK_TO_MANAGER_ID
    assert explorer.neighbour_id == SPEAK_TO_MANAGER_ID
    assert set(explorer.shared["status"]) == {"shared", "near-duplicate"}
    assert "let me speak to the manager" in explorer.shared_html.value
    # audit findings of this tracker only
    assert set(explorer.findings["tracker_id"]) == {ESCALATION_ID}
    assert "shared_phrase" in set(explorer.findings["rule"])
    assert "shared_phrase" in explorer.findings_html.value.replace("<wbr>", "")  # breakable at "_"
    assert "shared_phrase" in explorer.table.loc[0, "findings"]


def test_explorer_keeps_showing_the_last_tracker_while_typing(trackers):
    from trackerkit.widgets import TrackerExplorer

    explorer = TrackerExplorer(trackers, tracker="Voice Message")
    assert explorer.selected == VOICE_ID
    shown = explorer.vocabulary_html.value
    explorer.picker.text = "Promo"  # on the way to "Promotion Mention"
    assert explorer.picker.value is None
    assert explorer.selected == VOICE_ID and explorer.vocabulary_html.value == shown
    explorer.picker.text = "Promotion Mention"
    assert explorer.selected == PROMOTION_ID
    assert "too_few_phrases" in set(explorer.findings["rule"])


def test_explorer_escapes_a_hostile_tracker(trackers):
    from trackerkit.widgets import TrackerExplorer

    explorer = TrackerExplorer(trackers)
    explorer.picker.combobox.value = XSS_ID
    assert explorer.selected == XSS_ID and explorer.name == XSS_NAME
    assert XSS_NAME_ESCAPED in explorer.header.value
    assert XSS_PHRASE_ESCAPED in explorer.vocabulary_html.value
    assert "&lt;b&gt;now&lt;/b&gt;" in explorer.vocabulary_html.value
    explorer.neighbour.value = ESCALATION_ID
    assert XSS_NAME_ESCAPED in explorer.shared_html.value  # the column header names it
    assert_no_raw_markup(explorer.widget)
    # and from the other side: the hostile tracker as a neighbour
    explorer.select("Escalation Request")
    assert XSS_ID in explorer.neighbours["tracker_id"].tolist()
    assert XSS_NAME_ESCAPED in explorer.neighbours_html.value
    explorer.neighbour.value = XSS_ID
    assert XSS_NAME_ESCAPED in explorer.shared_html.value
    assert_no_raw_markup(explorer.widget)
    assert f"{XSS_NAME} (" in explorer.neighbour.label  # dropdown labels are text, not HTML
    assert any(text.startswith(XSS_NAME) for text in text_values(explorer.widget))


def test_explorer_compare_button_is_hidden_until_wired(trackers):
    from trackerkit.widgets import TrackerExplorer

    explorer = TrackerExplorer(trackers, tracker=ESCALATION_ID)
    assert explorer.compare_button.layout.display == "none"
    calls = []
    explorer.on_compare(lambda a, b: calls.append((a, b)))
    assert explorer.compare_button.layout.display is None
    explorer.neighbour.value = SPEAK_TO_MANAGER_ID
    explorer.compare_button.click()
    assert calls == [(ESCALATION_ID, SPEAK_TO_MANAGER_ID)]


# --------------------------------------------------------------------------- compare


def test_compare_two_trackers_side_by_side(trackers):
    from trackerkit.widgets import CompareTrackers

    compare = CompareTrackers(trackers)
    assert compare.comparison is None and compare.plot.value == b""
    compare.picker_a.text = "Escalation Request"
    assert compare.comparison is None  # one side only
    compare.picker_b.text = SPEAK_TO_MANAGER_ID
    assert (compare.tracker, compare.other) == (ESCALATION_ID, SPEAK_TO_MANAGER_ID)
    assert (compare.comparison.tracker, compare.comparison.other) == (
        "Escalation Request",
        "Speak to Manager",
    )
    statuses = compare.comparison.table["status"].value_counts()
    assert statuses["shared"] == 2 and statuses["near-duplicate"] == 1
    assert "I want to speak to a supervisor" in compare.shared_html.value
    assert "let me speak to your manager" in compare.near_html.value
    assert "please escalate this ticket" in compare.unique_a_html.value
    assert "2 shared, 1 near-duplicate" in compare.status.value
    # the near-duplicates' score says what it is, once, next to the columns
    assert "score: how alike two phrases are, from 0" in compare.note.value
    # the figure repeats the columns: drawn only once its box is opened, then for each pair
    assert not compare.figure_open and compare.plot.value == b"" and compare.display is None
    compare.figure_box.selected_index = 0
    assert is_png(compare.plot.value) and compare.plot.layout.display is None
    assert compare.display.comparison is compare.comparison
    first = bytes(compare.plot.value)
    compare.picker_b.text = "Callback request"
    assert is_png(compare.plot.value) and bytes(compare.plot.value) != first
    compare.picker_b.text = SPEAK_TO_MANAGER_ID  # back to a pair seen: from the cache
    assert bytes(compare.plot.value) == first


def test_compare_the_same_tracker_twice_says_so(trackers):
    from trackerkit.widgets import CompareTrackers

    compare = CompareTrackers(trackers, tracker="Voice Message", other=VOICE_ID)
    assert compare.comparison is None
    assert "same tracker" in compare.status.value
    assert compare.plot.value == b""


def test_compare_escapes_a_hostile_tracker(trackers):
    from trackerkit.widgets import CompareTrackers

    compare = CompareTrackers(trackers, figure=True)
    compare.compare(XSS_ID, "Escalation Request")
    assert compare.comparison is not None
    assert XSS_NAME_ESCAPED in compare.status.value
    assert XSS_PHRASE_ESCAPED in compare.unique_a_html.value
    assert is_png(compare.plot.value)
    assert_no_raw_markup(compare.widget)


# --------------------------------------------------------------------------- similarity


def test_similarity_slider_updates_pairs_and_heatmap_without_recomputing(trackers, monkeypatch):
    import trackerkit.widgets.similarity
    from trackerkit.widgets import SimilarityExplorer

    calls = []
    real = trackerkit.widgets.similarity.similarity_matrix

    def counting(trackers, **kwargs):
        calls.append((id(trackers), kwargs.get("analyzer")))  # other tests' apps may still compute
        return real(trackers, **kwargs)

    monkeypatch.setattr(trackerkit.widgets.similarity, "similarity_matrix", counting)
    sim = SimilarityExplorer(trackers, threshold=0.25)
    assert sim.threshold.continuous_update is False
    assert is_png(sim.heatmap.value)
    assert list(sim.pairs.columns) == ["tracker", "similar tracker", "similarity"]
    assert (sim.pairs["similarity"] >= 0.25).all()
    assert sim.pairs["similarity"].is_monotonic_decreasing
    first, n_first = sim.heatmap.value, len(sim.pairs)
    assert f"{n_first} pairs with character similarity ≥ 0.25" in sim.pairs_html.value

    sim.threshold.value = 0.45
    assert len(sim.pairs) < n_first
    assert (sim.pairs["similarity"] >= 0.45).all()
    assert is_png(sim.heatmap.value) and sim.heatmap.value != first
    assert "≥ 0.45" in sim.pairs_html.value
    sim.threshold.value = 0.99
    assert len(sim.pairs) == 0 and "no pair at this threshold" in sim.pairs_html.value

    sim.analyzer.value = "word"
    assert sim.matrix.analyzer == "word"
    assert "pairs with word similarity ≥ 0.99" in sim.pairs_html.value
    sim.threshold.value = 0.3
    sim.analyzer.value = "char_wb"
    sim.threshold.value = 0.35
    mine = [analyzer for key, analyzer in calls if key == id(sim.trackers)]
    assert mine == ["char_wb", "word"]  # once per analyzer, never per slider step
    sim.close()


def test_similarity_pairs_escape_a_hostile_tracker(trackers):
    from trackerkit.widgets import SimilarityExplorer

    sim = SimilarityExplorer(trackers, threshold=0.05)
    assert XSS_NAME in set(sim.pairs["tracker"]) | set(sim.pairs["similar tracker"])
    assert XSS_NAME_ESCAPED in sim.pairs_html.value
    assert_no_raw_markup(sim.widget)
    sim.close()


def test_heatmap_renderer_fades_cells_under_the_threshold():
    import numpy as np
    import pandas as pd
    from PIL import Image

    from trackerkit.widgets.similarity import HeatmapRenderer

    m = pd.DataFrame([[1, 0.8, 0.1], [0.8, 1, 0.2], [0.1, 0.2, 1]], index=list("abc"), columns=list("abc"))
    renderer = HeatmapRenderer(m)
    plain = renderer.render(None)
    faded = renderer.render(0.5)
    assert plain.startswith(PNG) and faded.startswith(PNG) and plain != faded
    import io

    a = np.asarray(Image.open(io.BytesIO(plain)).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(faded)).convert("RGB"), dtype=float)
    assert a.shape == b.shape
    assert (b >= a - 1).mean() > 0.99  # fading only ever lightens
    assert renderer.render(None) == plain  # and going back restores the original pixels
    renderer.close()


def test_heatmap_renderer_updates_the_display_artists():
    import numpy as np
    import pandas as pd

    from trackerkit.widgets.similarity import HeatmapRenderer

    m = pd.DataFrame([[1, 0.8, 0.1], [0.8, 1, 0.2], [0.1, 0.2, 1]], index=list("abc"), columns=list("abc"))
    renderer = HeatmapRenderer(m)
    display = renderer.display
    assert renderer.image is display.im_ and renderer.order == display.order == ["c", "b", "a"]
    written = {ij: t.get_color() for ij, t in np.ndenumerate(display.text_) if t is not None}
    renderer.render(0.5)
    for (i, j), text in np.ndenumerate(display.text_):
        if text is not None:  # values under 0.5 greyed, the others keep the display's colour
            faded = display.matrix.matrix.loc[display.order[i], display.order[j]] < 0.5
            assert text.get_color() == ("#8a8a8a" if faded else written[i, j])
    renderer.render(None)
    assert {ij: t.get_color() for ij, t in np.ndenumerate(display.text_) if t is not None} == written
    renderer.close()


def test_compare_computes_once_and_draws_the_result(trackers, monkeypatch):
    import trackerkit.plotting._comparison
    import trackerkit.widgets.compare
    from trackerkit.widgets import CompareTrackers

    calls = []
    real = trackerkit.widgets.compare.compare_trackers

    def counting(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError("the display recomputed the comparison")

    monkeypatch.setattr(trackerkit.widgets.compare, "compare_trackers", counting)
    monkeypatch.setattr(trackerkit.plotting._comparison, "compare_trackers", forbidden)
    compare = CompareTrackers(trackers, tracker="Escalation Request", other="Speak to Manager", figure=True)
    assert calls == [(ESCALATION_ID, SPEAK_TO_MANAGER_ID)]  # once for the tables and the plot
    compare.picker_b.text = "Callback request"
    compare.picker_b.text = "Speak to Manager"
    assert len(calls) == 2  # going back to a pair recomputes nothing
    assert compare.display.comparison is compare.comparison
    table = compare.comparison.table
    near = table.loc[table["status"] == "near-duplicate", "phrase_a"].tolist()
    assert [t.get_text() for t in compare.display.texts_["near-duplicate-a"]] == near
    assert is_png(compare.plot.value)


def test_widgets_use_the_library_default_analyzer(trackers):
    from trackerkit.analysis import similarity_matrix, tracker_pairs
    from trackerkit.constants import DEFAULT_ANALYZER
    from trackerkit.widgets import SimilarityExplorer, TrackerExplorer

    sim = SimilarityExplorer(trackers)
    assert sim.analyzer.value == DEFAULT_ANALYZER == "char_wb"
    assert sim.analyzer.options[0] == ("character", "char_wb")
    # the numbers the library (and the command line's `similar`) give for the same account
    expected = tracker_pairs(similarity_matrix(trackers), threshold=sim.threshold.value)
    assert sim.pairs.values.tolist() == expected.values.tolist()
    sim.close()
    explorer = TrackerExplorer(trackers, tracker="Escalation Request")
    assert explorer.analyzer == DEFAULT_ANALYZER
    expected = trackerkit.most_similar(trackers, "Escalation Request", k=5)
    assert explorer.neighbours["score"].tolist() == expected["score"].tolist()
    assert "cosine similarity of the two trackers&#x27; character n-gram TF-IDF vectors" in (
        explorer.neighbours_html.value
    )


# --------------------------------------------------------------------------- match


def test_match_preview_answers_with_the_replay(trackers):
    """The preview is the replay's would_trigger at the slider's threshold, row for row."""
    from trackerkit.analysis._replay import Replayer
    from trackerkit.constants import DEFAULT_MEANING_THRESHOLD
    from trackerkit.widgets import MatchPreview

    match = MatchPreview(trackers)
    assert match.triggers is None and "Type a sentence" in match.results_html.value
    assert match.threshold.value == DEFAULT_MEANING_THRESHOLD
    fitted = match.replayer
    sentences = [
        "I want to cancel my subscription",
        "I want to cancel my subscription, please let me speak to your manager",
        "please end my subscripton now",
        "can I talk to your manager",
        "asdf",
    ]
    for threshold in (DEFAULT_MEANING_THRESHOLD, 0.3, 0.9):
        match.threshold.value = threshold
        reference = Replayer(trackers, threshold=threshold)
        for sentence in sentences:
            match.text.value = sentence
            expected = reference.would_trigger(sentence)
            assert match.triggers.values.tolist() == expected.values.tolist(), (sentence, threshold)
    assert match.replayer is fitted  # fitted once, never per keystroke
    # each answer records its time (its speed is measured in benchmarks/bench_widgets.py, not here)
    match.elapsed_ms = None
    match.text.value = sentences[0]
    assert isinstance(match.elapsed_ms, float)
    match.text.value = "   "
    assert match.triggers is None


def test_match_preview_shows_literal_matches_where_they_occur(trackers):
    from trackerkit.widgets import MatchPreview

    sentence = "Hi! I want to cancel my subscription, please let me speak to your manager <b>now</b>"
    match = MatchPreview(trackers, text=sentence)
    literal = match.triggers[match.triggers["match"] == "literal"]
    assert set(literal["tracker_name"]) >= {"Cancellation Intent", "Escalation Request"}
    for offset, matched in zip(literal["offset"], literal["matched_text"]):
        assert sentence[offset : offset + len(matched)] == matched
    html = match.results_html.value
    assert "would trigger" in html
    # the sentence, escaped, each match highlighted where it occurs
    assert '<mark class="tk-hit" title="Cancellation Intent">I want to cancel my subscription</mark>' in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now</b>" not in html
    assert "offset 4: characters 4 to 35" in html  # the replay's offset, in the tooltip
    assert "<td>literal</td>" in html
    # and in the table, each row's match highlighted in its excerpt (HTML, not escaped markup)
    table = html[html.index("<tbody>") :]
    assert 'characters 4 to 35">I want to cancel my subscription</mark>' in table
    assert "&lt;mark" not in table
    assert_no_raw_markup(match.widget)


def test_match_preview_labels_scores_by_meaning(trackers):
    from trackerkit.widgets import MatchPreview

    match = MatchPreview(trackers, text="please end my subscripton now", threshold=0.3)
    meaning = match.triggers[match.triggers["match"] == "meaning"]
    assert len(meaning) and meaning["score"].between(0.3, 1).all()
    assert (meaning["offset"] == -1).all()
    html = match.results_html.value
    assert "by meaning" in html and "similarity by meaning" in html
    assert "similarity by meaning: cosine similarity of the character TF-IDF vectors" in html
    assert "0 = nothing in common, 1 = the same character n-grams" in html
    assert "from 0.30" in html
    assert f"{meaning['score'].iloc[0]:.2f}" in html
    # a higher threshold only filters the same answer
    best = float(meaning["score"].max())
    match.threshold.value = round(min(1.0, best + 0.05), 2)
    assert not (match.triggers["match"] == "meaning").any()


def test_match_preview_says_when_nothing_triggers(trackers):
    from trackerkit.widgets import MatchPreview

    match = MatchPreview(trackers, text="asdf")
    assert match.triggers.empty
    html = match.results_html.value
    assert "This sentence triggers no tracker" in html
    assert "<table" not in html
    assert "Closest by meaning" not in html  # "asdf" is close to nothing
    # a sentence that comes close names the closest trackers, as not triggered
    match.text.value = "my login does not work"
    assert match.triggers.empty
    assert match.closest["tracker_name"].iloc[0] == "Login Problem"
    assert (match.closest["score"] < match.threshold.value).all()
    html = match.results_html.value
    assert "This sentence triggers no tracker" in html
    assert "Closest by meaning, under the threshold: Login Problem (0.42" in html


def test_match_preview_gates_trackers_by_language(sample):
    from trackerkit.widgets import MatchPreview

    match = MatchPreview(sample)
    assert match.language.layout.display is None  # the sample declares languages
    assert list(match.language.options) == [("any language", ""), ("en-US", "en-US"), ("es-ES", "es-ES")]
    assert match.language.label == "any language"  # shown, not a blank box
    match.text.value = "Quiero cancelar mi cuenta"
    spanish = "Cancelación de Servicio"
    assert spanish in set(match.triggers["tracker_name"])
    match.language.value = "en-US"
    assert spanish not in set(match.triggers["tracker_name"])
    match.language.value = "es-ES"
    assert spanish in set(match.triggers["tracker_name"])
    match.language.value = ""
    assert spanish in set(match.triggers["tracker_name"])


def test_match_preview_escapes_a_hostile_tracker(trackers):
    from trackerkit.widgets import MatchPreview

    match = MatchPreview(trackers, text="<script>alert(1)</script> get me your manager <b>now</b>")
    assert XSS_ID in match.triggers["tracker_id"].tolist()
    assert XSS_NAME_ESCAPED in match.results_html.value
    assert_no_raw_markup(match.widget)


def test_the_app_never_fits_the_matcher(trackers, monkeypatch):
    """TrackerMatcher is for the confusion analysis: slow at 500 trackers, and its SVM margins
    are not the replay's answer."""
    from trackerkit.analysis import TrackerMatcher

    def forbidden(*args, **kwargs):
        raise AssertionError("the app fitted a TrackerMatcher")

    monkeypatch.setattr(TrackerMatcher, "fit", forbidden)
    app = trackerkit.explore(trackers)
    app.match.text.value = "I want to cancel my subscription"
    assert "Cancellation Intent" in set(app.match.triggers["tracker_name"])
    app.close()


# --------------------------------------------------------------------------- the app


def test_explore_builds_the_tabbed_app(trackers):
    from trackerkit.widgets import (
        TITLES,
        CompareTrackers,
        MatchPreview,
        SimilarityExplorer,
        TrackerApp,
        TrackerExplorer,
    )

    app = trackerkit.explore(trackers)
    assert isinstance(app, TrackerApp)
    assert isinstance(app.explorer, TrackerExplorer)
    assert isinstance(app.compare, CompareTrackers)
    assert isinstance(app.similarity, SimilarityExplorer)
    assert isinstance(app.match, MatchPreview)
    assert tuple(app.tabs.titles) == TITLES == ("Explore", "Compare", "Similarity", "Match")
    assert app.tabs.children[0] is app.explorer.widget
    view = app._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == app.widget.model_id
    assert "49 trackers" in app.header.value


def test_explore_accepts_what_load_trackers_accepts():
    app = trackerkit.explore("sample")
    assert len(app.trackers) == 48
    assert "48 trackers" in app.header.value and "(sample)" in app.header.value  # the source it loaded
    app.close()


def test_the_explorer_compare_button_opens_the_compare_tab(trackers):
    app = trackerkit.explore(trackers)
    app.explorer.select("Escalation Request")
    app.explorer.neighbour.value = SPEAK_TO_MANAGER_ID
    assert app.explorer.compare_button.layout.display is None
    app.explorer.compare_button.click()
    assert app.tabs.selected_index == 1
    assert (app.compare.tracker, app.compare.other) == (ESCALATION_ID, SPEAK_TO_MANAGER_ID)
    assert app.compare.comparison is not None


def test_no_widget_of_the_app_ever_shows_raw_tracker_markup(trackers):
    """Drive every explorer to show the hostile tracker, then check every HTML value."""
    app = trackerkit.explore(trackers)
    app.explorer.picker.text = f"{XSS_NAME} ({XSS_ID})"  # the option, as picked
    assert app.explorer.selected == XSS_ID
    app.explorer.compare_button.click()
    assert app.compare.tracker == XSS_ID
    app.similarity.threshold.value = 0.05
    app.match.text.value = "get me your manager now"
    everything = assert_no_raw_markup(app.widget)
    assert everything.count(XSS_NAME_ESCAPED) >= 5
    assert XSS_PHRASE_ESCAPED in everything
    for text in text_values(app.widget):  # text-only values may hold it raw: they are not HTML
        assert isinstance(text, str)
    app.close()


def test_a_failing_update_says_so_in_the_widget(trackers, monkeypatch):
    from trackerkit.analysis._similarity import NeighbourIndex
    from trackerkit.widgets import TrackerExplorer

    explorer = TrackerExplorer(trackers)

    def broken(*args, **kwargs):
        raise RuntimeError("<b>boom</b>")

    monkeypatch.setattr(NeighbourIndex, "query", broken)
    with pytest.raises(RuntimeError, match="boom"):
        explorer.picker.text = "Voice Message"
    assert isinstance(explorer.last_error, RuntimeError)
    assert "Could not update: RuntimeError: &lt;b&gt;boom&lt;/b&gt;" in explorer.error_box.value
    monkeypatch.undo()
    explorer.picker.text = "Greeting"
    assert explorer.error_box.value == "" and explorer.selected is not None


def test_the_app_on_tiny_accounts_says_what_it_cannot_do():
    import trackerkit
    from trackerkit import TrackerDataError

    one = trackerkit.load_trackers(
        [{"id": "1", "name": "Only", "vocabulary": ["hello there", "good morning", "hi", "hey you", "yo yo"]}]
    )
    app = trackerkit.explore(one)
    assert app.match is not None  # the replay needs no second tracker
    app.match.text.value = "good morning to you"
    assert app.match.triggers["tracker_id"].tolist() == ["1"]
    assert app.explorer.selected is None or app.explorer.selected == "1"
    app.explorer.select("Only")
    assert "no tracker shares a word with this one" in app.explorer.neighbours_html.value
    with pytest.raises(TrackerDataError, match="nothing to explore"):
        trackerkit.explore([])


def test_every_score_shown_says_what_it_is_and_its_scale(trackers):
    """Each number a tab shows comes with one sentence saying what it is, from 0 to 1."""
    app = trackerkit.explore(trackers)
    app.explorer.select("Escalation Request")
    assert "0 = nothing in common, 1 = same vocabulary" in app.explorer.neighbours_html.value
    assert "from 0 (nothing in common) to 1 (the same once normalized)" in app.explorer.shared_html.value
    assert "(similarity 0.46)" in app.explorer.neighbour.label  # the dropdown names its number too
    app.explorer.compare_button.click()
    assert "from 0 (nothing in common) to 1 (the same once normalized)" in app.compare.note.value
    app.show("Similarity")
    assert "0 = nothing in common, 1 = same vocabulary" in app.similarity.pairs_html.value
    assert app.similarity.threshold.description == "Similarity at least"
    app.match.text.value = "the invoice looks wrong"
    assert "0 = nothing in common, 1 = the same character n-grams" in app.match.results_html.value
    assert app.match.threshold.description == "By meaning from"
    app.close()


def test_the_app_computes_the_similarity_tab_once_and_off_the_first_view(trackers, monkeypatch):
    import trackerkit.widgets.similarity

    calls = []
    real = trackerkit.widgets.similarity.similarity_matrix

    def counting(trackers, **kwargs):
        calls.append((id(trackers), kwargs.get("analyzer")))  # other tests' apps may still compute
        return real(trackers, **kwargs)

    monkeypatch.setattr(trackerkit.widgets.similarity, "similarity_matrix", counting)
    app = trackerkit.explore(trackers)
    sim = app.similarity
    assert sim._shown is None and sim.pairs_html.value == ""  # nothing shown before the tab opens
    assert "computed when this tab opens" in sim.status.value
    app.show("Similarity")  # waits for the background thread only if it is still on this analyzer
    assert sim._shown is not None and "pairs with character similarity" in sim.pairs_html.value
    assert is_png(sim.heatmap.value)
    assert app.wait(timeout=60)
    assert app.match._replayer is not None  # fitted in the background too
    sim.analyzer.value = "word"
    assert "pairs with word similarity" in sim.pairs_html.value
    mine = sorted(analyzer for key, analyzer in calls if key == id(sim.trackers))
    assert mine == ["char_wb", "word"]  # each analyzer once, whichever thread got to it
    app.close()


# --------------------------------------------------------------------------- Symbl's largest account


@pytest.fixture(scope="module")
def large():
    """500 trackers x 50 phrases (Symbl's limits), synthesized from the sample (tests/browser/accounts.py)."""
    from tests.browser.accounts import large_account

    return large_account()


@pytest.fixture(scope="module")
def large_app(large):
    app = trackerkit.explore(large)
    yield app
    app.close()


def test_the_large_account_is_symbls_largest(large):
    from tests.browser.accounts import large_account_records
    from trackerkit.constants import MAX_PHRASES, MAX_TRACKERS

    assert len(large) == MAX_TRACKERS and (large["n_phrases"] == MAX_PHRASES).all()
    assert large["tracker_id"].is_unique and large["name"].is_unique
    assert large_account_records() == large_account_records()  # deterministic


def test_the_app_on_500_trackers_explores_one(large_app, large):
    from tests.browser.accounts import SHARED

    app = large_app
    assert "500 trackers, 25000 phrases" in app.header.value
    assert len(app.explorer.picker.options) == 500
    name = large["name"].iloc[3 + 48 * 4]  # a variant of the sample's "Escalation Request"
    app.explorer.picker.text = name
    assert app.explorer.name == name
    assert len(app.explorer.table) == 50
    assert "Vocabulary: 50 phrases" in app.explorer.vocabulary_html.value
    # its closest neighbours are the other variants of the same sample tracker
    neighbours = app.explorer.neighbours
    assert len(neighbours) == 5 and neighbours["score"].is_monotonic_decreasing
    assert all(n.startswith("Escalation Request ") for n in neighbours["tracker"])
    shared = int((app.explorer.shared["status"] == "shared").sum())
    assert shared >= SHARED  # at least the phrases all variants share
    assert set(app.explorer.findings["tracker_id"]) == {app.explorer.selected}
    app.explorer.compare_button.click()
    assert app.tabs.selected_index == 1 and app.compare.comparison.counts()["shared"] == shared


def test_the_app_on_500_trackers_lists_the_most_similar_pairs(large_app):
    from trackerkit.widgets.similarity import MAX_PAIRS

    sim = large_app.similarity
    large_app.show("Similarity")
    n = len(sim.pairs)
    assert n > MAX_PAIRS
    assert (
        f"{n} pairs with character similarity ≥ 0.25 (the {MAX_PAIRS} most similar shown)"
        in sim.pairs_html.value
    )
    assert sim.pairs_html.value.count("<tr>") == MAX_PAIRS + 1  # the header and the rows shown
    assert sim.pairs["similarity"].is_monotonic_decreasing
    assert is_png(sim.heatmap.value)
    sim.threshold.value = 0.6
    assert len(sim.pairs) < n and (sim.pairs["similarity"] >= 0.6).all()


def test_the_app_on_500_trackers_previews_a_sentence(large_app, large):
    match = large_app.match
    tracker = large.iloc[377]
    coded = [p for p in tracker["vocabulary"] if p.endswith(" " + tracker["name"].rsplit(" ", 1)[1])]
    assert coded
    sentence = f"well, {coded[0]}, as I said"
    match.text.value = sentence
    literal = match.triggers[match.triggers["match"] == "literal"]
    assert tracker["tracker_id"] in set(literal["tracker_id"])
    row = literal[literal["tracker_id"] == tracker["tracker_id"]].iloc[0]
    assert row["offset"] == 6 and row["value"] == coded[0]
    assert "would trigger" in match.results_html.value
    match.text.value = "asdf"
    assert match.triggers.empty and "triggers no tracker" in match.results_html.value


def test_similarity_by_meaning_is_offered_with_its_own_threshold_and_scale(trackers):
    """The semantic extra is installed here (the test extra has it): the toggle offers "meaning";
    switching to it moves the slider to the meaning threshold and says what the score is; the
    TF-IDF threshold comes back when switching back."""
    from trackerkit.constants import DEFAULT_SEMANTIC_TRACKER_THRESHOLD
    from trackerkit.widgets import SimilarityExplorer
    from trackerkit.widgets.similarity import semantic_available

    assert semantic_available()
    sim = SimilarityExplorer(trackers, threshold=0.3)
    assert [value for _, value in sim.analyzer.options] == ["char_wb", "word", "semantic"]
    assert dict(sim.analyzer.options)["meaning"] == "semantic"
    sim.analyzer.value = "semantic"
    assert sim.threshold.value == DEFAULT_SEMANTIC_TRACKER_THRESHOLD
    assert sim.matrix.analyzer == "semantic"
    assert (sim.pairs["similarity"] >= DEFAULT_SEMANTIC_TRACKER_THRESHOLD).all() and len(sim.pairs)
    assert "mean sentence embeddings" in sim.pairs_html.value and "TF-IDF" not in sim.pairs_html.value
    assert "with meaning similarity ≥ 0.65" in sim.pairs_html.value
    sim.threshold.value = 0.7
    sim.analyzer.value = "word"
    assert sim.threshold.value == 0.3  # the TF-IDF threshold, as left
    sim.analyzer.value = "semantic"
    assert sim.threshold.value == 0.7  # and meaning's
    sim.close()


def test_without_the_semantic_extra_the_toggle_does_not_offer_meaning(trackers, monkeypatch):
    import trackerkit.widgets.similarity as similarity

    monkeypatch.setattr(similarity, "semantic_available", lambda: False)
    sim = similarity.SimilarityExplorer(trackers)
    assert [value for _, value in sim.analyzer.options] == ["char_wb", "word"]
    sim.close()
