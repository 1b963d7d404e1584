"""The docs host: serves the published output of builds at Read the Docs URLs, with redirects and privacy, from read models and the artifact store."""
