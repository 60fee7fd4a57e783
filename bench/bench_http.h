// bench_http.h: the little HTTP/1.1 and Server-Sent-Events client the end-to-end benchmarks share
// (plain sockets, no Qt, header-only). Only http://HOST:PORT URLs, Content-Length or chunked bodies.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t0, Clock::time_point t1 = Clock::now())
{
    return std::chrono::duration<double>(t1 - t0).count();
}

// Wall-clock time in milliseconds since the epoch (what the server's "ts" fields use).
inline double epochMs()
{
    return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Url {
    std::string host = "127.0.0.1";   // as written, without IPv6 brackets
    std::string port = "80";
    std::string hostHeader;
    std::string path = "/";
};

// http://HOST[:PORT][/PATH], HOST may be an [IPv6] literal; false when it is not such a URL.
inline bool parseUrl(std::string_view s, Url &u)
{
    if (s.rfind("http://", 0) != 0)
        return false;
    s.remove_prefix(7);
    auto slash = s.find('/');
    std::string_view authority = s.substr(0, slash);
    if (slash != std::string_view::npos)
        u.path = std::string(s.substr(slash));
    u.hostHeader = std::string(authority);
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size() && authority[close + 1] == ':')
            u.port = std::string(authority.substr(close + 2));
    } else {
        auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            u.host = std::string(authority.substr(0, colon));
            u.port = std::string(authority.substr(colon + 1));
        } else {
            u.host = std::string(authority);
        }
    }
    return !u.host.empty();
}

// Connects (blocking), then switches the socket to non-blocking when asked. -1 on failure.
inline int connectTcp(const Url &u, bool nonBlocking)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    if (getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res) != 0 || !res)
        return -1;
    int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return -1;
    }
    if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        ::close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (nonBlocking)
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// Writes everything, waiting with poll() on a non-blocking socket. false on error.
inline bool writeAll(int fd, std::string_view data)
{
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
            continue;
        }
        return false;
    }
    return true;
}

inline std::string buildRequest(const Url &u, std::string_view method, std::string_view path, std::string_view key,
                                std::string_view body, std::string_view extraHeaders = {})
{
    std::string r;
    r.reserve(256 + body.size());
    r.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(u.hostHeader);
    r.append("\r\nUser-Agent: tanvrit-bench\r\nAccept: */*\r\nConnection: keep-alive\r\n");
    if (!key.empty())
        r.append("X-API-Key: ").append(key).append("\r\n");
    if (!body.empty() || method == "POST")
        r.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size())).append("\r\n");
    r.append(extraHeaders);
    r.append("\r\n");
    r.append(body);
    return r;
}

inline bool iprefix(std::string_view line, std::string_view name)
{
    if (line.size() < name.size())
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i])))
            return false;
    return true;
}

// The value of a JSON string field `"name":"value"` found by plain search (no unescaping).
inline std::string_view jsonStringField(std::string_view doc, std::string_view name, size_t from = 0)
{
    std::string pat;
    pat.reserve(name.size() + 4);
    pat.append("\"").append(name).append("\":\"");
    size_t p = doc.find(pat, from);
    if (p == std::string_view::npos)
        return {};
    p += pat.size();
    size_t e = doc.find('"', p);
    if (e == std::string_view::npos)
        return {};
    return doc.substr(p, e - p);
}

// One keep-alive HTTP/1.1 connection; responses are parsed from bytes read by pump()/readSome().
class HttpConn
{
public:
    struct Response {
        int status = 0;
        std::string body;
        bool closes = false;
    };

    HttpConn() = default;
    HttpConn(const HttpConn &) = delete;
    HttpConn &operator=(const HttpConn &) = delete;
    ~HttpConn() { close(); }

    bool open(const Url &u, bool nonBlocking = true)
    {
        close();
        url_ = u;
        fd_ = connectTcp(u, nonBlocking);
        in_.clear();
        return fd_ >= 0;
    }
    void close()
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }
    int fd() const { return fd_; }
    const Url &url() const { return url_; }

    bool send(std::string_view request) { return fd_ >= 0 && writeAll(fd_, request); }

    // Reads what is there (non-blocking socket). false on EOF or error.
    bool readSome()
    {
        char buf[65536];
        for (;;) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                in_.append(buf, static_cast<size_t>(n));
                if (static_cast<size_t>(n) < sizeof buf)
                    return true;
                continue;
            }
            if (n == 0)
                return false;
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
    }

    // Takes one complete response off the input buffer, if there is one.
    bool take(Response &r)
    {
        size_t he = in_.find("\r\n\r\n");
        if (he == std::string::npos)
            return false;
        std::string_view head(in_.data(), he);
        if (head.size() < 12 || head.rfind("HTTP/1.", 0) != 0) {
            r.status = -1;
            return true;
        }
        int status = std::atoi(std::string(head.substr(9, 3)).c_str());
        long long contentLength = -1;
        bool chunked = false, closes = false;
        size_t pos = head.find("\r\n");
        while (pos != std::string_view::npos && pos < head.size()) {
            size_t next = head.find("\r\n", pos + 2);
            std::string_view line = head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
            if (iprefix(line, "content-length:"))
                contentLength = std::atoll(std::string(line.substr(15)).c_str());
            else if (iprefix(line, "transfer-encoding:") && line.find("chunked") != std::string_view::npos)
                chunked = true;
            else if (iprefix(line, "connection:") && line.find("close") != std::string_view::npos)
                closes = true;
            pos = next;
        }
        size_t bodyStart = he + 4;
        if (chunked) {
            std::string body;
            size_t p = bodyStart;
            for (;;) {
                size_t e = in_.find("\r\n", p);
                if (e == std::string::npos)
                    return false;
                size_t size = std::strtoul(in_.c_str() + p, nullptr, 16);
                if (size == 0) {
                    size_t end = in_.find("\r\n\r\n", e);
                    if (end == std::string::npos && in_.compare(e, 4, "\r\n\r\n") != 0)
                        return false;
                    size_t consumed = (in_.compare(e, 4, "\r\n\r\n") == 0) ? e + 4 : end + 4;
                    r.status = status;
                    r.body = std::move(body);
                    r.closes = closes;
                    in_.erase(0, consumed);
                    return true;
                }
                if (in_.size() < e + 2 + size + 2)
                    return false;
                body.append(in_, e + 2, size);
                p = e + 2 + size + 2;
            }
        }
        if (contentLength < 0)
            contentLength = 0;
        if (in_.size() < bodyStart + static_cast<size_t>(contentLength))
            return false;
        r.status = status;
        r.body.assign(in_, bodyStart, static_cast<size_t>(contentLength));
        r.closes = closes;
        in_.erase(0, bodyStart + static_cast<size_t>(contentLength));
        return true;
    }

    // Sends one request and waits (up to timeoutMs) for its response. false on error or timeout.
    bool roundTrip(std::string_view request, Response &r, int timeoutMs = 30000)
    {
        if (!send(request))
            return false;
        auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        for (;;) {
            if (take(r))
                return r.status > 0;
            int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
            if (left <= 0)
                return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, left) < 0 && errno != EINTR)
                return false;
            if (!readSome())
                return take(r) && r.status > 0;
        }
    }

private:
    Url url_;
    int fd_ = -1;
    std::string in_;
};

// A Server-Sent-Events reader on a non-blocking socket: raw stream after the response headers
// (the server answers SSE with Connection: close and no chunking). onEvent gets the event name
// ("message" when none) and the data of each complete event.
class SseReader
{
public:
    using Handler = std::function<void(std::string_view event, std::string_view data)>;

    SseReader() = default;
    SseReader(const SseReader &) = delete;
    SseReader &operator=(const SseReader &) = delete;
    ~SseReader() { close(); }

    bool open(const Url &u, std::string_view path, std::string_view key)
    {
        fd_ = connectTcp(u, true);
        if (fd_ < 0)
            return false;
        std::string req = "GET " + std::string(path) + " HTTP/1.1\r\nHost: " + u.hostHeader
            + "\r\nUser-Agent: tanvrit-bench\r\nAccept: text/event-stream\r\nX-API-Key: " + std::string(key) + "\r\n\r\n";
        return writeAll(fd_, req);
    }
    void close()
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }
    int fd() const { return fd_; }
    int status() const { return status_; }
    bool headersDone() const { return headersDone_; }
    bool eof() const { return eof_; }
    bool sawComment() const { return sawComment_; }

    // Reads what is there and dispatches complete events. false on EOF/error (after dispatching).
    bool pump(const Handler &onEvent)
    {
        char buf[262144];
        bool alive = true;
        for (;;) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n > 0) {
                in_.append(buf, static_cast<size_t>(n));
                if (static_cast<size_t>(n) < sizeof buf)
                    break;
                continue;
            }
            if (n == 0) {
                alive = false;
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                alive = false;
            break;
        }
        dispatch(onEvent);
        if (!alive)
            eof_ = true;
        return alive;
    }

private:
    void dispatch(const Handler &onEvent)
    {
        size_t pos = pos_;
        if (!headersDone_) {
            size_t he = in_.find("\r\n\r\n");
            if (he == std::string::npos)
                return;
            status_ = in_.size() > 12 ? std::atoi(in_.c_str() + 9) : -1;
            headersDone_ = true;
            pos = he + 4;
        }
        for (;;) {
            size_t end = in_.find("\n\n", pos);
            if (end == std::string::npos)
                break;
            std::string_view frame(in_.data() + pos, end - pos);
            std::string_view event = "message", data;
            size_t lp = 0;
            while (lp < frame.size()) {
                size_t le = frame.find('\n', lp);
                if (le == std::string_view::npos)
                    le = frame.size();
                std::string_view line = frame.substr(lp, le - lp);
                if (line.rfind("event: ", 0) == 0)
                    event = line.substr(7);
                else if (line.rfind("data: ", 0) == 0)
                    data = line.substr(6);
                else if (!line.empty() && line[0] == ':')
                    sawComment_ = true;
                lp = le + 1;
            }
            if (!data.empty())
                onEvent(event, data);
            pos = end + 2;
        }
        if (pos > 1 << 20 || pos == in_.size()) {
            in_.erase(0, pos);
            pos = 0;
        }
        pos_ = pos;
    }

    int fd_ = -1;
    std::string in_;
    size_t pos_ = 0;
    int status_ = 0;
    bool headersDone_ = false;
    bool eof_ = false;
    bool sawComment_ = false;
};

}  // namespace bench
