-- Re-applied whenever this file changes.
DROP VIEW IF EXISTS order_summary;
CREATE VIEW order_summary AS
SELECT o.id           AS order_id,
       c.name         AS customer,
       o.total_cents  AS total_cents,
       '${currency}'  AS currency,
       COUNT(l.product_id) AS lines
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
  LEFT JOIN order_lines l ON l.order_id = o.id
 GROUP BY o.id, c.name, o.total_cents;
