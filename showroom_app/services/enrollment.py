"""Enrolling this desk with central, and keeping its tokens sealed in the local store."""

from __future__ import annotations

import json
import logging
import platform
from dataclasses import asdict

from local_store import repositories as repo
from local_store.db import Store
from sync.client import CentralClient, Tokens

log = logging.getLogger(__name__)

_TOKENS = "central_tokens"


def load_tokens(store: Store) -> Tokens | None:
    with store.read() as s:
        raw = repo.get_secret(s, store.cipher, _TOKENS)
    return None if raw is None else Tokens(**json.loads(raw))


def save_tokens(store: Store, tokens: Tokens) -> None:
    """Called on enrollment and on every token rotation: a rotated refresh token that is
    not saved would lock the desk out at the next start."""
    with store.transaction() as s:
        repo.set_secret(s, store.cipher, _TOKENS, json.dumps(asdict(tokens)))


def client_for(store: Store, central_url: str) -> CentralClient:
    return CentralClient(central_url, tokens=load_tokens(store),
                         on_tokens=lambda t: save_tokens(store, t))


def enroll(store: Store, central_url: str, dealer_code: str, activation_code: str,
           device_name: str | None = None) -> Tokens:
    client = CentralClient(central_url, on_tokens=lambda t: save_tokens(store, t))
    try:
        tokens = client.enroll(dealer_code.strip().upper(), activation_code.strip(),
                               device_name or platform.node() or "desk")
    finally:
        client.close()
    log.info("enrolled with %s as device %s of dealer %s", central_url, tokens.device_id,
             tokens.dealer_code)
    return tokens
