"""Alembic environment: always run in-process on a connection the app hands over."""

from alembic import context
from sqlalchemy import create_engine

from local_store.orm import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    # Developer use (`alembic revision --autogenerate`) against a scratch URL.
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///.cache/autogen.sqlite3"
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
