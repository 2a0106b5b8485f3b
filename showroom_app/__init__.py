"""Showroom Finance Desk: the dealer's desk client for vehicle finance."""

__version__ = "0.1.0"
APP_NAME = "Showroom Finance Desk"
APP_ID = "showroom-finance-desk"
