"""The Zalo Bot API client against the fake server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from bot.transports.zaloapi import (
    SECRET_HEADER,
    ZaloApiError,
    ZaloBotApi,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloUnauthorized,
    ZaloUpdate,
    parse_update,
    read_webhook,
    redact,
)
from tests.fakezalo import FakeZalo, http_client

USER = "6ede9afa66b88fe6d6a9"
SECRET = "webhook-secret-123"


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(max_poll=0.2) as fake:
        yield fake


@pytest.fixture
async def api(fake_zalo: FakeZalo) -> AsyncIterator[ZaloBotApi]:
    async with http_client() as http:
        yield ZaloBotApi(fake_zalo.token, root=fake_zalo.url, client=http)


async def test_get_me_and_send_message(fake_zalo: FakeZalo, api: ZaloBotApi) -> None:
    bot = await api.get_me()
    assert (bot.id, bot.account_name, bot.account_type) == (fake_zalo.bot_id, "bot.dondoc", "BASIC")
    assert api.bot_id == fake_zalo.bot_id
    sent = await api.send_message(USER, "Xin chào đồng chí")
    assert sent.message_id and sent.date is not None and sent.date.tzinfo is UTC
    [message] = fake_zalo.messages_to(USER)
    assert (message.text, message.message_id) == ("Xin chào đồng chí", sent.message_id)
    assert fake_zalo.calls_to("sendMessage") == [{"chat_id": USER, "text": "Xin chào đồng chí"}]


async def test_one_update_per_poll_then_idle(fake_zalo: FakeZalo, api: ZaloBotApi) -> None:
    first = fake_zalo.add_text(USER, "/nhiemvu", display_name="Chị An")
    fake_zalo.add_sticker(USER)
    update = await api.get_updates(timeout=5)
    assert update is not None
    assert (update.event, update.message_id, update.chat_id, update.user_id) == (
        "message.text.received",
        first,
        USER,
        USER,
    )
    assert (update.text, update.display_name, update.is_echo) == ("/nhiemvu", "Chị An", False)
    assert update.date is not None and abs(datetime.now(UTC) - update.date).total_seconds() < 60
    sticker = await api.get_updates(timeout=5)
    assert sticker is not None and sticker.event == "message.sticker.received"
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await api.get_updates(timeout=5) is None  # 408: nothing new, and no redelivery
    assert loop.time() - started < 2
    assert fake_zalo.calls_to("getUpdates")[0] == {"timeout": "5"}


async def test_echoes_and_duplicates_are_recognisable(
    fake_zalo: FakeZalo,
    api: ZaloBotApi,
) -> None:
    await api.get_me()
    fake_zalo.echo_sends = True
    await api.send_message(USER, "Nhắc hạn #12")
    echo = await api.get_updates(timeout=1)
    assert echo is not None and echo.is_echo and echo.text == "Nhắc hạn #12"
    message_id = fake_zalo.add_text(USER, "xong 12")
    fake_zalo.duplicate(message_id)
    one, two = await api.get_updates(timeout=1), await api.get_updates(timeout=1)
    assert one is not None and two is not None and one.key == two.key
    assert not one.is_echo


async def test_bad_token_is_unauthorized_without_leaking_it(fake_zalo: FakeZalo) -> None:
    token = "999:wrong-and-secret"
    async with ZaloBotApi(token, root=fake_zalo.url) as api:
        with pytest.raises(ZaloUnauthorized) as caught:
            await api.get_me()
        assert token not in repr(api)
    assert caught.value.error_code == 401
    assert token not in str(caught.value)


async def test_quota_spent_is_rate_limited(fake_zalo: FakeZalo, api: ZaloBotApi) -> None:
    fake_zalo.quota = 1
    await api.send_message(USER, "một")
    with pytest.raises(ZaloRateLimited) as caught:
        await api.send_message(USER, "hai")
    assert caught.value.quota_exhausted and caught.value.error_code == 429
    with pytest.raises(ZaloRateLimited):
        await api.send_photo(USER, "https://example.org/chart.png")
    assert [m.text for m in fake_zalo.sent] == ["một"]
    wait = {
        "ok": False,
        "error_code": 429,
        "description": "Slow down",
        "parameters": {"retry_after": 3},
    }
    fake_zalo.fail_next("sendMessage", 429, raw_body=json.dumps(wait))
    with pytest.raises(ZaloRateLimited) as burst:
        await api.send_message(USER, "ba")
    assert burst.value.retry_after == 3 and not burst.value.quota_exhausted


async def test_other_errors_keep_code_and_description(
    fake_zalo: FakeZalo,
    api: ZaloBotApi,
) -> None:
    with pytest.raises(ZaloApiError) as too_long:
        await api.send_message(USER, "x" * 2001)
    assert too_long.value.error_code == 400 and "2000" in too_long.value.description
    await api.send_message(USER, "ệ" * 2000)
    fake_zalo.fail_next("sendMessage", 502, raw_body="<html>502 Bad Gateway</html>")
    with pytest.raises(ZaloApiError) as gateway:
        await api.send_message(USER, "a")
    assert gateway.value.error_code == 502
    fake_zalo.fail_next("sendMessage", 403, "internal server error")
    with pytest.raises(ZaloForbidden):
        await api.send_message(USER, "a")


async def test_network_error_hides_the_token() -> None:
    token = "4242:do-not-print-me"
    async with ZaloBotApi(token, root="http://127.0.0.1:9") as api:
        with pytest.raises(ZaloNetworkError) as caught:
            await api.send_message(USER, "a")
    assert token not in str(caught.value)
    assert caught.value.__suppress_context__  # httpx's exception (with the URL) is not shown


async def test_http_log_lines_are_redacted(
    fake_zalo: FakeZalo,
    api: ZaloBotApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="httpx"):
        await api.get_me()
    assert "/bot<token>/getMe" in caplog.text
    assert fake_zalo.token not in caplog.text
    assert redact(f"GET http://x/bot{fake_zalo.token}/getMe") == "GET http://x/bot<token>/getMe"


async def test_photo_by_url_and_chat_action(fake_zalo: FakeZalo, api: ZaloBotApi) -> None:
    await api.send_chat_action(USER)
    sent = await api.send_photo(USER, "https://example.org/chart.png", caption="Biểu đồ")
    [photo] = fake_zalo.sent
    assert (photo.method, photo.photo, photo.text) == (
        "sendPhoto",
        "https://example.org/chart.png",
        "Biểu đồ",
    )
    assert photo.message_id == sent.message_id
    assert fake_zalo.calls_to("sendChatAction") == [{"chat_id": USER, "action": "typing"}]


async def test_webhook_set_stops_polling_until_deleted(
    fake_zalo: FakeZalo,
    api: ZaloBotApi,
) -> None:
    assert await api.get_webhook_info() is None
    info = await api.set_webhook("http://127.0.0.1:1/zalo", SECRET)
    assert info.url == "http://127.0.0.1:1/zalo"
    assert info.verification is not None and info.verification["outcome"] == "webhook.err.blocked"
    current = await api.get_webhook_info()
    assert current is not None and current.url == info.url
    fake_zalo.add_text(USER, "có ai không")
    assert await api.get_updates(timeout=1) is None  # silent while the webhook is set
    await api.delete_webhook()
    assert await api.get_webhook_info() is None
    update = await api.get_updates(timeout=1)
    assert update is not None and update.text == "có ai không"
    with pytest.raises(ValueError, match="8 to 256"):
        await api.set_webhook("https://x.vn/zalo", "short")


async def test_webhook_helper_in_a_real_server(fake_zalo: FakeZalo, api: ZaloBotApi) -> None:
    received: list[ZaloUpdate] = []

    async def hook(request: web.Request) -> web.Response:
        try:
            update = read_webhook(request.headers, await request.read(), SECRET, fake_zalo.bot_id)
        except ZaloForbidden:
            return web.Response(status=403)
        if update is not None:
            received.append(update)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo"
        await api.set_webhook(url, SECRET)
        wrapped = await fake_zalo.post_webhook(fake_zalo.update(USER, text="xong 12"))
        flat = await fake_zalo.post_webhook(
            fake_zalo.update(USER, text="12 đạt 60%"), wrapped=False
        )
        forged = await fake_zalo.post_webhook(
            fake_zalo.update(USER, text="x"), secret="wrong-secret"
        )
        probe = await fake_zalo.post_webhook({"ping": True}, wrapped=False)
    finally:
        await runner.cleanup()
    assert [wrapped.status_code, flat.status_code, forged.status_code, probe.status_code] == [
        200,
        200,
        403,
        200,
    ]
    assert [u.text for u in received] == ["xong 12", "12 đạt 60%"]


def test_read_webhook_checks_the_secret() -> None:
    body = json.dumps({"event_name": "message.text.received", "message": _message()})
    update = read_webhook({SECRET_HEADER.lower(): SECRET}, body.encode(), SECRET)
    assert update is not None and update.text == "chào"
    for headers in ({}, {SECRET_HEADER: ""}, {SECRET_HEADER: SECRET + "x"}):
        with pytest.raises(ZaloForbidden):
            read_webhook(headers, body, SECRET)
    assert read_webhook({SECRET_HEADER: SECRET}, b"\xff not json", SECRET) is None


def _message(**changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": "2d758cb5e222177a4e35",
        "date": 1750316131602,
        "text": "chào",
        "chat": {"id": USER, "chat_type": "PRIVATE"},
        "from": {"id": USER, "display_name": "Ted", "is_bot": False},
    }
    message.update(changes)
    return message


def test_parse_update_wrapped_and_flat() -> None:
    flat = {"event_name": "message.text.received", "message": _message()}
    wrapped = {"ok": True, "result": flat}
    assert parse_update(flat) == parse_update(wrapped)
    update = parse_update(wrapped)
    assert update is not None
    assert update.date == datetime(2025, 6, 19, 6, 55, 31, 602000, tzinfo=UTC)
    assert (update.message_id, update.display_name, update.group) == (
        "2d758cb5e222177a4e35",
        "Ted",
        False,
    )
    image = parse_update(
        {
            "event_name": "message.image.received",
            "message": _message(photo_url="https://f.zdn.vn/a.jpg", caption="biên bản", text=None),
        }
    )
    assert image is not None and (image.photo_url, image.text) == (
        "https://f.zdn.vn/a.jpg",
        "biên bản",
    )
    own = parse_update(flat, bot_id=USER)
    assert own is not None and own.is_echo
    group = parse_update(
        {
            "event_name": "message.text.received",
            "message": _message(chat={"id": "g1", "chat_type": "GROUP"}, message_id=77),
        }
    )
    assert group is not None and (group.chat_id, group.group, group.message_id) == (
        "g1",
        True,
        "77",
    )


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "message",
        42,
        {},
        {"ok": True},
        {"ok": True, "result": None},
        {"ok": True, "result": [{"event_name": "message.text.received"}]},
        {"event_name": "message.text.received"},
        {"event_name": "message.text.received", "message": "hi"},
        {"event_name": "message.text.received", "message": {"chat": {"id": USER}}},
        {"event_name": "", "message": _message()},
        {"event_name": ["x"], "message": _message()},
        {"message": _message()},
        {"event_name": "message.text.received", "message": _message(message_id=True)},
    ],
)
def test_parse_update_returns_none_for_what_it_cannot_use(payload: object) -> None:
    assert parse_update(payload) is None


def test_parse_update_tolerates_odd_fields() -> None:
    update = parse_update(
        {
            "event_name": "message.unsupported.received",
            "message": _message(text=None, date="oops", chat="?", **{"from": {"id": 5}}),
        }
    )
    assert update is not None
    assert (update.chat_id, update.user_id, update.text, update.date) == ("5", "5", "", None)
    seconds = parse_update({"event_name": "e", "message": _message(date=1750316131)})
    assert seconds is not None and seconds.date == datetime(2025, 6, 19, 6, 55, 31, tzinfo=UTC)
