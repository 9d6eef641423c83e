"""Runs a command with its standard error on a pseudo-terminal, as a person at a terminal would
see it; prints what it drew there, then `EXIT <status>`. Used by tests/progress.rs.

    pty_run.py [--keep-ci] COMMAND ARGS...

The CI variable is removed from the command's environment unless --keep-ci is given.
"""
import os
import select
import subprocess
import sys
import time

# A hung command (a deadlock between the bar and a message) fails the test instead of CI.
TIMEOUT_SECONDS = 120


def main(argv):
    keep_ci = bool(argv) and argv[0] == "--keep-ci"
    command = argv[1:] if keep_ci else argv
    master, slave = os.openpty()
    env = {key: value for key, value in os.environ.items() if keep_ci or key != "CI"}
    env["TERM"] = "xterm"
    child = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    drawn = b""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        if time.monotonic() > deadline:
            child.kill()
            drawn += f"\n[pty_run.py: killed after {TIMEOUT_SECONDS} s]".encode()
            break
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        elif child.poll() is not None:
            break
    status = child.wait()
    sys.stdout.write(drawn.decode("utf-8", "replace"))
    print(f"\nEXIT {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
