FROM python:3.11-slim
# git: the build worker clones the projects' repositories.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
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
RUN pip install --no-cache-dir .
# Builds run code from the projects' repositories: never as root.
RUN useradd --create-home docsplane && mkdir /data /artifacts && chown docsplane /data /artifacts
USER docsplane
ENV PYTHONUNBUFFERED=1 DOCSPLANE_DATA_DIR=/data
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "-k", "gthread", "--threads", "8", "docsplane.wsgi:app"]
