-- Keep orders.total_cents in step with its lines.
CREATE TRIGGER order_lines_total_insert AFTER INSERT ON order_lines
BEGIN
    UPDATE orders
       SET total_cents = total_cents + NEW.quantity * NEW.price_cents
     WHERE id = NEW.order_id;
END;

CREATE TRIGGER order_lines_total_delete AFTER DELETE ON order_lines
BEGIN
    UPDATE orders
       SET total_cents = total_cents - OLD.quantity * OLD.price_cents
     WHERE id = OLD.order_id;
END;
