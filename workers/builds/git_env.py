"""The environment every git command of a build or a version sync runs with."""

# git never prompts (no terminal), and only these transports: no `ext::` commands from a URL.
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
}
