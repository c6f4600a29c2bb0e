"""Third-party code comes from pinned packages, never as copies in the repository.

The repository's files (``git ls-files``) carry no vendored folder, no
minified bundle and no third-party licence banner; the one package kg reads
browser code from (pyvis, for vis-network) is pinned in ``pyproject.toml`` with
the range the error messages name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from kg.export.vis_bundle import PYVIS_REQUIREMENT

from conftest import REPO

# Written so that this file does not match itself.
_BANNER = re.compile(r"@licen[s]e\b|\bCopyright \([cC]\)|SPDX-License-Identifie[r]|@copyrigh[t]")
_BUNDLE_NAME = re.compile(r"\.min\.(?:js|css)$|\.bundle\.js$|(?:^|/)(?:vendor|vendored|third_party|node_modules)/")


def tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    done = subprocess.run([git, "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True)
    return [REPO / name for name in done.stdout.decode("utf-8").split("\0") if name]


def test_third_party_no_vendored_or_bundled_files_are_tracked() -> None:
    files = tracked_files()
    assert len(files) > 50
    named = [str(p.relative_to(REPO)) for p in files if _BUNDLE_NAME.search(p.relative_to(REPO).as_posix())]
    assert named == [], f"third-party bundles belong in pinned packages (pyproject.toml), not the repository: {named}"


def test_third_party_no_tracked_file_carries_a_foreign_licence_banner() -> None:
    banners = []
    for path in tracked_files():
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        if m := _BANNER.search(text):
            banners.append(f"{path.relative_to(REPO)}: {m.group(0)}")
    assert banners == [], f"code written elsewhere belongs in a pinned package: {banners}"


def test_third_party_pyvis_is_pinned_as_the_messages_say() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert PYVIS_REQUIREMENT in project["dependencies"]
    assert re.fullmatch(r"pyvis>=[\d.]+,<[\d.]+", PYVIS_REQUIREMENT)  # a range with an upper bound
