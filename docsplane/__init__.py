"""docsplane: the composition root (settings → wired application) and the command-line interface."""
