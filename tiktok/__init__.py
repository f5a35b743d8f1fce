"""The TikTok Shop Partner API: request signing and a small client, shared by cadence (video
sync) and localize (publishing). Depends on `config` only."""

from __future__ import annotations

from tiktok.client import (
    BAD_SIGN,
    RETRYABLE_CODES,
    TOKEN_EXPIRED,
    PartnerClient,
    TikTokError,
    client_for,
    product_id_problem,
    product_path,
    sign,
)

__all__ = [
    "BAD_SIGN",
    "RETRYABLE_CODES",
    "TOKEN_EXPIRED",
    "PartnerClient",
    "TikTokError",
    "client_for",
    "product_id_problem",
    "product_path",
    "sign",
]
