"""The local OpenID provider that stands in for SPID and CIE in the demo and in the tests.

django-oidc-provider (a real OpenID Connect provider: authorization code flow, ID tokens signed with RS256,
the keys published at ``jwks/``, the userinfo endpoint) mounted at ``/spid-cie-demo/`` when
``OIDC_LOCAL_PROVIDER`` is on; never in production (``settings/production.py`` refuses it). Its people are
:class:`~concilia.citizens.idp.models.LocalIdentity` rows, with their own login page and their own password:
they are not Concilia accounts, and Concilia knows them only through what the provider tells its client.
"""
