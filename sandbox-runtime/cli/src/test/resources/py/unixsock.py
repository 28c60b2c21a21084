# AF_UNIX from Python: socketpair, a socketserver Unix stream server with a client in threads, datagrams,
# fd passing. Prints only deterministic results; compared with a native run.
import array
import os
import socket
import socketserver
import sys
import threading

a, b = socket.socketpair()
a.sendall(b"ping")
print("socketpair:", b.recv(16), a.family == socket.AF_UNIX, a.type == socket.SOCK_STREAM)
b.sendall(b"x" * 100000)
got = 0
while got < 100000:
    got += len(a.recv(65536))
print("bulk", got)
b.close()
print("eof", a.recv(1))
a.close()

path = sys.argv[1]
if os.path.exists(path):
    os.unlink(path)


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


server = socketserver.ThreadingUnixStreamServer(path, Echo)
t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
t.start()
print("bound:", server.server_address == path)
results = []


def client(i):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
        c.connect(path)
        f = c.makefile("rwb")
        f.write(b"hello %d\n" % i)
        f.flush()
        results.append(f.readline())


threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
for th in threads:
    th.start()
for th in threads:
    th.join()
print("echoes:", sorted(results))
server.shutdown()
server.server_close()
t.join()
os.unlink(path)

d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
d1.send(b"one")
d1.send(b"two")
print("dgram:", d2.recv(10), d2.recv(10))
r, w = os.pipe()
socket.send_fds(d1, [b"fd"], [w])
os.close(w)
msg, fds, flags, addr = socket.recv_fds(d2, 10, 1)
os.write(fds[0], b"through a passed pipe")
os.close(fds[0])
print("passed:", msg, os.read(r, 100))
d1.close()
d2.close()
print("done")
