#!/usr/bin/env bash
# A base image for the processor and CLI images made from Debian's own packages, for machines that
# reach Debian's mirror but no container registry: a minimal root filesystem (Debian's essential
# packages, openjdk-17-jre-headless, CA certificates, a non-root user 65532 "nonroot"), written as a
# Docker-archive tarball that Jib reads with tar:// (mvn -Pimage -Dimage.base=local).
#
#   deploy/images/debian-jre-base.sh [OUT]    default: deploy/target/images/debian-jre-17.tar
#
# Needs mmdebstrap (apt-get install mmdebstrap) and root (it runs dpkg in a chroot). ~1.5 min, ~330 MB.
# Settings (environment): DEBIAN_SUITE (default bookworm), DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../target/images/debian-jre-17.tar}
SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
command -v mmdebstrap >/dev/null || { echo "debian-jre-base.sh: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$(dirname "$OUT")"

# update-alternatives (openjdk's postinst) needs the man directory that path-exclude leaves out.
mmdebstrap --variant=essential --include=openjdk-17-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
  --customize-hook='echo "nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin" >> "$1"/etc/passwd;
                    echo "nonroot:x:65532:" >> "$1"/etc/group; rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  "$SUITE" "$WORK/layer.tar" "$MIRROR" >&2

DIFF_ID=sha256:$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
cat > "$WORK/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$CREATED",
 "config":{"User":"65532:65532","WorkingDir":"/",
   "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},
 "history":[{"created":"$CREATED","created_by":"deploy/images/debian-jre-base.sh: mmdebstrap $SUITE openjdk-17-jre-headless ca-certificates"}]}
JSON
cat > "$WORK/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["agentmeter/debian-jre:17"],"Layers":["layer.tar"]}]
JSON
tar -C "$WORK" -cf "$OUT" manifest.json config.json layer.tar
echo "$OUT ($(du -h "$OUT" | cut -f1), layer $DIFF_ID)"
