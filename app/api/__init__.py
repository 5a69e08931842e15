"""What only HTTP needs and every router shares.

Dependencies (where a request's transaction ends), problem answers, which methods write,
preconditions (ETags), the one keyed-write path, middleware, the web mount.
"""
