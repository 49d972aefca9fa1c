"""Seeded random batches through the one write path (``ChangeSet``), for the tests that compare
what the server keeps with a recomputation from the records after each batch."""

from __future__ import annotations

from collections.abc import Iterator


def random_batches(session, model, batches: int, max_ops: int) -> Iterator[int]:
    """Write ``batches`` change sets of 1 to ``max_ops`` of ``model``'s operations each, committing
    each; yield the batch's number after its commit (the caller checks the database then)."""
    from server.sync.changes import ChangeSet, Writer

    for batch in range(batches):
        changes = ChangeSet(session, Writer.system("test"))
        for _ in range(model.rng.randint(1, max_ops)):
            kind, values, deleted = model.operation()
            changes.server_write(kind, values["id"], values, deleted=deleted)
        changes.commit()
        session.commit()
        yield batch
