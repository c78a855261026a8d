"""Where repository code runs. ``base`` is the interface; ``local`` runs in virtualenvs on
this machine (one per dependency fingerprint, shared by every PR that has it)."""
