"""What only HTTP needs and every router shares.

Dependencies, problem answers, strict bodies, preconditions, keyed writes, middleware, the web mount.
"""
