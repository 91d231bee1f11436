INSERT INTO products (sku, title, price_cents) VALUES
    ('MUG-001', 'Runway mug; dishwasher safe', 1295),
    ('TEE-002', 'T-shirt "Ship it"', 2400),
    ('STK-003', 'Sticker pack -- 10 pieces', 499);
