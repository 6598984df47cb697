"""Load tests: a simulated crowd drives the real server over loopback, bounded in count and time."""
