#!/usr/bin/env bash
# mqbench's install command: everything the tests and benchmarks need, idempotently.
#  - Debian packages (root + apt-get only; otherwise it says what is missing): a C/C++ toolchain, libssl and zlib
#    headers (to build @confluentinc/kafka-javascript's bundled librdkafka offline), Chromium (report test), openssl
#    (the TLS tests make their certificates with it), pkg-config and librocksdb-dev (Milvus's own RocksMQ, the
#    rocksmq target's pub/sub reference, is built against them), docker.io (dockerd, for the docker provider's
#    tests), debootstrap (their stand-in images' Debian base), docker-compose (to check the compose files) and
#    libjemalloc2 (the allocator of mqbench's trial and load-client processes, docs/calibration.md)
#  - npm packages from package-lock.json, with CKJS_LINKING=dynamic so librdkafka is built here, not downloaded
#  - the brokers the local provider runs (nats-server, Kafka jars), into ~/.cache/mqbench: `mqbench install`
#  - test fixtures: Maven Surefire's JUnit XML schema, into ~/.cache/mqbench/schemas; MongoDB's E-Divisive
#    (signal-processing-algorithms, PyPI) in a virtual environment under ~/.cache/mqbench/python; actionlint (Go
#    module proxy) for the example workflows, into ~/.cache/mqbench/tools; helm (Go module proxy, same place) and
#    kubernetes-validate (PyPI, its own virtual environment) for the workers' Helm chart
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || [ -x "${MQBENCH_CHROMIUM:-/nonexistent}" ] || missing+=(chromium)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/include/rocksdb/c.h ] || missing+=(librocksdb-dev)
# jemalloc, preloaded into mqbench's own processes (src/util/allocator.ts): glibc's malloc made them contend for a lock.
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libjemalloc\.so\.2 ' || missing+=(libjemalloc2)
# dockerd, for the docker provider's tests: they start an engine of their own on a private socket (never the default
# one, which the package does not start where there is no init system, as in CI containers).
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
# debootstrap, for the Debian base of the Kafka and Pulsar stand-in images those tests build.
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
# docker-compose, to check the generated compose files with Compose itself (unless the compose plugin is there).
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
echo "== Debian packages"
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]}) and run this again" >&2
  exit 1
fi

echo "== npm packages"
export CKJS_LINKING=dynamic
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

echo "== brokers for the local provider"
command -v go >/dev/null 2>&1 || { echo "go is missing: nats-server is built with go install" >&2; exit 1; }
command -v java >/dev/null 2>&1 || { echo "java is missing: Kafka needs a Java 17+ runtime" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "mvn is missing: Kafka's jars are resolved with Maven" >&2; exit 1; }
node bin/mqbench.js install

echo "== test fixtures"
# Maven Surefire's JUnit XML schema (the format Jenkins and Surefire read), to validate mqbench's --junit output.
# It ships in Surefire's source release on Maven Central.
schemas="${MQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqbench}/schemas"
surefire_xsd="$schemas/surefire-test-report-3.5.2.xsd"
if [ -f "$surefire_xsd" ]; then
  echo "surefire-test-report.xsd: already at $surefire_xsd"
else
  work="$(mktemp -d)"
  mvn -q -B dependency:copy -Dartifact=org.apache.maven.surefire:surefire:3.5.2:zip:source-release -DoutputDirectory="$work"
  (cd "$work" && jar xf surefire-3.5.2-source-release.zip surefire-3.5.2/maven-surefire-plugin/src/site/resources/xsd/surefire-test-report.xsd)
  mkdir -p "$schemas"
  cp "$work/surefire-3.5.2/maven-surefire-plugin/src/site/resources/xsd/surefire-test-report.xsd" "$surefire_xsd"
  rm -rf "$work"
  echo "surefire-test-report.xsd: at $surefire_xsd"
fi
# actionlint, the linter GitHub Actions workflows are checked with, for the example workflows.
tools="${MQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqbench}/tools"
if [ -x "$tools/actionlint" ] && "$tools/actionlint" -version | grep -q '^v1.7.12$'; then
  echo "actionlint: already at $tools/actionlint"
else
  GOBIN="$tools" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
  echo "actionlint: at $tools/actionlint"
fi
# MongoDB's E-Divisive means (signal-processing-algorithms on PyPI), the independent implementation the history's
# change-point search is checked against, in a virtual environment of its own.
e_divisive_venv="${MQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqbench}/python/e-divisive"
if "$e_divisive_venv/bin/python" -c 'import signal_processing_algorithms' >/dev/null 2>&1; then
  echo "signal-processing-algorithms: already in $e_divisive_venv"
else
  python3 -m venv "$e_divisive_venv"
  "$e_divisive_venv/bin/pip" install -q --disable-pip-version-check signal-processing-algorithms==2.1.6
  echo "signal-processing-algorithms: installed in $e_divisive_venv"
fi
# Helm renders the workers' chart (deploy/helm/mqbench) in the tests; kubernetes-validate (PyPI, with the Kubernetes
# API's JSON schemas bundled, so it needs no network) checks what it renders, strictly.
if [ -x "$tools/helm" ] && "$tools/helm" version --template '{{.Version}}' | grep -q '^v3\.22'; then
  echo "helm: already at $tools/helm"
else
  GOBIN="$tools" go install helm.sh/helm/v3/cmd/helm@v3.22.0
  echo "helm: at $tools/helm"
fi
kubernetes_validate_venv="${MQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mqbench}/python/kubernetes-validate"
if "$kubernetes_validate_venv/bin/kubernetes-validate" --version 2>/dev/null | grep -q '1.37.0'; then
  echo "kubernetes-validate: already in $kubernetes_validate_venv"
else
  python3 -m venv "$kubernetes_validate_venv"
  "$kubernetes_validate_venv/bin/pip" install -q --disable-pip-version-check kubernetes-validate==1.37.0
  echo "kubernetes-validate: installed in $kubernetes_validate_venv"
fi
echo "== setup done"
