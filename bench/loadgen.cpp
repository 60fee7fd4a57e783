// loadgen: a small HTTP/1.1 keep-alive load generator (single thread, epoll, no Qt).
//
//   loadgen --url http://127.0.0.1:PORT/v0/jobs --method POST
//           --body '{"type":"COMMAND","command":"true"}' --header 'X-API-Key: tnv_...'
//           --connections 64 --duration 5 [--requests N] [--expect 201]
//           [--ids-from FILE] [--save-ids FILE] [--unique-header NAME] [--label NAME]
//
// Each connection sends one request, waits for the whole response, then sends the next
// (no pipelining). Prints one machine-readable line on stdout:
//   LABEL: R req/s (OK ok, E errors, C conns, T s) p50=Xms p90=Xms p99=Xms max=Xms
// Details (status breakdown, connection errors) go to stderr.
// Exit status: 0 if at least one response was OK and there were no errors, 1 otherwise,
// 2 on bad usage.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bench_http.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string url;
    std::string method = "GET";
    std::string body;
    bool haveBody = false;
    std::vector<std::string> headers;
    int connections = 1;
    double duration = 0;  // seconds, 0 = unlimited (needs --requests)
    long long requests = 0;  // 0 = unlimited (needs --duration)
    int expect = 0;  // 0 = any 2xx
    std::string idsFrom;
    std::string saveIds;
    std::string uniqueHeader;
    std::string label;
};

[[noreturn]] void usage(const char *msg = nullptr)
{
    if (msg)
        std::fprintf(stderr, "loadgen: %s\n", msg);
    std::fprintf(stderr,
                 "usage: loadgen --url http://HOST:PORT/PATH [--method M] [--body STR|@FILE]\n"
                 "               [--header 'Name: value']... [--connections N] [--duration SEC]\n"
                 "               [--requests N] [--expect STATUS] [--ids-from FILE]\n"
                 "               [--save-ids FILE] [--unique-header NAME] [--label NAME]\n"
                 "  --ids-from FILE   replace \"{id}\" in the URL path with ids from FILE, round-robin\n"
                 "  --save-ids FILE   save the \"id\" field of each 2xx JSON response, one per line\n"
                 "  --unique-header H send a unique value per request in header H\n"
                 "  stops after --duration seconds or --requests total (whichever comes first)\n");
    std::exit(2);
}

bool readFile(const std::string &path, std::string &out)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
        return false;
    out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

Options parseArgs(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        std::string v;
        auto eq = a.find('=');
        bool inlineValue = a.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inlineValue) {
            v = a.substr(eq + 1);
            a = a.substr(0, eq);
        }
        auto next = [&]() -> std::string {
            if (inlineValue)
                return v;
            if (i + 1 >= argc)
                usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "-h" || a == "--help")
            usage();
        else if (a == "--url")
            o.url = next();
        else if (a == "--method" || a == "-X")
            o.method = next();
        else if (a == "--body" || a == "-d") {
            o.body = next();
            o.haveBody = true;
            if (!o.body.empty() && o.body[0] == '@') {
                std::string path = o.body.substr(1);
                if (!readFile(path, o.body))
                    usage(("cannot read body file " + path).c_str());
            }
        } else if (a == "--header" || a == "-H")
            o.headers.push_back(next());
        else if (a == "--connections" || a == "-c")
            o.connections = std::atoi(next().c_str());
        else if (a == "--duration" || a == "-t")
            o.duration = std::atof(next().c_str());
        else if (a == "--requests" || a == "-n")
            o.requests = std::atoll(next().c_str());
        else if (a == "--expect")
            o.expect = std::atoi(next().c_str());
        else if (a == "--ids-from")
            o.idsFrom = next();
        else if (a == "--save-ids")
            o.saveIds = next();
        else if (a == "--unique-header")
            o.uniqueHeader = next();
        else if (a == "--label")
            o.label = next();
        else
            usage(("unknown argument " + a).c_str());
    }
    if (o.url.empty())
        usage("--url is required");
    if (o.connections < 1)
        usage("--connections must be >= 1");
    if (o.duration <= 0 && o.requests <= 0)
        o.duration = 10;
    return o;
}

using bench::Url;

Url parseUrl(const std::string &url)
{
    Url u;
    u.host.clear();
    if (!bench::parseUrl(url, u))
        usage("the URL must look like http://HOST[:PORT]/PATH");
    return u;
}

bool iequalsPrefix(std::string_view line, std::string_view name)
{
    if (line.size() < name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i]))
            != std::tolower(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

bool icontains(std::string_view hay, std::string_view needle)
{
    if (needle.size() > hay.size())
        return false;
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequalsPrefix(hay.substr(i), needle))
            return true;
    return false;
}

std::string_view trim(std::string_view v)
{
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.remove_suffix(1);
    return v;
}

// Extracts the first "id": "..." string value of a JSON document.
bool extractId(std::string_view body, std::string &id)
{
    size_t pos = 0;
    while ((pos = body.find("\"id\"", pos)) != std::string_view::npos) {
        size_t p = pos + 4;
        while (p < body.size() && std::isspace(static_cast<unsigned char>(body[p])))
            ++p;
        if (p < body.size() && body[p] == ':') {
            ++p;
            while (p < body.size() && std::isspace(static_cast<unsigned char>(body[p])))
                ++p;
            if (p < body.size() && body[p] == '"') {
                size_t end = body.find('"', p + 1);
                if (end == std::string_view::npos)
                    return false;
                id.assign(body.substr(p + 1, end - p - 1));
                return true;
            }
        }
        pos += 4;
    }
    return false;
}

enum class Parse { NeedMore, Done, Error };

struct Conn {
    int fd = -1;
    bool connecting = false;
    bool inFlight = false;  // a request is outstanding on this connection
    int served = 0;  // responses completed on the current socket
    Clock::time_point retryAt{};  // reconnect not before this (after a failure)
    bool waitingRetry = false;

    std::string out;  // current request bytes (kept for a resend)
    size_t outOff = 0;
    Clock::time_point start{};
    bool sendOnConnect = false;

    std::string in;
    // response parse state
    bool headersDone = false;
    size_t scanFrom = 0;
    size_t bodyStart = 0;
    int status = 0;
    long long contentLength = -1;
    bool chunked = false;
    bool untilClose = false;
    bool serverCloses = false;
    size_t chunkPos = 0;  // chunked: next chunk-size line offset
    std::string chunkBody;
    bool chunkTrailers = false;

    void resetParse()
    {
        headersDone = false;
        scanFrom = 0;
        bodyStart = 0;
        status = 0;
        contentLength = -1;
        chunked = false;
        untilClose = false;
        serverCloses = false;
        chunkPos = 0;
        chunkBody.clear();
        chunkTrailers = false;
    }
};

class LoadGen {
public:
    explicit LoadGen(Options o) : opt_(std::move(o)) { }

    int run();

private:
    void resolve();
    void buildRequestTemplate();
    bool mayIssue() const;
    void makeRequest(Conn &c);
    void openConn(Conn &c);
    void closeConn(Conn &c);
    void failConn(Conn &c, const char *why, int err);
    void onEvent(Conn &c, uint32_t events);
    void trySend(Conn &c);
    void doRead(Conn &c);
    Parse parse(Conn &c, bool eof);
    void onResponse(Conn &c);
    void startNext(Conn &c);
    bool finished(Clock::time_point now) const;

    Options opt_;
    Url url_;
    sockaddr_storage addr_{};
    socklen_t addrLen_ = 0;
    int ep_ = -1;
    std::vector<Conn> conns_;

    std::string reqPrefix_;  // "METHOD "
    std::string reqSuffix_;  // " HTTP/1.1\r\nHost: ...\r\n...headers (no unique header)"
    std::string pathBefore_, pathAfter_;  // path split around "{id}"
    bool pathHasId_ = false;
    std::vector<std::string> ids_;
    size_t idNext_ = 0;
    unsigned long long uniqueSeq_ = 0;
    std::string uniquePrefix_;

    long long issued_ = 0;
    long long completed_ = 0;
    long long ok_ = 0;
    long long statusErrors_ = 0;
    long long connErrors_ = 0;
    long long resends_ = 0;
    std::map<int, long long> byStatus_;
    std::map<std::string, long long> connErrorKinds_;
    std::vector<uint32_t> latUs_;
    std::vector<std::string> savedIds_;
    long long idMissing_ = 0;

    Clock::time_point t0_{};
    Clock::time_point deadline_{};
    Clock::time_point lastDone_{};
    bool stopping_ = false;
};

void LoadGen::resolve()
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    int rc = getaddrinfo(url_.host.c_str(), url_.port.c_str(), &hints, &res);
    if (rc != 0 || !res) {
        std::fprintf(stderr, "loadgen: cannot resolve %s:%s: %s\n", url_.host.c_str(),
                     url_.port.c_str(), gai_strerror(rc));
        std::exit(1);
    }
    std::memcpy(&addr_, res->ai_addr, res->ai_addrlen);
    addrLen_ = res->ai_addrlen;
    freeaddrinfo(res);
}

void LoadGen::buildRequestTemplate()
{
    reqPrefix_ = opt_.method + " ";
    auto idPos = url_.path.find("{id}");
    if (idPos != std::string::npos) {
        pathHasId_ = true;
        pathBefore_ = url_.path.substr(0, idPos);
        pathAfter_ = url_.path.substr(idPos + 4);
    } else {
        pathBefore_ = url_.path;
    }

    bool userContentType = false, userHost = false, userConnection = false;
    std::string extra;
    for (const auto &h : opt_.headers) {
        if (h.find(':') == std::string::npos)
            usage(("bad header (want 'Name: value'): " + h).c_str());
        if (iequalsPrefix(h, "content-type:"))
            userContentType = true;
        if (iequalsPrefix(h, "host:"))
            userHost = true;
        if (iequalsPrefix(h, "connection:"))
            userConnection = true;
        if (iequalsPrefix(h, "content-length:"))
            usage("do not pass Content-Length, it is computed");
        extra += h;
        extra += "\r\n";
    }
    std::string s = " HTTP/1.1\r\n";
    if (!userHost)
        s += "Host: " + url_.hostHeader + "\r\n";
    s += "User-Agent: tanvrit-loadgen\r\nAccept: */*\r\n";
    if (!userConnection)
        s += "Connection: keep-alive\r\n";
    bool bodyMethod = opt_.method == "POST" || opt_.method == "PUT" || opt_.method == "PATCH";
    if (opt_.haveBody || bodyMethod) {
        if (!userContentType && !opt_.body.empty())
            s += "Content-Type: application/json\r\n";
        s += "Content-Length: " + std::to_string(opt_.body.size()) + "\r\n";
    }
    s += extra;
    reqSuffix_ = std::move(s);
    uniquePrefix_ = "lg-" + std::to_string(::getpid()) + "-"
            + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count())
            + "-";
}

bool LoadGen::mayIssue() const
{
    if (stopping_)
        return false;
    if (opt_.requests > 0 && issued_ >= opt_.requests)
        return false;
    return true;
}

void LoadGen::makeRequest(Conn &c)
{
    std::string &r = c.out;
    r.clear();
    r += reqPrefix_;
    r += pathBefore_;
    if (pathHasId_) {
        if (!ids_.empty()) {
            r += ids_[idNext_];
            idNext_ = (idNext_ + 1) % ids_.size();
        }
        r += pathAfter_;
    }
    r += reqSuffix_;
    if (!opt_.uniqueHeader.empty()) {
        r += opt_.uniqueHeader;
        r += ": ";
        r += uniquePrefix_;
        r += std::to_string(++uniqueSeq_);
        r += "\r\n";
    }
    r += "\r\n";
    r += opt_.body;
    c.outOff = 0;
    c.inFlight = true;
    ++issued_;
}

void LoadGen::openConn(Conn &c)
{
    c.waitingRetry = false;
    c.served = 0;
    c.in.clear();
    c.resetParse();
    int fd = ::socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        std::perror("loadgen: socket");
        std::exit(1);
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c.fd = fd;
    // Even when connect() completes at once, the first EPOLLOUT edge (delivered on
    // EPOLL_CTL_ADD for a writable socket) finishes the connection setup in onEvent().
    c.connecting = true;
    int rc = ::connect(fd, reinterpret_cast<sockaddr *>(&addr_), addrLen_);
    if (rc != 0 && errno != EINPROGRESS) {
        int err = errno;
        if (!c.inFlight && mayIssue()) {
            c.inFlight = true;  // count the failed attempt as a request error
            ++issued_;
        }
        failConn(c, "connect", err);
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = &c;
    if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        std::perror("loadgen: epoll_ctl");
        std::exit(1);
    }
}

void LoadGen::closeConn(Conn &c)
{
    if (c.fd >= 0) {
        ::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
    }
    c.fd = -1;
    c.connecting = false;
}

// The socket failed or the peer closed it while a request was outstanding.
void LoadGen::failConn(Conn &c, const char *why, int err)
{
    bool reused = c.served > 0;
    bool noResponseBytes = c.in.empty();
    closeConn(c);
    if (stopping_) {
        c.inFlight = false;
        return;
    }
    if (c.inFlight && reused && noResponseBytes) {
        // A keep-alive connection closed by the server between requests: resend the same
        // request on a fresh connection (not an error).
        ++resends_;
        c.outOff = 0;
        c.sendOnConnect = true;
        openConn(c);
        return;
    }
    if (c.inFlight) {
        ++connErrors_;
        ++completed_;
        c.inFlight = false;
        std::string kind = why;
        if (err)
            kind += std::string(": ") + std::strerror(err);
        ++connErrorKinds_[kind];
    }
    // Back off a little before reconnecting, so a dead server does not make us spin.
    c.waitingRetry = true;
    c.retryAt = Clock::now() + std::chrono::milliseconds(20);
}

void LoadGen::trySend(Conn &c)
{
    while (c.outOff < c.out.size()) {
        ssize_t n = ::send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOff += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;  // wait for EPOLLOUT
        failConn(c, "send", n < 0 ? errno : 0);
        return;
    }
}

void LoadGen::startNext(Conn &c)
{
    if (!mayIssue()) {
        closeConn(c);
        return;
    }
    makeRequest(c);
    c.start = Clock::now();
    trySend(c);
}

void LoadGen::onEvent(Conn &c, uint32_t events)
{
    if (c.fd < 0)
        return;
    if (c.connecting) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            if (!c.inFlight && mayIssue()) {
                // count the failed attempt as a request error
                c.inFlight = true;
                ++issued_;
            }
            failConn(c, "connect", err);
            return;
        }
        c.connecting = false;
        if (c.sendOnConnect) {
            c.sendOnConnect = false;
            trySend(c);
        } else {
            startNext(c);
        }
        if (c.fd < 0)
            return;
    } else if ((events & EPOLLOUT) && c.inFlight && c.outOff < c.out.size()) {
        trySend(c);
        if (c.fd < 0)
            return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        doRead(c);
}

void LoadGen::doRead(Conn &c)
{
    char buf[65536];
    const int fd = c.fd;
    for (;;) {
        if (c.fd != fd)
            return;  // closed (and possibly reopened) while handling a response
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (!c.inFlight) {
                // unsolicited bytes (e.g. a 408 after idle); drop the connection
                closeConn(c);
                c.waitingRetry = true;
                c.retryAt = Clock::now();
                return;
            }
            c.in.append(buf, static_cast<size_t>(n));
            Parse p = parse(c, false);
            if (p == Parse::Done) {
                onResponse(c);
            } else if (p == Parse::Error) {
                failConn(c, "bad response", 0);
                return;
            }
            continue;
        }
        if (n == 0) {
            // EOF
            if (c.inFlight && !c.in.empty()) {
                // only a body delimited by the close can complete here; onResponse()
                // then closes the socket since such a response always ends the connection
                if (parse(c, true) == Parse::Done)
                    onResponse(c);
                else
                    failConn(c, "closed mid-response", 0);
                return;
            }
            if (c.inFlight) {
                failConn(c, "closed", 0);
            } else {
                closeConn(c);
                c.waitingRetry = true;
                c.retryAt = Clock::now();
            }
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        failConn(c, "recv", errno);
        return;
    }
}

Parse LoadGen::parse(Conn &c, bool eof)
{
    std::string &in = c.in;
    if (!c.headersDone) {
        size_t from = c.scanFrom > 3 ? c.scanFrom - 3 : 0;
        size_t end = in.find("\r\n\r\n", from);
        if (end == std::string::npos) {
            c.scanFrom = in.size();
            if (in.size() > 1 << 20)
                return Parse::Error;
            return Parse::NeedMore;
        }
        std::string_view head(in.data(), end);
        size_t lineEnd = head.find("\r\n");
        std::string_view statusLine = head.substr(0, lineEnd);
        // "HTTP/1.1 201 Created"
        if (statusLine.rfind("HTTP/1.", 0) != 0 || statusLine.size() < 12)
            return Parse::Error;
        c.status = std::atoi(std::string(statusLine.substr(9, 3)).c_str());
        if (c.status < 100)
            return Parse::Error;
        bool http10 = statusLine[7] == '0';
        bool keepAliveHeader = false;
        size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
        while (pos < head.size()) {
            size_t e = head.find("\r\n", pos);
            if (e == std::string_view::npos)
                e = head.size();
            std::string_view line = head.substr(pos, e - pos);
            pos = e + 2;
            auto colon = line.find(':');
            if (colon == std::string_view::npos)
                continue;
            std::string_view name = line.substr(0, colon);
            std::string_view value = trim(line.substr(colon + 1));
            if (name.size() == 14 && iequalsPrefix(name, "content-length"))
                c.contentLength = std::atoll(std::string(value).c_str());
            else if (name.size() == 17 && iequalsPrefix(name, "transfer-encoding"))
                c.chunked = icontains(value, "chunked");
            else if (name.size() == 10 && iequalsPrefix(name, "connection")) {
                if (icontains(value, "close"))
                    c.serverCloses = true;
                if (icontains(value, "keep-alive"))
                    keepAliveHeader = true;
            }
        }
        if (http10 && !keepAliveHeader)
            c.serverCloses = true;
        c.headersDone = true;
        c.bodyStart = end + 4;
        if (c.status == 100) {
            // interim response: discard it and keep reading
            in.erase(0, c.bodyStart);
            c.resetParse();
            return parse(c, eof);
        }
        bool noBody = c.status == 204 || c.status == 304 || (c.status >= 100 && c.status < 200)
                || opt_.method == "HEAD";
        if (noBody) {
            c.contentLength = 0;
            c.chunked = false;
        } else if (c.chunked) {
            c.contentLength = -1;
            c.chunkPos = c.bodyStart;
        } else if (c.contentLength < 0) {
            c.untilClose = true;
            c.serverCloses = true;
        }
    }

    if (c.untilClose)
        return eof ? Parse::Done : Parse::NeedMore;
    if (!c.chunked)
        return in.size() >= c.bodyStart + static_cast<size_t>(c.contentLength) ? Parse::Done
                                                                                 : Parse::NeedMore;
    // chunked
    for (;;) {
        size_t e = in.find("\r\n", c.chunkPos);
        if (e == std::string::npos)
            return Parse::NeedMore;
        if (c.chunkTrailers) {
            if (e == c.chunkPos) {
                c.chunkPos = e + 2;
                return Parse::Done;
            }
            c.chunkPos = e + 2;  // skip a trailer line
            continue;
        }
        std::string sizeLine = in.substr(c.chunkPos, e - c.chunkPos);
        char *endp = nullptr;
        unsigned long long size = std::strtoull(sizeLine.c_str(), &endp, 16);
        if (endp == sizeLine.c_str())
            return Parse::Error;
        if (size == 0) {
            c.chunkTrailers = true;
            c.chunkPos = e + 2;
            continue;
        }
        size_t dataStart = e + 2;
        if (in.size() < dataStart + size + 2)
            return Parse::NeedMore;
        if (!opt_.saveIds.empty())
            c.chunkBody.append(in, dataStart, size);
        c.chunkPos = dataStart + size + 2;
    }
}

void LoadGen::onResponse(Conn &c)
{
    auto now = Clock::now();
    lastDone_ = now;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - c.start).count();
    latUs_.push_back(static_cast<uint32_t>(std::min<long long>(us, UINT32_MAX)));
    ++completed_;
    ++byStatus_[c.status];
    bool good = opt_.expect ? c.status == opt_.expect : (c.status >= 200 && c.status < 300);
    if (good)
        ++ok_;
    else
        ++statusErrors_;

    size_t consumed;
    std::string_view body;
    if (c.chunked) {
        consumed = c.chunkPos;
        body = c.chunkBody;
    } else if (c.untilClose) {
        consumed = c.in.size();
        body = std::string_view(c.in).substr(c.bodyStart);
    } else {
        consumed = c.bodyStart + static_cast<size_t>(c.contentLength);
        body = std::string_view(c.in).substr(c.bodyStart, static_cast<size_t>(c.contentLength));
    }
    if (!opt_.saveIds.empty() && c.status >= 200 && c.status < 300) {
        std::string id;
        if (extractId(body, id))
            savedIds_.push_back(std::move(id));
        else
            ++idMissing_;
    }
    if (!good && statusErrors_ <= 3) {
        std::fprintf(stderr, "loadgen: unexpected status %d: %.*s\n", c.status,
                     static_cast<int>(std::min<size_t>(body.size(), 300)), body.data());
    }

    bool closes = c.serverCloses;
    c.in.erase(0, consumed);
    c.resetParse();
    c.inFlight = false;
    ++c.served;

    if (opt_.duration > 0 && now >= deadline_)
        stopping_ = true;
    if (closes) {
        closeConn(c);
        c.waitingRetry = true;
        c.retryAt = now;
        return;
    }
    startNext(c);
}

bool LoadGen::finished(Clock::time_point now) const
{
    if (opt_.duration > 0 && now >= deadline_)
        return true;
    if (opt_.requests > 0 && issued_ >= opt_.requests) {
        for (const auto &c : conns_)
            if (c.inFlight)
                return false;
        return true;
    }
    return false;
}

int LoadGen::run()
{
    ::signal(SIGPIPE, SIG_IGN);
    url_ = parseUrl(opt_.url);
    resolve();
    buildRequestTemplate();
    if (!opt_.idsFrom.empty()) {
        std::ifstream f(opt_.idsFrom);
        if (!f)
            usage(("cannot read ids file " + opt_.idsFrom).c_str());
        std::string line;
        while (std::getline(f, line)) {
            auto t = trim(line);
            if (!t.empty())
                ids_.emplace_back(t);
        }
        if (ids_.empty())
            usage("ids file is empty");
        if (!pathHasId_)
            usage("--ids-from needs \"{id}\" in the URL");
    } else if (pathHasId_) {
        usage("URL has \"{id}\" but no --ids-from");
    }
    if (opt_.label.empty())
        opt_.label = opt_.method + " " + url_.path;

    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) {
        std::perror("loadgen: epoll_create1");
        return 1;
    }
    conns_.resize(static_cast<size_t>(opt_.connections));
    if (opt_.requests > 0)
        latUs_.reserve(static_cast<size_t>(std::min<long long>(opt_.requests, 50'000'000)));
    else
        latUs_.reserve(1 << 20);

    t0_ = Clock::now();
    lastDone_ = t0_;
    deadline_ = t0_ + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(opt_.duration > 0 ? opt_.duration : 0));
    for (auto &c : conns_)
        openConn(c);

    std::vector<epoll_event> events(static_cast<size_t>(opt_.connections) + 16);
    for (;;) {
        auto now = Clock::now();
        if (finished(now))
            break;
        // reconnect connections whose back-off expired
        int timeoutMs = 50;
        for (auto &c : conns_) {
            if (!c.waitingRetry || c.fd >= 0)
                continue;
            if (!mayIssue() && !c.inFlight) {
                c.waitingRetry = false;
                continue;
            }
            if (c.retryAt <= now) {
                openConn(c);
            } else {
                auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(c.retryAt - now)
                                  .count()
                        + 1;
                timeoutMs = std::min<int>(timeoutMs, static_cast<int>(ms));
            }
        }
        if (opt_.duration > 0) {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now).count()
                    + 1;
            timeoutMs = std::max(0, std::min<int>(timeoutMs, static_cast<int>(ms)));
        }
        // nothing left to do at all (requests mode, all closed)?
        if (!mayIssue()) {
            bool any = false;
            for (const auto &c : conns_)
                any = any || c.inFlight;
            if (!any)
                break;
        }
        int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), timeoutMs);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            std::perror("loadgen: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; ++i)
            onEvent(*static_cast<Conn *>(events[static_cast<size_t>(i)].data.ptr),
                    events[static_cast<size_t>(i)].events);
    }
    auto end = Clock::now();
    stopping_ = true;
    long long unfinished = 0;
    for (const auto &c : conns_)
        unfinished += c.inFlight ? 1 : 0;
    if (opt_.duration > 0 && end > deadline_ && !(opt_.requests > 0 && issued_ >= opt_.requests))
        end = std::max(deadline_, lastDone_);
    for (auto &c : conns_)
        closeConn(c);
    ::close(ep_);

    double secs = std::chrono::duration<double>(end - t0_).count();
    if (opt_.requests > 0 && issued_ >= opt_.requests)
        secs = std::chrono::duration<double>(lastDone_ - t0_).count();
    if (secs <= 0)
        secs = 1e-9;

    auto pct = [&](double p) -> double {
        if (latUs_.empty())
            return 0;
        size_t k = static_cast<size_t>(p * static_cast<double>(latUs_.size() - 1) + 0.5);
        std::nth_element(latUs_.begin(), latUs_.begin() + static_cast<std::ptrdiff_t>(k),
                         latUs_.end());
        return latUs_[k] / 1000.0;
    };
    double p50 = pct(0.50), p90 = pct(0.90), p99 = pct(0.99);
    double pmax = latUs_.empty() ? 0 : *std::max_element(latUs_.begin(), latUs_.end()) / 1000.0;
    long long errors = statusErrors_ + connErrors_;

    if (!opt_.saveIds.empty()) {
        std::ofstream f(opt_.saveIds, std::ios::trunc);
        for (const auto &id : savedIds_)
            f << id << '\n';
        if (!f) {
            std::fprintf(stderr, "loadgen: cannot write %s\n", opt_.saveIds.c_str());
            errors++;
        }
        if (idMissing_)
            std::fprintf(stderr, "loadgen: %lld 2xx responses had no \"id\" field\n", idMissing_);
    }

    std::string statuses;
    for (const auto &[st, cnt] : byStatus_)
        statuses += " " + std::to_string(st) + "x" + std::to_string(cnt);
    std::fprintf(stderr,
                 "loadgen: %s: statuses:%s; connection errors %lld; resends %lld; "
                 "in flight at stop %lld\n",
                 opt_.label.c_str(), statuses.empty() ? " none" : statuses.c_str(), connErrors_,
                 resends_, unfinished);
    for (const auto &[kind, cnt] : connErrorKinds_)
        std::fprintf(stderr, "loadgen:   %s x%lld\n", kind.c_str(), cnt);

    std::printf("%s: %.1f req/s (%lld ok, %lld errors, %d conns, %.2f s) p50=%.2fms p90=%.2fms "
                "p99=%.2fms max=%.2fms\n",
                opt_.label.c_str(), static_cast<double>(ok_ + statusErrors_) / secs, ok_, errors,
                opt_.connections, secs, p50, p90, p99, pmax);
    std::fflush(stdout);
    return (errors == 0 && ok_ > 0) ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv)
{
    Options o = parseArgs(argc, argv);
    LoadGen g(std::move(o));
    return g.run();
}
