"""Reference central leasing service (the sandbox for --demo, tests and integrators)."""

__version__ = "0.1.0"
