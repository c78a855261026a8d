"""Where pull requests come from.

``base`` defines the ``PullRequest`` model and the ``PRSource`` interface; ``repos_file``
reads the repository list; ``git_history`` finds merged PRs offline from merge and squash
commits; ``mirror`` keeps one cached clone per repository. A GitHub API source plugs in
beside ``git_history`` through the same interface.
"""
