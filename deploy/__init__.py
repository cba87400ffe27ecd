"""Deployment files and their offline checks: `python -m deploy.check` (`make deploy-check`).

The container image is the root `Dockerfile`, the local Docker stack `docker-compose.yml`, the
Kubernetes manifests `deploy/k8s/` (a kustomize base and overlays), the monitoring configuration
`deploy/prometheus/` and `deploy/grafana/`.
"""
