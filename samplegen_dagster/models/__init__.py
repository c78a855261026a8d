"""Boundary models gathered for schema export."""
