"""How resources are shown: links, pagination, expand, fields/omit, rendering, JSON."""
