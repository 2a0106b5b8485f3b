"""Report queries returning plain tables."""
