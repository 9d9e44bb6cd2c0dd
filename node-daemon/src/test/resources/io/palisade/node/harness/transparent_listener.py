# A stand-in for the L7 proxy: an IP_TRANSPARENT listener on each port given. Per connection it
# tells the client its local address (the original destination, as the datapath delivered it) and
# its peer; on the line "relay" it connects to that original destination with the from-proxy mark,
# sends "ping", and passes the answer back. Prints "listening" once every port listens.
import socket, sys, threading

IP_TRANSPARENT = 19
SO_MARK = 36
FROM_PROXY = int(sys.argv[1], 0)

def serve(conn):
    with conn:
        local = conn.getsockname()
        peer = conn.getpeername()
        conn.sendall(("local %s:%d peer %s:%d\n" % (local[0], local[1], peer[0], peer[1])).encode())
        f = conn.makefile("r")
        line = f.readline().strip()
        if line == "relay":
            try:

                up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                up.setsockopt(socket.SOL_SOCKET, SO_MARK, FROM_PROXY)
                up.settimeout(3)
                up.connect((local[0], local[1]))
                up.sendall(b"ping\n")
                answer = up.recv(5).decode().strip()
                up.close()
                conn.sendall(("relayed %s\n" % answer).encode())
            except OSError as e:
                conn.sendall(("upstream failed %s\n" % e).encode())

def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    return s

def accept_loop(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()

sockets = [listen(int(p)) for p in sys.argv[2:]]
for s in sockets:
    threading.Thread(target=accept_loop, args=(s,), daemon=True).start()
print("listening", flush=True)
sys.stdin.read()
