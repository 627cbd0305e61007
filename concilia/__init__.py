"""Concilia: platform for the territorial networks for work-life balance.

The Celery app lives in ``concilia.celery`` and is loaded by ``core``'s AppConfig when Django starts,
so that importing a pure sub-package (``concilia.allocation``) never drags Django in.
"""
