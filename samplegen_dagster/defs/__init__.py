"""Dagster shell: assets, checks, resources, sensors and jobs, one sub-package per domain."""
