# The service's image: the API (gunicorn), the import worker and the one-shot commands.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv
COPY setup.cfg pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin bulkimport

# Never run as root.
USER 10001:10001
EXPOSE 3000
# API_WORKERS processes on MONGO_URL's database; a single one without MONGO_URL, since each
# process would otherwise hold an embedded database of its own (app/serving/gunicorn_conf.py).
CMD ["gunicorn", "--config", "python:app.serving.gunicorn_conf"]
