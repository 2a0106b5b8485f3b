"""Use cases the UI and the CLI call. Return plain domain objects, never ORM rows."""
