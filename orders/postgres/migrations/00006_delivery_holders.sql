-- Deliveries name their holder, so that a holder whose lease ran out cannot
-- post after someone else took over; remember the channel ID Slack gave
-- (to look for a post after a crash when the channel was named); and cover
-- status history by insertion order, so that an import committing after a
-- digest, with changes dated before it, is in the next digest.

-- +goose Up
ALTER TABLE deliveries ADD COLUMN holder text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN channel_id text NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN history_to bigint;
CREATE INDEX orders_closed_at_idx ON orders (closed_at) WHERE closed_at IS NOT NULL;

-- +goose Down
DROP INDEX orders_closed_at_idx;
ALTER TABLE deliveries DROP COLUMN history_to;
ALTER TABLE deliveries DROP COLUMN channel_id;
ALTER TABLE deliveries DROP COLUMN holder;
