"""The networks in a Redis server, shared by every worker process and machine that uses it.

Keys (prefix `bp:`; `{id}` a network's id):
- `bp:{id}:net`, a hash: `core` (settings, parameters, step, the current pass) and `data`
  (the dataset as its spec or the learner's points, and where training stands), both in the
  bytes of codec.py (JSON and raw float64: never pickle). Idle for NETWORK_TTL_SECONDS, it
  expires; every call renews it.
- `bp:{id}:lock`: the network's lock, a random token set with NX and a time-to-live. A call
  takes it, reads the network, works, writes back what changed and lets go of the lock in
  one script that first checks the token: a process that dies holding the lock leaves
  nothing half-written (its write never happened), and the lock expires after
  LOCK_SECONDS. A call whose lock expired before it wrote is refused (NetworkBusy) and
  changes nothing.
- `bp:{id}:known`: that the id was given out (for KNOWN_TTL_SECONDS), so that a late call
  on an evicted or expired network hears "expired", as with the memory store.
- `bp:lru` (a sorted set: id → last use), `bp:sizes` (a hash: id → bytes of its data) and
  `bp:data-bytes` (their sum): the same bounds as the memory store, MAX_NETWORKS networks
  and MAX_DATA_BYTES of data, least recently used evicted first, across all processes.

Memory: at most MAX_NETWORKS network hashes, each at most about 2 × 10,000 points of own
data (see README, "Capacity"), plus the small `known` markers; every key has a TTL.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis

from ..errors import NetworkBusy, NetworkNotFound
from ..limits import (
    KNOWN_TTL_SECONDS,
    LOCK_SECONDS,
    LOCK_WAIT_SECONDS,
    MAX_DATA_BYTES,
    MAX_NETWORKS,
    NETWORK_TTL_SECONDS,
)
from .network import Network
from .store import MemoryStore, build

PREFIX = "bp:"

# Evicts the least recently used networks (never ARGV keep) while there are more than
# `capacity` or their data exceeds `budget` bytes. Shared by the scripts below.
_EVICT = """
local function evict(prefix, keep, capacity, budget, ttl)
  local lru, sizes, total = prefix .. 'lru', prefix .. 'sizes', prefix .. 'data-bytes'
  while true do
    local count = redis.call('zcard', lru)
    local bytes = tonumber(redis.call('get', total) or '0')
    if count <= capacity and bytes <= budget then break end
    local oldest = redis.call('zrange', lru, 0, 1)
    local victim = oldest[1]
    if victim == keep then victim = oldest[2] end
    if not victim then break end
    redis.call('zrem', lru, victim)
    redis.call('del', prefix .. victim .. ':net')
    local size = tonumber(redis.call('hget', sizes, victim) or '0')
    redis.call('hdel', sizes, victim)
    redis.call('decrby', total, size)
  end
  for _, key in ipairs({lru, sizes, total}) do redis.call('expire', key, ttl) end
end
"""

# KEYS: net, known. ARGV: prefix, id, core, data, ttl, known ttl, now, capacity, budget,
# version.
_CREATE = _EVICT + """
redis.call('hset', KEYS[1], 'core', ARGV[3], 'data', ARGV[4], 'version', ARGV[10])
redis.call('expire', KEYS[1], ARGV[5])
redis.call('set', KEYS[2], '1', 'EX', ARGV[6])
redis.call('zadd', ARGV[1] .. 'lru', ARGV[7], ARGV[2])
evict(ARGV[1], ARGV[2], tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[5])
return 1
"""

# KEYS: lock, net, known. ARGV: prefix, id, token, lock ms, ttl, now, want data (0/1), the
# version the caller holds ('' for none). → nil if the lock is held; {0, known} if there is
# no such network; {1, version, core, data} with core and data '' when the caller's version
# is the current one (or data not wanted).
_ACQUIRE = """
if not redis.call('set', KEYS[1], ARGV[3], 'NX', 'PX', ARGV[4]) then return false end
local version = redis.call('hget', KEYS[2], 'version')
if not version then
  redis.call('del', KEYS[1])
  return {0, redis.call('exists', KEYS[3])}
end
redis.call('expire', KEYS[2], ARGV[5])
redis.call('zadd', ARGV[1] .. 'lru', ARGV[6], ARGV[2])
if version == ARGV[8] then return {1, version, '', ''} end
local data = ''
if ARGV[7] == '1' then data = redis.call('hget', KEYS[2], 'data') or '' end
return {1, version, redis.call('hget', KEYS[2], 'core'), data}
"""

# KEYS: lock, net. ARGV: prefix, id, token, ttl, core or '', data or '', data bytes or -1,
# capacity, budget, new version. → -1 if the lock was lost (nothing written), 0 if the
# network is gone (evicted or deleted meanwhile: nothing written), 1 once written; the lock
# is let go.
_WRITE = _EVICT + """
if redis.call('get', KEYS[1]) ~= ARGV[3] then return -1 end
redis.call('del', KEYS[1])
if redis.call('exists', KEYS[2]) == 0 then return 0 end
redis.call('hset', KEYS[2], 'version', ARGV[10])
if ARGV[5] ~= '' then redis.call('hset', KEYS[2], 'core', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('hset', KEYS[2], 'data', ARGV[6]) end
redis.call('expire', KEYS[2], ARGV[4])
local size = tonumber(ARGV[7])
if size >= 0 then
  local sizes = ARGV[1] .. 'sizes'
  local old = tonumber(redis.call('hget', sizes, ARGV[2]) or '0')
  redis.call('hset', sizes, ARGV[2], size)
  redis.call('incrby', ARGV[1] .. 'data-bytes', size - old)
  evict(ARGV[1], ARGV[2], tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[4])
end
return 1
"""

# KEYS: lock. ARGV: token. Lets go of the lock if it is still ours.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

# KEYS: net, known. ARGV: prefix, id. → 1 if deleted, {0, known} if there was none.
_DELETE = """
if redis.call('del', KEYS[1]) == 0 then return {0, redis.call('exists', KEYS[2])} end
redis.call('del', KEYS[2])
redis.call('zrem', ARGV[1] .. 'lru', ARGV[2])
local size = tonumber(redis.call('hget', ARGV[1] .. 'sizes', ARGV[2]) or '0')
redis.call('hdel', ARGV[1] .. 'sizes', ARGV[2])
redis.call('decrby', ARGV[1] .. 'data-bytes', size)
return 1
"""


CACHED_NETWORKS = 256  # networks each process keeps decoded, with the version it saw


@dataclass
class _Held:
    """A network as this process last saw it in Redis: its version, its core record and
    the data record it was read with (if read)."""

    version: str
    core: bytes
    loaded: dict[str, bytes | None]
    network: Network = field(init=False)


class RedisStore:
    """The store of networks in Redis at `url` (redis://HOST:PORT/DB). The same behaviour
    as MemoryStore (ids, "expired", LRU eviction by count and by data), across processes."""

    in_process = False

    def __init__(self, url: str, capacity: int = MAX_NETWORKS,
                 data_bytes: int = MAX_DATA_BYTES, prefix: str = PREFIX) -> None:
        self.url = url
        self.capacity = capacity
        self.data_bytes = data_bytes
        self.prefix = prefix
        self.redis = redis.Redis.from_url(url, socket_timeout=LOCK_WAIT_SECONDS,
                                          health_check_interval=30)
        self._create = self.redis.register_script(_CREATE)
        self._acquire = self.redis.register_script(_ACQUIRE)
        self._write = self.redis.register_script(_WRITE)
        self._release = self.redis.register_script(_RELEASE)
        self._delete = self.redis.register_script(_DELETE)
        self._cache: OrderedDict[str, _Held] = OrderedDict()  # id → as last seen here
        self._cache_lock = threading.Lock()

    def _key(self, network_id: str, what: str) -> str:
        return f"{self.prefix}{network_id}:{what}"

    def ping(self) -> None:
        """Raises redis.ConnectionError if the server cannot be reached."""
        self.redis.ping()

    def close(self) -> None:
        self.redis.close()

    def __len__(self) -> int:
        return int(self.redis.zcard(f"{self.prefix}lru"))

    @property
    def data_in_use(self) -> int:
        return int(self.redis.get(f"{self.prefix}data-bytes") or 0)

    def create(self, **fields: Any) -> Network:
        network = build(**fields)
        self._create(keys=[self._key(network.id, "net"), self._key(network.id, "known")],
                     args=[self.prefix, network.id, network.core_record(),
                           network.data_record(), NETWORK_TTL_SECONDS, KNOWN_TTL_SECONDS,
                           _now_ms(), self.capacity, self.data_bytes, secrets.token_hex(8)])
        return network

    def _take(self, network_id: str, token: str, with_data: bool,
              version: str = "") -> list[Any]:
        """Takes the network's lock (waiting up to LOCK_WAIT_SECONDS) and reads it, unless
        `version` is the current one: [1, version, core or b"", data or b""]."""
        keys = [self._key(network_id, "lock"), self._key(network_id, "net"),
                self._key(network_id, "known")]
        args = [self.prefix, network_id, token, int(LOCK_SECONDS * 1000), NETWORK_TTL_SECONDS,
                _now_ms(), int(with_data), version]
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        pause = 0.0005
        while True:
            reply = self._acquire(keys=keys, args=args)
            if reply is not None:
                if reply[0] == 0:
                    raise NetworkNotFound(network_id, expired=bool(reply[1]))
                return list(reply)
            if time.monotonic() > deadline:
                raise NetworkBusy(network_id)
            time.sleep(pause)
            pause = min(pause * 2, 0.01)

    def _held(self, network_id: str, version: str, core: bytes, data: bytes | None,
              with_data: bool) -> _Held:
        """The network the records describe (its data read later if not given)."""
        held = _Held(version, core, {})
        if with_data:
            held.loaded["data"] = data or None

        def load_data() -> bytes | None:
            if "data" not in held.loaded:  # under the lock of the call that needs it
                held.loaded["data"] = self.redis.hget(self._key(network_id, "net"), "data")
            return held.loaded["data"]

        held.network = Network.from_records(core, load_data)
        return held

    @contextmanager
    def open(self, network_id: str, with_data: bool = False) -> Iterator[Network]:
        """The network, read under its lock; what the call changed is written back when it
        returns, then the lock is let go. `with_data` reads the data in the same round
        trip (for calls that train); otherwise it is read if a call needs it.

        The network this process last wrote or read is kept (a few hundred of them) with
        its version: when Redis still holds that version, nothing is read or decoded."""
        token = secrets.token_hex(16)
        with self._cache_lock:
            cached = self._cache.pop(network_id, None)
        _, version, core, data = self._take(network_id, token, with_data,
                                            cached.version if cached else "")
        lock = self._key(network_id, "lock")
        try:
            if cached is not None and core == b"":
                held = cached
            else:
                held = self._held(network_id, version.decode(), core, data, with_data)
            network = held.network
            yield network
        except BaseException:
            self._release(keys=[lock], args=[token])
            raise
        new_core = network.core_record()
        new_data = network.data_record() if network.data_loaded else None
        core_changed = new_core != held.core
        data_changed = new_data is not None and new_data != held.loaded.get("data")
        if core_changed or data_changed:
            size = network.data_nbytes() if data_changed else -1
            new_version = secrets.token_hex(8)
            written = self._write(
                keys=[lock, self._key(network_id, "net")],
                args=[self.prefix, network_id, token, NETWORK_TTL_SECONDS,
                      new_core if core_changed else b"", new_data if data_changed else b"",
                      size, self.capacity, self.data_bytes, new_version])
            if written == -1:
                raise NetworkBusy(network_id, lost=True)
            if written == 0:
                return  # evicted or deleted meanwhile: nothing to keep
            held.version, held.core = new_version, new_core
            if new_data is not None:
                held.loaded["data"] = new_data
        else:
            self._release(keys=[lock], args=[token])
        with self._cache_lock:
            self._cache[network_id] = held
            while len(self._cache) > CACHED_NETWORKS:
                self._cache.popitem(last=False)

    def delete(self, network_id: str) -> None:
        with self._cache_lock:
            self._cache.pop(network_id, None)
        token = secrets.token_hex(16)
        self._take(network_id, token, False)  # waits for a call in progress to end
        try:
            reply = self._delete(keys=[self._key(network_id, "net"),
                                       self._key(network_id, "known")],
                                 args=[self.prefix, network_id])
        finally:
            self._release(keys=[self._key(network_id, "lock")], args=[token])
        if reply != 1:
            raise NetworkNotFound(network_id, expired=bool(reply[1]))

    def flush(self) -> None:
        """Deletes every key of this store's prefix (for tests and benchmarks)."""
        for key in self.redis.scan_iter(f"{self.prefix}*", count=1000):
            self.redis.delete(key)


def _now_ms() -> int:
    return int(time.time() * 1000)


def open_store(spec: str | None, capacity: int = MAX_NETWORKS) -> MemoryStore | RedisStore:
    """The store a command line or BACKPROP_STORE names: None, "" or "memory" for the
    memory store; redis://HOST:PORT/DB (or rediss://, unix://) for Redis, checked to be
    reachable."""
    if not spec or spec == "memory":
        return MemoryStore(capacity=capacity)
    if not spec.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"the store must be 'memory' or a redis:// URL, not {spec!r}")
    store = RedisStore(spec, capacity=capacity)
    store.ping()
    return store

