-- An agency may end its sessions sooner than the platform's three days without use
-- (CallTrackingMetrics' "log out after inactivity"): minutes, or NULL for the platform's limit.
ALTER TABLE agencies ADD COLUMN session_idle_minutes INTEGER;
