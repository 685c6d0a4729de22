"""The `backprop-playground` command: serve the app with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve Backprop Playground.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    print(f"Backprop Playground: open http://{args.host}:{args.port}/ in your browser", flush=True)
    uvicorn.run("server.main:app", host=args.host, port=args.port,
                access_log=args.access_log, log_level="warning")


if __name__ == "__main__":
    main()
