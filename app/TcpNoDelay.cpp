// Every TCP connection this process opens gets TCP_NODELAY. The agent talks to the control plane
// through QNetworkAccessManager, which leaves Nagle's algorithm on and hands a large POST body to the
// socket in 16-32 KiB pieces as earlier ones are written: each piece then waited for the server's
// delayed ACK (up to 40 ms), and a 300 KiB log batch took ~60 ms to arrive instead of ~1 ms
// (bench/logs_bench.sh: 75,000 -> 165,000 lines/s). QNAM has no option for it and does not expose
// its sockets, so the process's connect() sets the option first and then calls the C library's.
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

extern "C" int connect(int fd, const struct sockaddr *address, socklen_t length)
{
    using ConnectFn = int (*)(int, const struct sockaddr *, socklen_t);
    static const auto libcConnect = reinterpret_cast<ConnectFn>(dlsym(RTLD_NEXT, "connect"));
    if (address && (address->sa_family == AF_INET || address->sa_family == AF_INET6)) {
        int type = 0;
        socklen_t len = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM) {
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
    }
    return libcConnect(fd, address, length);
}
