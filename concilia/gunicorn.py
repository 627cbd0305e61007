"""Gunicorn's settings for Concilia: ``gunicorn -c python:concilia.gunicorn concilia.wsgi:application``.

Access and error logs on the standard output and error, each line through
:class:`concilia.core.logs.RedactSecrets`, so the secrets some addresses carry (booking, survey and
password reset links) never reach a log. Other settings (``--bind``, ``--workers``) on the command line
or in ``GUNICORN_CMD_ARGS``.
"""

accesslog = "-"
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "concilia.core.logs.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(message)s"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact"],
            "formatter": "plain",
        },
        "error": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "filters": ["redact"]},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
