"""Inventory-driven promotion rules."""
