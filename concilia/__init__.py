"""Concilia: platform for the territorial networks for work-life balance."""

from concilia.celery import app as celery_app

__all__ = ["celery_app"]
