"""The code location: one ``Definitions`` object merged from each domain's ``defs`` module.

``dagster dev`` (via ``workspace.yaml``), ``dagster asset materialize -m samplegen_dagster``
and ``dg check defs`` all load this module.

The executor is in-process: each chain is linear (one phase after the other), so
per-step subprocesses would only add start-up time; parallelism comes from running many
partitions at once, bounded by the ``samplegen_sandbox`` pool.
"""

from dagster import Definitions, in_process_executor

# Import the modules, not their `defs`: Dagster refuses a module with several Definitions
# objects at module scope.
from samplegen_dagster.defs.ideas import definitions as ideas
from samplegen_dagster.defs.repositories import definitions as repositories
from samplegen_dagster.defs.samples import definitions as samples

defs = Definitions.merge(samples.defs, repositories.defs, ideas.defs, Definitions(executor=in_process_executor))
