"""The pure domain: plain data in, plain data out; no I/O and no framework imports."""
