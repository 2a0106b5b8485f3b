"""Logging: a rotating file in the data folder, scrubbed of personal data."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from showroom_app.domain.masking import scrub

LOG_FILENAME = "showroom.log"


class ScrubbingFormatter(logging.Formatter):
    """Masks ID-, phone- and card-shaped numbers in the final text, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def setup_logging(log_dir: Path, console_level: int = logging.WARNING) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / LOG_FILENAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_showroom", False):
            root.removeHandler(handler)
            handler.close()
    fmt = ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(fmt)
    file_handler._showroom = True  # type: ignore[attr-defined]
    console = logging.StreamHandler()
    console.setLevel(console_level)
    console.setFormatter(ScrubbingFormatter("%(levelname)s: %(message)s"))
    console._showroom = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    root.addHandler(console)
    root.setLevel(logging.INFO)
    return path
