-- Round robin over concurrency keys by a cursor: the key a queue served last. A claim looks at the
-- keys after it, in key order (wrapping around), only as many as it has slots for, instead of
-- every key with its last turn (V12's queue_keys and key_turn, dropped).
ALTER TABLE queues ADD COLUMN key_cursor text;
ALTER TABLE queues DROP COLUMN key_turn;
DROP TABLE queue_keys;
