"""Use cases joining the core and the database: one function, one transaction.

Services are the only layer that commits. They receive a `Caller` that the API (or the CLI)
has already authorized for the route, and apply row-level visibility themselves: annotators
never see gold answers or other annotators' work.
"""
