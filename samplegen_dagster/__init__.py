"""samplegen: a Dagster code location that builds training/evaluation data for coding agents.

Two jobs live here, each a chain of partitioned assets:

* ``group:samples`` -- a merged bug-fix PR becomes a validated sample directory
  (``samples/<owner__repo-N>/``), one partition per PR (``pull_requests``).
* ``group:ideas`` -- a seed spec becomes brainstormed ideas, a refined selection and
  ``draft_spec.md`` files, one partition per seed (``seeds``).

Layout: every phase has a pure package that knows nothing of Dagster (``sources``,
``analysis``, ``patches``, ``environment``, ``sandbox``, ``validation``, ``assembly``,
``ideas``); ``defs/<domain>/`` is the thin Dagster shell that calls them.
"""

__version__ = "0.1.0"


# `dagster asset materialize -m samplegen_dagster` looks for a Definitions object in this module.
from samplegen_dagster.definitions import defs  # noqa: E402

__all__ = ["defs", "__version__"]
