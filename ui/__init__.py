"""PySide6 desk client. Talks to showroom_app.services only."""
