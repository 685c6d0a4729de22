"""FastAPI routers and Pydantic schemas: the only place where NumPy becomes JSON."""
