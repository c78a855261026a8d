"""The OpenAI generator through the real ``openai`` client against a local chat-completions server."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance, materialize

from samplegen_dagster.defs.ideas.assets import brainstormed_ideas
from samplegen_dagster.defs.ideas.resources import IdeaGeneratorResource, IdeasSettingsResource
from samplegen_dagster.ideas.errors import IdeasError
from samplegen_dagster.ideas.generators import OfflineIdeaGenerator, OpenAIIdeaGenerator
from samplegen_dagster_tests.ideas.conftest import PY_SEED, write_seed
from samplegen_dagster_tests.ideas.llm_server import ChatServer, completion, error


@pytest.fixture
def good_ideas(py_seed):
    # A realistic, valid answer: 6 ideas in the format the prompt asks for.
    return OfflineIdeaGenerator().generate(py_seed.model_copy(update={"description": "Varied ideas for the LLM test."}), 6)


def _answer(ideas) -> str:
    return json.dumps({"ideas": [i.model_dump() for i in ideas]})


def _gen(server: ChatServer, **kw) -> OpenAIIdeaGenerator:
    return OpenAIIdeaGenerator(base_url=server.base_url, model="test-model", api_key="sk-test", backoff_s=0.0, **kw)


def test_valid_json_answer(py_seed, good_ideas):
    with ChatServer([(200, completion(_answer(good_ideas)), {})]) as server:
        gen = _gen(server)
        ideas = gen.generate(py_seed, 6)
    assert ideas == good_ideas
    assert len(server.requests) == 1
    req = server.requests[0]
    assert server.paths == ["/v1/chat/completions"] and server.auth == ["Bearer sk-test"]
    assert req["model"] == "test-model" and req["response_format"] == {"type": "json_object"}
    assert "exactly 6" in req["messages"][1]["content"] and '"language": "python"' in req["messages"][1]["content"]
    assert gen.name == "openai:test-model" and gen.attempts == ["attempt 1: 6 valid ideas"]


def test_invalid_json_then_valid_on_retry(py_seed, good_ideas):
    fenced = "```json\n" + _answer(good_ideas) + "\n```"
    with ChatServer([(200, completion("Sure! Here are your ideas: {ideas: [oops"), {}), (200, completion(fenced), {})]) as server:
        gen = _gen(server)
        ideas = gen.generate(py_seed, 6)
    assert ideas == good_ideas
    assert len(server.requests) == 2
    retry_messages = server.requests[1]["messages"]
    assert retry_messages[-2] == {"role": "assistant", "content": "Sure! Here are your ideas: {ideas: [oops"}
    assert "not valid JSON" in retry_messages[-1]["content"]
    assert gen.attempts[0].startswith("attempt 1: invalid output: the answer is not valid JSON")


def test_schema_violations_are_fed_back(py_seed, good_ideas):
    wrong = [good_ideas[0].model_dump() | {"language": "go"}] + [i.model_dump() for i in good_ideas[1:]]
    bad_difficulty = [i.model_dump() | {"difficulty": "trivial"} for i in good_ideas]
    script = [
        (200, completion(json.dumps({"ideas": wrong})), {}),
        (200, completion(json.dumps({"ideas": bad_difficulty})), {}),
        (200, completion(_answer(good_ideas[:3])), {}),
        (200, completion(_answer(good_ideas)), {}),
    ]
    with ChatServer(script) as server:
        ideas = _gen(server).generate(py_seed, 6)
    assert ideas == good_ideas
    feedback = [r["messages"][-1]["content"] for r in server.requests[1:]]
    assert "ideas.0.language is 'go', must be 'python'" in feedback[0]
    assert "field 'ideas.0.difficulty'" in feedback[1]
    assert "expected 6 ideas, got 3" in feedback[2]


def test_429_then_success(py_seed, good_ideas):
    with ChatServer([(*error(429, "slow down")[:2], {"retry-after": "0"}), (200, completion(_answer(good_ideas)), {})]) as server:
        gen = _gen(server)
        ideas = gen.generate(py_seed, 6)
    assert ideas == good_ideas
    assert len(server.requests) == 2
    assert gen.attempts[0] == "attempt 1: HTTP 429; retrying in 0.0s"


def test_persistent_5xx_gives_one_readable_error(py_seed):
    with ChatServer([error(503, "overloaded")] * 3) as server:
        with pytest.raises(IdeasError) as info:
            _gen(server, max_attempts=3).generate(py_seed, 6)
    assert len(server.requests) == 3
    assert str(info.value) == f"LLM endpoint {server.base_url} (model test-model) gave no valid ideas after 3 attempts; last error: HTTP 503"


def test_auth_errors_are_not_retried(py_seed):
    with ChatServer([error(401, "bad key"), error(401, "bad key")]) as server:
        with pytest.raises(IdeasError, match="refused the request: HTTP 401"):
            _gen(server).generate(py_seed, 6)
    assert len(server.requests) == 1


def test_brainstorm_asset_with_the_openai_resource(dirs, good_ideas):
    write_seed(dirs.seeds_dir, PY_SEED)
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("seeds", [PY_SEED["id"]])
    answer = _answer(good_ideas * 3)  # n=2 × multiplier=3 -> 6 ideas; the server sends 18, the first 6 are kept
    with ChatServer([(200, completion(answer), {})]) as server:
        result = materialize(
            [brainstormed_ideas],
            partition_key=PY_SEED["id"],
            instance=instance,
            resources={
                "ideas_settings": IdeasSettingsResource(seeds_dir=str(dirs.seeds_dir), workspace_dir=str(dirs.workspace_dir)),
                "ideas_generator": IdeaGeneratorResource(kind="openai", base_url=server.base_url, model="m", api_key="k", backoff_s=0),
            },
            run_config={"ops": {"brainstormed_ideas": {"config": {"n": 2, "multiplier": 3}}}},
        )
    assert result.success
    md = result.asset_materializations_for_node("brainstormed_ideas")[0].metadata
    assert md["generator"].value == "openai:m" and md["count"].value == 6
    saved = json.loads((dirs.workspace_dir / "ideas" / PY_SEED["id"] / "brainstormed_ideas.json").read_text())
    assert [i["title"] for i in saved["ideas"]] == [i.title for i in good_ideas]
