"""The API against a running server: ``marsad serve`` in a uvicorn subprocess on a free loopback port, with a
token; then ``marsad export`` on the same store. Uses the real store and pipeline."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

TOKEN = "server-test-token"
REPORT = ("إدلب - سيطرت قوات النظام على مدينة سراقب في ريف إدلب الشرقي بعد اشتباكات عنيفة مع فصائل المعارضة "
          "استمرت يومين.")
MARSAD = [sys.executable, "-c", "from marsad.cli.main import run; run()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    tmp = tmp_path_factory.mktemp("api-server")
    db = tmp / "api.db"
    port = free_port()
    env = {**os.environ, "MARSAD_API_TOKEN": TOKEN, "MARSAD_CONTROL_DIR": str(tmp / "control")}
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*MARSAD, "serve", "--db", str(db), "--port", str(port), "--max-body", "100000",
                                 "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log_path.read_text(encoding="utf-8", errors="replace")
                try:
                    if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            yield base, db, log_path
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_server_round_trip(server: tuple[str, Path, Path]) -> None:
    base, _, log_path = server
    with httpx.Client(base_url=base, timeout=60) as c:
        assert c.get("/api/health").json()["counts"]["events"] == 0
        denied = c.post("/api/documents", json={"text": REPORT})
        assert denied.status_code == 401 and denied.json()["error"]["code"] == "M502"
        ok = c.post("/api/documents", json={"text": REPORT, "published": "2020-02-08", "outlet": "وكالة تجريبية"},
                    headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 201, ok.text
        assert ok.json()["added"] == 1 and ok.json()["results"][0]["events"] >= 1
        events = c.get("/api/events", params={"actor": "syria_government_assad"}).json()
        assert events["total"] >= 1
        ev = events["items"][0]
        assert ev["place"]["name_en"] == "Saraqib" and "سراقب" in ev["evidence"]["text"]
        assert REPORT[ev["evidence"]["span"][0]:ev["evidence"]["span"][1]] == ev["evidence"]["text"]
        clusters = c.get("/api/events/clusters", params={"zoom": 8}).json()
        assert clusters["total"] == events["total"]
        big = c.post("/api/documents", content=b"x" * 200_000,
                     headers={"Authorization": f"Bearer {TOKEN}", "content-type": "text/plain"})
        assert big.status_code == 413 and big.json()["error"]["code"] == "M513"
        missing = c.get("/api/events/does-not-exist")
        assert missing.status_code == 404 and set(missing.json()["error"]) == {"code", "error", "message", "detail"}
        spec = c.get("/openapi.json").json()
        assert spec["info"]["title"] == "marsad" and "/api/events" in spec["paths"]
        page = c.get("/")
        assert page.status_code == 200 and 'dir="rtl"' in page.text and "/static/vendor/leaflet.js" in page.text
    assert "Traceback" not in log_path.read_text(encoding="utf-8", errors="replace")


def test_export_cli_on_the_served_store(server: tuple[str, Path, Path], tmp_path: Path) -> None:
    base, db, _ = server
    with httpx.Client(base_url=base, timeout=60) as c:  # make sure there is something to export
        c.post("/api/documents", json={"text": REPORT, "published": "2020-02-08"},
               headers={"Authorization": f"Bearer {TOKEN}"})
    pd = pytest.importorskip("pandas")
    env = {**os.environ, "MARSAD_CONTROL_DIR": str(tmp_path / "control")}
    out = tmp_path / "events.csv"
    run = subprocess.run([*MARSAD, "export", "--db", str(db), "--format", "acled", "--actor",
                          "syria_government_assad", "-o", str(out)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    df = pd.read_csv(out)
    assert len(df) >= 1 and df.columns[0] == "event_id_cnty" and "evidence_text" in df.columns
    assert df.iloc[0].location == "Saraqib" and df.iloc[0].admin1 == "Idlib"
    with out.open(encoding="utf-8", newline="") as fp:
        assert len(next(csv.reader(fp))) >= 31
    geo = tmp_path / "events.geojson"
    run = subprocess.run([*MARSAD, "export", "--db", str(db), "-f", "geojson", "-o", str(geo)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(geo.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    bad = subprocess.run([*MARSAD, "export", "--db", str(db), "-f", "acled", "--type", "battle"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and json.loads(bad.stderr.strip().splitlines()[-1])["error"]["code"] == "M400"
