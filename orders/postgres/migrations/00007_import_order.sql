-- An import names the guards --force overrode ('older': its as-of time was
-- before the last applied import of its profile; 'close_share': it closed
-- more than import.max_close_share of the open orders), and the last
-- applied import of a profile is found by its id.

-- +goose Up
ALTER TABLE import_runs ADD COLUMN forced text[] NOT NULL DEFAULT '{}'
    CHECK (forced <@ ARRAY['older', 'close_share']);
CREATE INDEX import_runs_profile_idx ON import_runs (kind, profile, id DESC) WHERE finished_at IS NOT NULL;

-- +goose Down
DROP INDEX import_runs_profile_idx;
ALTER TABLE import_runs DROP COLUMN forced;
