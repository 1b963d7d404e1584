"""Where builds run: the bubblewrap sandbox, its network, and reading its output safely."""
