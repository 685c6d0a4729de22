"""The errors the server raises below the API; api/errors.py maps each to one status.

Each says what is wrong in words a person can act on; FieldError also names the field, by
construction, so that no code has to find it in a message's text.
"""

from __future__ import annotations


class FieldError(ValueError):
    """A value a client sent cannot be used; `field` names it (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PhaseConflict(Exception):
    """A phase was asked for out of order, or training has no data (409)."""


class Diverged(Exception):
    """The computation would produce a non-finite number; nothing was changed (409)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} would produce a number too large to represent (overflow): training has "
            "diverged. Nothing was changed; lower the learning rate, reset the network, or "
            "use smaller inputs.")


class NetworkNotFound(LookupError):
    """No network has this id; `expired` tells whether it once existed and was evicted (404)."""

    def __init__(self, network_id: str, expired: bool) -> None:
        self.network_id = network_id
        self.expired = expired
        super().__init__(network_id)


class NetworkBusy(Exception):
    """Another call kept the network (in a shared store) too long: nothing was changed (503)."""

    def __init__(self, network_id: str, lost: bool = False) -> None:
        self.network_id = network_id
        super().__init__(
            "the network was busy with another call for too long"
            + (" and this call's work was not kept" if lost else "")
            + ": nothing was changed; try again")


class Overloaded(Exception):
    """The server has more heavy work queued than it takes: nothing was done (503)."""

    def __init__(self, waiting: int) -> None:
        super().__init__(
            f"the server is busy: {waiting} calls that train, plot or read data wait for it "
            "already; nothing was done, try again in a moment")


class RateLimited(Exception):
    """One client asked for more than its share: nothing was done (429)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(1, round(retry_after + 0.5))


class ClientGone(Exception):
    """The client closed its connection while its call waited: the call was dropped."""


class StoreUnavailable(Exception):
    """The store of networks (a Redis server) cannot be reached, or failed (503)."""

    def __init__(self, store: str) -> None:
        self.store = store
        super().__init__(
            f"the store of networks ({store}) cannot be reached: the server is working to "
            "reach it again; try again in a few seconds")


class UnsupportedMediaType(Exception):
    """A body that is not said to be JSON, where JSON is required (415)."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"content-type: {what} must be sent as JSON: send the header Content-Type: "
            "application/json (with {} for every default)")
