"""A thin async client for the Zalo Bot Platform API (`{root}/bot{token}/{method}`), over httpx.

Why not a library: python-zalo-bot (0.1.9, MIT) is a python-telegram-bot fork that maps errors
by HTTP status (so a bad token, answered 200 with ok:false, passes as success), wraps webhook
calls in asyncio.run (unusable inside our event loop), pins httpx below 0.29 and ships
placeholder metadata; zalobot-python (0.2.4, MIT) needs Python 3.14, pulls in requests and
has no sendPhoto or sendChatAction yet; zalo-bot-mcp is an MCP bridge, pyzalo a hundred
synchronous lines; zalo-sdk and the older SDKs cover the OA API, not the Bot Platform. The API
is seven JSON methods with one envelope, and httpx already comes with python-telegram-bot, so
this module owns the quirks instead: `ok` decides, not the HTTP status; an idle poll is a 408;
getUpdates has no offset and returns one update; the token is part of every URL, so URLs are
redacted in exceptions and in httpx's own log lines.

sendPhoto takes a public URL only: the Bot API has no upload and no getFile, so a chart must be
served from a URL Zalo can fetch (other Zalo bots host it briefly on their webhook server).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx
from pydantic import SecretStr

__all__ = [
    "DEFAULT_ROOT",
    "MAX_TEXT",
    "SECRET_HEADER",
    "WebhookInfo",
    "ZaloApiError",
    "ZaloBot",
    "ZaloBotApi",
    "ZaloError",
    "ZaloForbidden",
    "ZaloIdle",
    "ZaloNetworkError",
    "ZaloRateLimited",
    "ZaloSent",
    "ZaloUnauthorized",
    "ZaloUpdate",
    "check_secret",
    "parse_update",
    "read_webhook",
    "redact",
]

DEFAULT_ROOT = "https://bot-api.zaloplatforms.com"
MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"

log = logging.getLogger(__name__)

# The token sits between "/bot" and the method name: hide it wherever a URL is printed.
_TOKEN_IN_URL = re.compile(r"(/bot)[^/\s\"']+(?=/)")


def redact(text: str, token: str | None = None) -> str:
    """`text` with any bot token in a URL (and `token` itself, anywhere) replaced by "<token>"."""
    text = _TOKEN_IN_URL.sub(r"\1<token>", text)
    if token:
        text = text.replace(token, "<token>")
    return text


class _RedactUrls(logging.Filter):
    """Rewrites httpx's "HTTP Request: POST https://…/bot<TOKEN>/…" lines before they are written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: logging reports it itself
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_HTTPX_FILTER = _RedactUrls()


# --------------------------------------------------------------------------- errors


class ZaloError(Exception):
    """Any failure talking to the Zalo Bot API; the text never holds the token."""


class ZaloNetworkError(ZaloError):
    """The request did not get an answer (connection refused, timeout, broken response)."""


class ZaloApiError(ZaloError):
    """The API answered ok:false (or a non-JSON error page); `error_code` and `description`."""

    def __init__(self, method: str, error_code: int | None, description: str) -> None:
        super().__init__(f"{method}: {error_code} {description}".strip())
        self.method = method
        self.error_code = error_code
        self.description = description


class ZaloUnauthorized(ZaloApiError):
    """A bad or reset token (Zalo answers HTTP 200 with ok:false, error_code 401)."""


class ZaloForbidden(ZaloApiError):
    """403: Zalo's label is "internal server error"; the chat or the call is not allowed."""


class ZaloIdle(ZaloApiError):
    """408 on getUpdates: nothing arrived within the poll timeout. Not a failure."""


class ZaloRateLimited(ZaloApiError):
    """429: Zalo publishes no per-second rate, so this means the plan's message quota is spent.

    `retry_after` is set only if the answer names a wait; without one the quota is exhausted
    (`quota_exhausted`) and sends fail until the month turns or the plan changes.
    """

    def __init__(
        self, method: str, error_code: int | None, description: str, retry_after: float | None
    ) -> None:
        super().__init__(method, error_code, description)
        self.retry_after = retry_after

    @property
    def quota_exhausted(self) -> bool:
        """True when no wait was named: the monthly quota, not a short burst limit."""
        return self.retry_after is None


_ERRORS: dict[int, type[ZaloApiError]] = {
    401: ZaloUnauthorized,
    403: ZaloForbidden,
    408: ZaloIdle,
}


def _error(method: str, code: int | None, description: str, body: Mapping[str, Any]) -> ZaloError:
    if code == 429:
        parameters = body.get("parameters")
        wait = parameters.get("retry_after") if isinstance(parameters, Mapping) else None
        retry_after = float(wait) if isinstance(wait, int | float) and wait > 0 else None
        return ZaloRateLimited(method, code, description, retry_after)
    return _ERRORS.get(code or 0, ZaloApiError)(method, code, description)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ZaloBot:
    """getMe: the bot's own account."""

    id: str
    account_name: str
    account_type: str
    can_join_groups: bool


@dataclass(frozen=True)
class ZaloSent:
    """sendMessage / sendPhoto: the id and time of the message sent."""

    message_id: str
    date: datetime | None


@dataclass(frozen=True)
class WebhookInfo:
    """setWebhook / getWebhookInfo; `verification` is Zalo's probe of the URL, if reported."""

    url: str
    updated_at: datetime | None
    verification: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ZaloUpdate:
    """One incoming event, as the handlers' transport needs it."""

    event: str
    message_id: str
    chat_id: str
    user_id: str
    display_name: str
    text: str
    date: datetime | None
    is_echo: bool
    group: bool = False
    photo_url: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What de-duplication goes by: Zalo may deliver the same message twice."""
        return self.event, self.message_id


def _datetime(value: object) -> datetime | None:
    """Zalo times are milliseconds since the epoch; seconds are accepted too."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    seconds = value / 1000 if value > 100_000_000_000 else value
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _str(value: object) -> str:
    """An id or text as a string; numbers are accepted, everything else is empty."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    return ""


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_update(payload: object, bot_id: str | None = None) -> ZaloUpdate | None:
    """The update in `payload` (wrapped in {ok, result} or flat), or None if there is none.

    Never raises: a verification probe, an unknown shape or a message without ids gives None.
    `bot_id` (getMe's id) marks the bot's own messages coming back as echoes.
    """
    body = _dict(payload)
    if isinstance(body.get("result"), Mapping):
        body = body["result"]
    event = _str(body.get("event_name"))
    message = _dict(body.get("message"))
    sender = _dict(message.get("from"))
    chat = _dict(message.get("chat"))
    message_id = _str(message.get("message_id"))
    user_id = _str(sender.get("id"))
    chat_id = _str(chat.get("id")) or user_id
    if not (event and message_id and chat_id):
        return None
    photo = message.get("photo_url") or message.get("photo")
    text = message.get("text") if event == TEXT else message.get("caption")
    return ZaloUpdate(
        event=event,
        message_id=message_id,
        chat_id=chat_id,
        user_id=user_id,
        display_name=_str(sender.get("display_name")) or _str(sender.get("name")),
        text=text if isinstance(text, str) else "",
        date=_datetime(message.get("date")),
        is_echo=sender.get("is_bot") is True or (bool(bot_id) and user_id == bot_id),
        group=_str(chat.get("chat_type")).upper() == "GROUP",
        photo_url=photo.strip() if isinstance(photo, str) and photo.strip() else None,
    )


def check_secret(supplied: str | None, secret: str) -> bool:
    """Whether a webhook request's secret header matches, compared in constant time."""
    if not supplied or not secret:
        return False
    return hmac.compare_digest(supplied.encode(), secret.encode())


def read_webhook(
    headers: Mapping[str, str], body: bytes | str, secret: str, bot_id: str | None = None
) -> ZaloUpdate | None:
    """The update of a webhook request, after checking its secret header.

    Raises ZaloForbidden when the secret is wrong (answer 403); returns None for a body that
    holds no usable update (answer 200 all the same: Zalo's probe sends one of those).
    """
    supplied = next((v for k, v in headers.items() if k.lower() == SECRET_HEADER.lower()), None)
    if not check_secret(supplied, secret):
        raise ZaloForbidden("webhook", 403, "secret token mismatch")
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return parse_update(payload, bot_id)


# --------------------------------------------------------------------------- client


class ZaloBotApi:
    """The Bot API methods dondoc uses; one instance per token.

    `root` is the server root (the bot calls `{root}/bot{token}/{method}`); `client` may be
    given (tests, shared pools), else one is made and closed by `aclose()`.
    """

    def __init__(
        self,
        token: str | SecretStr,
        *,
        root: str = DEFAULT_ROOT,
        client: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._token = token.get_secret_value() if isinstance(token, SecretStr) else token
        if not self._token:
            raise ValueError("the Zalo bot token is empty")
        self._base = f"{root.rstrip('/')}/bot{self._token}"
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._timeout = timeout
        self.bot_id: str | None = None
        httpx_log = logging.getLogger("httpx")
        if _HTTPX_FILTER not in httpx_log.filters:
            httpx_log.addFilter(_HTTPX_FILTER)

    def __repr__(self) -> str:
        return f"ZaloBotApi({redact(self._base, self._token)!r})"

    async def __aenter__(self) -> ZaloBotApi:
        """`async with ZaloBotApi(token) as api:` closes the HTTP client at the end."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the HTTP client if this instance made it."""
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this instance made it."""
        if self._own_client:
            await self._client.aclose()

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        http_timeout: float | None = None,
    ) -> Any:
        """POST `params` as JSON to `method` and return `result`; ok:false raises a ZaloApiError."""
        try:
            response = await self._client.post(
                f"{self._base}/{method}",
                json=dict(params or {}),
                timeout=http_timeout if http_timeout is not None else self._timeout,
            )
        except httpx.HTTPError as exc:
            # `from None`: httpx's exception carries the request, and so the URL with the token.
            detail = redact(str(exc) or type(exc).__name__, self._token)
            raise ZaloNetworkError(f"{method}: {detail}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, Mapping):
            if response.is_success:
                raise ZaloApiError(method, None, "the answer is not a JSON object")
            raise ZaloApiError(method, response.status_code, response.reason_phrase or "error")
        if body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        code = code if isinstance(code, int) and not isinstance(code, bool) else None
        if code is None and not response.is_success:
            code = response.status_code
        description = redact(str(body.get("description") or "unknown error"), self._token)
        raise _error(method, code, description, body)

    async def get_me(self) -> ZaloBot:
        """The bot's account; also remembers its id to recognise the bot's own echoes."""
        result = _dict(await self.call("getMe"))
        bot = ZaloBot(
            id=_str(result.get("id")),
            account_name=_str(result.get("account_name")),
            account_type=_str(result.get("account_type")),
            can_join_groups=result.get("can_join_groups") is True,
        )
        self.bot_id = bot.id or None
        return bot

    async def get_updates(
        self,
        timeout: float = 30,  # noqa: ASYNC109 - Zalo's own parameter: how long the server waits
    ) -> ZaloUpdate | None:
        """Wait up to `timeout` s for the next update; None when idle or when it is unusable.

        Zalo has no offset: an update is gone once returned, so de-duplicate by `key`, drop
        `is_echo`, and run one poller per token.
        """
        seconds = f"{timeout:g}"
        try:
            result = await self.call(
                "getUpdates", {"timeout": seconds}, http_timeout=timeout + max(self._timeout, 10.0)
            )
        except ZaloIdle:
            return None
        update = parse_update(result, self.bot_id)
        if update is None:
            log.warning("Zalo getUpdates returned an update that could not be read")
        return update

    async def send_message(self, chat_id: str, text: str) -> ZaloSent:
        """Send plain text (1–2,000 characters; split longer text before calling)."""
        return _sent(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> ZaloSent:
        """Send the image at a public URL (Zalo fetches it; there is no upload)."""
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return _sent(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" in the chat."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        """Register the HTTPS `url` Zalo POSTs updates to, with the secret header it sends.

        Zalo saves the URL even when its probe fails: read `verification`.
        """
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("the webhook secret must be 8 to 256 characters")
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return _webhook(result)

    async def delete_webhook(self) -> None:
        """Remove the webhook; polling only works without one."""
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> WebhookInfo | None:
        """The registered webhook, or None (Zalo answers 404 when there is none)."""
        try:
            result = await self.call("getWebhookInfo")
        except ZaloApiError as exc:
            if exc.error_code == 404:
                return None
            raise
        info = _webhook(result)
        return info if info.url else None


def _sent(result: object) -> ZaloSent:
    body = _dict(result)
    return ZaloSent(message_id=_str(body.get("message_id")), date=_datetime(body.get("date")))


def _webhook(result: object) -> WebhookInfo:
    body = _dict(result)
    verification = body.get("verification")
    return WebhookInfo(
        url=_str(body.get("url")),
        updated_at=_datetime(body.get("updated_at")),
        verification=verification if isinstance(verification, Mapping) else None,
    )
