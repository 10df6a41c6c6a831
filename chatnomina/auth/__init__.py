"""Authentication and authorization: passwords, tokens, principals, rate limits."""
