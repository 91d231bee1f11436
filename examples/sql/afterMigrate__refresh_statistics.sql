-- Runs after every successful migrate: keep the query planner's statistics fresh.
ANALYZE;
