-- Indexes for the platform mock's remaining full scans (found with EXPLAIN QUERY PLAN while
-- benchmarking it, bench/platform.py): the institutions an agent is actively bound to (login as
-- 经办人, the title check of an owning institution's agent), and the contract list's order.
CREATE INDEX platform_bindings_agent ON platform_bindings (agent_id, status);
CREATE INDEX platform_contracts_created ON platform_contracts (created_at, id);
