"""Candidate selection definitions (group ``repositories``).

Merge into the code location with ``Definitions.merge(..., repositories_defs)``. The
``samplegen`` resource (``SamplegenSettings``) is shared with the samples pipeline and is
bound there; ``github`` is bound here with the token as an ``EnvVar``.
"""

import os

from dagster import Definitions, EnvVar

from samplegen_dagster.defs.repositories.assets import pr_candidates
from samplegen_dagster.defs.repositories.jobs import candidates_job
from samplegen_dagster.defs.repositories.resources import GitHubResource
from samplegen_dagster.defs.repositories.sensors import repositories_sensor

# EnvVar keeps the token out of the UI and run config. When GITHUB_TOKEN is absent at load
# time it is left unbound, so a run fails with GitHubSource's one-line "GITHUB_TOKEN is not
# set" instead of Dagster's unresolved-EnvVar stack trace (repos that do not need GitHub
# fall back to the offline source anyway).
_token = EnvVar("GITHUB_TOKEN") if os.environ.get("GITHUB_TOKEN") is not None else None

defs = Definitions(
    assets=[pr_candidates],
    jobs=[candidates_job],
    sensors=[repositories_sensor],
    resources={"github": GitHubResource(token=_token)},
)
