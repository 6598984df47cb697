"""The `accord` command line: everything the UI does, scriptable, locally or against a server."""
