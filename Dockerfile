# syntax=docker/dockerfile:1
# One image for every leanbus service; the command chooses which:
#   docker build -t leanbus .
#   docker run --rm leanbus service data-feed --nats-url nats://host:4222
# The builder stage installs leanbus and its pinned dependencies into a venv; the runtime stage
# copies only that venv onto a clean slim Python, so no compiler, pip cache or source tree ships.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY libs ./libs
COPY services ./services
# A regular (not editable) install: the venv holds everything, /src is left behind with this stage.
RUN pip install . && pip uninstall --yes pip setuptools

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NUMBA_CACHE_DIR=/tmp/numba-cache \
    LEANBUS_HTTP_HOST=0.0.0.0 \
    LEANBUS_HTTP_PORT=8080 \
    LEAN_DATA_FOLDER=/lean-data \
    LEANBUS_RESULTS_FOLDER=/results
# A fixed uid, so Kubernetes' runAsUser and fsGroup and the volumes' owners agree with the image.
# /results is created owned by it: a named volume mounted there starts with this owner and stays writable.
RUN groupadd --system --gid 10001 leanbus \
    && useradd --system --uid 10001 --gid leanbus --home-dir /home/leanbus --create-home leanbus \
    && mkdir -p /lean-data /results \
    && chown leanbus:leanbus /results
COPY --from=builder /opt/venv /opt/venv
WORKDIR /home/leanbus
USER 10001:10001
EXPOSE 8080
# /readyz answers 200 once the service is connected to NATS and taking runs.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "services.common.probe"]
ENTRYPOINT ["leanbus"]
CMD ["service", "algorithm"]
