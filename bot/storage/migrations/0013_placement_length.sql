-- How many consecutive slots a placed session takes in that version, from its slot: what the
-- run solved, so a version keeps its shape when the session's length is changed afterwards.
ALTER TABLE placements ADD COLUMN length INTEGER NOT NULL DEFAULT 1;
