"""Tests proving FakeBotApi works with the real python-telegram-bot Bot and Application."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebotapi import FakeBotApi, SentMessage

TOKEN = "123:ABC"
USER = 42


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta time periods.

    Without PTB_TIMEDELTA, PTB >= 22.2 emits a PTBDeprecationWarning while *constructing*
    every RetryAfter, which filterwarnings=error turns into an exception inside PTB's request
    stack (so AIORateLimiter never sees the RetryAfter). ``RetryAfter.retry_after`` is then a
    timedelta, as it will be in PTB 23.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """A running fake server (the shared conftest fixture may replace this one)."""
    async with FakeBotApi() as fake:
        yield fake


@contextlib.asynccontextmanager
async def make_bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    """A plain, initialized telegram.Bot talking to the fake."""
    async with Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot") as bot:
        yield bot


@contextlib.asynccontextmanager
async def polling_app(
    fake: FakeBotApi,
    *handlers: BaseHandler[Update, Any, Any],
    rate_limiter: AIORateLimiter | None = None,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run a real Application with long polling against the fake, stopping it cleanly."""
    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
    )
    app: Application[Any, Any, Any, Any, Any, Any] = (
        builder.rate_limiter(rate_limiter).build() if rate_limiter else builder.build()
    )
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def reply_hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start handler used by several tests."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("Xin chào <b>bạn</b> & 👋", parse_mode=ParseMode.HTML)


async def test_start_command_round_trip() -> None:
    """The documented usage: start the fake, poll with a real Application, get a reply."""
    fake = FakeBotApi()
    await fake.start()
    try:
        app = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(f"{fake.url}/bot")
            .base_file_url(f"{fake.url}/file/bot")
            .build()
        )
        app.add_handler(CommandHandler("start", reply_hello))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)

            user_message_id = fake.add_text(USER, "/start")
            [sent] = await fake.wait_for_messages(USER, 1)

            await app.updater.stop()
            await app.stop()
    finally:
        await fake.stop()

    assert sent.text == "Xin chào <b>bạn</b> & 👋"
    assert sent.plain_text == "Xin chào bạn & 👋"
    assert sent.parse_mode == "HTML"
    assert sent.message_id == user_message_id + 1
    assert sent.reply_to_message_id is None  # PTB does not quote in private chats
    stored = fake.get_message(USER, sent.message_id)
    assert stored is not None
    assert stored["from"]["id"] == 123
    assert stored["entities"] == [{"type": "bold", "offset": 9, "length": 3}]
    called = [name for name, _ in fake.calls]
    assert called[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert not fake.errors


async def test_retry_after_is_honoured_by_aio_rate_limiter(fake_api: FakeBotApi) -> None:
    """A 429 with retry_after makes AIORateLimiter wait and retry; the message arrives."""
    fake_api.fail_next("sendMessage", 429, retry_after=1)
    limiter = AIORateLimiter(max_retries=2)
    async with polling_app(fake_api, CommandHandler("start", reply_hello), rate_limiter=limiter):
        fake_api.add_text(USER, "/start")
        [sent] = await fake_api.wait_for_messages(USER, 1, timeout=5)
    assert sent.plain_text == "Xin chào bạn & 👋"
    attempts = fake_api.calls_to("sendMessage")
    assert len(attempts) == 2
    assert attempts[0]["text"] == attempts[1]["text"]


async def test_reply_to_message_is_delivered(fake_api: FakeBotApi) -> None:
    """reply_to creates reply_to_message; PTB sees it and the bot can reply to it."""
    seen: list[int] = []

    async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None
        assert message.reply_to_message is not None
        seen.append(message.reply_to_message.message_id)
        await message.reply_text(f"got reply to {message.reply_to_message.text}", do_quote=True)

    handlers = (
        CommandHandler("start", reply_hello),
        MessageHandler(filters.REPLY & filters.TEXT, on_reply),
    )
    async with polling_app(fake_api, *handlers):
        fake_api.add_text(USER, "/start")
        [greeting] = await fake_api.wait_for_messages(USER, 1)
        answer_id = fake_api.add_text(USER, "trả lời", reply_to=greeting.message_id)
        _, reply = await fake_api.wait_for_messages(USER, 2)

    assert seen == [greeting.message_id]
    assert reply.text == "got reply to Xin chào bạn & 👋"
    assert reply.reply_to_message_id == answer_id
    stored = fake_api.get_message(USER, reply.message_id)
    assert stored is not None
    assert stored["reply_to_message"]["text"] == "trả lời"
    assert "reply_to_message" not in stored["reply_to_message"]  # never nested, like Telegram


async def test_get_updates_offset_confirmation(fake_api: FakeBotApi) -> None:
    """Updates stay queued until confirmed by an offset; limit and negative offset work."""
    ids = [fake_api.add_text(USER, f"m{n}") for n in range(4)]
    assert ids == [1, 2, 3, 4]
    async with make_bot(fake_api) as bot:
        first = await bot.get_updates(limit=2)
        assert [u.message.text for u in first if u.message] == ["m0", "m1"]
        again = await bot.get_updates()  # nothing confirmed yet: same updates again
        assert [u.update_id for u in again][:2] == [u.update_id for u in first]
        assert len(again) == 4

        rest = await bot.get_updates(offset=first[-1].update_id + 1)
        assert [u.message.text for u in rest if u.message] == ["m2", "m3"]
        assert len(fake_api.pending_updates) == 2

        fake_api.add_text(USER, "m4")
        last = await bot.get_updates(offset=-1)  # keeps only the newest update
        assert [u.message.text for u in last if u.message] == ["m4"]

        assert await bot.get_updates(offset=last[-1].update_id + 1) == ()
        await fake_api.wait_idle(timeout=0.1)
        assert fake_api.pending_updates == []


async def test_long_poll_wakes_on_update_and_times_out(fake_api: FakeBotApi) -> None:
    """getUpdates(timeout) returns as soon as an update arrives, else after the timeout."""
    loop = asyncio.get_running_loop()
    async with make_bot(fake_api) as bot:
        started = loop.time()
        assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.2)) == ()
        assert 0.15 <= loop.time() - started < 1.0

        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await fake_api.wait_for_call("getUpdates", count=2)
        started = loop.time()
        fake_api.add_text(USER, "wake up")
        updates = await asyncio.wait_for(poll, 2)
        assert loop.time() - started < 0.5
        assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_polling_shutdown_confirms_fetched_updates(fake_api: FakeBotApi) -> None:
    """PTB confirms the last fetched updates with a final getUpdates(timeout=0) on stop."""
    async with polling_app(fake_api, CommandHandler("start", reply_hello)):
        fake_api.add_text(USER, "/start")
        fake_api.add_text(USER, "no handler for this")
        await fake_api.wait_idle()
        await fake_api.wait_for_messages(USER, 1)
    final = fake_api.calls_to("getUpdates")[-1]
    assert final["timeout"] == 0
    assert final["offset"] == 100_002
    assert fake_api.pending_updates == []


async def test_callback_query_answer_and_edit(fake_api: FakeBotApi) -> None:
    """Inline keyboard → callback_query → answerCallbackQuery + editMessageText."""

    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Xong", callback_data="done:7")]])
        await update.message.reply_text("Nhiệm vụ 7?", reply_markup=keyboard)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("OK")
        await query.edit_message_text(f"Đã xử lý {query.data}")

    handlers = (CommandHandler("ask", ask), CallbackQueryHandler(on_button))
    async with polling_app(fake_api, *handlers):
        fake_api.add_text(USER, "/ask")
        [question] = await fake_api.wait_for_messages(USER, 1)
        assert question.reply_markup == {
            "inline_keyboard": [[{"text": "Xong", "callback_data": "done:7"}]]
        }
        callback_id = fake_api.add_callback(USER, "done:7", question.message_id)
        _, edited = await fake_api.wait_for_messages(USER, 2)

    assert edited.method == "editMessageText"
    assert edited.message_id == question.message_id
    assert edited.text == "Đã xử lý done:7"
    [answer] = fake_api.calls_to("answerCallbackQuery")
    assert answer["callback_query_id"] == callback_id
    assert answer["text"] == "OK"
    stored = fake_api.get_message(USER, question.message_id)
    assert stored is not None
    assert "reply_markup" not in stored  # editing text without reply_markup drops the keyboard
    with pytest.raises(ValueError, match="no message 99"):
        fake_api.add_callback(USER, "x", 99)


async def test_document_upload_and_download(fake_api: FakeBotApi) -> None:
    """A user document is downloadable via getFile; the bot's sendDocument upload is recorded."""
    payload = "Chỉ thị số 12/CT-UBND".encode() + bytes(range(256))

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None
        assert message.document is not None
        file = await message.document.get_file()
        data = bytes(await file.download_as_bytearray())
        await message.reply_document(
            data[::-1], filename=f"rev-{message.document.file_name}", caption=message.caption
        )

    async with polling_app(fake_api, MessageHandler(filters.Document.ALL, on_document)):
        fake_api.add_document(USER, "chi-thi.pdf", payload, caption="xem giúp")
        [sent] = await fake_api.wait_for_messages(USER, 1)

    assert sent.method == "sendDocument"
    assert sent.file_name == "rev-chi-thi.pdf"
    assert sent.file_data == payload[::-1]
    assert sent.text == "xem giúp"
    [upload] = fake_api.calls_to("sendDocument")
    assert upload["document"].filename == "rev-chi-thi.pdf"
    assert upload["chat_id"] == USER  # multipart text fields are decoded too


async def test_injected_failures_map_to_ptb_exceptions(fake_api: FakeBotApi) -> None:
    """fail_next produces Bot API error bodies that PTB turns into its exception types."""
    fake_api.fail_next("sendMessage", 403)
    fake_api.fail_next("sendMessage", 400)
    fake_api.fail_next("sendMessage", 500, times=2)
    fake_api.fail_next("sendMessage", 429, retry_after=3)
    async with make_bot(fake_api) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "a")
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(USER, "b")
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error"):
                await bot.send_message(USER, "c")
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(USER, "d")
        assert retry.value.retry_after == dtm.timedelta(seconds=3)
        await bot.send_message(USER, "e")

        fake_api.block_user(7)
        with pytest.raises(Forbidden):
            await bot.send_message(7, "blocked")
    assert [m.text for m in fake_api.sent] == ["e"]
    assert len(fake_api.calls_to("sendMessage")) == 7


async def test_unknown_method_and_raw_http(fake_api: FakeBotApi) -> None:
    """Unknown methods answer 404; JSON and form bodies decode to the same params."""
    async with make_bot(fake_api) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("fooBar")

    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "123"}]]}
    async with httpx.AsyncClient(base_url=f"{fake_api.url}/bot{TOKEN}") as client:
        response = await client.post("/fooBar")
        assert response.status_code == 404
        assert response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
        as_json = await client.post(
            "/sendMessage", json={"chat_id": 5, "text": "123", "reply_markup": markup}
        )
        as_form = await client.post(
            "/sendMessage",
            data={"chat_id": "5", "text": "123", "reply_markup": json.dumps(markup)},
        )
        as_get = await client.get("/getMe")
    assert as_json.json()["ok"]
    assert as_form.json()["ok"]
    assert as_get.json()["ok"]
    assert as_get.json()["result"]["username"] == "fake_test_bot"
    json_params, form_params = fake_api.calls_to("sendMessage")
    assert json_params == form_params == {"chat_id": 5, "text": "123", "reply_markup": markup}
    assert [m.message_id for m in fake_api.messages_to(5)] == [1, 2]
    assert fake_api.messages_to(5)[1] == SentMessage(
        chat_id=5, text="123", reply_markup=markup, message_id=2, plain_text="123"
    )


async def test_formatting_and_keyboard_validation(fake_api: FakeBotApi) -> None:
    """Malformed markup and invalid buttons fail like on the real server."""
    async with make_bot(fake_api) as bot:
        with pytest.raises(BadRequest, match="(?i)can't parse entities.*end tag"):
            await bot.send_message(USER, "<b>unclosed", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match='(?i)unsupported start tag "3"'):
            await bot.send_message(USER, "1 <3", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
            await bot.send_message(USER, "Hạn chót: 01.02", parse_mode=ParseMode.MARKDOWN_V2)
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(USER, "x" * 4097)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 65)]])
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(USER, "hi", reply_markup=too_long)

        message = await bot.send_message(
            USER, r"*Hạn* 01\.02 [link](https://x.vn/a_b)", parse_mode=ParseMode.MARKDOWN_V2
        )
        assert message.text == "Hạn 01.02 link"
        assert [(e.type, e.offset, e.length, e.url) for e in message.entities] == [
            ("bold", 0, 3, None),
            ("text_link", 10, 4, "https://x.vn/a_b"),
        ]
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text(
                r"*Hạn* 01\.02 [link](https://x.vn/a_b)",
                USER,
                message.message_id,
                parse_mode=ParseMode.MARKDOWN_V2,
            )
        edited = await bot.edit_message_text("mới", USER, message.message_id)
        assert not isinstance(edited, bool)
        assert edited.text == "mới"
        assert edited.edit_date is not None
    assert [m.text for m in fake_api.sent] == [
        r"*Hạn* 01\.02 [link](https://x.vn/a_b)",
        "mới",
    ]


async def test_commands_and_entities(fake_api: FakeBotApi) -> None:
    """setMyCommands/getMyCommands/deleteMyCommands; bot_command entities use UTF-16."""
    async with make_bot(fake_api) as bot:
        assert bot.username == "fake_test_bot"
        await bot.set_my_commands([("start", "Bắt đầu"), ("help", "Trợ giúp")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        assert await bot.get_my_commands(language_code="en") == ()
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await bot.set_my_commands([("Bad-Command", "x")])
        await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

        fake_api.add_text(USER, "😀 /done@fake_test_bot 5")
        [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.parse_entities() == {
        update.message.entities[0]: "/done@fake_test_bot",
    }
    assert update.message.entities[0].offset == 3  # the emoji is two UTF-16 units


async def test_stop_releases_pending_long_poll() -> None:
    """stop() answers pending long polls at once instead of waiting for their timeout."""
    fake = FakeBotApi()
    await fake.start()
    async with make_bot(fake) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_for_call("getUpdates")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await fake.stop()
        assert await asyncio.wait_for(poll, 2) == ()
        assert loop.time() - started < 1.0
    await fake.stop()  # idempotent


async def test_concurrent_get_updates_conflict(fake_api: FakeBotApi) -> None:
    """A second bot instance's getUpdates terminates a pending long poll with 409."""
    async with make_bot(fake_api) as bot, make_bot(fake_api) as other:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await fake_api.wait_for_call("getUpdates")
        assert await other.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await asyncio.wait_for(first, 2)


async def test_wait_for_messages_reports_what_was_sent(fake_api: FakeBotApi) -> None:
    """On timeout, wait_for_messages fails with the messages that were sent."""
    async with make_bot(fake_api) as bot:
        await bot.send_message(USER, "only one")
    with pytest.raises(AssertionError, match="got 1: .*only one"):
        await fake_api.wait_for_messages(USER, 2, timeout=0.05)
    fake_api.add_sticker(USER)
    with pytest.raises(AssertionError, match="not confirmed"):
        await fake_api.wait_idle(timeout=0.05)
