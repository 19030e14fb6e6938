# docker/worker.Dockerfile — automl-worker installed from its .deb, running as the
# package's unprivileged automl-worker user. The build context holds debs/
# (docker/README.md). Configured like the systemd unit: AUTOML_DSN (one libpq
# conninfo) and AUTOML_WORKER_OPTIONS (flags, split at whitespace).
#   podman build -f docker/worker.Dockerfile -t localhost/pg-automl-worker docker/
ARG BASE=localhost/pg-automl-base:bookworm
FROM ${BASE}

COPY debs/automl-worker_*.deb /tmp/debs/
# postgresql-client: psql for the health check (the worker's registration row).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/debs/automl-worker_*.deb postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* /tmp/debs
COPY worker-entrypoint.sh /usr/local/bin/worker-entrypoint.sh
COPY worker-healthcheck.sh /usr/local/bin/worker-healthcheck.sh
RUN chmod 755 /usr/local/bin/worker-entrypoint.sh /usr/local/bin/worker-healthcheck.sh

ENV AUTOML_DSN="" \
    AUTOML_WORKER_OPTIONS="--concurrency 1"
USER automl-worker
# --metrics-address 0.0.0.0:9187 serves /metrics and /healthz here (workers that have it).
EXPOSE 9187
# The worker stops claiming, lets running jobs finish for --grace-period (30 s), then
# releases them: give the container more than that to stop (compose: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/worker-healthcheck.sh"]
ENTRYPOINT ["/usr/local/bin/worker-entrypoint.sh"]
