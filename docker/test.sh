#!/usr/bin/env bash
# Builds the image and runs it for real with Debian's podman: the banner on the published SMTP
# port, a message sent with our client and found through the API, a clean stop; then the compose
# file, both services. Skips, saying why, only where podman cannot run at all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v podman >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "docker/test.sh: installing podman"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc debootstrap podman-compose golang-github-containernetworking-plugin-dnsname >/dev/null
    fi
fi
if ! command -v podman >/dev/null 2>&1 || ! podman info >/dev/null 2>&1; then
    echo "docker/test.sh: SKIPPED: podman cannot run on this machine"
    exit 0
fi
if [ "$(id -u)" = 0 ] && ! grep -q '^network_backend = "cni"' /etc/containers/containers.conf 2>/dev/null; then
    # This sandbox cannot raise rlimits and mixes cgroup versions: runc, and capped ulimits.
    # CNI with its dnsname plugin lets compose services find each other by name; netavark's port
    # forwarding does not work in this sandbox.
    cat > /etc/containers/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
[network]
network_backend = "cni"
CONF
fi
if [ "$(id -u)" = 0 ]; then
    mkdir -p /etc/containers/registries.conf.d
    printf '[[registry]]\nlocation = "docker.io"\nblocked = true\n' > /etc/containers/registries.conf.d/99-offline.conf
fi
docker/base-image.sh

[ -f server/app/target/smtplab-server.jar ] && [ -f client/target/smtplab.jar ] || mvn -q -B -Dstyle.color=never -DskipTests package

name=smtplab-test-$$
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
cleanup() {
    podman rm -f -v "$name" >/dev/null 2>&1 || true
    # rm -v also removes each container's anonymous /data volume, which compose down leaves behind.
    for container in $(podman ps -a -q --filter label=com.docker.compose.project=smtplabtest 2>/dev/null); do
        podman rm -f -v "$container" >/dev/null 2>&1 || true
    done
    (cd docker && podman-compose -p smtplabtest down -v >/dev/null 2>&1) || true
}
trap cleanup EXIT

await() {
    local what=$1; shift
    for _ in $(seq 1 120); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    echo "docker/test.sh: FAILED: $what" >&2
    exit 1
}
banner() {
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; head -c 3 <&3" | grep -q 220
}

echo "docker/test.sh: building the image"
podman build --format docker --pull=never --network none -q -t smtplab:test -f docker/Dockerfile . >/dev/null

smtp=$(free_port); web=$(free_port)
podman run -d --name "$name" -p "127.0.0.1:$smtp:2525" -p "127.0.0.1:$web:8025" \
    -e SMTPLAB_PRESET="unknown-recipient:addresses=nobody@example.test" smtplab:test >/dev/null
await "no SMTP banner on the published port $smtp" banner "$smtp"
echo "docker/test.sh: banner on 127.0.0.1:$smtp"
test "$(podman exec "$name" id -un)" = smtplab || { echo "docker/test.sh: FAILED: the server does not run as smtplab" >&2; exit 1; }
await "the health check (/healthz) never passed" podman healthcheck run "$name"
java -jar client/target/smtplab.jar send --server "127.0.0.1:$smtp" --from a@example.test --to b@example.test \
    --subject "through the container" --starttls --insecure
set +e
java -jar client/target/smtplab.jar send --server "127.0.0.1:$smtp" --from a@example.test --to nobody@example.test >/dev/null 2>&1
refused=$?
set -e
test "$refused" = 24 || { echo "docker/test.sh: FAILED: the preset from SMTPLAB_PRESET did not apply (exit $refused)" >&2; exit 1; }
curl -sf "http://127.0.0.1:$web/api/v1/messages?subject=through" | grep -q '"subject":"through the container"' \
    || { echo "docker/test.sh: FAILED: the message is not in the API" >&2; exit 1; }
echo "docker/test.sh: message sent and found through the API"
podman stop -t 10 "$name" >/dev/null
podman logs "$name" | grep -q "SMTP Lab stopped" || { echo "docker/test.sh: FAILED: no clean stop" >&2; exit 1; }
echo "docker/test.sh: stopped cleanly"

echo "docker/test.sh: compose"
if ss -ltn | grep -qE '127.0.0.1:(2525|2465|8025) '; then
    echo "docker/test.sh: SKIPPED compose: its ports 2525, 2465 or 8025 are taken on this machine"
    exit 0
fi
podman tag smtplab:test smtplab:latest
(cd docker && podman-compose -p smtplabtest up -d >/dev/null 2>&1)
await "compose: no banner on 127.0.0.1:2525" banner 2525
await "compose: the example client's message never arrived" \
    bash -c 'curl -sf "http://127.0.0.1:8025/api/v1/messages?subject=example" | grep -q "Hello from the example client"'
client=$(podman ps -a --filter "label=com.docker.compose.project=smtplabtest" --filter "label=com.docker.compose.service=example-client" --format '{{.Names}}' | head -n 1)
if [ -n "$client" ]; then
    await "compose: the example client did not exit" bash -c "podman inspect -f '{{.State.Status}}' $client | grep -q exited"
    test "$(podman inspect -f '{{.State.ExitCode}}' "$client")" = 0 || { echo "docker/test.sh: FAILED: the example client failed" >&2; exit 1; }
fi
echo "docker/test.sh: compose: both services work"
echo "docker/test.sh: all checks passed"
