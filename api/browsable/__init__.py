"""The API in a browser: JSON answers as HTML pages, and Swagger UI."""
