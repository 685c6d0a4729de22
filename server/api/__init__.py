"""FastAPI routers and Pydantic models: the only place where JSON meets NumPy, both ways
(parse.py turns requests into arrays, render.py turns results into responses)."""
