-- A lines import rewrites the digests of the orders whose lines changed,
-- an eighth of them or more on a busy day, spread over the whole table: at
-- the default fillfactor no page had room for the new version, so that
-- each was written elsewhere with a new entry in the primary key (none of
-- those updates was HOT), and the table grew by that much each import.
-- Room on each page keeps the rewrite in place, and the table in order of
-- order_id, which the import writes the digests in.

-- +goose Up
ALTER TABLE line_digests SET (fillfactor = 80);
CLUSTER line_digests USING line_digests_pkey;

-- +goose Down
ALTER TABLE line_digests RESET (fillfactor);
