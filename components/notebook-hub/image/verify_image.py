"""Build-time checks for the notebook image. Any failure fails `docker build`."""

import pathlib
import sys
from importlib.metadata import version

# 1. Exact versions of what matters for RTC and for the hub (the hub runs JupyterHub 5.5.0).
expected = {
    "jupyterhub": "5.5.0",
    "jupyterlab": "4.5.8",
    "jupyter-server": "2.19.0",
    "jupyter-collaboration": "4.4.2",
    "jupyter-server-ydoc": "2.4.2",
    "jupyter-collaboration-ui": "2.4.2",
    "jupyter-docprovider": "2.4.2",
}
wrong = {name: version(name) for name, want in expected.items() if version(name) != want}
assert not wrong, f"unexpected versions: {wrong}"

# 2. The collaboration server extension is enabled in the config the server will read.
from jupyter_core.paths import jupyter_config_path
from jupyter_server.extension.config import ExtensionConfigManager

manager = ExtensionConfigManager(read_config_path=jupyter_config_path())
assert manager.enabled("jupyter_server_ydoc"), "jupyter_server_ydoc is not enabled"

# 3. It imports (pycrdt and friends are binary wheels) and RTC is on by default.
from jupyter_server_ydoc.app import YDocExtension

trait = YDocExtension.class_traits(config=True)["disable_rtc"]
assert trait.default_value is False, "YDocExtension.disable_rtc does not default to False"

# 4. The prebuilt JupyterLab extensions are installed.
labextensions = pathlib.Path(sys.prefix, "share", "jupyter", "labextensions")
for name in ("@jupyter/collaboration-extension", "@jupyter/docprovider-extension"):
    assert (labextensions / name / "package.json").is_file(), f"{name} is not installed in {labextensions}"

# 5. The data clients import.
import boto3  # noqa: E402,F401
import deltalake  # noqa: E402,F401
import pyarrow  # noqa: E402,F401
import trino  # noqa: E402,F401

print("notebook image checks passed")
