"""The replay on Dask (issue 14, item 6): a Dask DataFrame of messages read from partitioned
Parquet, replayed on a real two-worker ``distributed.LocalCluster`` (worker processes, so the
replayer really travels by pickle), gives exactly the in-memory hits."""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

import trackerkit
from trackerkit.analysis._replay import Replayer, replay
from trackerkit.conversation_frames import empty_hits_frame
from trackerkit.conversation_loading import load_conversations
from trackerkit.errors import TrackerDataError

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
            memory_limit="2GiB",
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def trackers():
    return trackerkit.load_trackers("sample")


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    """The sample calls and the AMI meetings, as a folder of 6 Parquet partitions."""
    messages = pd.concat([load_conversations("sample"), load_conversations("ami")], ignore_index=True)
    folder = tmp_path_factory.mktemp("transcripts") / "messages"
    dd.from_pandas(messages, npartitions=6, sort=False).to_parquet(folder, write_index=False)
    return folder, messages


@pytest.mark.parametrize("by_meaning", [False, True])
def test_dask_replay_over_parquet_on_a_cluster_equals_the_in_memory_replay(
    client, trackers, parquet, by_meaning
):
    folder, messages = parquet
    lazy = dd.read_parquet(folder)
    assert lazy.npartitions == 6
    hits = replay(trackers, lazy, by_meaning=by_meaning)
    assert isinstance(hits, dd.DataFrame)
    pd.testing.assert_frame_equal(hits._meta, empty_hits_frame())
    computed = hits.compute().reset_index(drop=True)
    expected = replay(trackers, messages, by_meaning=by_meaning)
    assert len(expected) >= 787  # the 784 literal hits of the sample, and some in the AMI meetings
    pd.testing.assert_frame_equal(computed, expected)


@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
def test_one_replayer_serves_many_partitions_and_the_local_scheduler(trackers, parquet):
    folder, messages = parquet
    replayer = Replayer(trackers, by_meaning=False)
    lazy = dd.read_parquet(folder)
    with_threads = replayer.replay(lazy).compute(scheduler="threads").reset_index(drop=True)
    pd.testing.assert_frame_equal(with_threads, replayer.replay(messages))


def test_a_dask_frame_without_the_message_columns_is_refused(trackers):
    lazy = dd.from_pandas(pd.DataFrame({"conversation_id": ["c"], "body": ["hi"]}), npartitions=1)
    with pytest.raises(TrackerDataError, match=r"missing column.*'message_id'.*Dask"):
        replay(trackers, lazy)
