"""Approved images onto an S3-compatible bucket (AWS S3, Aliyun OSS, Tencent COS, MinIO),
once: an object is named by the sha256 of its bytes, so an image already there (a re-run,
the same photo in two listings) is found by a HEAD and never sent again."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from config.i18n import Msg, msg
from config.runtime import Secrets
from config.settings import ImageHostSettings
from localize.publish import PublishError

# TikTok Shop refuses product images above 5 MB; refused here before anything is sent.
MAX_BYTES = 5 * 1024 * 1024
ATTEMPTS = 2  # one retry of a throttled or failed request, within the deadline


@dataclass
class ImageHost:
    """One bucket, reached with boto3 under a bounded deadline; counts what it sent."""

    settings: ImageHostSettings
    access_key: str
    secret_key: str
    max_bytes: int = MAX_BYTES
    uploaded: list[str] = field(default_factory=list)  # object names PUT by this host
    found: list[str] = field(default_factory=list)  # already there: not sent again
    # Why the host could not be reached: every later image fails at once with it rather
    # than each waiting out its own deadline.
    unreachable: Msg | None = None
    _client: Any = None

    @classmethod
    def from_settings(cls, settings: ImageHostSettings, secrets: Secrets) -> ImageHost:
        """The shop's bucket, its credentials read from the variables the config names."""
        where = "[shops.publish.image_host]"
        return cls(
            settings,
            secrets.require(settings.access_key_env, where),
            secrets.require(settings.secret_key_env, where),
        )

    def url(self, path: Path) -> str:
        """Upload `path` unless the bucket has it; the URL it is fetched from."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PublishError(
                msg("image {path}: {problem}", path=str(path), problem=exc.strerror or str(exc))
            ) from None
        if len(data) > self.max_bytes:
            raise PublishError(
                msg(
                    "image {path} is {size:.1f} MB; TikTok Shop takes at most {most:.0f} MB per "
                    "image: save it smaller (JPEG quality 85, or fewer pixels) and publish "
                    "again; nothing was uploaded",
                    path=str(path),
                    size=len(data) / 1024 / 1024,
                    most=self.max_bytes / 1024 / 1024,
                )
            )
        if self.unreachable:
            raise PublishError(
                msg("{problem} (not tried again in this run)", problem=self.unreachable)
            )
        suffix = (path.suffix.lower() or ".jpg").replace(".jpeg", ".jpg")
        key = f"{self.settings.prefix}{hashlib.sha256(data).hexdigest()}{suffix}"
        if self._exists(key):
            self.found.append(key)
        else:
            self._put(key, data, mimetypes.guess_type(f"x{suffix}")[0] or "image/jpeg")
            self.uploaded.append(key)
        return self.address(key)

    def address(self, key: str) -> str:
        """The URL the object `key` is fetched from."""
        name = quote(key)
        s = self.settings
        if s.public_url:
            return f"{s.public_url.rstrip('/')}/{name}"
        parts = urlsplit(s.endpoint)
        if s.addressing == "path":
            return f"{parts.scheme}://{parts.netloc}/{s.bucket}/{name}"
        return f"{parts.scheme}://{s.bucket}.{parts.netloc}/{name}"

    def client(self) -> Any:
        """The boto3 S3 client: timeouts and attempts bounded so that one request, retries
        included, ends within the configured `timeout`."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            budget = self.settings.timeout / ATTEMPTS
            self._client = boto3.client(
                "s3",
                endpoint_url=self.settings.endpoint,
                region_name=self.settings.region,
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                config=Config(
                    connect_timeout=min(5.0, budget / 3),
                    read_timeout=budget - min(5.0, budget / 3),
                    retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
                    signature_version="s3v4",
                    s3={"addressing_style": self.settings.addressing},
                    # OSS and COS refuse the CRC checksums boto3 sends by default since 1.36.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                ),
            )
        return self._client

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().head_object(Bucket=self.settings.bucket, Key=key)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                return False
            raise PublishError(self._refused("look for", key, exc)) from None
        except BotoCoreError as exc:
            self.unreachable = self._refused("look for", key, exc)
            raise PublishError(self.unreachable) from None
        return True

    def _put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client().put_object(
                Bucket=self.settings.bucket, Key=key, Body=data, ContentType=content_type
            )
        except (BotoCoreError, ClientError) as exc:
            raise PublishError(self._refused("upload", key, exc)) from None

    def _refused(self, verb: str, key: str, exc: Exception) -> Msg:
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            why = f"{error.get('Code', '?')}: {error.get('Message', '')}".strip(": ")
        else:
            why = str(exc)
        said = dict(
            host=self.settings.endpoint,
            bucket=self.settings.bucket,
            key=key,
            why=why[:300],
            access=self.settings.access_key_env,
            secret=self.settings.secret_key_env,
        )
        if verb == "upload":  # each verb a sentence of its own: languages order them apart
            return msg(
                "image host {host} (bucket {bucket!r}) could not upload {key}: {why}; check "
                "the bucket, region and the credentials in ${access} / ${secret}",
                **said,
            )
        return msg(
            "image host {host} (bucket {bucket!r}) could not look for {key}: {why}; check "
            "the bucket, region and the credentials in ${access} / ${secret}",
            **said,
        )
