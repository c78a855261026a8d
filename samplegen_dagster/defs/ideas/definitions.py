"""Idea pipeline definitions (group ``ideas``)."""

from dagster import Definitions

defs = Definitions()
