"""The code location: one ``Definitions`` object merged from each domain's ``defs`` module.

``dagster dev`` (via ``workspace.yaml``), ``dagster asset materialize -m samplegen_dagster``
and ``dg check defs`` all load this module.

The executor is in-process: each chain is linear (one phase after the other), so
per-step subprocesses would only add start-up time; parallelism comes from running many
partitions at once, bounded by the ``samplegen_sandbox`` pool.
"""

from dagster import Definitions, in_process_executor

from samplegen_dagster.defs.ideas.definitions import defs as ideas_defs
from samplegen_dagster.defs.repositories.definitions import defs as repositories_defs
from samplegen_dagster.defs.samples.definitions import defs as samples_defs

defs = Definitions.merge(samples_defs, repositories_defs, ideas_defs, Definitions(executor=in_process_executor))
