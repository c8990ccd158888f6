-- The projector's own schema: one checkpoint row and one table of view rows per generation.
CREATE SCHEMA IF NOT EXISTS projector;

-- Every generation's table is made LIKE this one (never written).
CREATE TABLE projector.views_template (
    model    text   NOT NULL,
    key      text   NOT NULL,
    doc      jsonb  NOT NULL,
    position bigint NOT NULL,  -- the checkpoint position of the batch that last wrote the row
    PRIMARY KEY (model, key)
);
CREATE INDEX views_template_position_idx ON projector.views_template (position);
CREATE TABLE projector.views_1 (LIKE projector.views_template INCLUDING ALL);

-- One row: which generation serves, the ledger position and hash its views reflect, and
-- how far they have been published to NATS. Written only in the same transaction as the
-- view rows (see consumer.py).
CREATE TABLE projector.checkpoint (
    singleton          boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    generation         integer     NOT NULL,
    position           bigint      NOT NULL,
    hash               text        NOT NULL,
    as_of              timestamptz,
    published_position bigint      NOT NULL,
    updated_at         timestamptz NOT NULL
);
INSERT INTO projector.checkpoint VALUES (true, 1, 0, '', NULL, 0, now());
