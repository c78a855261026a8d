"""Phase 3: how to install a repository's tests, and the artifacts that reproduce it.

``detect`` reads the checkout's dependency files into an ``EnvSpec`` (install method,
extras, requirement files, tox deps, build requirements) and its fingerprint; ``render``
writes the sample's portable ``Dockerfile`` and ``run.sh`` from that spec.
"""
