"""The versions read model: its projection and queries (the flyout, published releases)."""
