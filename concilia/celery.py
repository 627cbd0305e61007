"""Celery application. With ``USE_CELERY`` off (the embedded default) tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concilia.settings.dev")

app = Celery("concilia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
