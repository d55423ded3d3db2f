#!/usr/bin/env bash
# Makes the Dockerfile's base image (docker.io/library/eclipse-temurin:17-jre) offline, from
# Debian's packages, for machines that reach no container registry. Elsewhere, the real image is
# pulled as usual and this script is not needed.
set -euo pipefail
if podman image exists docker.io/library/eclipse-temurin:17-jre; then
    exit 0
fi
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d)
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
mount -t proc proc "$root/proc"
chroot "$root" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null && apt-get clean'
umount "$root/proc"
tar --numeric-owner -C "$root" -c . | podman import --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' - localhost/jre17-base >/dev/null
podman tag localhost/jre17-base docker.io/library/eclipse-temurin:17-jre
