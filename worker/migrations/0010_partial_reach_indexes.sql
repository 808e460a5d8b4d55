-- A page of the user list for someone who sees part of the agency finds its people through the
-- grants at the nodes under their reach. With the person in the index, that step reads a few
-- index pages instead of one table page per grant: D1 reads pages, and a page not in memory
-- costs far more than the row on it.
DROP INDEX grants_by_agency_node;
CREATE INDEX grants_by_agency_node ON grants (agency_id, node_id, user_id);
