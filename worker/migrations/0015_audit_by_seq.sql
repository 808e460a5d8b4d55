-- The audit log is read newest first, a page at a time from a cursor (`seq < ?`): this index
-- makes a page read about a page of rows, whatever the length of the agency's log.
CREATE INDEX audit_by_seq ON audit_log (agency_id, seq);
