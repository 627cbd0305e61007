"""The allocation engine: eligibility, points, rankings, places and vouchers.

Pure Python: this package imports nothing from Django (a test enforces it), takes plain data and
returns plain data, so it can be property-tested and benchmarked alone. The Django side loads the
data, calls these functions and stores the result.
"""
