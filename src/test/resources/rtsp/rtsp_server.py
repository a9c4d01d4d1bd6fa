#!/usr/bin/python3
"""Tiny RTSP test server (gst-rtsp-server): serves H.264 test video on rtsp://127.0.0.1:<port>/test.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-*).
Usage: rtsp_server.py <port> [width height fps pattern]
Prints "READY <port>" on stdout once listening; exits on SIGTERM/SIGINT or when stdin closes.
"""
import os
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    port = sys.argv[1] if len(sys.argv) > 1 else "8554"
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 320
    height = int(sys.argv[3]) if len(sys.argv) > 3 else 240
    fps = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    pattern = sys.argv[5] if len(sys.argv) > 5 else "smpte"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true pattern=%s ! video/x-raw,width=%d,height=%d,framerate=%d/1,format=I420 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=800 "
        "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1 )"
        % (pattern, width, height, fps, fps))
    factory.set_shared(True)
    server.get_mount_points().add_factory("/test", factory)
    if server.attach(None) == 0:
        print("cannot listen on 127.0.0.1:%s" % port, file=sys.stderr, flush=True)
        sys.exit(1)
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)

    def watch_stdin():
        # the test process holds our stdin: when it goes away, so do we (no orphan servers)
        try:
            sys.stdin.read()
        finally:
            GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print("READY %s" % server.get_bound_port(), flush=True)
    loop.run()
    os._exit(0)


if __name__ == "__main__":
    main()
