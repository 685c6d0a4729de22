"""Dependencies shared by the routers, as Annotated aliases.

A route that works on a network takes its id and the store, and does its work inside
`with store.open(network_id) as network:` so that, with a shared store, what it changed is
written back before the answer is sent (and never if it raised).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from ..networks.store import NetworkStore


async def get_store(request: Request) -> NetworkStore:
    """Async, so that FastAPI runs it on the event loop rather than sending it to the
    thread pool (a hop that cost a step a tenth of a millisecond)."""
    store: NetworkStore = request.app.state.store
    return store


Store = Annotated[NetworkStore, Depends(get_store)]
NetworkId = Annotated[str, Path(max_length=64, description="the id returned on creation")]
