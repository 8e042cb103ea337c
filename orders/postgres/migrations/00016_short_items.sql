-- The lines short of stock, indexed by their item's code and by the words
-- of their description as orderbot_normalize writes them: "qui attend du
-- Chai ?" finds the orders short of it through the index, among millions
-- of lines of which few are short.

-- +goose Up
CREATE INDEX order_lines_short_item_idx ON order_lines (upper(item))
    WHERE quantity > shipped + available;
CREATE INDEX order_lines_short_words_idx ON order_lines
    USING gin ((string_to_array(orderbot_normalize(description), ' ')))
    WHERE quantity > shipped + available;

-- +goose Down
DROP INDEX order_lines_short_words_idx, order_lines_short_item_idx;
