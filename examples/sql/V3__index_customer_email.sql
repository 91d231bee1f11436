-- Look-ups by e-mail address; one account per address (case-insensitive).
CREATE UNIQUE INDEX customers_email_idx ON customers (lower(email));
