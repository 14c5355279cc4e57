"""planscope: keep code changes inside the plan they were written from."""

__version__ = "0.1.0"
