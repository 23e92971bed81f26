"""docs/editors.md's python-lsp-server setup, run for real: pylsp publishes RVW findings on an unsaved buffer.

Slow: it installs python-lsp-server and this project into a fresh virtual environment from the registry.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import pytest
from conftest import DEEP

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# The buffer as the editor holds it, never saved: the file on disk is empty.
BUFFER = DEEP


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def _receive(stream: IO[bytes]) -> dict[str, Any]:
    headers = {}
    while line := stream.readline().strip():
        name, _, value = line.decode().partition(":")
        headers[name.lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))


def _settings() -> dict[str, Any]:
    """The settings docs/editors.md shows, read from the page itself."""
    page = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    block = page.split("## python-lsp-server", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    return json.loads(block)


def _diagnostics(pylsp: Path, document: Path) -> list[dict[str, Any]]:
    server = subprocess.Popen([pylsp], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=document.parent)
    deadline = threading.Timer(120, server.kill)  # a server that never answers ends the read, and the test
    deadline.start()
    try:
        _send(server.stdin, {"id": 1, "method": "initialize",
                             "params": {"processId": None, "rootUri": document.parent.as_uri(), "capabilities": {}}})
        while _receive(server.stdout).get("id") != 1:
            pass
        _send(server.stdin, {"method": "initialized", "params": {}})
        _send(server.stdin, {"method": "workspace/didChangeConfiguration", "params": {"settings": _settings()}})
        item = {"uri": document.as_uri(), "languageId": "python", "version": 1, "text": BUFFER}
        _send(server.stdin, {"method": "textDocument/didOpen", "params": {"textDocument": item}})
        while True:
            message = _receive(server.stdout)
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["diagnostics"]:
                return message["params"]["diagnostics"]
    finally:
        deadline.cancel()
        server.kill()
        server.wait()


def test_pylsp_with_its_flake8_plugin_reports_rvw_on_the_buffer(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "python-lsp-server", ROOT]
    subprocess.run(pip, check=True, capture_output=True, timeout=600)
    document = tmp_path / "project" / "editing.py"
    document.parent.mkdir()
    document.write_text("", encoding="utf-8")
    (finding,) = _diagnostics(venv / "bin" / "pylsp", document)
    assert finding["source"] == "flake8" and finding["code"] == "RVW201"
    assert finding["range"]["start"]["line"] == 5 and "nested 5 levels deep (> 4)" in finding["message"]
