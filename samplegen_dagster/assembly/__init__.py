"""Phase 5: the sample directory (``metadata.json`` + files), written atomically; rejection records."""
