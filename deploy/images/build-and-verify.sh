#!/usr/bin/env bash
# Builds the processor and CLI images here, without a registry, and proves they run:
#   1. deploy/images/debian-jre-base.sh: the base image from Debian's packages (mmdebstrap; ~1.5 min)
#   2. mvn -Pimage -Dimage.base=local: Jib builds both images on it, as OCI tarballs (~1.5 min)
#   3. deploy/images/verify-images.sh: each image's layers unpacked and its entrypoint run (~20 s)
# As root (mmdebstrap and chroot). The Connect image for Strimzi needs Strimzi's base (quay.io); here a
# plain Connect image is built instead: Debian's JRE, the Kafka Connect runtime of deploy/local, the sink
# plugin on plugin.path, ConnectDistributed as the entrypoint (for running Connect outside Strimzi).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v mmdebstrap >/dev/null || apt-get install -y -qq mmdebstrap >/dev/null
[ -f deploy/target/images/debian-jre-17.tar ] && [ -z "${REBUILD_BASE:-}" ] || deploy/images/debian-jre-base.sh
mvn -B -ntp -q -Pimage -Dimage.base=local package -DskipTests -pl stream-processor,cli,deploy -am
# The Connect image: the runtime jars next to the plugin the image profile unpacked, then Jib on the local base.
mkdir -p sink-connector/target/jib-extra/opt/kafka/libs
cp deploy/target/local/libs/*.jar sink-connector/target/jib-extra/opt/kafka/libs/
mvn -B -ntp -q -Pimage -Dimage.base=local -pl sink-connector jib:buildTar -Djib.skip=false \
  -Djib.from.image="tar://$PWD/deploy/target/images/debian-jre-17.tar" -Djib.container.user=65532:65532 \
  -Djib.container.entrypoint='java,-XX:MaxRAMPercentage=60,-cp,/opt/kafka/libs/*,org.apache.kafka.connect.cli.ConnectDistributed'
deploy/images/verify-images.sh 2>&1 | grep -v 'LIBARCHIVE'
