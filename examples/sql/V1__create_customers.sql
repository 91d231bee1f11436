-- Customers of the shop.
CREATE TABLE customers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    country     TEXT NOT NULL DEFAULT '${default_country}',
    created_at  TEXT NOT NULL DEFAULT (datetime('now'))
);
