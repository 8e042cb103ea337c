-- A question is stored with its claim before Slack's request is
-- acknowledged: what was asked (payload), which replica holds it and until
-- when. The holder renews the lease while it answers; a replica that dies
-- leaves its questions to whoever finds the lease run out, who answers them
-- once: the answer goes out after the question is marked posting, and a
-- question found posting is looked for in Slack before it is answered again.
-- Claims recorded before this migration are answered already.

-- +goose Up
ALTER TABLE slack_events ADD COLUMN payload jsonb;
ALTER TABLE slack_events ADD COLUMN holder text NOT NULL DEFAULT '';
ALTER TABLE slack_events ADD COLUMN lease_until timestamptz;
-- held: acknowledged, not answered; posting: the answer went out, or may
-- have; done: answered (or given up, in the log).
ALTER TABLE slack_events ADD COLUMN state text NOT NULL DEFAULT 'done'
    CHECK (state IN ('held', 'posting', 'done'));
ALTER TABLE slack_events ADD COLUMN posting_at timestamptz;
ALTER TABLE slack_events ADD COLUMN taken_over integer NOT NULL DEFAULT 0;
CREATE INDEX slack_events_held_idx ON slack_events (lease_until) WHERE state <> 'done';

-- +goose Down
DROP INDEX slack_events_held_idx;
ALTER TABLE slack_events DROP COLUMN taken_over;
ALTER TABLE slack_events DROP COLUMN posting_at;
ALTER TABLE slack_events DROP COLUMN state;
ALTER TABLE slack_events DROP COLUMN lease_until;
ALTER TABLE slack_events DROP COLUMN holder;
ALTER TABLE slack_events DROP COLUMN payload;
