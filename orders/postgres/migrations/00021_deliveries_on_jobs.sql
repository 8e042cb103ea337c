-- Deliveries are worked as River jobs (one replica at a time, worked again
-- when its replica dies), under a lock on their key: the leases and their
-- holders go. The table stays the record of what was sent.

-- +goose Up
DROP INDEX deliveries_due_idx;
ALTER TABLE deliveries DROP COLUMN lease_until;
ALTER TABLE deliveries DROP COLUMN holder;
CREATE INDEX deliveries_open_idx ON deliveries (kind, id) WHERE state IN ('claimed', 'posting', 'posted', 'retry');

-- +goose Down
DROP INDEX deliveries_open_idx;
ALTER TABLE deliveries ADD COLUMN holder text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();
CREATE INDEX deliveries_due_idx ON deliveries (lease_until) WHERE state IN ('claimed', 'posting', 'posted', 'retry');
