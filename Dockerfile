FROM python:3.11-slim
# git: the build worker clones the projects' repositories; bubblewrap: every build step runs in its
# sandbox (it needs user namespaces: run the worker's container with `--security-opt seccomp=unconfined`
# or a profile allowing them, else the worker refuses to start on PostgreSQL); slirp4netns: the
# sandbox's own network, without the host's loopback (it needs /dev/net/tun: `--device /dev/net/tun`).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git bubblewrap slirp4netns \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY commands commands
COPY projections projections
COPY api api
COPY workers workers
COPY artifacts artifacts
COPY docsplane docsplane
COPY docshost docshost
COPY constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt .
# Builds run code from the projects' repositories: never as root.
RUN useradd --create-home docsplane && mkdir /data /artifacts && chown docsplane /data /artifacts
USER docsplane
ENV PYTHONUNBUFFERED=1 DOCSPLANE_DATA_DIR=/data PORT=8000
EXPOSE 8000
# The Procfile's api line; gunicorn binds 0.0.0.0:$PORT.
CMD ["gunicorn", "-k", "gthread", "-w", "2", "--threads", "8", "docsplane.wsgi:app"]
