"""Reading the ledger's JetStream stream: the durable consumer, and ranges by sequence.

The stream is written only by the ledger's relay, so a message's stream sequence is the
ledger position of the envelope it carries.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator

import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import BadRequestError, NotFoundError

from govledger_contracts.envelope import ENVELOPE_DECODER, Envelope
from govledger_projector.settings import Settings


class PositionUnknown(LookupError):
    """A ledger position the event stream has not reached (``head``, when known, is its
    last): a view as of it would claim a state the ledger has not recorded."""

    def __init__(self, position: int, head: int | None = None) -> None:
        ends = "" if head is None else f" (it ends at {head})"
        super().__init__(f"the log has not reached position {position}{ends}")
        self.position, self.head = position, head


async def stream_last_seq(js: JetStreamContext, stream: str) -> int:
    try:
        return int((await js.stream_info(stream)).state.last_seq)
    except NotFoundError:
        return 0


async def ensure_durable(js: JetStreamContext, settings: Settings) -> None:
    """The shared durable pull consumer.

    Ack policy ALL: one ack per batch, for the batch's last message, sent only after the
    views committed. Acks only spare redelivery; correctness comes from the checkpoint
    (positions at or below it are skipped) and from filling gaps from the stream.
    """
    config = ConsumerConfig(
        durable_name=settings.consumer_name, name=settings.consumer_name,
        deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.ALL,
        ack_wait=float(settings.ack_wait_seconds), max_ack_pending=20_000, max_waiting=512,
        description="govledger projector: views in PostgreSQL, acked after commit")
    try:
        await js.consumer_info(settings.stream_name, settings.consumer_name)
    except NotFoundError:
        with contextlib.suppress(BadRequestError):  # another projector created it first
            await js.add_consumer(settings.stream_name, config)


class BatchPuller:
    """Pulls batches from a durable consumer through one long-lived reply inbox.

    nats-py's ``fetch`` waits on a timer per message and holds a batch until it is full or
    expires; this one takes messages as the server pushes them, returns a batch as soon as
    the burst pauses (``LINGER``), keeps anything that arrives later for the next call, and
    asks for the next batch before returning one, so pulling overlaps with committing.
    """

    LINGER = 0.001
    LINGER_MAX = 0.005
    """A steady trickle never pauses: stop collecting after this long, bounding the lag."""

    def __init__(self, nc: NatsClient, stream: str, consumer: str) -> None:
        self._nc = nc
        self._next = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._inbox = nc.new_inbox()
        self._buffer: list[Msg] = []
        self._arrived = asyncio.Event()
        self._outstanding = 0
        self._sub: Subscription | None = None

    async def start(self) -> None:
        self._sub = await self._nc.subscribe(self._inbox, cb=self._on_msg)

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()

    async def _on_msg(self, msg: Msg) -> None:
        status = (msg.headers or {}).get("Status")
        if status is None:
            self._buffer.append(msg)
            self._outstanding = max(0, self._outstanding - 1)
        elif status != "100":  # 404 no messages, 408 expired, 409...: the request is over
            self._outstanding = 0
        self._arrived.set()

    async def _request(self, batch: int, wait: float) -> None:
        if self._outstanding == 0 and len(self._buffer) < batch:
            self._outstanding = batch
            request = json.dumps({"batch": batch, "expires": int(wait * 1e9)}).encode()
            await self._nc.publish(self._next, request, reply=self._inbox)

    async def fetch(self, batch: int, wait: float) -> list[Msg]:
        await self._request(batch, wait)
        if not self._buffer:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait + 1.0)
        deadline = asyncio.get_running_loop().time() + self.LINGER_MAX
        while self._outstanding and len(self._buffer) < batch:
            seen = len(self._buffer)
            await asyncio.sleep(self.LINGER)
            if len(self._buffer) == seen or asyncio.get_running_loop().time() > deadline:
                break  # the burst paused (or trickles on): go with what we have
        taken, self._buffer = self._buffer[:batch], self._buffer[batch:]
        # Ask for the next batch now, so it arrives while the caller commits this one.
        await self._request(batch, wait)
        return taken


async def read_range(js: JetStreamContext, stream: str, start: int, end: int, *,
                     batch: int = 1000) -> AsyncIterator[list[Envelope]]:
    """Envelopes at positions ``start``..``end`` (inclusive), in order, in chunks.

    An ephemeral consumer with no acks: used to fill a gap the durable consumer left (its
    messages went to another process that died before committing), to rebuild, and to
    compute a view as of a past position.
    """
    if end < start:
        return
    name = f"projector-read-{uuid.uuid4().hex[:12]}"
    await js.add_consumer(stream, ConsumerConfig(
        name=name, deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start,
        ack_policy=AckPolicy.NONE, inactive_threshold=30.0, mem_storage=True))
    sub = await js.pull_subscribe_bind(consumer=name, stream=stream)
    try:
        position = start - 1
        while position < end:
            try:
                msgs = await sub.fetch(min(batch, end - position), timeout=5)
            except (TimeoutError, nats.errors.TimeoutError) as exc:
                raise PositionUnknown(end) from exc
            chunk = [ENVELOPE_DECODER.decode(m.data) for m in msgs]
            chunk = [e for e in chunk if e.position <= end]
            if chunk:
                position = chunk[-1].position
                yield chunk
    finally:
        await sub.unsubscribe()
        with contextlib.suppress(NotFoundError):
            await js.delete_consumer(stream, name)
