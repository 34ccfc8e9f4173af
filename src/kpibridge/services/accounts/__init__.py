"""People who sign in: users, roles, passwords and API tokens."""
