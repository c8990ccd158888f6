"""The API's NATS link is closed cleanly however early the app stops.

The app starts its first connect in the background; a test client (or a server told to stop
at once) may close it mid-handshake. A connection abandoned then is a socket nobody closes,
reported as a ResourceWarning wherever the garbage collector happens to find it.
"""

from __future__ import annotations

import asyncio
import gc

from govledger_ledger.adapters.nats_link import NatsLink


async def test_closing_the_link_mid_connect_leaves_no_socket_open(nats_url: str) -> None:
    for attempt in range(40):
        link = NatsLink(nats_url)
        await link.start()
        await asyncio.sleep(attempt * 0.0005)  # from before the TCP connect to after CONNECT
        await link.close()
    del link
    gc.collect()  # an unclosed transport warns here, and pytest turns it into an error
