/** Pinned versions of the brokers mqbench installs for the local provider (and the matching container images). */
export const VERSIONS = {
  /** nats-server, built with `go install github.com/nats-io/nats-server/v2@<version>`. */
  natsServer: 'v2.15.2',
  /** natscli, for `nats bench` (the NATS perf tool mqbench calibrates its client against): `go install …/natscli/nats@<version>`. */
  natscli: 'v0.5.1',
  /** Apache Kafka (KRaft), from Maven Central jars (org.apache.kafka:kafka_2.13). 4.4.0's kafka-tools-api is missing from Central. */
  kafka: '4.3.1',
  /** Log4j 2 for Kafka's server logging (Kafka 4.x uses slf4j 1.7 → log4j-slf4j-impl). */
  log4j: '2.24.3',
  /** Apache Pulsar (4.0 LTS line), the server distribution tarball from Maven Central. */
  pulsar: '4.0.8',
  /** MinIO, `go install github.com/minio/minio@<pseudo-version>` (its tags are not semver; the repository is archived). */
  minio: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  /** Woodpecker (github.com/zilliztech/woodpecker), linked into tools/woodpecker-helper (its go.mod pins the same). */
  woodpecker: 'v0.1.29',
  /**
   * Milvus Lite, the last release built on Milvus's C++ core (3.x is a Python rewrite): a Milvus server without a
   * message queue, from the PyPI wheel (Linux x86_64). The tests run mqbench's Milvus client against it.
   */
  milvusLite: '2.5.1',
} as const;

/** Container images with the same broker versions, for the docker provider and docker-compose.yml. */
export const IMAGES = {
  nats: `nats:${VERSIONS.natsServer.slice(1)}`,
  kafka: `apache/kafka:${VERSIONS.kafka}`,
  pulsar: `apachepulsar/pulsar:${VERSIONS.pulsar}`,
  /** The last community MinIO image (not pulled on the development machine, which has no Docker). */
  minio: 'minio/minio:RELEASE.2025-09-07T16-13-09Z',
} as const;
