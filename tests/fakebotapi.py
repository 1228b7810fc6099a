"""A fake Telegram Bot API server (aiohttp) for end-to-end tests with python-telegram-bot.

The real ``telegram.ext.Application`` talks to it over HTTP on 127.0.0.1::

    fake = FakeBotApi()
    await fake.start()
    app = (
        ApplicationBuilder()
        .token("123:ABC")
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .build()
    )

Tests inject updates (``add_text``, ``add_callback``, ...), wait for the bot's answers
(``wait_for_messages``) and inspect what was sent (``sent``, ``calls``).  Failures can be
injected with ``fail_next``.

Behaviour that mirrors the real server (so bugs show up here rather than in production):

* updates stay queued until a ``getUpdates`` call with a higher ``offset`` confirms them;
  a negative offset keeps only the last ``-offset`` updates;
* a newer ``getUpdates`` terminates a pending long poll with 409 Conflict;
* ``parse_mode`` HTML / MarkdownV2 / Markdown text is parsed: malformed markup answers
  400 "Bad Request: can't parse entities: ..."; the returned Message carries the plain text
  plus ``entities``;
* inline keyboards are validated (callback_data at most 64 bytes, every button needs an
  action); only inline keyboards are echoed back in the returned Message;
* editing a message with identical content answers 400 "message is not modified";
  editing the text without ``reply_markup`` removes the inline keyboard;
* replying to an unknown message answers 400 "message to be replied not found" unless
  ``allow_sending_without_reply`` is set.

Not modelled: chat existence (any chat id may be messaged unless ``block_user`` was called),
webhooks, groups beyond a minimal chat object, media other than documents.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import html
import json
import logging
import mimetypes
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import ClientSession, web

__all__ = ["FakeBotApi", "SentMessage", "UploadedFile"]

JSONDict = dict[str, Any]
_Handler = Callable[[JSONDict], Awaitable[Any]]

_LOGGER = logging.getLogger(__name__)

_MAX_TEXT_LENGTH = 4096
_MAX_CAPTION_LENGTH = 1024
_MAX_CALLBACK_DATA_BYTES = 64
_FIRST_UPDATE_ID = 100_000

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    ),
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# Form-encoded parameters are sent by PTB as strings for str values and as JSON for
# everything else, so a string "42" cannot be told apart from the integer 42.  These
# parameters are always strings in the Bot API and are never JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "currency",
        "custom_title",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "inline_message_id",
        "invite_link",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "payload",
        "phone_number",
        "photo",
        "provider_token",
        "question",
        "secret_token",
        "short_description",
        "start_parameter",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "vcard",
        "video",
        "video_note",
        "voice",
    }
)

_BOT_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?")
_VALID_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


@dataclass
class UploadedFile:
    """A file part of a multipart request (e.g. the ``document`` of sendDocument)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class SentMessage:
    """One message the bot sent or edited (sendMessage, editMessageText, sendDocument, sendPhoto).

    ``text`` is exactly what the bot sent (with HTML/Markdown markup; the caption for
    documents, "" if none); ``plain_text`` is the text as a user sees it.
    """

    chat_id: int
    text: str
    parse_mode: str | None = None
    reply_markup: JSONDict | None = None
    message_id: int = 0
    reply_to_message_id: int | None = None
    method: str = "sendMessage"
    plain_text: str = ""
    file_name: str | None = None
    file_data: bytes | None = None


@dataclass
class _Failure:
    status: int
    description: str
    parameters: JSONDict | None
    remaining: int


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes
    file_path: str


class _ApiError(Exception):
    """A Bot API error answer (``ok: false``)."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _entities_error(description: str) -> _ApiError:
    return _bad_request(f"can't parse entities: {description}")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_form_value(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def command_entities(text: str) -> list[JSONDict]:
    """Return ``bot_command`` entities (UTF-16 offsets) for the /commands in ``text``."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group(0)),
        }
        for match in _BOT_COMMAND_RE.finditer(text)
    ]


# --------------------------------------------------------------------------- formatting


class _TextBuilder:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self.offset = 0  # in UTF-16 code units, as Telegram counts entity offsets
        self.chars = 0

    def append(self, text: str) -> None:
        self._parts.append(text)
        self.offset += _utf16_len(text)
        self.chars += len(text)

    def text(self) -> str:
        return "".join(self._parts)


@dataclass
class _OpenEntity:
    kind: str
    offset: int
    chars: int
    byte_offset: int
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


_HTML_TAGS = {
    "a": "text_link",
    "b": "bold",
    "blockquote": "blockquote",
    "code": "code",
    "del": "strikethrough",
    "em": "italic",
    "i": "italic",
    "ins": "underline",
    "pre": "pre",
    "s": "strikethrough",
    "span": "spoiler",
    "strike": "strikethrough",
    "strong": "bold",
    "tg-emoji": "custom_emoji",
    "tg-spoiler": "spoiler",
    "u": "underline",
}
_HTML_NAME_RE = re.compile(r"[A-Za-z0-9-]*")
_HTML_ATTR_RE = re.compile(
    r"""\s+([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_HTML_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot);")


def _parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram-flavoured HTML like the Bot API (tdlib) does."""
    out = _TextBuilder()
    entities: list[JSONDict] = []
    stack: list[_OpenEntity] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            if match:
                out.append(html.unescape(match.group(0)))
                i = match.end()
            else:  # Telegram keeps a lone "&" as is
                out.append("&")
                i += 1
            continue
        if char != "<":
            out.append(char)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            end = text.find(">", i)
            if end == -1:
                raise _entities_error(f"Unclosed end tag at byte offset {begin}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise _entities_error(f"Unexpected end tag at byte offset {begin}")
            open_tag = stack.pop()
            if name != open_tag.kind:
                raise _entities_error(
                    f'Unmatched end tag at byte offset {begin}, expected "</{open_tag.kind}>", '
                    f'found "</{name}>"'
                )
            entity = _html_entity(open_tag, out.offset, stack)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        name_match = _HTML_NAME_RE.match(text, i + 1)
        assert name_match is not None  # the pattern matches the empty string
        name = name_match.group(0).lower()
        if name not in _HTML_TAGS:
            raise _entities_error(f'Unsupported start tag "{name}" at byte offset {begin}')
        attrs: dict[str, str] = {}
        j = name_match.end()
        while attr := _HTML_ATTR_RE.match(text, j):
            raw = next((g for g in attr.groups()[1:] if g is not None), "")
            attrs[attr.group(1).lower()] = html.unescape(raw)
            j = attr.end()
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] != ">":
            raise _entities_error(f"Unclosed start tag at byte offset {begin}")
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entities_error(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        opened = _OpenEntity(name, out.offset, out.chars, begin, attrs)
        if name == "code" and stack and stack[-1].kind == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                stack[-1].language = language.removeprefix("language-")
        stack.append(opened)
        i = j + 1
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].kind}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def _html_entity(tag: _OpenEntity, end_offset: int, parents: list[_OpenEntity]) -> JSONDict | None:
    length = end_offset - tag.offset
    if length <= 0:
        return None
    entity: JSONDict = {"type": _HTML_TAGS[tag.kind], "offset": tag.offset, "length": length}
    if tag.kind == "a":
        url = tag.attrs.get("href", "")
        if not url:
            return None
        entity["url"] = url
    elif tag.kind == "code" and parents and parents[-1].kind == "pre":
        return None  # merged into the enclosing <pre>
    elif tag.kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.kind == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    return entity


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


def _is_escape(text: str, i: int) -> bool:
    return text[i] == "\\" and i + 1 < len(text) and 0 < ord(text[i + 1]) <= 126


def _read_link_url(text: str, i: int) -> tuple[str | None, int]:
    """Read ``(url)`` starting at ``i`` (just after ``]``); return the url and the new index."""
    if i >= len(text) or text[i] != "(":
        return None, i
    i += 1
    begin = i
    url: list[str] = []
    while i < len(text) and text[i] != ")":
        if _is_escape(text, i):
            url.append(text[i + 1])
            i += 2
            continue
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise _entities_error(f"Can't find end of a URL at byte offset {_byte_offset(text, begin)}")
    return "".join(url), i + 1


def _read_pre_language(text: str, i: int) -> tuple[str | None, int]:
    """After an opening ```, read an optional language and skip one newline."""
    j = i
    while j < len(text) and not text[j].isspace() and text[j] != "`":
        j += 1
    language = None
    if j != i and j < len(text) and text[j] != "`":
        language = text[i:j]
        i = j
    if text.startswith("\r\n", i):
        i += 2
    elif i < len(text) and text[i] in "\r\n":
        i += 1
    return language, i


def _parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    """Parse MarkdownV2 like the Bot API (tdlib) does (blockquotes are only stripped)."""
    out = _TextBuilder()
    entities: list[JSONDict] = []
    stack: list[_OpenEntity] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if _is_escape(text, i):
            out.append(nxt)
            i += 2
            continue
        top = stack[-1].kind if stack else None
        reserved = "`" if top in ("code", "pre") else _MDV2_RESERVED
        if char not in reserved:
            out.append(char)
            i += 1
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote line marker
            continue
        is_end = {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "underline": char == "_" and nxt == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
            "text_link": char == "]",
            "custom_emoji": char == "]",
            "code": char == "`",
            "pre": text.startswith("```", i),
        }.get(top or "", False)
        if top == "pre" and not is_end:
            out.append(char)  # a lone backtick inside a pre block
            i += 1
            continue
        if not is_end:
            opened = _OpenEntity("", out.offset, out.chars, _byte_offset(text, i))
            if char == "_":
                opened.kind = "underline" if nxt == "_" else "italic"
                i += 2 if nxt == "_" else 1
            elif char == "*":
                opened.kind, i = "bold", i + 1
            elif char == "~":
                opened.kind, i = "strikethrough", i + 1
            elif char == "|" and nxt == "|":
                opened.kind, i = "spoiler", i + 2
            elif char == "[":
                opened.kind, i = "text_link", i + 1
            elif char == "!" and nxt == "[":
                opened.kind, i = "custom_emoji", i + 2
            elif char == "`" and text.startswith("```", i):
                opened.kind = "pre"
                opened.language, i = _read_pre_language(text, i + 3)
            elif char == "`":
                opened.kind, i = "code", i + 1
            else:
                raise _entities_error(
                    f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
                )
            stack.append(opened)
            continue
        opened = stack.pop()
        entity: JSONDict = {"type": opened.kind, "offset": opened.offset}
        if opened.kind in ("underline", "spoiler"):
            i += 2
        elif opened.kind == "pre":
            i += 3
            if opened.language:
                entity["language"] = opened.language
        elif opened.kind in ("text_link", "custom_emoji"):
            url, i = _read_link_url(text, i + 1)
            if url is None:
                url = out.text()[opened.chars :]
            if opened.kind == "text_link":
                entity["url"] = url
            else:
                query = urllib.parse.urlparse(url).query
                entity["custom_emoji_id"] = urllib.parse.parse_qs(query).get("id", [""])[0]
        else:
            i += 1
        entity["length"] = out.offset - opened.offset
        if entity["length"] > 0:
            entities.append(entity)
    if stack:
        name = _MDV2_TYPE_NAMES[stack[-1].kind]
        raise _entities_error(
            f"Can't find end of {name} entity at byte offset {stack[-1].byte_offset}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


def _parse_markdown(text: str) -> tuple[str, list[JSONDict]]:
    """Parse legacy Markdown like the Bot API (tdlib) does."""
    out = _TextBuilder()
    entities: list[JSONDict] = []
    kinds = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in kinds:
            out.append(text[i + 1])
            i += 2
            continue
        if char not in kinds:
            out.append(char)
            i += 1
            continue
        begin = _byte_offset(text, i)
        end_char = "]" if char == "[" else char
        is_pre = char == "`" and text.startswith("```", i)
        language = None
        i += 1
        if is_pre:
            language, i = _read_pre_language(text, i + 2)
        offset, chars = out.offset, out.chars
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            i += 1
        if i >= n:
            raise _entities_error(f"Can't find end of the entity starting at byte offset {begin}")
        i += 3 if is_pre else 1
        entity: JSONDict = {"type": "pre" if is_pre else kinds[char], "offset": offset}
        if language:
            entity["language"] = language
        if char == "[":
            url, i = _read_link_url(text, i)
            entity["url"] = url if url is not None else out.text()[chars:]
        entity["length"] = out.offset - offset
        if entity["length"] > 0:
            entities.append(entity)
    return out.text(), entities


def parse_formatted_text(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    """Return the plain text and entities for ``text`` as the Bot API would parse it.

    Raises ValueError with the Bot API description when the markup is malformed.
    """
    try:
        return _parse_formatted(text, parse_mode)
    except _ApiError as exc:
        raise ValueError(exc.description) from None


def _parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[JSONDict]]:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    if mode:
        raise _bad_request(f"unsupported parse_mode {parse_mode}")
    return text, []


def _validate_reply_markup(markup: Any) -> JSONDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            actions = [key for key in button if key != "text"]
            if not button.get("text"):
                raise _bad_request("text buttons are unallowed in the inline keyboard")
            if not actions:
                raise _bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA_BYTES:
                raise _bad_request("BUTTON_DATA_INVALID")
    return markup


def _strip_reply(message: JSONDict) -> JSONDict:
    """A copy suitable as ``reply_to_message`` (which never nests another reply)."""
    embedded = copy.deepcopy(message)
    embedded.pop("reply_to_message", None)
    return embedded


# --------------------------------------------------------------------------- server


def _file_data(files: dict[str, _StoredFile], message: JSONDict) -> bytes | None:
    """The bytes of the document or photo a message carries."""
    if "document" in message:
        return files[message["document"]["file_id"]].data
    if "photo" in message:
        return files[message["photo"][-1]["file_id"]].data
    return None


# Telegram's flood limits, as `limits=True` enforces them.
_SENDING = {"sendMessage", "sendDocument", "sendPhoto", "editMessageText"}
_FLOOD_TOTAL = 30
_FLOOD_WINDOW = 0.95
_FLOOD_GAP = 0.95


class FakeBotApi:
    """In-process fake of the Telegram Bot API, recording calls and serving injected updates."""

    def __init__(
        self,
        *,
        bot_id: int = 123,
        username: str = "fake_test_bot",
        first_name: str = "Fake Bot",
        limits: bool = False,
        latency: float = 0.0,
    ) -> None:
        """Create the fake; ``bot_id`` is replaced by the numeric prefix of the token used.

        ``limits`` enforces Telegram's flood limits on sending methods: at most 30 messages a
        second overall and one a second per chat (each with 50 ms of slack for the network),
        answering 429 with ``retry_after`` otherwise; ``latency`` delays every call by that
        many seconds, as a round trip to the real servers does.
        """
        self.bot_id = bot_id
        self.limits = limits
        self.latency = latency
        self.rate_limited = 0
        self._recent: collections.deque[float] = collections.deque()
        self._chat_last: dict[int, float] = {}
        self.username = username
        self.first_name = first_name
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JSONDict]] = []
        self.errors: list[BaseException] = []
        self.blocked: set[int] = set()
        self.commands: dict[str, list[JSONDict]] = {}
        self._updates: list[JSONDict] = []
        self._next_update_id = _FIRST_UPDATE_ID
        self._allowed_updates: list[str] = []
        self._users: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = {}
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._callbacks: dict[str, bool] = {}  # id -> answered
        self._failures: dict[str, list[_Failure]] = {}
        self._poll_generation = 0
        self._stopping = False
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, tuple[str, _Handler]] = {}
        # Set by setWebhook: {"url", "secret_token", "allowed_updates"}; getUpdates then fails.
        self.webhook: JSONDict | None = None
        for name, handler in (
            ("getMe", self._get_me),
            ("logOut", self._true),
            ("close", self._true),
            ("deleteWebhook", self._delete_webhook),
            ("setWebhook", self._set_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("getUpdates", self._get_updates),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendChatAction", self._send_chat_action),
            ("editMessageText", self._edit_message_text),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("getFile", self._get_file),
        ):
            self._handlers[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already running")
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        # handler_cancellation: a long poll whose client went away (PTB cancels it on
        # shutdown) is cancelled instead of lingering until its timeout.
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

    async def __aenter__(self) -> FakeBotApi:
        """Start the server (``async with FakeBotApi() as fake``)."""
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
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT`` (use ``f"{url}/bot"`` as base_url)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's User object as returned by getMe."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ inspection

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Messages sent (or edited) by the bot in ``chat_id``, oldest first."""
        return [message for message in self.sent if message.chat_id == chat_id]

    def calls_to(self, method: str) -> list[JSONDict]:
        """Decoded parameters of every call of ``method`` (case-insensitive), oldest first."""
        wanted = method.lower()
        return [params for name, params in self.calls if name.lower() == wanted]

    def get_message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current state of a message the fake has seen or sent, or None."""
        message = self._messages.get(chat_id, {}).get(message_id)
        return copy.deepcopy(message) if message is not None else None

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def clear(self) -> None:
        """Forget recorded ``sent`` messages, ``calls`` and ``errors``."""
        self.sent.clear()
        self.calls.clear()
        self.errors.clear()

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fixture API, not a cancel scope
    ) -> list[SentMessage]:
        """Wait until at least ``count`` messages went to ``chat_id``; return all of them."""
        if not await self._wait_until(lambda: len(self.messages_to(chat_id)) >= count, timeout):
            got = [(m.method, m.text) for m in self.messages_to(chat_id)]
            raise AssertionError(
                f"expected {count} message(s) to chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {got!r}; {self._diagnostics()}"
            )
        return self.messages_to(chat_id)

    async def wait_for_call(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the fixture API, not a cancel scope
    ) -> list[JSONDict]:
        """Wait until ``method`` was called at least ``count`` times; return their params."""
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
        """Wait until every queued update was confirmed by a getUpdates with a higher offset.

        The bot has then fetched (and queued for its handlers) all updates; handlers may
        still be running, so wait for their replies with ``wait_for_messages``.
        """
        if not await self._wait_until(lambda: not self._updates, timeout):
            ids = [update["update_id"] for update in self._updates]
            raise AssertionError(
                f"updates {ids} were not confirmed within {timeout}s "
                f"(is the bot polling?); {self._diagnostics()}"
            )

    def _diagnostics(self) -> str:
        sent = [(m.chat_id, m.method, m.text) for m in self.sent]
        recent = [name for name, _ in self.calls[-10:]]
        return f"all sent: {sent!r}; last calls: {recent!r}; server errors: {self.errors!r}"

    async def _wait_until(self, predicate: Callable[[], bool], seconds: float | None) -> bool:
        """Wait (event-driven) until ``predicate()`` holds; False if ``seconds`` ran out."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while not predicate():
            event = self._changed
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def _notify(self) -> None:
        """Wake every waiter (broadcast; usable from synchronous code)."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    # ------------------------------------------------------------------ injection

    def set_user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """Register (or update) the profile used for ``user_id`` in injected updates."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        self._users[user_id] = user
        return copy.deepcopy(user)

    def add_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` is assigned); return its update_id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates and kind not in self._allowed_updates:
            return update_id  # filtered out, like the real server does
        self._updates.append({"update_id": update_id, **copy.deepcopy(update)})
        self._notify()
        return update_id

    def add_text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Queue a private text message from ``user_id``; return its message_id."""
        message = self._user_message(user_id, first_name, reply_to)
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
        return self._queue_message(message)

    def add_contact(self, user_id: int, phone: str, *, owner: int | None = None) -> int:
        """Queue a shared contact card (the sender's own unless ``owner`` says otherwise)."""
        message = self._user_message(user_id, None, None)
        message["contact"] = {
            "phone_number": phone,
            "first_name": self._user(user_id, None).get("first_name", ""),
            "user_id": user_id if owner is None else owner,
        }
        return self._queue_message(message)

    def add_sticker(self, user_id: int, *, emoji: str = "👍", first_name: str | None = None) -> int:
        """Queue a private sticker message from ``user_id``; return its message_id."""
        message = self._user_message(user_id, first_name, None)
        stored = self._store_file(f"sticker_{len(self._files)}.webp", b"RIFF\x00\x00\x00\x00WEBP")
        message["sticker"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeStickers",
            "file_size": len(stored.data),
        }
        return self._queue_message(message)

    def add_document(
        self,
        user_id: int,
        file_name: str,
        data: bytes,
        caption: str | None = None,
        *,
        mime_type: str | None = None,
        first_name: str | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Queue a private document message (downloadable via getFile); return message_id."""
        message = self._user_message(user_id, first_name, reply_to)
        stored = self._store_file(file_name, data, mime_type)
        message["document"] = self._document_object(stored)
        if caption is not None:
            message["caption"] = caption
            if entities := command_entities(caption):
                message["caption_entities"] = entities
        return self._queue_message(message)

    def add_callback(
        self, user_id: int, data: str, message_id: int, *, first_name: str | None = None
    ) -> str:
        """Queue a callback_query pressed by ``user_id`` on bot message ``message_id``.

        Returns the callback query id (expected in answerCallbackQuery).
        """
        message = self._messages.get(user_id, {}).get(message_id)
        if message is None:
            raise ValueError(f"no message {message_id} in chat {user_id} to press a button on")
        callback_id = str(4_000_000_000_000 + len(self._callbacks))
        self._callbacks[callback_id] = False
        self.add_update(
            {
                "callback_query": {
                    "id": callback_id,
                    "from": self._user(user_id, first_name),
                    "message": copy.deepcopy(message),
                    "chat_instance": str(-(10**18) - user_id),
                    "data": data,
                }
            }
        )
        return callback_id

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with HTTP ``status``.

        The body is a Bot API error: 429 "Too Many Requests: retry after N" (with
        ``parameters.retry_after``, default 1), 500 "Internal Server Error", 403 "Forbidden:
        bot was blocked by the user", 400 "Bad Request: chat not found", ... unless
        ``description`` is given.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        template = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        failure = _Failure(
            status=status,
            description=template.format(retry_after=retry_after),
            parameters=parameters,
            remaining=times,
        )
        self._failures.setdefault(method.lower(), []).append(failure)

    def block_user(self, chat_id: int) -> None:
        """Make every send to ``chat_id`` fail with 403 "bot was blocked by the user"."""
        self.blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """Undo ``block_user``."""
        self.blocked.discard(chat_id)

    def _user(self, user_id: int, first_name: str | None) -> JSONDict:
        if user_id not in self._users:
            self.set_user(user_id, first_name=first_name or "Test")
        elif first_name is not None:
            self._users[user_id]["first_name"] = first_name
        return copy.deepcopy(self._users[user_id])

    def _chat(self, chat_id: int) -> JSONDict:
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": f"Test group {chat_id}"}
        chat: JSONDict = {"id": chat_id, "type": "private", "first_name": "Test"}
        user = self._users.get(chat_id)
        if user is not None:
            chat.update(
                {k: v for k, v in user.items() if k in ("first_name", "last_name", "username")}
            )
        return chat

    def _new_message(self, chat_id: int, sender: JSONDict) -> JSONDict:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return {
            "message_id": message_id,
            "from": sender,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }

    def _user_message(self, user_id: int, first_name: str | None, reply_to: int | None) -> JSONDict:
        sender = self._user(user_id, first_name)
        reply: JSONDict | None = None
        if reply_to is not None:
            reply = self._messages.get(user_id, {}).get(reply_to)
            if reply is None:
                raise ValueError(f"no message {reply_to} in chat {user_id} to reply to")
        message = self._new_message(user_id, sender)
        if reply is not None:
            message["reply_to_message"] = _strip_reply(reply)
        return message

    def _queue_message(self, message: JSONDict) -> int:
        self._store_message(message)
        self.add_update({"message": message})
        return int(message["message_id"])

    def _store_message(self, message: JSONDict) -> None:
        chat_id = int(message["chat"]["id"])
        self._messages.setdefault(chat_id, {})[int(message["message_id"])] = message

    def _store_file(self, file_name: str, data: bytes, mime_type: str | None = None) -> _StoredFile:
        number = len(self._files) + 1
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAFAKE{number:06d}",
            file_unique_id=f"AgADFAKE{number:06d}",
            file_name=file_name,
            mime_type=mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            data=data,
            file_path=f"documents/file_{number}.{extension}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_object(stored: _StoredFile) -> JSONDict:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.data),
        }

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_method(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        prefix = token.split(":", 1)[0]
        if prefix.isdigit():
            self.bot_id = int(prefix)
        try:
            params = await self._read_params(request)
        except _ApiError as exc:
            return self._error_response(exc.status, exc.description, exc.parameters)
        name, handler = self._handlers.get(method.lower(), (method, None))
        self.calls.append((name, params))
        self._notify()
        # Flood limits count a call when it arrives; the latency is the round trip after.
        limited = self._flood(params) if self.limits and name in _SENDING else None
        if self.latency:
            await asyncio.sleep(self.latency)
        if limited is not None:
            self.rate_limited += 1
            return self._error_response(
                429, f"Too Many Requests: retry after {limited}", {"retry_after": limited}
            )
        failure = self._take_failure(name)
        if failure is not None:
            return self._error_response(failure.status, failure.description, failure.parameters)
        if handler is None:
            return self._error_response(404, "Not Found: method not found")
        try:
            result = await handler(params)
        except _ApiError as exc:
            return self._error_response(exc.status, exc.description, exc.parameters)
        except Exception as exc:  # a bug in the fake: report it loudly but keep serving
            _LOGGER.exception("FakeBotApi failed handling %s", name)
            self.errors.append(exc)
            return self._error_response(500, f"Internal Server Error: {exc!r}")
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self._files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return self._error_response(404, "Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    @staticmethod
    async def _read_params(request: web.Request) -> JSONDict:
        params: JSONDict = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad_request("can't parse JSON encoded request body") from None
            if not isinstance(body, dict):
                raise _bad_request("JSON request body must be an object")
            params.update(body)
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                with contextlib.closing(value.file):
                    data = value.file.read()
                params[key] = UploadedFile(value.filename, data, value.content_type)
            elif isinstance(value, bytes | bytearray):
                params[key] = _decode_form_value(key, bytes(value).decode())
            else:
                params[key] = _decode_form_value(key, value)
        return params

    def _flood(self, params: JSONDict) -> int | None:
        """The retry_after to answer if this send breaks a flood limit, else None (recorded)."""
        now = asyncio.get_running_loop().time()
        while self._recent and self._recent[0] <= now - _FLOOD_WINDOW:
            self._recent.popleft()
        chat = params.get("chat_id")
        key = int(chat) if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit() else 0
        last = self._chat_last.get(key)
        if len(self._recent) >= _FLOOD_TOTAL or (last is not None and now - last < _FLOOD_GAP):
            return 1
        self._recent.append(now)
        self._chat_last[key] = now
        return None

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    @staticmethod
    def _error_response(
        status: int, description: str, parameters: JSONDict | None = None
    ) -> web.Response:
        body: JSONDict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    # ------------------------------------------------------------------ parameter helpers

    def _chat_id(self, params: JSONDict) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _bad_request("chat not found")
        try:
            return int(value)
        except ValueError:
            raise _bad_request("chat not found") from None

    def _writable_chat_id(self, params: JSONDict) -> int:
        chat_id = self._chat_id(params)
        if chat_id in self.blocked:
            raise _ApiError(403, _DEFAULT_DESCRIPTIONS[403])
        return chat_id

    @staticmethod
    def _int_param(params: JSONDict, name: str) -> int:
        value = params.get(name)
        if value is None or value == "":
            raise _bad_request(f"{name} is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad_request(f"invalid {name} specified") from None

    def _reply_target(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            message_id = reply_parameters.get("message_id")
            allow = bool(reply_parameters.get("allow_sending_without_reply"))
        else:
            message_id = params.get("reply_to_message_id")
            allow = bool(params.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        target = self._messages.get(chat_id, {}).get(int(message_id))
        if target is None and not allow:
            raise _bad_request("message to be replied not found")
        return target

    def _bot_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params)
        message_id = self._int_param(params, "message_id")
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise _bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise _bad_request("message can't be edited")
        return message

    def _record(self, message: JSONDict, params: JSONDict, method: str, raw_text: str) -> None:
        reply = message.get("reply_to_message")
        self.sent.append(
            SentMessage(
                chat_id=int(message["chat"]["id"]),
                text=raw_text,
                parse_mode=params.get("parse_mode"),
                reply_markup=params.get("reply_markup"),
                message_id=int(message["message_id"]),
                reply_to_message_id=int(reply["message_id"]) if reply else None,
                method=method,
                plain_text=str(message.get("text") or message.get("caption") or ""),
                file_name=message.get("document", {}).get("file_name"),
                file_data=_file_data(self._files, message),
            )
        )

    # ------------------------------------------------------------------ methods

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return self.bot_user

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad_request("Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
        }
        return True

    def text_update(self, user_id: int, text: str) -> JSONDict:
        """A private text message from ``user_id`` as an update, not queued (for webhooks)."""
        message = self._user_message(user_id, None, None)
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
        self._store_message(message)
        update_id = self._next_update_id
        self._next_update_id += 1
        return {"update_id": update_id, "message": message}

    async def post_webhook(self, update: JSONDict, *, secret: str | None = None) -> int:
        """POST ``update`` to the registered webhook as Telegram does; the HTTP status."""
        if self.webhook is None:
            raise ValueError("no webhook is set")
        key = self.webhook["secret_token"] if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": key} if key else {}
        async with (
            ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook is not None:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._notify()
        self._poll_generation += 1
        generation = self._poll_generation
        if not self._updates and timeout > 0 and not self._stopping:
            await self._wait_until(
                lambda: (
                    bool(self._updates) or self._stopping or self._poll_generation != generation
                ),
                timeout,
            )
            if self._poll_generation != generation:
                raise _ApiError(409, _DEFAULT_DESCRIPTIONS[409])
        return copy.deepcopy(self._updates[:limit])

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _VALID_COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return f"{json.dumps(scope, sort_keys=True)}|{params.get('language_code') or ''}"

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._writable_chat_id(params)
        raw_text = params.get("text")
        if not isinstance(raw_text, str) or not raw_text.strip():
            raise _bad_request("message text is empty")
        plain, entities = _parse_formatted(raw_text, params.get("parse_mode"))
        if isinstance(params.get("entities"), list) and not params.get("parse_mode"):
            entities = params["entities"]
        if not plain.strip():
            raise _bad_request("message text is empty")
        if len(plain) > _MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        markup = _validate_reply_markup(params.get("reply_markup"))
        reply = self._reply_target(chat_id, params)
        message = self._new_message(chat_id, self.bot_user)
        message["text"] = plain
        if entities:
            message["entities"] = entities
        if reply is not None:
            message["reply_to_message"] = _strip_reply(reply)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._store_message(message)
        self._record(message, params, "sendMessage", raw_text)
        return copy.deepcopy(message)

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat_id = self._writable_chat_id(params)
        document = params.get("document")
        if isinstance(document, UploadedFile):
            stored = self._store_file(document.filename, document.data, document.content_type)
        elif isinstance(document, str) and document in self._files:
            stored = self._files[document]
        elif isinstance(document, str) and document:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        else:
            raise _bad_request("there is no document in the request")
        caption = params.get("caption")
        plain, entities = _parse_formatted(caption or "", params.get("parse_mode"))
        if len(plain) > _MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        markup = _validate_reply_markup(params.get("reply_markup"))
        reply = self._reply_target(chat_id, params)
        message = self._new_message(chat_id, self.bot_user)
        message["document"] = self._document_object(stored)
        if plain:
            message["caption"] = plain
        if entities:
            message["caption_entities"] = entities
        if reply is not None:
            message["reply_to_message"] = _strip_reply(reply)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._store_message(message)
        self._record(message, params, "sendDocument", caption or "")
        return copy.deepcopy(message)

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        chat_id = self._writable_chat_id(params)
        photo = params.get("photo")
        if isinstance(photo, UploadedFile):
            stored = self._store_file(photo.filename, photo.data, photo.content_type)
        elif isinstance(photo, str) and photo in self._files:
            stored = self._files[photo]
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        caption = params.get("caption")
        plain, entities = _parse_formatted(caption or "", params.get("parse_mode"))
        if len(plain) > _MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        markup = _validate_reply_markup(params.get("reply_markup"))
        message = self._new_message(chat_id, self.bot_user)
        # One size only: the fake does not scale images.
        message["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 800,
                "height": 600,
                "file_size": len(stored.data),
            }
        ]
        if plain:
            message["caption"] = plain
        if entities:
            message["caption_entities"] = entities
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._store_message(message)
        self._record(message, params, "sendPhoto", caption or "")
        return copy.deepcopy(message)

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._writable_chat_id(params)
        return True

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        self._writable_chat_id(params)
        message = self._bot_message(params)
        raw_text = params.get("text")
        if not isinstance(raw_text, str) or not raw_text.strip():
            raise _bad_request("message text is empty")
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        plain, entities = _parse_formatted(raw_text, params.get("parse_mode"))
        if isinstance(params.get("entities"), list) and not params.get("parse_mode"):
            entities = params["entities"]
        if not plain.strip():
            raise _bad_request("message text is empty")
        if len(plain) > _MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        markup = _validate_reply_markup(params.get("reply_markup"))
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            message["text"] == plain
            and message.get("entities", []) == entities
            and message.get("reply_markup") == new_markup
        ):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message["text"] = plain
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)  # omitting reply_markup removes the keyboard
        if new_markup is not None:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._record(message, params, "editMessageText", raw_text)
        return copy.deepcopy(message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        self._writable_chat_id(params)
        message = self._bot_message(params)
        markup = _validate_reply_markup(params.get("reply_markup"))
        new_markup = markup if markup is not None and markup.get("inline_keyboard") else None
        if message.get("reply_markup") == new_markup:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.pop("reply_markup", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    async def _delete_message(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._int_param(params, "message_id")
        if self._messages.get(chat_id, {}).pop(message_id, None) is None:
            raise _bad_request("message to delete not found")
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        callback_id = str(params.get("callback_query_id") or "")
        if self._callbacks.get(callback_id, True):
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._callbacks[callback_id] = True
        return True

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
