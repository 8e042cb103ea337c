-- The words of a block's reason were a generated column: computed for every
-- block written, though an ERP writes the same few reasons on thousands of
-- blocks ("encours dépassé"), at about 4 µs a block (the normalization's
-- regular expression and accent table). They become a plain column that an
-- import fills once per distinct reason; any other writer (the push API,
-- the sample, an operator's SQL) leaves it NULL, and the trigger fills it,
-- as it does when a reason changes without its words.

-- +goose Up
ALTER TABLE order_blocks ALTER COLUMN reason_words DROP EXPRESSION;

-- +goose StatementBegin
CREATE FUNCTION orderbot_block_reason_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.reason_words := string_to_array(orderbot_normalize(NEW.reason), ' ');
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER order_blocks_reason_words_insert BEFORE INSERT ON order_blocks
    FOR EACH ROW WHEN (NEW.reason_words IS NULL) EXECUTE FUNCTION orderbot_block_reason_words();
CREATE TRIGGER order_blocks_reason_words_update BEFORE UPDATE ON order_blocks
    FOR EACH ROW WHEN (NEW.reason IS DISTINCT FROM OLD.reason AND NEW.reason_words IS NOT DISTINCT FROM OLD.reason_words)
    EXECUTE FUNCTION orderbot_block_reason_words();

-- +goose Down
DROP TRIGGER order_blocks_reason_words_update ON order_blocks;
DROP TRIGGER order_blocks_reason_words_insert ON order_blocks;
DROP FUNCTION orderbot_block_reason_words();
ALTER TABLE order_blocks DROP COLUMN reason_words;
ALTER TABLE order_blocks ADD COLUMN reason_words text[]
    GENERATED ALWAYS AS (string_to_array(orderbot_normalize(reason), ' ')) STORED;
CREATE INDEX order_blocks_reason_words_idx ON order_blocks USING gin (reason_words);
