"""`stampbook serve`: the site and the API on one origin on this machine.

`origin.py` is the HTTP server (the built site at the root, the API under
`/api/`); `cpus.py` keeps its threads on one CPU.
"""
