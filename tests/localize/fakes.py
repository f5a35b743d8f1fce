"""A fake translation engine: a real class satisfying TranslationEngine, registered through
the registry, speaking a tiny JSON protocol to a local server and failing the way
deep-translator's engines do (their exceptions), so the same contract applies to it."""

from __future__ import annotations

import requests
from deep_translator import exceptions as dx

from localize.engines import Credentials


class EchoTranslator:
    """POSTs {q, source, target} to `{url}/echo` and reads {"text": ...} back."""

    name = "fake"
    max_chars = 100

    def __init__(self, credentials: Credentials) -> None:
        self.url = f"{(credentials.url or '').rstrip('/')}/echo"

    def translate(self, text: str, source: str, target: str) -> str:
        """The server's answer, or the exception a deep-translator engine would raise."""
        response = requests.post(self.url, json={"q": text, "source": source, "target": target})
        if response.status_code == 429:
            raise dx.TooManyRequests()
        if response.status_code >= 400:
            raise dx.RequestError()
        return str(response.json()["text"])
