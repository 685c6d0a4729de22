"""The networks in a Redis server, shared by every worker process and machine that uses it.

Keys (prefix `bp:`; `{id}` a network's id):
- `bp:{id}:net`, a hash: `core` (settings, parameters, step, the current pass) and `data`
  (the dataset as its spec or the learner's points, and where training stands), both in the
  bytes of codec.py (JSON and raw float64: never pickle), `version` (a random token, new at
  every write) and `layers` (the node counts and raw inputs: shape_field). Idle for
  NETWORK_TTL_SECONDS, it expires; every call renews it.
- `bp:{id}:lock`: the network's lock, a random token set with NX and a time-to-live of
  LOCK_SECONDS, renewed every LOCK_SECONDS / 3 for as long as the call that holds it runs. A
  call takes it, reads the network, works, writes back what changed and lets go of the lock
  in one script that first checks the token: a process that dies holding the lock leaves
  nothing half-written (its write never happened), and the lock expires after LOCK_SECONDS.
  A call whose lock expired before it wrote (its process stalled longer than that) is
  refused (NetworkBusy) and changes nothing.
- `bp:{id}:known`: that the id was given out (for KNOWN_TTL_SECONDS), so that a late call
  on an evicted or expired network hears "expired", as with the memory store.
- `bp:lru` (a sorted set: id → last use), `bp:sizes` (a hash: id → bytes of its two records
  as stored) and `bp:data-bytes` (their sum): the same bounds as the memory store,
  MAX_NETWORKS networks and MAX_DATA_BYTES of what they hold, least recently used evicted
  first, across all processes.
- `bp:answer:{hash of an Idempotency-Key}`: an answer kept for IDEMPOTENCY_SECONDS;
  `bp:bucket:create:{client}`: a client's token bucket for creating networks.

The server talks to Redis with redis.asyncio on the event loop: a call waiting for Redis (or
for a network's lock) holds no thread, and a small call works on the loop between its two
round trips; only a large one goes to a thread. Each event loop has its own client, with a
pool of REDIS_CONNECTIONS connections, and sends the commands its calls issue in one turn
of the loop together, as one pipeline (_Client). The scripts are safe to run twice (a
pipeline is retried once, at once, when its connection turns out to be closed, as after a
restart of Redis).

Memory: at most MAX_NETWORKS network hashes, their records together at most MAX_DATA_BYTES
(a built-in dataset is kept as its spec; a learner's own points and a mini-batch's pass as
their numbers), plus the small `known` markers and kept answers; every key has a TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from ..engine.mlp import Shape
from ..errors import NetworkBusy, NetworkNotFound, StoreUnavailable
from ..limits import (
    IDEMPOTENCY_SECONDS,
    KNOWN_TTL_SECONDS,
    LOCK_SECONDS,
    LOCK_WAIT_SECONDS,
    MAX_DATA_BYTES,
    MAX_NETWORKS,
    NETWORK_TTL_SECONDS,
    REDIS_CONNECTIONS,
    REDIS_PIPELINES,
    REDIS_TIMEOUT_SECONDS,
)
from . import codec
from .fifo import Gates, Slots
from .network import Network
from .results import Kept, Snapshot
from .store import MemoryStore, build

PREFIX = "bp:"
R = TypeVar("R")

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

# Counts the bytes of a network's records (ARGV prefix, id) in the budget, then evicts.
_RESIZE = """
local function resize(net, prefix, id, capacity, budget, ttl)
  local size = redis.call('hstrlen', net, 'core') + redis.call('hstrlen', net, 'data')
  local sizes = prefix .. 'sizes'
  local old = tonumber(redis.call('hget', sizes, id) or '0')
  redis.call('hset', sizes, id, size)
  redis.call('incrby', prefix .. 'data-bytes', size - old)
  evict(prefix, id, capacity, budget, ttl)
end
"""

# KEYS: net, known, answer. ARGV: prefix, id, core, data, ttl, known ttl, now, capacity,
# budget, version, layers, answer or '', answer ms. → 1 once created; the answer kept
# already for its key (nothing created) if there is one.
_CREATE = _EVICT + _RESIZE + """
if ARGV[12] ~= '' then
  local kept = redis.call('get', KEYS[3])
  if kept then return kept end
  redis.call('set', KEYS[3], ARGV[12], 'PX', ARGV[13])
end
redis.call('hset', KEYS[1], 'core', ARGV[3], 'data', ARGV[4], 'version', ARGV[10],
           'layers', ARGV[11])
redis.call('expire', KEYS[1], ARGV[5])
redis.call('set', KEYS[2], '1', 'EX', ARGV[6])
redis.call('zadd', ARGV[1] .. 'lru', ARGV[7], ARGV[2])
resize(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[5])
return 1
"""

# KEYS: lock, net, known. ARGV: prefix, id, token, lock ms, ttl, now, want data (0/1), the
# version the caller holds ('' for none). → nil if another call holds the lock; {0, known}
# if there is no such network; {1, version, core, data} with core and data '' when the
# caller's version is the current one (or data not wanted). A lock already ours (this
# script run again after a lost reply) is taken again.
_ACQUIRE = """
local holder = redis.call('get', KEYS[1])
if holder and holder ~= ARGV[3] then return false end
redis.call('set', KEYS[1], ARGV[3], 'PX', ARGV[4])
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

# KEYS: lock. ARGV: token, lock ms. → 1 if the lock is still ours (and now renewed), else 0.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""

# KEYS: lock, net, answer. ARGV: prefix, id, token, ttl, core or '', data or '', capacity,
# budget, new version, answer or '', answer ms. → -1 if the lock was lost (nothing
# written), 0 if the network is gone (evicted or deleted meanwhile: nothing written), 1 once
# written, with the answer if any, and the records' bytes counted; the lock is let go. Run
# again after a lost reply, it finds its own version written: 1.
_WRITE = _EVICT + _RESIZE + """
if redis.call('get', KEYS[1]) ~= ARGV[3] then
  if redis.call('hget', KEYS[2], 'version') == ARGV[9] then return 1 end
  return -1
end
redis.call('del', KEYS[1])
if redis.call('exists', KEYS[2]) == 0 then return 0 end
redis.call('hset', KEYS[2], 'version', ARGV[9])
if ARGV[5] ~= '' then redis.call('hset', KEYS[2], 'core', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('hset', KEYS[2], 'data', ARGV[6]) end
if ARGV[10] ~= '' then redis.call('set', KEYS[3], ARGV[10], 'PX', ARGV[11]) end
redis.call('expire', KEYS[2], ARGV[4])
if ARGV[5] ~= '' or ARGV[6] ~= '' then
  resize(KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[4])
end
return 1
"""

# KEYS: lock. ARGV: token. Lets go of the lock if it is still ours.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

# KEYS: net, known, answer. ARGV: prefix, id, answer or '', answer ms. → 1 if deleted (and
# the answer kept), {0, known} if there was none.
_DELETE = """
if redis.call('del', KEYS[1]) == 0 then return {0, redis.call('exists', KEYS[2])} end
if ARGV[3] ~= '' then redis.call('set', KEYS[3], ARGV[3], 'PX', ARGV[4]) end
redis.call('del', KEYS[2])
redis.call('zrem', ARGV[1] .. 'lru', ARGV[2])
local size = tonumber(redis.call('hget', ARGV[1] .. 'sizes', ARGV[2]) or '0')
redis.call('hdel', ARGV[1] .. 'sizes', ARGV[2])
redis.call('decrby', ARGV[1] .. 'data-bytes', size)
return 1
"""

# KEYS: bucket. ARGV: tokens a second, burst. A token bucket on Redis's clock: → "0" if a
# token was taken, else the seconds until one is there.
_TAKE_TOKEN = """
local now = redis.call('time')
now = tonumber(now[1]) + tonumber(now[2]) / 1e6
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('hmget', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('hset', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('expire', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""

_SCRIPTS = {"take_token": _TAKE_TOKEN, "create": _CREATE, "acquire": _ACQUIRE,
            "renew": _RENEW, "write": _WRITE, "release": _RELEASE, "delete": _DELETE}

log = logging.getLogger(__name__)


class _Reach:
    """Whether Redis answers: one log line when it stops (not a traceback per call), one
    when it answers again; every call in between is refused with StoreUnavailable."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._down_since: float | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def lost(self, error: redis.RedisError) -> StoreUnavailable:
        with self._lock:
            first = self._down_since is None
            if first:
                self._down_since = time.monotonic()
        if first:
            log.warning("the store of networks (%s) cannot be reached (%s: %s); calls are "
                        "answered 503 until it is back", self.label, type(error).__name__,
                        error)
        return StoreUnavailable(self.label)

    def reached(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is not None:
            log.warning("the store of networks (%s) answers again, after %.1f s", self.label,
                        time.monotonic() - since)


def _reaching(method: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
    """A store call whose Redis errors (unreachable, timed out, refused) become
    StoreUnavailable, told to the store's _Reach (which hears of Redis answering again from
    the calls that reach it: _Reach.reached)."""

    @functools.wraps(method)
    async def call(self: Any, *args: Any, **kwargs: Any) -> R:
        try:
            return await method(self, *args, **kwargs)
        except redis.RedisError as error:
            raise self._reach.lost(error) from None

    return call


def shape_field(shape: Shape) -> str:
    """The `layers` field beside a network's record: its node counts, as "2,3,1", and with
    derived features its raw inputs after a slash, as "4,3,1/2"."""
    layers = ",".join(map(str, shape.layers))
    return layers if shape.inputs == shape.layers[0] else f"{layers}/{shape.inputs}"


def shape_of_field(stored: bytes) -> Shape:
    layers_text, _, inputs = stored.partition(b"/")
    layers = tuple(int(n) for n in layers_text.split(b","))
    return Shape(layers, int(inputs) if inputs else layers[0])


def describe_url(url: str) -> str:
    """"Redis at HOST:PORT/DB", without a password the URL may hold."""
    parts = urlsplit(url)
    where = parts.hostname or parts.path
    if parts.port:
        where += f":{parts.port}"
    return f"Redis at {where}{parts.path if parts.hostname else ''}"


CACHED_NETWORKS = 256  # networks each process keeps decoded, with the version it saw, and
CACHED_BYTES = 64 * 2**20  # at most about this much of them (a pass of 100 samples on 8
# layers of 8 is about 230 KB as a record and as much decoded)
REMEMBERED_SHAPES = 100_000  # ids whose layers each process remembers (they never change)


@dataclass
class _Held:
    """A network as this process last saw it in Redis: its version, its core record and
    the data record it was read with (if read)."""

    version: str
    core: bytes
    loaded: dict[str, bytes | None]
    network: Network = field(init=False)

    def nbytes(self) -> int:
        """About what it holds: its records, and as much again decoded."""
        data = self.loaded.get("data")
        return 2 * (len(self.core) + (len(data) if data else 0))


class _Client:
    """An event loop's connection pool to Redis, the scripts registered on it, and its
    commands, sent together.

    A command (`command`, `script`) is not sent at once: it waits for the end of the loop's
    turn, and every command the loop's calls issued meanwhile goes in one pipeline (one
    write, one read, one connection of the pool). At most REDIS_PIPELINES pipelines are in
    flight; the commands issued while they are wait for the next. With one call at a time a
    command goes alone, a turn later; with many, a round trip serves many of them. (Sent one
    by one, each command took a connection from the pool and gave it back, and with more
    calls at once than connections, each waited its turn on the pool's lock: one worker's
    steps per second fell by a third from 16 to 256 connections.) A pipeline is retried
    once, at once, when its connection turns out to be closed (every script is safe to run
    twice), and runs again the scripts Redis had forgotten (NOSCRIPT, after a restart)."""

    def __init__(self, url: str) -> None:
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url, max_connections=REDIS_CONNECTIONS, timeout=LOCK_WAIT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1))
        self.redis = redis.asyncio.Redis(connection_pool=pool)
        self.scripts = {name: self.redis.register_script(source)
                        for name, source in _SCRIPTS.items()}
        self._sources = {script.sha: script.script for script in self.scripts.values()}
        self._waiting: list[tuple[tuple[Any, ...], asyncio.Future[Any]]] = []
        self._in_flight = 0
        self._planned = False
        self._sending: set[asyncio.Task[None]] = set()  # (a task must be referenced)

    def script(self, name: str, keys: list[Any], args: list[Any]) -> asyncio.Future[Any]:
        """Runs one of _SCRIPTS: its reply, once the pipeline it went in is answered."""
        sha = self.scripts[name].sha
        return self.command("EVALSHA", sha, len(keys), *keys, *args)

    def command(self, *args: Any) -> asyncio.Future[Any]:
        """Sends a command with the others of this turn of the loop: its reply (parsed as
        redis-py parses it), or its error, once its pipeline is answered."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((args, future))
        self._plan(loop)
        return future

    def _plan(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._planned and self._in_flight < REDIS_PIPELINES:
            self._planned = True
            loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._planned = False
        if not self._waiting or self._in_flight >= REDIS_PIPELINES:
            return
        batch, self._waiting = self._waiting, []
        self._in_flight += 1
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[tuple[Any, ...], asyncio.Future[Any]]]) -> None:
        try:
            replies = await self._pipeline([args for args, _ in batch])
        except BaseException as error:
            for _, future in batch:
                if future.done():  # its caller stopped waiting (cancelled)
                    continue
                if isinstance(error, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(error)
            if not isinstance(error, Exception):
                raise
        else:
            for (_, future), reply in zip(batch, replies, strict=True):
                if future.done():
                    continue
                if isinstance(reply, Exception):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
        finally:
            self._in_flight -= 1
            if self._waiting:
                self._plan(asyncio.get_running_loop())

    async def _pipeline(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        """The replies to `commands`, sent in one pipeline (an error reply in its place)."""
        pipe = self.redis.pipeline(transaction=False)
        for args in commands:
            pipe.execute_command(*args)
        replies = await pipe.execute(raise_on_error=False)
        forgotten = [n for n, reply in enumerate(replies)
                     if isinstance(reply, redis.exceptions.NoScriptError)
                     and commands[n][1] in self._sources]
        if forgotten:  # Redis restarted, or its scripts were flushed: load them, once
            for sha in {commands[n][1] for n in forgotten}:
                await self.redis.script_load(self._sources[sha])
            pipe = self.redis.pipeline(transaction=False)
            for n in forgotten:
                pipe.execute_command(*commands[n])
            for n, reply in zip(forgotten, await pipe.execute(raise_on_error=False),
                                strict=True):
                replies[n] = reply
        return list(replies)


class RedisLease:
    """One call's hold on a network in Redis: its lock (renewed while the call runs) and
    the network as read."""

    def __init__(self, store: RedisStore, client: _Client, network_id: str, token: str,
                 held: _Held, gate: Slots) -> None:
        self._store = store
        self._gate = gate
        self._client = client
        self._id = network_id
        self._token = token
        self._held = held
        self._write_args: list[Any] | None = None
        self._answer: tuple[str, Kept] | None = None
        self._lost = False
        self._renewal = asyncio.get_running_loop().create_task(self._renew())

    @property
    def network(self) -> Network:
        return self._held.network

    @property
    def _reach(self) -> _Reach:
        return self._store._reach

    @_reaching
    async def kept(self, key: str) -> Kept | None:
        data = await self._client.command("GET", self._store._answer_key(key))
        return None if data is None else Kept.unpack(data)

    def keep(self, key: str, answer: Kept) -> None:
        assert self._write_args is None, "keep before finish"
        self._answer = key, answer

    async def _renew(self) -> None:
        """Keeps the lock for as long as the call runs, however long it waits or works (a
        lock that expired under a call that still runs would let another call in, and
        this one's write be refused)."""
        lock = self._store._key(self._id, "lock")
        while True:
            await asyncio.sleep(LOCK_SECONDS / 3)
            with contextlib.suppress(redis.RedisError):
                if not await self._client.script(
                        "renew", [lock], [self._token, int(LOCK_SECONDS * 1000)]):
                    self._lost = True
                    return

    async def _stop_renewing(self) -> None:
        self._renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._renewal

    def _let_go(self) -> None:
        self._store._gates.leave(self._id, self._gate, held=True)

    def finish(self) -> None:
        """Encodes the records that changed (compared with those read), and the answer
        to keep, if any."""
        held, network = self._held, self._held.network
        new_core = codec.core_record(network.snapshot())
        new_data = codec.data_record(network.workbench) if network.data_loaded else None
        core_changed = new_core != held.core
        data_changed = new_data is not None and new_data != held.loaded.get("data")
        if not (core_changed or data_changed or self._answer):
            self._write_args = []
            return
        store = self._store
        version = secrets.token_hex(8)
        answer = self._answer[1].pack() if self._answer else b""
        self._write_args = [store.prefix, self._id, self._token, NETWORK_TTL_SECONDS,
                            new_core if core_changed else b"",
                            new_data if data_changed else b"",
                            store.capacity, store.data_bytes, version, answer,
                            IDEMPOTENCY_SECONDS * 1000]
        held.version, held.core = version, new_core
        if new_data is not None:
            held.loaded["data"] = new_data

    @_reaching
    async def commit(self) -> None:
        if self._write_args is None:
            self.finish()
        await self._stop_renewing()
        store, lock = self._store, self._store._key(self._id, "lock")
        try:
            if not self._write_args:  # nothing changed
                await self._client.script("release", [lock], [self._token])
                store._reach.reached()
                store._keep(self._id, self._held)
                return
            answer_key = store._answer_key(self._answer[0] if self._answer else "")
            written = await self._client.script(
                "write", [lock, store._key(self._id, "net"), answer_key], self._write_args)
        finally:
            self._let_go()
        store._reach.reached()
        if written == -1:
            raise NetworkBusy(self._id, lost=True)
        if written == 1:  # (0: evicted or deleted meanwhile: nothing to keep)
            store._keep(self._id, self._held)

    @_reaching
    async def release(self, unchanged: bool = False) -> None:
        await self._stop_renewing()
        try:
            await self._client.script("release", [self._store._key(self._id, "lock")],
                                      [self._token])
        finally:
            self._let_go()
        if unchanged:  # what this process holds is still the version in Redis
            self._store._keep(self._id, self._held)


class RedisStore:
    """The store of networks in Redis at `url` (redis://HOST:PORT/DB). The same behaviour
    as MemoryStore (ids, "expired", LRU eviction by count and by data), across processes."""

    in_process = False

    def __init__(self, url: str, capacity: int = MAX_NETWORKS,
                 data_bytes: int = MAX_DATA_BYTES, prefix: str = PREFIX) -> None:
        self.url = url
        self.label = describe_url(url)
        self._reach = _Reach(self.label)
        self.capacity = capacity
        self.data_bytes = data_bytes
        self.prefix = prefix
        # For the few calls made outside an event loop (tools, tests, a lazy read of data
        # from a thread): a plain client with its own pool.
        self.redis = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                          socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Client] = (
            weakref.WeakKeyDictionary())
        self._pingers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                 redis.asyncio.Redis] = (
            weakref.WeakKeyDictionary())
        self._cache: OrderedDict[str, _Held] = OrderedDict()  # id → as last seen here
        self._cache_sizes: dict[str, int] = {}
        self._cached_bytes = 0
        self._shapes: OrderedDict[str, Shape] = OrderedDict()
        self._lock = threading.Lock()  # the cache and the shapes
        # This process's calls on one network queue here, in order, and only the first
        # asks Redis for the lock (polling Redis is not fair, and costs round trips).
        self._gates = Gates()

    def _client(self) -> _Client:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = _Client(self.url)
        return client

    def _key(self, network_id: str, what: str) -> str:
        return f"{self.prefix}{network_id}:{what}"

    def _answer_key(self, key: str) -> str:
        """Where the answer to an Idempotency-Key is kept (its hash: any text a client
        sends makes one key name)."""
        return f"{self.prefix}answer:{hashlib.sha256(key.encode()).hexdigest()}"

    def ping(self) -> None:
        """Raises redis.ConnectionError if the server cannot be reached."""
        self.redis.ping()

    def close(self) -> None:
        self.redis.close()
        for client in list(self._clients.values()):
            with contextlib.suppress(Exception):
                client.redis.connection_pool.reset()

    def __len__(self) -> int:
        return int(self.redis.zcard(f"{self.prefix}lru"))

    @property
    def data_in_use(self) -> int:
        return int(self.redis.get(f"{self.prefix}data-bytes") or 0)

    def _unkeep(self, network_id: str) -> _Held | None:
        """The network as this process kept it, taken out of the cache (None if not)."""
        with self._lock:
            held = self._cache.pop(network_id, None)
            self._cached_bytes -= self._cache_sizes.pop(network_id, 0)
            return held

    def _keep(self, network_id: str, held: _Held) -> None:
        size = held.nbytes()
        with self._lock:
            self._cache.pop(network_id, None)
            self._cached_bytes += size - self._cache_sizes.pop(network_id, 0)
            self._cache[network_id] = held
            self._cache_sizes[network_id] = size
            while self._cache and (len(self._cache) > CACHED_NETWORKS
                                   or self._cached_bytes > CACHED_BYTES):
                gone, _ = self._cache.popitem(last=False)
                self._cached_bytes -= self._cache_sizes.pop(gone)

    def _remember_shape(self, network_id: str, shape: Shape) -> None:
        with self._lock:
            self._shapes[network_id] = shape
            while len(self._shapes) > REMEMBERED_SHAPES:
                self._shapes.popitem(last=False)

    @property
    def kind(self) -> str:
        return "redis"

    async def health(self) -> None:
        """Returns once Redis answers a ping (StoreUnavailable if it does not within
        REDIS_TIMEOUT_SECONDS), on connections of its own: a crowd of calls waiting for the
        pool never holds up the answer."""
        loop = asyncio.get_running_loop()
        pinger = self._pingers.get(loop)
        if pinger is None:
            pinger = self._pingers[loop] = redis.asyncio.Redis.from_url(
                self.url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 1),
                max_connections=2)
        try:
            await asyncio.wait_for(pinger.ping(), REDIS_TIMEOUT_SECONDS)
        except (redis.RedisError, TimeoutError) as error:
            raise self._reach.lost(redis.RedisError(str(error) or "no answer")) from None
        self._reach.reached()

    @_reaching
    async def new(self, **fields: Any) -> Snapshot:
        snap, _, _ = await self._create(fields)
        return snap

    @_reaching
    async def new_kept(self, key: str, answer: Callable[[Snapshot], Kept],
                       **fields: Any) -> tuple[Kept, bool]:
        _, kept, earlier = await self._create(fields, key, answer)
        assert kept is not None
        return kept, earlier

    async def _create(self, fields: dict[str, Any], key: str = "",
                      answer: Callable[[Snapshot], Kept] | None = None,
                      ) -> tuple[Snapshot, Kept | None, bool]:
        network = build(**fields)
        snap = network.snapshot()
        layers = shape_field(snap.arch.shape)
        kept = answer(snap) if answer is not None else None
        reply = await self._client().script(
            "create", [self._key(network.id, "net"), self._key(network.id, "known"),
                       self._answer_key(key)],
            [self.prefix, network.id, codec.core_record(snap),
                  codec.data_record(network.workbench), NETWORK_TTL_SECONDS,
                  KNOWN_TTL_SECONDS, _now_ms(), self.capacity, self.data_bytes,
                  secrets.token_hex(8), layers, kept.pack() if kept else b"",
                  IDEMPOTENCY_SECONDS * 1000])
        self._reach.reached()
        if reply != 1:  # the key was used already: its answer, and no new network
            return snap, Kept.unpack(reply), True
        self._remember_shape(network.id, snap.arch.shape)
        return snap, kept, False

    @_reaching
    async def take_token(self, bucket: str, per_second: float, burst: int) -> float:
        wait = await self._client().script(
            "take_token", [f"{self.prefix}bucket:{bucket}"], [per_second, burst])
        self._reach.reached()
        return float(wait)

    async def _not_found(self, client: _Client, network_id: str) -> NetworkNotFound:
        known = await client.command("EXISTS", self._key(network_id, "known"))
        return NetworkNotFound(network_id, expired=bool(known))

    @_reaching
    async def shape(self, network_id: str) -> Shape:
        with self._lock:
            shape = self._shapes.get(network_id)
        if shape is not None:
            return shape
        client = self._client()
        stored, core = await client.command("HMGET", self._key(network_id, "net"), "layers",
                                            "core")
        self._reach.reached()
        if core is None:
            raise await self._not_found(client, network_id)
        if stored is not None:
            shape = shape_of_field(stored)
        else:  # a network written before `layers` was kept beside it
            shape = codec.network_from_records(core, lambda: None).arch.shape
        self._remember_shape(network_id, shape)
        return shape

    async def _take(self, client: _Client, network_id: str, token: str, with_data: bool,
                    version: str = "") -> list[Any]:
        """Takes the network's lock (waiting up to LOCK_WAIT_SECONDS, on the event loop)
        and reads it, unless `version` is the current one: [1, version, core or b"",
        data or b""]."""
        keys = [self._key(network_id, "lock"), self._key(network_id, "net"),
                self._key(network_id, "known")]
        args = [self.prefix, network_id, token, int(LOCK_SECONDS * 1000), NETWORK_TTL_SECONDS,
                _now_ms(), int(with_data), version]
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        pause = 0.0005
        while True:
            reply = await client.script("acquire", keys, args)
            self._reach.reached()
            if reply is not None:
                if reply[0] == 0:
                    raise NetworkNotFound(network_id, expired=bool(reply[1]))
                return list(reply)
            if time.monotonic() > deadline:
                raise NetworkBusy(network_id)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.01)

    def _held(self, network_id: str, version: str, core: bytes, data: bytes | None,
              with_data: bool) -> _Held:
        """The network the records describe (its data read later if not given)."""
        held = _Held(version, core, {})
        if with_data:
            held.loaded["data"] = data or None

        def load_data() -> bytes | None:
            # A call that did not say it needs the data: read it now, with the plain client
            # (one round trip; the call holds the network's lock).
            if "data" not in held.loaded:
                try:
                    held.loaded["data"] = self.redis.hget(self._key(network_id, "net"),
                                                          "data")
                except redis.RedisError as error:
                    raise self._reach.lost(error) from None
            return held.loaded["data"]

        held.network = codec.network_from_records(core, load_data)
        return held

    @_reaching
    async def acquire(self, network_id: str, with_data: bool = False) -> RedisLease:
        """The network, read under its lock (the network this process last wrote or read
        is kept, a few hundred of them, with its version: when Redis still holds that
        version, nothing is read or decoded)."""
        client = self._client()
        token = secrets.token_hex(16)
        gate = self._gates.enter(network_id)
        held_gate = False
        try:
            held_gate = gate.try_take() or await gate.take(LOCK_WAIT_SECONDS)
            if not held_gate:
                raise NetworkBusy(network_id)
            cached = self._unkeep(network_id)
            _, version, core, data = await self._take(client, network_id, token, with_data,
                                                      cached.version if cached else "")
        except BaseException:
            self._gates.leave(network_id, gate, held_gate)
            raise
        try:
            if cached is not None and core == b"":
                held = cached
                if with_data and not held.network.data_loaded and "data" not in held.loaded:
                    held.loaded["data"] = await client.command(
                        "HGET", self._key(network_id, "net"), "data")
            else:
                held = self._held(network_id, version.decode(), core, data, with_data)
        except BaseException:
            try:
                await client.script("release", [self._key(network_id, "lock")], [token])
            finally:
                self._gates.leave(network_id, gate, True)
            raise
        return RedisLease(self, client, network_id, token, held, gate)

    @_reaching
    async def delete(self, network_id: str, keep: tuple[str, Kept] | None = None,
                     ) -> Kept | None:
        client = self._client()
        answer_key = self._answer_key(keep[0] if keep else "")
        if keep is not None and (kept := await client.command("GET", answer_key)) is not None:
            return Kept.unpack(kept)
        self._unkeep(network_id)
        token = secrets.token_hex(16)
        await self._take(client, network_id, token, False)  # waits for a call in progress
        try:
            reply = await client.script(
                "delete", [self._key(network_id, "net"), self._key(network_id, "known"),
                           answer_key],
                [self.prefix, network_id, keep[1].pack() if keep else b"",
                 IDEMPOTENCY_SECONDS * 1000])
        finally:
            await client.script("release", [self._key(network_id, "lock")], [token])
        if reply != 1:
            raise NetworkNotFound(network_id, expired=bool(reply[1]))
        return None

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
