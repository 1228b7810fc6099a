"""The fake Zalo server speaks the wire format and quirks the real one is known for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakezalo import FakeZalo, http_client

USER = "6ede9afa66b88fe6d6a9"


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(max_poll=0.2) as fake:
        yield fake


@pytest.fixture
async def http(fake_zalo: FakeZalo) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(base_url=f"{fake_zalo.url}/bot{fake_zalo.token}") as client:
        yield client


async def test_get_updates_is_wrapped_one_at_a_time(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    first = fake_zalo.add_text(USER, "một")
    fake_zalo.add_text(USER, "hai")
    response = await http.post("/getUpdates", json={"timeout": "30"})
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    result = body["result"]
    assert result["event_name"] == "message.text.received"
    message = result["message"]
    assert (message["message_id"], message["text"], message["from"]["id"]) == (first, "một", USER)
    assert message["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert isinstance(message["date"], int) and message["date"] > 10**12  # milliseconds
    assert len(fake_zalo.pending_updates) == 1


async def test_idle_poll_is_408_after_the_timeout(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await http.post("/getUpdates", json={"timeout": "30"})
    elapsed = loop.time() - started
    assert response.status_code == 408
    assert response.json() == {"ok": False, "error_code": 408, "description": "Request timeout"}
    assert 0.15 < elapsed < 1.5  # waited, capped by max_poll


async def test_a_waiting_poll_wakes_on_a_new_update(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    fake_zalo.max_poll = 5
    poll = asyncio.create_task(http.post("/getUpdates", json={"timeout": 5}))
    await fake_zalo.wait_for_call("getUpdates")
    fake_zalo.add_text(USER, "dậy")
    response = await asyncio.wait_for(poll, 2)
    assert response.json()["result"]["message"]["text"] == "dậy"


async def test_no_redelivery_and_injected_duplicates(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    message_id = fake_zalo.add_text(USER, "xong 12")
    await http.post("/getUpdates", json={"timeout": 1})
    assert (await http.post("/getUpdates", json={"timeout": 0})).status_code == 408
    fake_zalo.duplicate(message_id)
    again = (await http.post("/getUpdates", json={"timeout": 0})).json()["result"]
    assert again["message"]["message_id"] == message_id
    with pytest.raises(ValueError, match="no update"):
        fake_zalo.duplicate("nope")


async def test_form_query_and_json_bodies(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    assert (await http.post("/sendMessage", json={"chat_id": USER, "text": "a"})).json()["ok"]
    assert (await http.post("/sendMessage", data={"chat_id": USER, "text": "b"})).json()["ok"]
    assert (await http.get("/sendMessage", params={"chat_id": USER, "text": "c"})).json()["ok"]
    assert [m.text for m in fake_zalo.messages_to(USER)] == ["a", "b", "c"]
    result = (await http.post("/sendMessage", json={"chat_id": USER, "text": "d"})).json()
    assert set(result["result"]) == {"message_id", "date"}
    assert isinstance(result["result"]["message_id"], str)


async def test_bad_token_answers_200_with_ok_false(fake_zalo: FakeZalo) -> None:
    async with http_client() as client:
        response = await client.post(f"{fake_zalo.url}/bot1:wrong/getMe")
    assert response.status_code == 200
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_methods_are_case_sensitive(http: httpx.AsyncClient) -> None:
    assert (await http.post("/getMe")).json()["result"]["account_type"] == "BASIC"
    response = await http.post("/getme")
    assert response.status_code == 404 and response.json()["ok"] is False


async def test_text_limit_counts_utf16_units(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    too_long = await http.post("/sendMessage", json={"chat_id": USER, "text": "😀" * 1001})
    empty = await http.post("/sendMessage", json={"chat_id": USER, "text": ""})
    no_chat = await http.post("/sendMessage", json={"text": "a"})
    assert [too_long.status_code, empty.status_code, no_chat.status_code] == [400, 400, 400]
    assert "2000" in too_long.json()["description"]
    assert (await http.post("/sendMessage", json={"chat_id": USER, "text": "😀" * 1000})).json()[
        "ok"
    ]
    assert len(fake_zalo.sent) == 1


async def test_photo_takes_a_url_not_an_upload(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    upload = await http.post(
        "/sendPhoto", data={"chat_id": USER}, files={"photo": ("c.png", b"\x89PNG", "image/png")}
    )
    assert upload.status_code == 400
    by_url = await http.post("/sendPhoto", json={"chat_id": USER, "photo": "https://x.vn/c.png"})
    assert by_url.json()["ok"]
    assert [(m.method, m.photo) for m in fake_zalo.sent] == [("sendPhoto", "https://x.vn/c.png")]


async def test_quota_switch(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    fake_zalo.quota = 0
    response = await http.post("/sendMessage", json={"chat_id": USER, "text": "a"})
    assert response.status_code == 429
    assert response.json() == {"ok": False, "error_code": 429, "description": "Quota exceeded"}
    assert fake_zalo.sent == []
    fake_zalo.quota = None
    assert (await http.post("/sendMessage", json={"chat_id": USER, "text": "a"})).json()["ok"]


async def test_webhook_management(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    none = await http.post("/getWebhookInfo")
    assert none.status_code == 404 and none.json()["ok"] is False
    short = await http.post("/setWebhook", json={"url": "https://x.vn/z", "secret_token": "1234"})
    assert short.status_code == 400
    ok = await http.post("/setWebhook", json={"url": "https://x.vn/z", "secret_token": "s" * 8})
    assert ok.json()["result"]["verification"]["outcome"] == "webhook.ok"
    assert (await http.post("/getWebhookInfo")).json()["result"]["url"] == "https://x.vn/z"
    fake_zalo.add_text(USER, "chờ")
    assert (await http.post("/getUpdates", json={"timeout": 0})).status_code == 408
    deleted = (await http.post("/deleteWebhook")).json()["result"]
    assert deleted["url"] == ""
    assert (await http.post("/getUpdates", json={"timeout": 0})).json()["ok"]


async def test_injected_failures(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    fake_zalo.fail_next("getUpdates", 502, raw_body="<html>bad gateway</html>")
    fake_zalo.fail_next("sendMessage", 504, times=2)
    gateway = await http.post("/getUpdates")
    assert gateway.status_code == 502 and gateway.text == "<html>bad gateway</html>"
    for _ in range(2):
        timeout = await http.post("/sendMessage", json={"chat_id": USER, "text": "a"})
        assert timeout.json() == {"ok": False, "error_code": 504, "description": "Gateway Timeout"}
    assert (await http.post("/sendMessage", json={"chat_id": USER, "text": "a"})).json()["ok"]


async def test_echoes_of_the_bots_own_sends(fake_zalo: FakeZalo, http: httpx.AsyncClient) -> None:
    fake_zalo.echo_sends = True
    sent = (await http.post("/sendMessage", json={"chat_id": USER, "text": "nhắc"})).json()
    echo = (await http.post("/getUpdates", json={"timeout": 0})).json()["result"]["message"]
    assert echo["message_id"] == sent["result"]["message_id"]
    assert echo["from"] == {"id": fake_zalo.bot_id, "display_name": "bot.dondoc", "is_bot": True}
    fake_zalo.add_echo(USER, "tự gửi")
    assert fake_zalo.pending_updates[0]["message"]["from"]["is_bot"] is True


async def test_wait_helpers_report_what_happened(
    fake_zalo: FakeZalo, http: httpx.AsyncClient
) -> None:
    await http.post("/sendMessage", json={"chat_id": USER, "text": "chỉ một"})
    with pytest.raises(AssertionError, match="got 1: .*chỉ một"):
        await fake_zalo.wait_for_messages(USER, 2, timeout=0.05)
    fake_zalo.add_unsupported(USER)
    with pytest.raises(AssertionError, match="not fetched"):
        await fake_zalo.wait_idle(timeout=0.05)


async def test_post_webhook_needs_a_target(fake_zalo: FakeZalo) -> None:
    with pytest.raises(ValueError, match="no webhook"):
        await fake_zalo.post_webhook(fake_zalo.update(USER, text="x"))


async def test_stop_releases_a_pending_poll() -> None:
    fake = FakeZalo(max_poll=30)
    await fake.start()
    async with http_client(base_url=f"{fake.url}/bot{fake.token}") as http:
        poll = asyncio.create_task(http.post("/getUpdates", json={"timeout": 30}))
        await fake.wait_for_call("getUpdates")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await fake.stop()
        response = await asyncio.wait_for(poll, 3)
        assert response.status_code == 408
        assert loop.time() - started < 2.5
    await fake.stop()  # idempotent
