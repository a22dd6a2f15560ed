"""Store: schema and migrations, one Writer, read connections for the queries."""

from casegraph.store.base import Store, in_chunks, open_store
from casegraph.store.writer import Writer

__all__ = ["Store", "Writer", "in_chunks", "open_store"]
