"""Executed trajectories (ATIF): the ideal and a failed run of each sample, every step run in a sandbox session.

``atif`` the format's models, ``edits`` a patch as edit units, ``execute`` the two
trajectories against a ``SandboxSession``, ``run`` the phase entry point (checkout +
session), ``models`` inputs/outputs and the failure-mode taxonomy, ``schemas`` export.
"""
