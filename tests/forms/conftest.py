"""Fixtures of the form tests: poppler-utils (pdftoppm, pdftotext) for the PDF checks, installed
with apt-get when missing and the tests run as root (as in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


@pytest.fixture(scope="session")
def poppler() -> None:
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "poppler-utils"], env=env, check=False)
        if not shutil.which("pdftoppm"):
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "poppler-utils"], env=env, check=False)
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.fail("poppler-utils is needed for the PDF tests: apt-get install -y poppler-utils")


