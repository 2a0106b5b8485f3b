"""Pre-score: features, LightGBM boosters, reasons, policy rules."""
