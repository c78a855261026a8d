"""Per-repository candidate selection (group ``repositories``), partitioned by ``owner__name``."""
