"""Where task data lives: the local media folder (and, later, buckets and HTTP)."""
