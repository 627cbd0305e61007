"""Development settings: the embedded default used by ``make run``."""

import os

os.environ.setdefault("DEBUG", "true")
# A development-only key; production.py refuses to start without SECRET_KEY in the environment.
os.environ.setdefault("SECRET_KEY", "dev-insecure-concilia-key-change-me")

# Citizens' login through the local OpenID provider (its demo identities: README); the client's secret is the
# demo's own, never a production one.
os.environ.setdefault("USE_OIDC", "true")
os.environ.setdefault("OIDC_LOCAL_PROVIDER", "true")
os.environ.setdefault("OIDC_RP_CLIENT_ID", "concilia-demo")
os.environ.setdefault("OIDC_RP_CLIENT_SECRET", "demo-only-oidc-client-secret")

from concilia.settings.base import *  # noqa: E402,F403
