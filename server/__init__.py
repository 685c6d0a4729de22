"""Backprop Playground: a NumPy MLP engine, a store of networks, and the HTTP API over them."""
