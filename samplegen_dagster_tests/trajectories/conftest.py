"""The accepted demo PRs (1, 2, 5), from the session's single pipeline pass; tests read the samples."""

from __future__ import annotations

import json

import pytest

from samplegen_dagster.demo.textkit import ACCEPTED


@pytest.fixture(scope="session")
def enriched_run(demo_pipeline):
    """The session's single pass of the demo PRs (``samplegen_dagster_tests.conftest.demo_pipeline``)."""
    return demo_pipeline


@pytest.fixture(scope="session")
def samples(enriched_run):
    """number -> (sample dir, metadata dict, ideal dict, failed dict)."""
    settings, _, outcomes = enriched_run
    out = {}
    for n in ACCEPTED:
        key = f"acme__textkit-{n}"
        assert outcomes[key].success, outcomes[key].rejection or outcomes[key].error
        d = settings.samples_dir / key
        out[n] = (
            d,
            json.loads((d / "metadata.json").read_text()),
            json.loads((d / "ideal_trajectory.json").read_text()),
            json.loads((d / "failed_trajectory.json").read_text()),
        )
    return out
