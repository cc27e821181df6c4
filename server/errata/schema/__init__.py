"""The shapes every interface shares, in pydantic alone (no database, no search engine).

`vocab`: literal kinds, UTC datetimes, answer shapes and limits; `drafts`: the entry draft
that files hold and submissions become. Light on purpose: `errata mcp` builds its tools'
schemas from these (and `public`) before the database layer or the search index is imported.
models.py re-exports both for the code that already reads them there.
"""
