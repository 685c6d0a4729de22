"""The `backprop-playground` command: serve the app with uvicorn, in one process or several."""

from __future__ import annotations

import argparse
import os

import uvicorn

from .limits import MAX_BODY_BYTES, WS_MAX_QUEUE
from .networks.store_redis import open_store

# What uvicorn must be told for the limits to hold and for its own 400s to carry the security
# headers (bench/server.py passes the same).
UVICORN_SETTINGS = {"ws_max_size": MAX_BODY_BYTES, "ws_max_queue": WS_MAX_QUEUE,
                    "http": "server.protocols:SecureHttp"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve Backprop Playground.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (more than 1 needs --store redis://...)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="a page origin other than this server's own host that may open "
                             "Play's WebSocket (e.g. https://class.example.org, behind a "
                             "proxy that rewrites the host; repeatable; also "
                             "BACKPROP_ALLOWED_ORIGINS)")
    parser.add_argument("--store", default=os.environ.get("BACKPROP_STORE") or "memory",
                        help="where networks are kept: 'memory' (this process; the default) "
                             "or redis://HOST:PORT/DB, shared by every worker and machine "
                             "(also BACKPROP_STORE)")
    parser.add_argument("--data", default=os.environ.get("BACKPROP_DATA_DIR") or "data",
                        help="the folder of the lessons' SQLite file, lessons.sqlite3 (also "
                             "BACKPROP_DATA_DIR; default ./data); with --store redis://..., "
                             "lessons are kept in Redis instead")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    shared = args.store != "memory"
    if args.workers > 1 and not shared:
        parser.error(f"--workers {args.workers} needs a shared store: each worker process "
                     "would hold its own networks, and a call landing on another worker would "
                     "not find them. Start redis-server and add --store "
                     "redis://127.0.0.1:6379/0")
    try:
        open_store(args.store).close()  # fails now, plainly, if Redis is unreachable
    except Exception as error:  # any failure to reach the store is fatal
        parser.error(f"the store {args.store!r} cannot be used: {error}")
    os.environ["BACKPROP_STORE"] = args.store if shared else ""  # what each worker reads
    if args.allow_origin:
        os.environ["BACKPROP_ALLOWED_ORIGINS"] = " ".join(args.allow_origin)
    os.environ["BACKPROP_DATA_DIR"] = os.path.abspath(args.data)
    where = (f"networks and lessons in Redis at {args.store}" if shared
             else f"networks in memory, lessons in {os.path.abspath(args.data)}/lessons.sqlite3")
    print(f"Backprop Playground: open http://{args.host}:{args.port}/ in your browser "
          f"({args.workers} worker{'s' if args.workers > 1 else ''}, {where})", flush=True)
    uvicorn.run("server.main:app", host=args.host, port=args.port, workers=args.workers,
                access_log=args.access_log, log_level="warning", **UVICORN_SETTINGS)


if __name__ == "__main__":
    main()
