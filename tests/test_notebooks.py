"""The docs' notebooks run top to bottom, as a reader would run them.

Each notebook in ``docs/notebooks/`` is executed by nbclient in a fresh
kernel on this interpreter (the venv's, with redcity and its extras).  They
are committed without outputs; the site renders them without executing
(``mkdocs.yml``: ``execute: false``), so this is where they are run.

Marked ``slow``: about 10 s (compare-policies) and 15 s (quickstart) on a
2-core machine, kernel start included.  They run in the plain ``pytest``
run; deselect them with ``-m "not slow"``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
import pytest

if TYPE_CHECKING:
    from jupyter_client.kernelspec import KernelSpecManager

NOTEBOOKS = Path(__file__).resolve().parents[1] / "docs" / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT = 120  # seconds, per cell; a whole notebook takes < 20 s

# The kernel client (jupyter_client, imported in the fixture, not at the top,
# so that this filter covers its import) warns on jupyter_core < 5.9 that
# Jupyter's paths move to platformdirs: the libraries' notice, not redcity's.
# Warnings inside the kernel are the kernel's: shown in the notebook's output,
# never raised here.
jupyter_paths_notice = pytest.mark.filterwarnings(
    "ignore:Jupyter is migrating its paths to use standard platformdirs"
    ":DeprecationWarning"
)


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernel spec ``python3`` that runs this interpreter, in a temp folder.

    Not the user's or the system's ``python3`` spec, which may name another
    interpreter: the spec is written here and is the only one looked up.
    """
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    folder = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(folder / KERNEL)
    manager = KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)
    assert sys.executable == manager.get_kernel_spec(KERNEL).argv[0]
    return manager


def run(name: str, kernels: KernelSpecManager, tmp_path: Path) -> Any:
    """Execute ``docs/notebooks/<name>.ipynb``; the notebook with outputs."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    km = AsyncKernelManager(
        kernel_name=KERNEL,
        kernel_spec_manager=kernels,
        connection_file=str(tmp_path / "connection.json"),
    )
    client = NotebookClient(
        nb,
        km=km,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    # The inline backend draws with Agg into PNG outputs: no display needed.
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    # cleanup_kc: nbclient leaves a kernel it did not create running, with
    # its client's sockets open; shut both down when the notebook is done.
    client.execute(env=env, cleanup_kc=True)
    errors = [
        f"{cell.id}: {out.ename}: {out.evalue}"
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert [] == errors
    return nb


def text(nb: Any, cell_id: str) -> str:
    """Everything one cell printed or displayed, as plain text."""
    (cell,) = (c for c in nb.cells if c.id == cell_id)
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


def images(nb: Any) -> int:
    """How many PNG images the notebook displayed."""
    return sum(
        "image/png" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


@pytest.mark.parametrize("name", ["compare-policies", "quickstart"])
def test_committed_without_outputs(name: str) -> None:
    raw = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(raw))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert [] == [c["id"] for c in code if c["outputs"] or c["execution_count"]]
    assert KERNEL == raw["metadata"]["kernelspec"]["name"]


@pytest.mark.slow
@jupyter_paths_notice
def test_compare_policies(kernels: KernelSpecManager, tmp_path: Path) -> None:
    nb = run("compare-policies", kernels, tmp_path)
    assert "播南街道 4 communities (社区), 67 grids (网格)" in text(nb, "setup")
    table = text(nb, "compare")
    for expected in ("default", "strict", "on_time_closure", "grid_share"):
        assert expected in table
    assert "whistle-2h" in text(nb, "whistle")
    assert "永和社区" in text(nb, "communities")
    assert 1 == images(nb)


@pytest.mark.slow
@jupyter_paths_notice
def test_quickstart(kernels: KernelSpecManager, tmp_path: Path) -> None:
    nb = run("quickstart", kernels, tmp_path)
    assert "1932 grids" in text(nb, "grid")
    counts = text(nb, "counts")
    for district in ("红花岗区", "汇川区", "播州区"):
        assert district in counts
    assert "postings" in text(nb, "score")
    assert "南白街道" in text(nb, "per-street")
    dispatch = text(nb, "dispatch")
    for expected in ("default", "strict", "on_time_closure"):
        assert expected in dispatch
    assert 2 == images(nb)
