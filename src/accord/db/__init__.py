"""Storage: SQLAlchemy tables, the engine, migrations and one query module per aggregate."""
