"""Plain dataclasses, enums, value objects and errors. Imports nothing of ours."""
