"""Phase 4: the three-state cycle (pass -> fail -> pass) and its verdict.

``plan`` chooses targets per state, ``commands`` is the exact pytest invocation,
``junit`` parses per-test outcomes from JUnit XML, ``coverage`` summarises coverage JSON,
``verdict`` computes FAIL_TO_PASS / PASS_TO_PASS or a rejection, ``run`` ties them to a
sandbox.
"""
