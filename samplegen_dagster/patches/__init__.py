"""Phase 2: split a PR's diff into ``tests.patch`` and ``fix.patch``.

``classify`` decides test vs source per path by real rules (path components and file
names, never substrings); ``split`` cuts the raw ``git diff --binary`` into per-file
chunks, classifies each, and checks both patches apply on the base commit in order.
"""
