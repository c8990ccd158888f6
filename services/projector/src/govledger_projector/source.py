"""Reading the ledger's JetStream stream: the durable consumer, and ranges by sequence.

The stream is written only by the ledger's relay, so a message's stream sequence is the
ledger position of the envelope it carries.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import nats.errors
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from govledger_contracts.envelope import ENVELOPE_DECODER, Envelope
from govledger_projector.settings import Settings


async def stream_last_seq(js: JetStreamContext, stream: str) -> int:
    try:
        return int((await js.stream_info(stream)).state.last_seq)
    except NotFoundError:
        return 0


async def durable_subscription(js: JetStreamContext,
                               settings: Settings) -> JetStreamContext.PullSubscription:
    """The shared durable pull consumer: explicit acks, sent only after the views commit."""
    config = ConsumerConfig(
        durable_name=settings.consumer_name, name=settings.consumer_name,
        deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.EXPLICIT,
        ack_wait=float(settings.ack_wait_seconds), max_ack_pending=20_000,
        description="govledger projector: views in PostgreSQL, acked after commit")
    try:
        await js.consumer_info(settings.stream_name, settings.consumer_name)
    except NotFoundError:
        await js.add_consumer(settings.stream_name, config)
    return await js.pull_subscribe_bind(durable=settings.consumer_name,
                                        stream=settings.stream_name)


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
                raise LookupError(f"stream {stream} ends before position {end}") from exc
            chunk = [ENVELOPE_DECODER.decode(m.data) for m in msgs]
            chunk = [e for e in chunk if e.position <= end]
            if chunk:
                position = chunk[-1].position
                yield chunk
    finally:
        await sub.unsubscribe()
        with contextlib.suppress(NotFoundError):
            await js.delete_consumer(stream, name)
