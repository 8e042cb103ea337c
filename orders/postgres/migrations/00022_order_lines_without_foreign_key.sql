-- Order lines name their order without a foreign key, as blocks and the
-- history do: orders are never deleted (they are closed), every writer of
-- lines finds the order's ID in the same transaction, and a foreign key is
-- checked one inserted line at a time. A first lines import of 5,000,000
-- lines spent more time in those checks than in writing the lines.

-- +goose Up
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey;

-- +goose Down
DELETE FROM order_lines l WHERE NOT EXISTS (SELECT FROM orders o WHERE o.id = l.order_id);
ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES orders ON DELETE CASCADE;
