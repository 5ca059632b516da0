"""The soak benchmark's 30-second version (tests/bench/bench_soak.py): applicants submitting with
files, staff writing notes and moving organizations, an assessor printing ledgers, on
`serve --workers 2` over SQLite, with one SIGKILL of the whole server in the middle. Every
acknowledged write is there exactly once with its files, nothing answers 5xx, nothing is locked."""

import os
import tempfile

from tests.bench.backends import ROOT
from tests.bench.bench_soak import report, soak


def test_thirty_seconds_of_mixed_work_lose_nothing_even_through_a_kill():
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "INCUBATOR_DATA_DIR": data_dir,
            "INCUBATOR_SECRET_KEY": "s" * 48,
            "INCUBATOR_ENV": "test",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("INCUBATOR_DATABASE_URL", None)
        result = soak(
            env,
            seconds=30,
            applicants=6,
            staff=2,
            assessors=1,
            workers=2,
            job_worker=False,
            kills=1,
            retry_killed=False,  # the 30 s wait for a stale heartbeat: test_jobs covers it
        )
        assert report("SQLite", result), result.problems
        assert len(result.tally.submissions) >= 3
        assert result.tally.notes
