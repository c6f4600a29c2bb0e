"""A tiny Chrome DevTools Protocol client: drive a real headless Chromium from a test.

Starts Chromium with ``--remote-debugging-port=0`` in a fresh profile, reads
the port it chose from ``DevToolsActivePort``, attaches to its page over a
WebSocket (``websocket-client``) and offers what the Browser test needs:
evaluate JavaScript, wait for a condition, type keys, take a screenshot.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any


class CDPError(RuntimeError):
    pass


class Chromium:
    """One headless Chromium with one page, closed (whole process group) by :meth:`close`."""

    def __init__(self, exe: str, profile: Path, *, window: tuple[int, int] = (1280, 900)) -> None:
        import websocket  # test dependency (websocket-client)

        args = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--disable-quic", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            # only loopback: every other host resolves to nothing, every proxy is closed
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            "--proxy-server=socks5://127.0.0.1:9",  # loopback bypasses it (the default)
            f"--window-size={window[0]},{window[1]}", "--hide-scrollbars",
            "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank",
        ]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise CDPError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self._ids = itertools.count(1)
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events in between are dropped)."""
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)

    def js(self, expression: str) -> Any:
        """Evaluate *expression* in the page (promises awaited) and return its value."""
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise CDPError(f"javascript failed: {res['exceptionDetails'].get('text')} "
                           f"{res['exceptionDetails'].get('exception', {}).get('description', '')}")
        return res.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout: float = 60, what: str = "") -> Any:
        """Evaluate *expression* until it is truthy; raise after *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.js(expression)
            except CDPError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise CDPError(f"timed out after {timeout:.0f} s waiting for {what or expression}")
            time.sleep(0.25)

    def type_text(self, text: str) -> None:
        """Type *text* into the focused element."""
        self.send("Input.insertText", text=text)

    def key(self, key: str, code: str, key_code: int, modifiers: int = 0) -> None:
        """Press and release one key (modifiers: 2 = Ctrl, 4 = Meta, 8 = Shift)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, modifiers=modifiers,
                      windowsVirtualKeyCode=key_code, nativeVirtualKeyCode=key_code)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)
