"""Phase 1: what the PR is and what kind of repository it lives in."""
