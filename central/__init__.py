"""Reference central leasing service (the sandbox for --demo, tests and integrators)."""
