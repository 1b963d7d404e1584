"""The dashboard's pages on the API's host: where the `urls` of projects, versions and builds point (as
readthedocs.org's do), as small HTML pages of those resources, read from the read models."""
