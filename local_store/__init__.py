"""The local SQLite store: ORM, migrations, personal-data crypto, repositories, outbox, audit."""
