// Pin the process time zone so that any TIMESTAMPTZ rendering is deterministic in tests.
process.env.TZ = 'UTC';
