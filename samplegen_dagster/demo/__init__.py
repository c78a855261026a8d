"""A small realistic package with real git history, built locally for the demo and the tests."""
