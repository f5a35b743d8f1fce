"""The TikTok Shop publisher: main images uploaded, then the product edited, through the
Partner API (version 202309), each step recorded so that a resumed run skips it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from config.i18n import msg
from config.runtime import Secrets
from config.settings import Settings, ShopSettings
from localize.publish import PublishError, Steps, Work
from tiktok import PartnerClient, TikTokError, client_for, product_path

UPLOAD = "/product/202309/images/upload"
EDIT = "/product/202309/products/{product_id}/partial_edit"
_CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass
class TikTokPublisher:
    """Publishes approved items to the shop through the Partner API."""

    client: PartnerClient
    shop_cipher: str
    kind: str = "tiktok"

    @classmethod
    def from_settings(
        cls, settings: Settings, shop: ShopSettings, secrets: Secrets
    ) -> TikTokPublisher:
        """The publisher of a shop's `[shops.tiktok]` table."""
        client = client_for(settings, shop, secrets, 'add one to publish with kind = "tiktok"')
        assert shop.tiktok is not None
        return cls(client, shop.tiktok.shop_cipher)

    def publish(self, work: Work, steps: Steps) -> str:
        """Upload each main image not uploaded yet, then send the product edit."""
        path = self._call(lambda: product_path(EDIT, work.product_id))  # before any upload
        uris = [self._uploaded(image, n, steps) for n, image in enumerate(work.images, 1)]
        step = f"edit:{work.product_id}"
        if steps.done(step) is None:
            # A nested object is sent whole (an omitted field would be blanked): the
            # main images go complete, in order.
            body: dict[str, Any] = {
                "title": work.title,
                "description": work.description,
                "main_images": [{"uri": uri} for uri in uris],
            }
            self._call(lambda: self.client.post(path, self._params(), body))
            steps.record(step, work.product_id)
        return work.product_id

    def _uploaded(self, image: Any, n: int, steps: Steps) -> str:
        data = image.read_bytes()
        step = f"image:{n}:{hashlib.sha256(data).hexdigest()[:16]}"
        uri = steps.done(step)
        if uri:
            return uri
        files = {
            "data": (image.name, data, _CONTENT_TYPES.get(image.suffix.lower(), "image/jpeg")),
            "use_case": (None, b"MAIN_IMAGE", "text/plain"),
        }
        answer = self._call(lambda: self.client.post_multipart(UPLOAD, self._params(), files))
        uri = answer.get("uri")
        if not isinstance(uri, str) or not uri:
            raise PublishError(
                msg("image upload of {name}: the answer carries no uri", name=image.name)
            )
        steps.record(step, uri)
        return uri

    def _params(self) -> dict[str, str]:
        return {"shop_cipher": self.shop_cipher}

    @staticmethod
    def _call(request: Any) -> Any:
        try:
            return request()
        except TikTokError as exc:
            raise PublishError(exc.text) from None
