"""URLs as they may be shown: passwords and tokens masked, wherever a URL is printed or
stored as part of an error."""

from __future__ import annotations

import re

MASK = "***"
# Query parameters that carry secrets: password=, access_token=, X-Amz-Signature=, sig=...
_SECRET_PARAMS = re.compile(
    r"(?i)([?&;][\w.-]*(?:password|passwd|pwd|secret|token|signature|sig|credential|key)=)"
    r"[^&#;]*"
)


# How SQLAlchemy reads a database URL's user part: the password runs to the first "@", "/"
# and "?" included, so "postgresql://u:pa/ss@db/x" has the password "pa/ss".
_DATABASE_USER = re.compile(r"^([\w+.-]*://[^:/@]*:)[^@]*@")  # a scheme left out too


def redact(url: str) -> str:
    """The URL with its passwords hidden (user part and query string), for messages and the
    store: database URLs, Apprise URLs, image URLs alike."""
    if not url.lower().startswith(("http://", "https://")):
        url = _DATABASE_USER.sub(rf"\1{MASK}@", url)
    start = url.find("://")
    if start >= 0:
        start += 3
        end = next((i for i in range(start, len(url)) if url[i] in "/?#"), len(url))
        userinfo, at, hostport = url[start:end].rpartition("@")
        if at and ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            url = f"{url[:start]}{user}:{MASK}@{hostport}{url[end:]}"
    return _SECRET_PARAMS.sub(rf"\1{MASK}", url)
