"""The test kit's clean environment, on a machine whose DMI file says Google: only platforms'
variables go, whatever the machine is (and both of Kubernetes's)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

SCRIPT = """
import json
from id.providers import spec
from id.testing import clean_environ
environ = {
    "PATH": "/usr/bin", "HOME": "/root", "LANG": "C.UTF-8",
    "KUBERNETES_SERVICE_HOST": "10.96.0.1", "ID_KUBERNETES_TOKEN_FILE": "/var/run/token",
    "GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "x", "PYPI_ID_TOKEN": "y",
    "TFC_WORKLOAD_IDENTITY_TOKEN_VAULT": "z", "K_SERVICE": "svc",
}
print(json.dumps([spec("gcp").presence({}), sorted(clean_environ(environ))]))
"""

# A mount namespace where /sys/class/dmi/id/product_name reads "Google", as on a Compute Engine VM.
GOOGLE_VM = (
    "mount -t tmpfs none /sys/class && mkdir -p /sys/class/dmi/id && "
    'echo Google > /sys/class/dmi/id/product_name && exec "$0" -c "$1"'
)


def test_clean_environ_on_a_machine_whose_dmi_file_says_google() -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(
        ["unshare", "--mount", "true"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace here: {probe.stderr.strip()}")
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", GOOGLE_VM, sys.executable, SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    reason, kept = json.loads(result.stdout)
    assert reason == "/sys/class/dmi/id/product_name reads 'Google'"
    assert kept == ["HOME", "LANG", "PATH"]
