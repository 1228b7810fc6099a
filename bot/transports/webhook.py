"""One aiohttp server for every platform's webhook: check the secret, store, answer fast."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web

from bot.transports.contract import Transport, WebhookRefused
from bot.transports.inbox import InboxWorker

log = logging.getLogger(__name__)
# Bot API updates are small; anything bigger is not one.
MAX_BODY = 1024 * 1024


def webhook_app(
    transports: Mapping[str, Transport], inbox: InboxWorker, secret: str
) -> web.Application:
    """Serve POST /telegram, /zalo …: 403 without the secret, 200 once the update is stored.

    The update is stored in the inbox before the answer, and handled after it, so a platform
    that retries a request it got no answer to finds it stored already (and it is handled once).
    """
    app = web.Application(client_max_size=MAX_BODY)

    def route(transport: Transport) -> web.RouteDef:
        async def receive(request: web.Request) -> web.Response:
            body = await request.read()
            try:
                batch = transport.webhook_updates(request.headers, body, secret)
            except WebhookRefused:
                log.warning("%s webhook: refused a request without the secret", transport.platform)
                return web.Response(status=403, text="forbidden")
            if batch:
                await inbox.store_batch(transport.platform, batch)
            return web.json_response({"ok": True})

        return web.post(f"/{transport.platform}", receive)

    app.add_routes([route(t) for t in transports.values()])
    return app


def listen_address(value: str) -> tuple[str, int]:
    """("127.0.0.1", 8080) for "127.0.0.1:8080"; ValueError for anything else."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"DONDOC_WEBHOOK_LISTEN phải có dạng host:cổng, không phải “{value}”")
    return host.strip("[]"), int(port)
