"""Training the pre-score models from synthetic or exported data (showroom-train)."""
