-- Which version of the projections (projections.PROJECTION_VERSION) wrote the generation that
-- serves. Views written before this column existed are version 1. A projector whose code is
-- newer rebuilds in the background on start (the old generation keeps serving) and the
-- rebuild stamps its version in the transaction that switches generations.
ALTER TABLE projector.checkpoint ADD COLUMN projection_version integer NOT NULL DEFAULT 1;
