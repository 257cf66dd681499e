-- Whether rooms' capacities count when the engine places sessions ("seats", the default) or
-- only in the report of overflow afterwards ("ignore"): the engine's capacity_mode.
ALTER TABLE events ADD COLUMN seats_count {bool} NOT NULL DEFAULT TRUE;
