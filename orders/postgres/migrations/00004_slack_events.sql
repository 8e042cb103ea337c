-- The Slack events orderbot has taken on: Slack retries an event it thinks
-- was not received, and several replicas share one app's events, so each
-- event_id is claimed here before it is answered.

-- +goose Up
CREATE TABLE slack_events (
    event_id    text PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX slack_events_received_idx ON slack_events (received_at);

-- +goose Down
DROP TABLE slack_events;
