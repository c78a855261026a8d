"""Candidate selection: which merged PRs of a repository are worth turning into samples.

* ``models`` — the pydantic models that cross boundaries (``Candidate``, ``SelectionRules``,
  ``Decision``, ``FunnelReport``) and the fixed vocabulary of rejection reasons.
* ``rules`` — pure functions: classify files, decide one candidate (accepted or the first
  failing rule's reason), score accepted ones, build the funnel.
* ``select`` — the only impure part: pulls candidates out of a source (cheap listing data
  first, file lists and commit messages only for PRs that survive the cheap rules).
* ``schemas`` — writes the models' JSON schemas to ``schemas/selection``.

Nothing here imports Dagster; ``defs.repositories`` is the thin Dagster shell around it.
"""
