"""Settings: ``base`` holds everything; ``dev``, ``test`` and ``production`` adjust it.

Every value that differs between installations comes from the environment (django-environ).
"""
