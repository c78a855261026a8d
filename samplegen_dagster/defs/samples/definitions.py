"""PR sample pipeline definitions (group ``samples``)."""

from dagster import Definitions

defs = Definitions()
