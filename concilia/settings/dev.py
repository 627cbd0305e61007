"""Development settings: the embedded default used by ``make run``."""

import os

os.environ.setdefault("DEBUG", "true")
# A development-only key; production.py refuses to start without SECRET_KEY in the environment.
os.environ.setdefault("SECRET_KEY", "dev-insecure-concilia-key-change-me")

from concilia.settings.base import *  # noqa: E402,F403
