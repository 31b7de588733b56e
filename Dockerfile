# The wirehouse image: the project (DAGs, scrapers, extract, sql, seeds) and the exact
# environment pinned in uv.lock, on python:3.11-slim. Every Airflow service of
# docker-compose.yml runs this one image; the command picks the component.
#
#   docker compose build            (or: docker build -t wirehouse:latest .)
#
# Dependencies come only from uv.lock (`uv sync --frozen`): no _PIP_ADDITIONAL_REQUIREMENTS,
# no apache/airflow image or constraints file. Change a dependency in pyproject.toml,
# run `uv lock`, rebuild.
FROM python:3.11-slim

# Keep in step with UV_VERSION in the Makefile and the dev group of pyproject.toml.
ARG UV_VERSION=0.13.9
# The user the Airflow services run as (group 0, as in Airflow's own image).
ARG AIRFLOW_UID=50000

ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    AIRFLOW_HOME=/opt/airflow \
    WIREHOUSE_HOME=/opt/airflow/wirehouse \
    PATH=/opt/venv/bin:$PATH

RUN python -m pip install "uv==${UV_VERSION}" \
 && useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir /opt/airflow --create-home --shell /bin/bash airflow \
 && mkdir -p /opt/airflow/logs /opt/airflow/auth /opt/airflow/wirehouse \
 && chown -R "${AIRFLOW_UID}:0" /opt/airflow \
 && chmod -R g+rwX /opt/airflow

WORKDIR /opt/wirehouse

# 1. The locked third-party dependencies alone: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# 2. The project itself, installed (editable, as uv.lock records it) from /opt/wirehouse, so
#    wirehouse.config.PROJECT_ROOT is /opt/wirehouse and dags/, sql/, seeds/ are found there.
#    The smoke check does not import airflow: that would write an airflow.cfg with generated
#    secrets into the image (all Airflow configuration is by environment, see docker-compose.yml).
COPY . .
RUN uv sync --frozen --no-dev \
 && chmod +x docker/*.sh docker/postgres-init/*.sh \
 && python -c "import importlib.metadata as m; print('apache-airflow', m.version('apache-airflow'))" \
 && python -c "import scrapy, trafilatura, psycopg, psycopg2, redis, celery, extract, scrapers"

USER ${AIRFLOW_UID}:0
ENV PYTHONPATH=/opt/wirehouse
EXPOSE 8080 8793 8974
CMD ["airflow", "version"]
