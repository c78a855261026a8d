"""The code location: one ``Definitions`` object merged from each domain's ``defs`` module.

``dagster dev`` (via ``workspace.yaml``), ``dagster asset materialize -m samplegen_dagster``
and ``dg check defs`` all load this module.
"""

from dagster import Definitions

from samplegen_dagster.defs.ideas.definitions import defs as ideas_defs
from samplegen_dagster.defs.samples.definitions import defs as samples_defs

defs = Definitions.merge(samples_defs, ideas_defs)
