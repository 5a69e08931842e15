# Synclog container image: a wheel built in one stage, installed in a virtual environment in the next.
#   docker build -t synclog .
#   docker run -p 8000:8000 -v synclog-data:/data synclog
# Settings are SYNCLOG_* environment variables (docs/deploy.md).

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m pip install --no-cache-dir --upgrade pip build
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY app ./app
COPY migrations ./migrations
COPY web ./web
# The wheel carries migrations/ and web/ inside the app package (see setup.py).
RUN python -m build --wheel --outdir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/synclog/bin:$PATH \
    SYNCLOG_DATABASE_URL=sqlite:////data/synclog.db
COPY --from=build /wheels /wheels
RUN python -m venv /opt/synclog \
    && /opt/synclog/bin/pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin synclog \
    && mkdir -p /data && chown synclog:synclog /data
USER synclog
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
# SIGTERM (docker stop) lets in-flight requests finish; give it longer than the default 10 s with --stop-timeout 35.
STOPSIGNAL SIGTERM
CMD ["synclog", "serve", "--host", "0.0.0.0", "--port", "8000"]
