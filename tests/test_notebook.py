"""examples/explore.ipynb runs from top to bottom in a kernel of this Python (nbclient: no server, no network).

The kernel is described in a kernel spec of a temporary ``JUPYTER_PATH``
(``sys.executable -m ipykernel_launcher``), so the test needs no installed
kernel spec and never runs another Python. A cell that raises fails the test
with the cell and its traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO

NOTEBOOK = REPO / "examples" / "explore.ipynb"


def _kernel_of_this_python(root: Path) -> str:
    spec = root / "kernels" / "kg-python"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "kg", "language": "python"}))
    return "kg-python"


def test_notebook_is_stored_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_every_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook builds into a tempfile folder: keep it here
    kernel = _kernel_of_this_python(tmp_path / "jupyter")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{NOTEBOOK.name}: a cell failed:\n{exc}")
    text = "\n".join(o.get("text", "") or json.dumps(o.get("data", {}), ensure_ascii=False)
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "9 documents" in text and "skipped input: 0" in text
    assert "临汀港务集团有限公司工会驿站" in text  # a row of facilities_at_companies
    pngs = sorted(tmp_path.rglob("region.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pngs[0].stat().st_size > 10_000
