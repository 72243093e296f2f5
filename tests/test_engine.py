"""A real engine: `classify_frame` as the per-partition function of Dask on a local cluster of
two worker processes, giving the rows, order and labels of a single-process run."""
from __future__ import annotations

import pandas as pd
import pytest

from classifier.batch import classify_frame
from test_classify import corpus

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")


def test_classify_frame_runs_on_a_dask_cluster_of_two_processes():
    rows = corpus("test", limit=60)
    frame = pd.DataFrame({"id": [r["id"] for r in rows], "description": [r["text"] for r in rows],
                          "title": [r["title"] for r in rows]})
    frame.loc[7, "description"] = "   "  # a row with an error keeps its place
    expected = classify_frame(frame, "description", "title")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        partitions = dd.from_pandas(frame, npartitions=4)
        found = partitions.map_partitions(classify_frame, "description", "title", meta=expected.head(0)).compute()
        hosts = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(hosts) == 2
    assert found["id"].tolist() == frame["id"].tolist()
    assert found["label"].tolist() == expected["label"].tolist()
    assert found["error"].tolist() == expected["error"].tolist() and expected["error"][7]
    # Dask stores text as pyarrow strings: same values, another string dtype
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
