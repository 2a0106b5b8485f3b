"""Finance engine: products, payment schedules, APR by IRR, lease structures, limits."""
