"""A tiny Chrome DevTools Protocol client: drive a real headless Chromium from a test.

Starts Chromium with ``--remote-debugging-port=0`` in a fresh profile, reads
the port it chose from ``DevToolsActivePort``, attaches to its page over a
WebSocket (``websocket-client``) and offers what the Browser test needs:
evaluate JavaScript, wait for a condition, type keys, take a screenshot.
``PipeChromium`` does the same over ``--remote-debugging-pipe`` for a browser
that must stay without any network; both share the page calls of ``_Page``.
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


class _Page:
    """What the tests do with a page, over any DevTools transport (a subclass gives ``send``)."""

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        raise NotImplementedError

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

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path


class Chromium(_Page):
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

    def type_text(self, text: str) -> None:
        """Type *text* into the focused element."""
        self.send("Input.insertText", text=text)

    def key(self, key: str, code: str, key_code: int, modifiers: int = 0) -> None:
        """Press and release one key (modifiers: 2 = Ctrl, 4 = Meta, 8 = Shift)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, modifiers=modifiers,
                      windowsVirtualKeyCode=key_code, nativeVirtualKeyCode=key_code)

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


class PipeChromium(_Page):
    """Headless Chromium driven over ``--remote-debugging-pipe`` (file descriptors 3 and 4, not a port).

    No socket is opened, so the browser can run in a network namespace of its own
    (*prefix*, e.g. ``unshare --net``) and still be driven: the tests wait for a
    condition in the page instead of hoping a one-shot ``--dump-dom`` came late enough.
    """

    def __init__(self, prefix: list[str], exe: str, flags: list[str], url: str,
                 *, window: tuple[int, int] = (1280, 800)) -> None:
        cmd_r, self._cmd_w = os.pipe()  # we write commands, Chromium reads them on fd 3
        self._out_r, out_w = os.pipe()  # Chromium writes replies on fd 4, we read them

        def wire() -> None:  # in the child, before exec
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [*prefix, exe, *flags, "--remote-debugging-pipe", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=False, preexec_fn=wire,
        )
        os.close(cmd_r)
        os.close(out_w)
        self._buf = b""
        self._ids = itertools.count(1)
        self.session = ""
        targets = self.send("Target.getTargets", timeout=30)["targetInfos"]
        page = next(t for t in targets if t.get("type") == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        # the page gets exactly *window* (a headless window's own viewport is smaller), then loads *url*
        self.send("Emulation.setDeviceMetricsOverride", width=window[0], height=window[1],
                  deviceScaleFactor=1, mobile=False)
        self.send("Page.navigate", url=url)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out_r], [], [], left)[0]:
                raise CDPError("chromium did not answer in time")
            chunk = os.read(self._out_r, 1 << 16)
            if not chunk:
                raise CDPError("chromium closed its DevTools pipe (did it crash?)")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, *, timeout: float = 60, **params: Any) -> dict[str, Any]:
        """Send one command (to the attached page once there is one) and return its result."""
        msg_id = next(self._ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def close(self) -> None:
        for fd in (self._cmd_w, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:  # helpers (zygote, gpu) may outlive the browser process
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
