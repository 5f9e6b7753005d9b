"""Runs a command with its stderr on a pseudo-terminal and its stdout on a pipe, as a user
watching a command whose output is redirected would.

usage: pty_run.py STDOUT_FILE STDERR_FILE COMMAND [ARGUMENTS...]

Writes the command's stdout and the bytes it wrote to the terminal to the two files; exits with
the command's exit code.
"""
import os
import pty
import subprocess
import sys

out_path, err_path, command = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
with open(out_path, "wb") as out:
    process = subprocess.Popen(command, stdout=out, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        terminal += chunk
    process.wait()
with open(err_path, "wb") as err:
    err.write(terminal)
sys.exit(process.returncode)
