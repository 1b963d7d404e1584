"""The HTTP API (Read the Docs APIv3 contract): thin views over commands and read-model queries."""
