-- A run's metadata: a JSON object given at trigger time (options.metadata), stored as sent and
-- copied on replay. Null when none. Its size is capped by the server (RunLimits.maxMetadataBytes).
ALTER TABLE runs ADD COLUMN metadata text;
