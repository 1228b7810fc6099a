"""A fake Zalo Bot Platform API server (aiohttp on 127.0.0.1) for end-to-end tests.

The client under test talks to it over HTTP::

    async with FakeZalo(max_poll=0.2) as fake:
        api = ZaloBotApi(fake.token, root=fake.url)
        fake.add_text("u1", "/nhiemvu")
        update = await api.get_updates(timeout=1)

Tests inject updates (``add_text``, ``add_image``, ``add_sticker``, ``add_unsupported``,
``duplicate``, ``add_echo``), push webhook requests (``post_webhook``), wait for the bot's
answers (``wait_for_messages``) and inspect what was sent (``sent``, ``calls``).

Behaviour that mirrors the real server, as far as it is known (see docs/zalo.md):

* ``/bot{token}/{method}`` with GET or POST, parameters by query, JSON or form; method names are
  case-sensitive (an unknown one answers 404);
* a wrong token answers **HTTP 200** with ``{"ok": false, "error_code": 401}``;
* ``getUpdates`` returns **one** update per call, wrapped as ``{"ok": true, "result": {...}}``;
  it has no offset, and a returned update is gone (no redelivery); when nothing arrives within
  ``timeout`` seconds (capped by ``max_poll``) it answers HTTP 408 ``ok: false``;
* while a webhook is set, ``getUpdates`` delivers nothing and only ever answers that 408, the
  silent stop other bots ran into; queued updates wait for ``deleteWebhook``;
* ``sendMessage`` text must be 1–2,000 characters (counted in UTF-16 units, the stricter of the
  two possible counts), ``sendPhoto`` takes a URL only (no upload) and a caption up to 2,000;
* ``quota`` (None: unlimited) counts the sends left; at 0 every send answers HTTP 429
  "Quota exceeded", as when the free plan's monthly messages are spent;
* ``setWebhook`` needs ``url`` and an 8–256 character ``secret_token``; it saves the URL even
  when the probe would fail (a non-HTTPS URL reports ``webhook.err.blocked``);
  ``getWebhookInfo`` answers 404 when none is set; ``deleteWebhook`` returns ``url: ""``;
* with ``echo_sends`` the bot's own sends come back as updates with ``from.is_bot``.

Not modelled: groups beyond ``chat_type``, stickers sent by the bot, voice, testWebhook, and
the exact wording of Zalo's error descriptions (not documented).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import secrets
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
from aiohttp import web

__all__ = ["FakeZalo", "ZaloSentMessage", "http_client"]

JSONDict = dict[str, Any]

_LOGGER = logging.getLogger(__name__)

MAX_TEXT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
_QUOTA_EXCEEDED = "Quota exceeded"


@dataclass
class ZaloSentMessage:
    """One message the bot sent (sendMessage or sendPhoto)."""

    chat_id: str
    text: str
    message_id: str
    method: str = "sendMessage"
    photo: str | None = None


@dataclass
class _Failure:
    status: int
    error_code: int
    description: str
    raw_body: str | None
    remaining: int


class _ApiError(Exception):
    def __init__(self, status: int, description: str, error_code: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.error_code = status if error_code is None else error_code
        self.description = description


# Loading the CA bundle costs ~0.1 s per httpx client; tests share one context.
_TLS = ssl.create_default_context()


def http_client(**kwargs: Any) -> httpx.AsyncClient:
    """An httpx client for tests, quick to make (it shares one TLS context)."""
    return httpx.AsyncClient(verify=_TLS, **kwargs)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _now_ms() -> int:
    return int(time.time() * 1000)


def _message_id() -> str:
    return secrets.token_hex(10)


class FakeZalo:
    """In-process fake of the Zalo Bot API, recording calls and serving injected updates."""

    def __init__(
        self,
        *,
        token: str = "1234567890:fake-zalo-secret",
        bot_id: str = "b07b07b07b07b07b07b0",
        account_name: str = "bot.dondoc",
        max_poll: float = 0.5,
    ) -> None:
        """Create the fake; `max_poll` caps a poll's wait so idle tests stay fast."""
        self.token = token
        self.bot_id = bot_id
        self.account_name = account_name
        self.max_poll = max_poll
        self.quota: int | None = None
        self.echo_sends = False
        self.sent: list[ZaloSentMessage] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.errors: list[BaseException] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self.delivered: list[JSONDict] = []
        self._updates: list[JSONDict] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._stopping = False
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        if self._runner is not None:
            raise RuntimeError("FakeZalo is already running")
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._stopping = False

    async def stop(self) -> None:
        """Stop the server, releasing pending long polls first (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._stopping = True
        self._notify()
        await runner.cleanup()

    async def __aenter__(self) -> FakeZalo:
        """Start the server (``async with FakeZalo() as fake``)."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT`` (the client's ``root``)."""
        if self._port is None:
            raise RuntimeError("FakeZalo is not started")
        return f"http://127.0.0.1:{self._port}"

    # ------------------------------------------------------------------ inspection

    def messages_to(self, chat_id: str) -> list[ZaloSentMessage]:
        """Messages the bot sent to `chat_id`, oldest first."""
        return [message for message in self.sent if message.chat_id == chat_id]

    def calls_to(self, method: str) -> list[JSONDict]:
        """Parameters of every call of `method`, oldest first."""
        return [params for name, params in self.calls if name == method]

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates queued for getUpdates and not yet returned."""
        return copy.deepcopy(self._updates)

    async def wait_for_messages(
        self,
        chat_id: str,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fixture API, not a cancel scope
    ) -> list[ZaloSentMessage]:
        """Wait until at least `count` messages went to `chat_id`; return all of them."""
        if not await self._wait_until(lambda: len(self.messages_to(chat_id)) >= count, timeout):
            got = [m.text for m in self.messages_to(chat_id)]
            raise AssertionError(
                f"expected {count} message(s) to {chat_id} within {timeout}s, got "
                f"{len(got)}: {got!r}; {self._diagnostics()}"
            )
        return self.messages_to(chat_id)

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fixture API, not a cancel scope
    ) -> list[JSONDict]:
        """Wait until `method` was called at least `count` times; return their params."""
        if not await self._wait_until(lambda: len(self.calls_to(method)) >= count, timeout):
            raise AssertionError(
                f"expected {count} call(s) of {method} within {timeout}s, got "
                f"{len(self.calls_to(method))}; {self._diagnostics()}"
            )
        return self.calls_to(method)

    async def wait_idle(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fixture API, not a cancel scope
    ) -> None:
        """Wait until the bot fetched every queued update."""
        if not await self._wait_until(lambda: not self._updates, timeout):
            raise AssertionError(
                f"{len(self._updates)} update(s) not fetched within {timeout}s "
                f"(is the bot polling?); {self._diagnostics()}"
            )

    def _diagnostics(self) -> str:
        sent = [(m.chat_id, m.method, m.text[:60]) for m in self.sent]
        recent = [name for name, _ in self.calls[-10:]]
        return f"all sent: {sent!r}; last calls: {recent!r}; server errors: {self.errors!r}"

    async def _wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    # ------------------------------------------------------------------ building updates

    def update(
        self,
        user_id: str,
        event: str = "message.text.received",
        *,
        text: str | None = None,
        display_name: str = "Người dùng",
        chat_id: str | None = None,
        group: bool = False,
        is_bot: bool = False,
        message_id: str | None = None,
        **fields: Any,
    ) -> JSONDict:
        """A flat update ``{event_name, message}`` in Zalo's shape (ids are strings)."""
        message: JSONDict = {
            "message_id": message_id or _message_id(),
            "date": _now_ms(),
            "chat": {"id": chat_id or user_id, "chat_type": "GROUP" if group else "PRIVATE"},
            "from": {"id": user_id, "display_name": display_name, "is_bot": is_bot},
        }
        if text is not None:
            message["text"] = text
        message.update(fields)
        return {"event_name": event, "message": message}

    def add_update(self, update: JSONDict) -> str:
        """Queue a flat update for getUpdates; return its message_id."""
        self._updates.append(copy.deepcopy(update))
        self._notify()
        return str(update.get("message", {}).get("message_id", ""))

    def add_text(self, user_id: str, text: str, **kwargs: Any) -> str:
        """Queue a text message from `user_id`; return its message_id."""
        return self.add_update(self.update(user_id, text=text, **kwargs))

    def add_image(self, user_id: str, photo_url: str, caption: str = "", **kwargs: Any) -> str:
        """Queue an image (a temporary URL, as Zalo sends it) with an optional caption."""
        update = self.update(
            user_id, "message.image.received", photo_url=photo_url, caption=caption, **kwargs
        )
        return self.add_update(update)

    def add_sticker(self, user_id: str, sticker: str = "d063f44dc80821567819", **kw: Any) -> str:
        """Queue a sticker message."""
        return self.add_update(
            self.update(user_id, "message.sticker.received", sticker=sticker, **kw)
        )

    def add_unsupported(self, user_id: str, **kwargs: Any) -> str:
        """Queue what a document, a link card or a protected user's message arrives as."""
        return self.add_update(self.update(user_id, "message.unsupported.received", **kwargs))

    def add_echo(self, chat_id: str, text: str) -> str:
        """Queue the bot's own message coming back as an update."""
        update = self.update(
            self.bot_id, text=text, chat_id=chat_id, is_bot=True, display_name=self.account_name
        )
        return self.add_update(update)

    def duplicate(self, message_id: str) -> None:
        """Queue again an update already queued or delivered (Zalo may deliver twice)."""
        for update in itertools.chain(reversed(self.delivered), self._updates):
            if update.get("message", {}).get("message_id") == message_id:
                self.add_update(update)
                return
        raise ValueError(f"no update with message_id {message_id}")

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        times: int = 1,
        http_status: int | None = None,
        raw_body: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error.

        The body is ``{ok: false, error_code: status, description}`` sent with HTTP
        `http_status` (default `status`), or `raw_body` as text/html (a gateway's 502 page).
        """
        self._failures.setdefault(method, []).append(
            _Failure(
                http_status or status,
                status,
                description or {502: "Bad Gateway", 504: "Gateway Timeout"}.get(status, "Error"),
                raw_body,
                times,
            )
        )

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    # ------------------------------------------------------------------ webhook push

    async def post_webhook(
        self,
        update: JSONDict,
        *,
        url: str | None = None,
        secret: str | None = None,
        wrapped: bool = True,
    ) -> httpx.Response:
        """POST `update` like Zalo does, to the registered webhook unless `url` is given.

        `wrapped` sends ``{ok: true, result: update}`` (the documented shape), else the flat
        update (what live traffic was seen to carry). The secret header is the registered one
        unless `secret` is given.
        """
        target = url or self.webhook_url
        if not target:
            raise ValueError("no webhook is set and no url was given")
        body = {"ok": True, "result": update} if wrapped else update
        key = self.webhook_secret if secret is None else secret
        headers = {SECRET_HEADER: key} if key else {}
        async with http_client(timeout=5.0) as client:
            return await client.post(target, json=body, headers=headers)

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except _ApiError as exc:
            return self._error(exc)
        self.calls.append((method, params))
        self._notify()
        if request.match_info["token"] != self.token:
            return self._error(_ApiError(200, "Unauthorized", error_code=401))
        failure = self._take_failure(method)
        if failure is not None:
            if failure.raw_body is not None:
                return web.Response(
                    status=failure.status, text=failure.raw_body, content_type="text/html"
                )
            return self._error(_ApiError(failure.status, failure.description, failure.error_code))
        handler = self._handlers.get(method)
        if handler is None:
            return self._error(_ApiError(404, "Not Found"))
        try:
            result = await handler(params)
        except _ApiError as exc:
            return self._error(exc)
        except Exception as exc:  # a bug in the fake: report it loudly but keep serving
            _LOGGER.exception("FakeZalo failed handling %s", method)
            self.errors.append(exc)
            return self._error(_ApiError(500, f"Internal Server Error: {exc!r}"))
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> JSONDict:
        params: JSONDict = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _ApiError(400, "Bad Request: invalid JSON body") from None
            if not isinstance(body, dict):
                raise _ApiError(400, "Bad Request: the body must be a JSON object")
            params.update(body)
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                with contextlib.closing(value.file):
                    params[key] = value.file.read()
            else:
                params[key] = value if isinstance(value, str) else bytes(value).decode()
        return params

    @staticmethod
    def _error(exc: _ApiError) -> web.Response:
        body = {"ok": False, "error_code": exc.error_code, "description": exc.description}
        return web.json_response(body, status=exc.status)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _get_updates(self, params: JSONDict) -> JSONDict:
        try:
            raw = params.get("timeout")
            timeout = min(max(float(30 if raw in (None, "") else raw), 0.0), self.max_poll)
        except (TypeError, ValueError):
            raise _ApiError(400, "Bad Request: timeout must be a number of seconds") from None

        def ready() -> bool:
            return (bool(self._updates) and not self.webhook_url) or self._stopping

        if not ready() and timeout > 0:
            await self._wait_until(ready, timeout)
        if not self._updates or self.webhook_url or self._stopping:
            raise _ApiError(408, "Request timeout")
        update = self._updates.pop(0)
        self.delivered.append(update)
        return copy.deepcopy(update)

    def _chat_id(self, params: JSONDict) -> str:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and not isinstance(chat_id, bool):
            chat_id = str(chat_id)
        if not isinstance(chat_id, str) or not chat_id:
            raise _ApiError(400, "Bad Request: chat_id is required")
        return chat_id

    def _spend(self) -> None:
        if self.quota is None:
            return
        if self.quota <= 0:
            raise _ApiError(429, _QUOTA_EXCEEDED)
        self.quota -= 1

    def _record(self, chat_id: str, text: str, method: str, photo: str | None = None) -> JSONDict:
        message_id = _message_id()
        self.sent.append(ZaloSentMessage(chat_id, text, message_id, method, photo))
        if self.echo_sends:
            self.add_update(
                self.update(
                    self.bot_id,
                    text=text,
                    chat_id=chat_id,
                    is_bot=True,
                    display_name=self.account_name,
                    message_id=message_id,
                )
            )
        return {"message_id": message_id, "date": _now_ms()}

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= _utf16_len(text) <= MAX_TEXT:
            raise _ApiError(400, f"Bad Request: text must be 1 to {MAX_TEXT} characters")
        self._spend()
        return self._record(chat_id, text, "sendMessage")

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise _ApiError(400, "Bad Request: photo must be an image URL")
        caption = params.get("caption") or ""
        if not isinstance(caption, str) or _utf16_len(caption) > MAX_TEXT:
            raise _ApiError(400, f"Bad Request: caption must be at most {MAX_TEXT} characters")
        self._spend()
        return self._record(chat_id, caption, "sendPhoto", photo)

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat_id(params)
        if params.get("action") != "typing":
            raise _ApiError(400, "Bad Request: action must be typing")
        return True

    async def _set_webhook(self, params: JSONDict) -> JSONDict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise _ApiError(400, "Bad Request: url is invalid")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise _ApiError(400, "Bad Request: secret_token must be 8 to 256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        self._notify()
        reachable = url.startswith("https://")
        return {
            "url": url,
            "updated_at": _now_ms(),
            "verification": {
                "ok": reachable,
                "outcome": "webhook.ok" if reachable else "webhook.err.blocked",
                "status_code": 200 if reachable else 0,
                "latency_ms": 0,
                "hint": "" if reachable else "the URL must be public HTTPS",
            },
        }

    async def _delete_webhook(self, params: JSONDict) -> JSONDict:
        self.webhook_url = self.webhook_secret = ""
        self._notify()
        return {"url": "", "updated_at": _now_ms()}

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        if not self.webhook_url:
            raise _ApiError(404, "Webhook not found")
        return {"url": self.webhook_url, "updated_at": _now_ms()}
