import pytest

from samplegen_dagster.ids import InvalidIdentifier, instance_id, parse_instance_id, repo_key
from samplegen_dagster.sources.repos_file import ReposFileError, load_repos_file


def test_instance_id_roundtrip():
    assert instance_id("python-humanize/humanize", 87) == "python-humanize__humanize-87"
    assert parse_instance_id("python-humanize__humanize-87") == ("python-humanize/humanize", 87)
    # repository names may contain "__" and "-N"-like parts; the owner never has "_"
    assert parse_instance_id("acme__odd__name-v2-5") == ("acme/odd__name-v2", 5)
    assert repo_key("a/b.c") == "a__b.c"


@pytest.mark.parametrize("bad", ["nokey", "acme__textkit", "acme__textkit-x", "__x-1", "acme/textkit-1"])
def test_bad_instance_ids(bad):
    with pytest.raises(InvalidIdentifier, match="owner__name-N"):
        parse_instance_id(bad)


def test_repos_file_resolves_relative_paths(tmp_path):
    (tmp_path / "repos").mkdir()
    f = tmp_path / "repos.yaml"
    f.write_text("repositories:\n  - repo: a/b\n    url: ./repos/b.git\n    prs: [3, 1]\n  - repo: c/d\n    url: https://github.com/c/d.git\n")
    repos = load_repos_file(f)
    assert repos.repositories[0].url == str(tmp_path / "repos" / "b.git")
    assert repos.repositories[0].prs == [3, 1]
    assert repos.repositories[1].url == "https://github.com/c/d.git"


@pytest.mark.parametrize(
    "text, message",
    [
        ("repositories:\n  - repo: a/b\n", r"entry 1 \(a/b\): url: Field required"),
        ("repositories:\n  - repo: a/b\n    url: x\n  - repo: nope\n    url: y\n", r"entry 2 \(nope\): repo: repository 'nope' is not of the form owner/name"),
        ("repositories:\n  - repo: a/b\n    url: x\n    prs: [0]\n", r"entry 1 \(a/b\): prs: PR numbers must be positive"),
        ("repositories:\n  - repo: a/b\n    url: x\n    colour: red\n", r"entry 1 \(a/b\): colour: Extra inputs are not permitted"),
        ("repositories:\n  - repo: a/b\n    url: x\n  - repo: a/b\n    url: y\n", r"entry 2 \(a/b\): repository a/b is listed twice"),
        ("repos: []\n", r"expected a mapping with a 'repositories:' list"),
        ("repositories: [\n", r"not valid YAML at line"),
        ("repositories:\n  - just-a-string\n", r"entry 1: expected a mapping"),
    ],
)
def test_malformed_repos_file_gives_one_readable_line(tmp_path, text, message):
    f = tmp_path / "repos.yaml"
    f.write_text(text)
    with pytest.raises(ReposFileError, match=message) as err:
        load_repos_file(f)
    assert "\n" not in str(err.value)
    assert str(f) in str(err.value)


def test_missing_repos_file(tmp_path):
    with pytest.raises(ReposFileError, match="does not exist"):
        load_repos_file(tmp_path / "nope.yaml")
