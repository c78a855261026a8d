"""The curated catalog and the offline generator: enough distinct scenarios, deterministic output."""

from __future__ import annotations

import pytest

from samplegen_dagster.ideas.catalog import load_catalog
from samplegen_dagster.ideas.generators import OfflineIdeaGenerator
from samplegen_dagster.ideas.models import CATEGORIES, LANGUAGES, Seed, count_sentences, related_categories
from samplegen_dagster_tests.ideas.conftest import PY_SEED


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_and_category_yields_15_distinct_scenarios(language):
    gen = OfflineIdeaGenerator()
    for category in CATEGORIES:
        seed = Seed.model_validate({**PY_SEED, "language": language, "category": category})
        ideas = gen.generate(seed, 15)
        assert len(ideas) == 15
        assert len({i.scenario_type for i in ideas}) == 15, (language, category)
        assert len({i.title for i in ideas}) == 15
        assert all(i.language == language for i in ideas)
        assert all(i.category in related_categories(category) for i in ideas)
        assert all(2 <= count_sentences(i.description) <= 3 for i in ideas)
        assert len({i.domain for i in ideas}) >= 10
        assert not any("{" in i.description or "{" in i.instructions or "{" in i.testing for i in ideas)


def test_catalog_scenarios_are_unique_and_cover_every_category():
    cat = load_catalog()
    keys = [s.key for s in cat.scenarios]
    assert len(keys) == len(set(keys))
    assert {s.category for s in cat.scenarios} == set(CATEGORIES)
    assert set(cat.stacks) == set(LANGUAGES) == set(cat.runtimes)


def test_offline_generator_is_deterministic_per_seed_spec():
    seed = Seed.model_validate(PY_SEED)
    a = OfflineIdeaGenerator().generate(seed, 15)
    assert OfflineIdeaGenerator().generate(seed, 15) == a
    # the id does not matter, the spec does
    assert OfflineIdeaGenerator().generate(seed.model_copy(update={"id": "another"}), 15) == a
    other = OfflineIdeaGenerator().generate(seed.model_copy(update={"description": "A different seed description."}), 15)
    assert other != a


def test_count_beyond_pool_repeats_scenarios_with_new_context():
    seed = Seed.model_validate(PY_SEED)
    ideas = OfflineIdeaGenerator().generate(seed, 40)
    assert len(ideas) == 40
    assert len({(i.scenario_type, i.domain) for i in ideas}) == 40
