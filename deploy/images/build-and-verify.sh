#!/usr/bin/env bash
# Builds the processor and CLI images here, without a registry, and proves they run:
#   1. deploy/images/debian-jre-base.sh: the base image from Debian's packages (mmdebstrap; ~1.5 min)
#   2. mvn -Pimage -Dimage.base=local: Jib builds both images on it, as OCI tarballs (~1.5 min)
#   3. deploy/images/verify-images.sh: each image's layers unpacked and its entrypoint run (~20 s)
# As root (mmdebstrap and chroot). The Connect image needs Strimzi's base from quay.io and is not built.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v mmdebstrap >/dev/null || apt-get install -y -qq mmdebstrap >/dev/null
[ -f deploy/target/images/debian-jre-17.tar ] && [ -z "${REBUILD_BASE:-}" ] || deploy/images/debian-jre-base.sh
mvn -B -ntp -q -Pimage -Dimage.base=local package -DskipTests -pl stream-processor,cli -am
deploy/images/verify-images.sh 2>&1 | grep -v 'LIBARCHIVE'
