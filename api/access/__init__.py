"""Who may do what: token authentication, scopes, project access, rate limits."""
