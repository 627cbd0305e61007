"""Production's static files storage: whitenoise's, which knows the theme's three non-files.

design-django-theme's ``bootstrap-italia-base.html`` asks for three static paths outside any block (no
template of ours can override those lines):

- ``css/vendor/owl.carousel.min.css`` and ``js/vendor/owl.carousel.min.js``, inside HTML comments: Bootstrap
  Italia 2 dropped Owl Carousel and the theme ships neither file, but Django runs the tags inside an HTML
  comment all the same;
- ``fonts``, a folder, whose address Bootstrap Italia's font loader completes with the file names.

A manifest storage knows the collected files only, so each raised "Missing staticfiles manifest entry"
and every HTML page answered 500. This storage answers those three with their plain address (the
fonts are served under their own names too) and stays strict for every other name: a template that
links a missing file still fails, in the production test (``portal/tests/test_production.py``).
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

THEME_NON_FILES = frozenset({"css/vendor/owl.carousel.min.css", "js/vendor/owl.carousel.min.js", "fonts"})


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if name in THEME_NON_FILES:
            return name
        return str(super().stored_name(name))
