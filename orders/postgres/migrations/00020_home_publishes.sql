-- When each person's Home tab was last published, so that every replica
-- publishes it at most once every few seconds per person: a replica
-- claims the publication by moving published_at forward, which only one
-- of two replicas opening it at once can do.

-- +goose Up
CREATE TABLE home_publishes (
    slack_user_id text PRIMARY KEY,
    published_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE home_publishes;
