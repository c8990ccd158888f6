"""Publishing views over NATS: a JetStream KV bucket per read model (one key per entity plus
``summary``) and a ``ViewChanged`` message on ``govledger.<ward>.views.<model>`` naming every
key put, ``summary`` included whenever the summary changed.

What to publish is read back from PostgreSQL (rows written after ``published_position``,
summaries included), so a process that died between commit and publish leaves nothing
unpublished, and a summary in a bucket is the very JSON the API serves: whoever
takes the projector lock next publishes it. Values are deterministic folds of the log, so
publishing a value twice is harmless; publishing under the projector lock keeps an older
value from overwriting a newer one.
"""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError
from nats.js.kv import KeyValue

from govledger_contracts.subjects import view_subject
from govledger_contracts.views import SUMMARY_KEY, ViewChanged, kv_bucket
from govledger_projector.projections import PROJECTIONS
from govledger_projector.settings import Settings
from govledger_projector.store import (
    SUMMARY_ROWS,
    Checkpoint,
    Conn,
    mark_published,
    rows_since,
)

_ENCODE = msgspec.json.Encoder().encode


class ViewPublisher:
    def __init__(self, js: JetStreamContext, settings: Settings) -> None:
        self._js = js
        self._settings = settings
        self._buckets: dict[str, KeyValue] = {}

    async def ensure(self) -> None:
        """Create the views stream and the buckets if missing (idempotent, race-tolerant)."""
        await self._ensure_views_stream()
        for model in PROJECTIONS:
            self._buckets[model] = await self._bucket(kv_bucket(self._settings.ward, model))

    async def _ensure_views_stream(self) -> None:
        subject = f"govledger.{self._settings.ward}.views.>"
        name = self._settings.views_stream_name
        try:
            info = await self._js.stream_info(name)
        except NotFoundError:
            with contextlib.suppress(BadRequestError):  # another projector created it first
                await self._js.add_stream(StreamConfig(
                    name=name, subjects=[subject], storage=StorageType.FILE, max_age=30 * 86400,
                    duplicate_window=120.0, description="govledger view-change messages"))
            return
        subjects = list(info.config.subjects or [])
        if subject not in subjects:  # one views stream may serve several wards
            info.config.subjects = [*subjects, subject]
            await self._js.update_stream(info.config)

    async def _bucket(self, name: str) -> KeyValue:
        try:
            return await self._js.key_value(name)
        except NotFoundError:
            try:
                return await self._js.create_key_value(KeyValueConfig(
                    bucket=name, history=1, storage=StorageType.FILE,
                    description="govledger read model (one key per entity, plus summary)"))
            except BadRequestError:
                return await self._js.key_value(name)

    async def publish_pending(self, conn: Conn, checkpoint: Checkpoint) -> int:
        """Publish rows written since the last publish; the caller holds the projector lock.
        Returns the number of rows (entities and summaries) published."""
        if checkpoint.published_position >= checkpoint.position:
            return 0
        rows = await rows_since(conn, checkpoint.generation, checkpoint.published_position)
        by_model: dict[str, list[tuple[str, str]]] = {}
        summaries: dict[str, str] = {}
        for row in rows:
            if row["model"] == SUMMARY_ROWS:
                summaries[row["key"]] = row["doc"]
            else:
                by_model.setdefault(row["model"], []).append((row["key"], row["doc"]))
        # The models' buckets and subjects are independent: publish them concurrently (one
        # round trip for the puts, one for the messages, however many models changed). Each
        # model's change message still follows its own puts.
        await asyncio.gather(*(
            self._publish_model(model, by_model.get(model, []), summaries.get(model), checkpoint)
            for model in PROJECTIONS if model in by_model or model in summaries))
        await mark_published(conn, checkpoint.position)
        return len(rows)

    async def _publish_model(self, model: str, entries: list[tuple[str, str]],
                             summary: str | None, checkpoint: Checkpoint) -> None:
        bucket = self._buckets[model]
        if summary is not None:
            entries = [*entries, (SUMMARY_KEY, summary)]
        await asyncio.gather(*(bucket.put(key, doc.encode()) for key, doc in entries))
        message = ViewChanged(
            ward=self._settings.ward, model=model, bucket=bucket._name,
            position=checkpoint.position, hash=checkpoint.hash,
            keys=tuple(key for key, _ in entries), generation=checkpoint.generation,
            as_of=checkpoint.as_of)
        msg_id = f"{model}:{checkpoint.generation}:{checkpoint.position}"
        await self._js.publish(view_subject(self._settings.ward, model), _ENCODE(message),
                               stream=self._settings.views_stream_name,
                               headers={"Nats-Msg-Id": msg_id,
                                        "Govledger-Position": str(checkpoint.position)})
