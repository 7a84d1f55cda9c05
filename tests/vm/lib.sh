# SPDX-License-Identifier: GPL-2.0
# Shared by tests/vm/{run,kernel,build-kernel,matrix}. Sourced, not run.

VM_DIR=$(cd "$(dirname "$0")" && pwd)
VM_CACHE=${PWRU_VM_CACHE:-/var/cache/pwru-vm}
VM_KERNELS="host debian-5.10 debian-6.1 debian-6.12 6.12-full 6.12-nobtf"

die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

log() {
	echo "${0##*/}: $*" >&2
}

# The Debian source package the 6.12 kernels are built from, and its version.
SRC_PKG=linux-source-6.12
src_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null ||
		die "$SRC_PKG is not installed (apt-get install $SRC_PKG; see tests/vm/deps)"
}

# Cache key of the 6.12 kernels: source version, fragment, build script.
# Anything else that changes the result belongs in here too.
kernel_612_key() {
	{
		src_version
		echo
		cat "$VM_DIR/kernels/6.12-full.config" "$VM_DIR/build-kernel"
	} | sha256sum | cut -c1-12
}

kernel_612_dir() {
	echo "$VM_CACHE/6.12-$(kernel_612_key)"
}
