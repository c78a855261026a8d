"""Idea pipeline definitions (group ``ideas``): seed -> brainstormed ideas -> refined ideas ->
draft specifications, partitioned by seed (dynamic partitions ``seeds``).

Everything with logic lives in ``samplegen_dagster.ideas`` (no Dagster there); this package
only wires it: ``partitions.py``, ``resources.py`` (``ideas_settings``, ``ideas_generator``),
``assets.py``, ``jobs.py`` (``ideas_job``) and ``sensors.py`` (``ideas_seed_sensor``, stopped by
default).
"""

from dagster import Definitions

from samplegen_dagster.defs.ideas.assets import (
    brainstormed_ideas,
    draft_specs,
    refined_ideas,
)
from samplegen_dagster.defs.ideas.jobs import ideas_job
from samplegen_dagster.defs.ideas.resources import (
    IdeasSettingsResource,
    generator_resource_from_env,
)
from samplegen_dagster.defs.ideas.sensors import ideas_seed_sensor

defs = Definitions(
    assets=[brainstormed_ideas, refined_ideas, draft_specs],
    jobs=[ideas_job],
    sensors=[ideas_seed_sensor],
    resources={
        "ideas_settings": IdeasSettingsResource(),
        "ideas_generator": generator_resource_from_env(),
    },
)
