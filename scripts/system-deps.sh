#!/usr/bin/env bash
# Installs the Debian packages Wharf's tests need (as root, or through sudo) and starts the Docker Engine if none
# runs: the aws CLI, Docker with a static busybox to build test images from, skopeo and the CNCF distribution registry
# (a second registry client and the registry benchmark's peer), wrk, nginx and haproxy (the load balancer benchmark,
# its peer and the engine weighed as its alternative), qemu-user (runs the agent's pause binaries for other
# architectures), etcd (the distributed store backend's tests start their own members), chromium (the web console's
# browser tests, driven by playwright-core), dig (dnsutils: the DNS tests) and dnsmasq (dnsmasq-base: the DNS
# benchmark's peer). RUNLEVEL=1 keeps packaged services from starting. Last, Node.js 22 beside the system's Node
# (scripts/node22.sh), for the test that runs Wharf on it.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(awscli docker.io busybox-static skopeo docker-registry wrk nginx haproxy qemu-user etcd-server etcd-client chromium dnsutils dnsmasq-base)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  # RUNLEVEL=1: packages must not start their services (an nginx on *:80 would take the port Wharf's load balancers
  # listen on; the benchmark starts its own nginx).
  $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/aws --version

# The Docker Engine: machines without systemd (CI) get a dockerd in the background.
if ! $SUDO docker info >/dev/null 2>&1; then
  $SUDO sh -c 'nohup dockerd >/var/log/wharf-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    $SUDO docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi
$SUDO docker info --format 'docker {{.ServerVersion}} ({{.Driver}})'

# Node.js 22 for test/e2e/node22.test.ts (Wharf supports Node 20 and 22).
$SUDO bash "$(dirname "$0")/node22.sh"
