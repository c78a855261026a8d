"""The idea pipeline's functional core: seed -> brainstormed ideas -> refined ideas -> drafts.

Nothing here imports Dagster; ``samplegen_dagster.defs.ideas`` is the thin shell around it.

* ``models``      pydantic models for everything that crosses a boundary (+ vocabularies)
* ``config``      seeds/workspace locations (``SAMPLEGEN_SEEDS_DIR``, ``SAMPLEGEN_WORKSPACE_DIR``)
* ``seeds``       read, validate and add seed files (one readable error per bad file)
* ``catalog``     the curated scenario/stack/domain catalog (``catalog_*.yaml``)
* ``generators``  offline (catalog, deterministic) and OpenAI-compatible LLM generators
* ``similarity``  pure-Python TF-IDF cosine (near-duplicate threshold 0.8)
* ``refinement``  select the best n with a reason per idea (``refinement_guidelines.md``)
* ``drafts``      task ids, draft_spec.md build/render/parse
* ``registry``    ``registry.jsonl`` (atomic, locked upserts by id; statuses)
* ``workspace``   workspace layout, existing drafts, language mix and category counts
* ``pipeline``    the three phases as functions over the workspace
* ``schemas``     JSON schema export to ``schemas/ideas/``
* ``cli``         ``samplegen seeds add|list``
"""
