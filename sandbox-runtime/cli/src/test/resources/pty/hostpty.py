"""Runs a command on a fresh host pty of 24 rows x 80 columns, as a person at a terminal would (ctr -t needs one).

usage: hostpty.py EXPECT SEND [EXPECT SEND ...] -- COMMAND...
Each SEND ("\\r" and "\\x03" escapes understood) is typed once the output so far contains its EXPECT. Prints all
output; exits with the command's status. Gives up (status 124) after 120 s.
"""
import fcntl, os, pty, select, struct, subprocess, sys, termios, time

split = sys.argv.index('--')
script = sys.argv[1:split]
command = sys.argv[split + 1:]
steps = [(script[i], script[i + 1].encode().decode('unicode_escape').encode()) for i in range(0, len(script), 2)]
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
p = subprocess.Popen(command, stdin=s, stdout=s, stderr=s, start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
os.close(s)
out = b''
deadline = time.time() + 120
while time.time() < deadline:
    while steps and steps[0][0].encode() in out:
        os.write(m, steps.pop(0)[1])
    r, _, _ = select.select([m], [], [], 0.2)
    if not r:
        continue
    try:
        d = os.read(m, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
else:
    p.kill()
    sys.stdout.buffer.write(out)
    sys.exit(124)
sys.stdout.buffer.write(out)
sys.exit(p.wait())
