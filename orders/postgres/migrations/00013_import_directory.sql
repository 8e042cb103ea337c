-- Each orders import records the state of the people directory it read
-- names through (how people are named, and the directory's last change):
-- an order's import_key is then the digest of its export row alone, and an
-- import trusts those digests to skip unchanged rows only when every open
-- order was compared under the directory it reads through (see
-- openOrderDigests), instead of rewriting every order's digest after each
-- people import.
--
-- Orders name their customer and people without foreign keys, as blocks
-- and history name their order: customers and people are never deleted,
-- every writer of orders finds or creates them in the same transaction,
-- and a first load of a million orders would otherwise check three keys
-- one row at a time.
--
-- orderbot_normalize gives the same result, but is no longer declared
-- STRICT: its body (a coalesce) is not strict, and a STRICT SQL function
-- whose body is not strict is called through the SQL function executor
-- every time instead of being inlined, which tripled the cost of the
-- generated columns (customers' names, blocks' reason words) a first load
-- computes a million times. A NULL still gives NULL.

-- +goose Up
ALTER TABLE import_runs ADD COLUMN directory text;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION orderbot_normalize(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(nullif(btrim(regexp_replace(lower(orderbot_unaccent(t)), '[^a-z0-9]+', ' ', 'g')), ''), lower(t));
-- +goose StatementEnd
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey,
    DROP CONSTRAINT orders_rep_id_fkey,
    DROP CONSTRAINT orders_assistant_id_fkey;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION orderbot_normalize(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN coalesce(nullif(btrim(regexp_replace(lower(orderbot_unaccent(t)), '[^a-z0-9]+', ' ', 'g')), ''), lower(t));
-- +goose StatementEnd
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT orders_rep_id_fkey FOREIGN KEY (rep_id) REFERENCES people,
    ADD CONSTRAINT orders_assistant_id_fkey FOREIGN KEY (assistant_id) REFERENCES people;
ALTER TABLE import_runs DROP COLUMN directory;
