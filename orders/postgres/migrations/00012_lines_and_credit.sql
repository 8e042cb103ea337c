-- Order lines as the ERP's line export gives them (item code, description,
-- quantities, restock date, shipment and its tracking), and each customer's
-- credit position as its credit export gives it: what is short and what
-- would release the credit.

-- +goose Up
ALTER TABLE order_lines RENAME COLUMN product TO description;
ALTER TABLE order_lines RENAME COLUMN qty_ordered TO quantity;
ALTER TABLE order_lines RENAME COLUMN qty_available TO available;
ALTER TABLE order_lines
    ADD COLUMN item     text NOT NULL DEFAULT '',
    ADD COLUMN shipped  numeric(15, 3) NOT NULL DEFAULT 0,
    ADD COLUMN carrier  text NOT NULL DEFAULT '',
    ADD COLUMN tracking text NOT NULL DEFAULT '';

CREATE TABLE customer_credit (
    customer_id   bigint PRIMARY KEY REFERENCES customers ON DELETE CASCADE,
    credit_limit  numeric(15, 2) NOT NULL,
    exposure      numeric(15, 2) NOT NULL,
    overdue       numeric(15, 2) NOT NULL DEFAULT 0,
    overdue_since date,
    currency      text NOT NULL,
    account_hold  boolean NOT NULL DEFAULT false,
    as_of         timestamptz NOT NULL,
    import_id     bigint
);

-- +goose Down
DROP TABLE customer_credit;
ALTER TABLE order_lines DROP COLUMN item, DROP COLUMN shipped, DROP COLUMN carrier, DROP COLUMN tracking;
ALTER TABLE order_lines RENAME COLUMN available TO qty_available;
ALTER TABLE order_lines RENAME COLUMN quantity TO qty_ordered;
ALTER TABLE order_lines RENAME COLUMN description TO product;
