"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from ..networks.network import Network
from ..networks.store import NetworkStore


def get_store(request: Request) -> NetworkStore:
    store: NetworkStore = request.app.state.store
    return store


Store = Annotated[NetworkStore, Depends(get_store)]
NetworkId = Annotated[str, Path(max_length=64, description="the id returned on creation")]


def get_network(network_id: NetworkId, store: Store) -> Network:
    return store.get(network_id)


CurrentNetwork = Annotated[Network, Depends(get_network)]
