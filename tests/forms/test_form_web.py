"""The link sent to the citizen serves the produced PDF, and nothing else."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from forms.output import produce
from forms.spec import all_forms
from forms.web import add_routes, form_file

from test_form_output import BIRTH


async def test_produced_files_are_served_and_nothing_else(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    produced = produce(all_forms()["form_khai_sinh"], BIRTH, tmp_path)
    app = web.Application()
    add_routes(app)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(f"/forms/{produced.pdf.name}")
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert (await response.read()).startswith(b"%PDF")
        response = await client.get(f"/forms/{produced.json.name}")
        assert response.status == 200 and (await response.json())["form"] == "khai_sinh"
        for bad in ["..%2F..%2Fetc%2Fpasswd", "x.pdf", produced.pdf.name.replace(".pdf", ".txt")]:
            assert (await client.get(f"/forms/{bad}")).status == 404
    assert form_file("../" + produced.pdf.name, tmp_path) is None
