"""A large language model as a translation engine, through OpenAI's chat completions wire
format (`POST {base_url}/chat/completions`), which OpenAI, DeepSeek, Qwen (DashScope's
compatible mode) and local servers (llama.cpp, vLLM, Ollama) all speak.

Unlike a translation service, a model is told what it translates: which field of a listing
(a title has a length limit and no room for chatter, a caption is short), for which market,
and that the placeholders standing for glossary terms are copied as they are. Its answer
gets the same treatment as any engine's: a whole-request deadline and a size cap (it is
called inside `ResilientEngine`, like every engine), retries on 429 and 5xx, and the
translation checks (a dropped placeholder is a lost protected term, found by the checks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from config.engines import ENGINES, OPENAI_URL
from config.http import parse_json
from config.i18n import msg
from localize.engines.resilient import KEY_REFUSED, RATE_LIMITED, Refused
from localize.errors import EngineError

if TYPE_CHECKING:
    from localize.engines import Brief, Credentials

_FIELDS = {
    "title": "a product title: at most {limit} characters, plain text, no emoji, no "
    "promotional brackets",
    "description": "one piece of text from a product description (its HTML tags are kept "
    "apart and put back around your answer)",
    "caption": "a short caption drawn on a product image: keep it as short as the original",
}


def instructions(source: str, target: str, brief: Brief | None) -> str:
    """The system message: what the model translates, for whom, and the rules."""
    lines = [
        f"You translate e-commerce listing text from {source} into {target}"
        + (f" for TikTok Shop buyers in {brief.market}." if brief and brief.market else "."),
        "Answer with the translation only: no quotes, notes, explanations or alternatives.",
        "Keep numbers, units, sizes and model numbers exactly as they are.",
        "Copy every token of the form ZXQ0QXZ, ZXQ1QXZ, ... unchanged: each stands for a "
        "brand or term that must not be translated.",
    ]
    if brief and brief.field in _FIELDS:
        limit = brief.limit if brief.limit is not None else "the usual number of"
        lines.append("The text is " + _FIELDS[brief.field].format(limit=limit) + ".")
    return "\n".join(lines)


def completion(body: bytes) -> str:
    """The assistant's text from a chat completions answer; ValueError for anything else
    (not JSON, no choices, a refusal, an answer cut at the model's token limit)."""
    data = parse_json(body)  # bounded in depth: a ValueError, never a RecursionError
    try:
        choice = data["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise ValueError("the answer has no choices[0].message") from None
    if choice.get("finish_reason") == "length":
        raise ValueError("the answer was cut at the model's token limit")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        refusal = message.get("refusal") if isinstance(message, dict) else None
        raise ValueError(f"the model refused: {str(refusal)[:200]}" if refusal else "no text")
    return _unwrapped(content.strip())


def _unwrapped(text: str) -> str:
    """The text without the code fence or the one pair of quotes a model may put round it."""
    if text.startswith("```") and text.endswith("```") and len(text) > 6:
        text = text[3:-3].strip()
        first, _, rest = text.partition("\n")
        if rest and first.isalpha() and len(first) < 12:  # ```text
            text = rest.strip()
    for left, right in ('""', "“”", "「」", "''"):
        if len(text) > 1 and text[0] == left and text[-1] == right and left not in text[1:-1]:
            return text[1:-1].strip()
    return text


@dataclass
class ChatEngine:
    """Translates through a chat completions server running `model`."""

    base_url: str
    model: str
    api_key: str | None = None
    name: str = "openai"
    max_chars: int = ENGINES["openai"].max_chars
    reads_brief = True  # ResilientEngine passes the field, market and limit

    def translate(self, text: str, source: str, target: str, brief: Brief | None = None) -> str:
        """The model's translation of `text` from language `source` to `target` (names)."""
        import requests

        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": instructions(source, target, brief)},
                {"role": "user", "content": text},
            ],
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        response = requests.post(
            self.base_url.rstrip("/") + "/chat/completions",
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers=headers,
            allow_redirects=False,
        )
        status = response.status_code
        if status == 429:
            raise Refused(True, RATE_LIMITED)
        if status >= 500:
            raise Refused(True, msg("server answered HTTP {status}", status=status))
        if status in (401, 403):
            raise Refused(False, KEY_REFUSED)
        if status != 200:
            raise Refused(False, msg("server answered HTTP {status}", status=status))
        return completion(response.content)


def chat_engine(credentials: Credentials) -> ChatEngine:
    """The chat engine at the credentials' url (OpenAI's own without one)."""
    if not credentials.model:
        raise EngineError(
            "openai", msg("needs the model its server runs: [shops.translation] model")
        )
    return ChatEngine(credentials.url or OPENAI_URL, credentials.model, credentials.api_key)
