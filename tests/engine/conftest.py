"""Engine tests: pure numpy/polars, no Django settings, no database."""

from hypothesis import settings

settings.register_profile("engine", max_examples=40, deadline=None)
settings.load_profile("engine")
