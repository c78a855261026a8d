"""metadata.json enrichment: the seven sections, computed from the phases' facts and the executed trajectories.

``models`` the sections, ``symbols`` AST-aware changed symbols, ``sources`` real before/after
source from the mirror, ``enrich`` all sections, ``validate`` a sample directory check.
"""
