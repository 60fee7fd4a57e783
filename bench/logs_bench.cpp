// logs_bench: live-log fan-out end to end. Submits one job that prints many short lines, then holds F
// followers on GET /v0/jobs/{id}/logs?follow=true (SSE) from right after the 201, and measures what
// they see. Plain sockets, one epoll thread, no JSON library: "seq" and "ts" are found by string search.
//
//   logs_bench --url URL --key KEY [--followers 1] [--lines 5000000] [--command 'seq 1 5000000']
//              [--label NAME] [--timeout 300]
//
// Prints one machine-readable line on stdout:
//   NAME: X lines/s lag_p50=A ms lag_p99=B ms (...details)
// X: lines received by the slowest follower / (its end event − its first line's arrival).
// lag: arrival time (wall clock, when the bytes were read) − the line's "ts" (epoch ms, stamped by the
// agent when it read the line), over every line of every follower. ts has 1 ms resolution, so lags
// read up to 1 ms high. Details: lines per follower (min/max), ends seen, seq gaps, lines the server
// reported dropped (size cap), duplicates, and the agent-side production span (last ts − first ts).
// Exit status: 0 when every follower got every line and the end event in time, 1 otherwise.

#include "bench_http.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace bench;

namespace {

struct Options {
    std::string url, key, label = "logs_e2e";
    int followers = 1;
    long long lines = 5000000;
    std::string command;
    double timeout = 300;
};

[[noreturn]] void usage(const char *msg = nullptr)
{
    if (msg)
        std::fprintf(stderr, "logs_bench: %s\n", msg);
    std::fprintf(stderr,
                 "usage: logs_bench --url URL --key KEY [--followers F] [--lines N] [--command CMD]\n"
                 "                  [--label NAME] [--timeout S]\n");
    std::exit(2);
}

// Lag histogram in 0.1 ms buckets up to kMaxLagMs; beyond goes to the last bucket.
constexpr double kBucketMs = 0.1;
constexpr double kMaxLagMs = 600000;

struct Histogram {
    std::vector<uint64_t> buckets = std::vector<uint64_t>(static_cast<size_t>(kMaxLagMs / kBucketMs) + 1, 0);
    uint64_t count = 0;
    double maxMs = 0;
    void add(double ms)
    {
        if (ms < 0)
            ms = 0;
        maxMs = std::max(maxMs, ms);
        size_t b = std::min(static_cast<size_t>(ms / kBucketMs), buckets.size() - 1);
        ++buckets[b];
        ++count;
    }
    double quantile(double q) const
    {
        if (!count)
            return 0;
        uint64_t want = static_cast<uint64_t>(q * static_cast<double>(count - 1)) + 1, seen = 0;
        for (size_t i = 0; i < buckets.size(); ++i) {
            seen += buckets[i];
            if (seen >= want)
                return (static_cast<double>(i) + 0.5) * kBucketMs;
        }
        return maxMs;
    }
};

struct Follower {
    int index = 0;
    int fd = -1;
    std::string in;
    size_t pos = 0;
    bool headersDone = false;
    int status = 0;
    bool ended = false;
    bool closed = false;
    std::string endData;
    long long lines = 0, lastSeq = 0, gaps = 0, dupes = 0, dropped = 0;
    Clock::time_point first{}, endAt{}, lastAt{};
};

inline const char *parseInt(const char *p, const char *end, long long &v)
{
    long long x = 0;
    while (p < end && *p >= '0' && *p <= '9')
        x = x * 10 + (*p++ - '0');
    v = x;
    return p;
}

class Bench
{
public:
    explicit Bench(Options o) : opt_(std::move(o)) { }
    int run();

private:
    void onReadable(Follower &f);
    void parse(Follower &f, Clock::time_point now, double nowEpochMs);

    Options opt_;
    Url url_;
    Histogram lag_;
    long long minTs_ = INT64_MAX, maxTs_ = 0;
};

void Bench::parse(Follower &f, Clock::time_point now, double nowEpochMs)
{
    size_t pos = f.pos;
    if (!f.headersDone) {
        size_t he = f.in.find("\r\n\r\n");
        if (he == std::string::npos)
            return;
        f.status = f.in.size() > 12 ? std::atoi(f.in.c_str() + 9) : -1;
        f.headersDone = true;
        pos = he + 4;
        if (f.status != 200) {
            std::fprintf(stderr, "logs_bench: follower %d: HTTP %d: %.300s\n", f.index, f.status, f.in.c_str() + pos);
            f.ended = true;
            return;
        }
    }
    const char *base = f.in.data();
    for (;;) {
        const char *start = base + pos;
        const char *endp = static_cast<const char *>(
            memmem(start, f.in.size() - pos, "\n\n", 2));
        if (!endp)
            break;
        if (endp - start > 4 && std::memcmp(start, "id: ", 4) == 0) {
            // "id: N\nevent: line\ndata: {"seq":N,"ts":T,..."
            const char *d = static_cast<const char *>(memmem(start, static_cast<size_t>(endp - start), "data: {\"seq\":", 13));
            long long seq = 0, ts = 0;
            if (d) {
                const char *p = parseInt(d + 13, endp, seq);
                if (endp - p > 6 && std::memcmp(p, ",\"ts\":", 6) == 0) {
                    parseInt(p + 6, endp, ts);
                } else {
                    const char *t = static_cast<const char *>(memmem(d, static_cast<size_t>(endp - d), "\"ts\":", 5));
                    if (t)
                        parseInt(t + 5, endp, ts);
                }
            }
            if (f.lines == 0)
                f.first = now;
            ++f.lines;
            if (seq <= f.lastSeq)
                ++f.dupes;
            else if (seq != f.lastSeq + 1)
                f.gaps += seq - f.lastSeq - 1;
            f.lastSeq = std::max(f.lastSeq, seq);
            if (ts > 0) {
                lag_.add(nowEpochMs - static_cast<double>(ts));
                minTs_ = std::min(minTs_, ts);
                maxTs_ = std::max(maxTs_, ts);
            }
            f.lastAt = now;
        } else if (endp - start >= 10 && std::memcmp(start, "event: end", 10) == 0) {
            f.ended = true;
            f.endAt = now;
            const char *d = static_cast<const char *>(memmem(start, static_cast<size_t>(endp - start), "data: ", 6));
            if (d)
                f.endData.assign(d + 6, endp);
        } else if (endp - start >= 14 && std::memcmp(start, "event: dropped", 14) == 0) {
            const char *d = static_cast<const char *>(memmem(start, static_cast<size_t>(endp - start), "\"dropped\":", 10));
            long long n = 0;
            if (d)
                parseInt(d + 10, endp, n);
            f.dropped += n;
            std::fprintf(stderr, "logs_bench: follower %d: event dropped (%lld lines) after seq %lld\n", f.index, n,
                         f.lastSeq);
        }
        pos = static_cast<size_t>(endp - base) + 2;
    }
    if (pos == f.in.size()) {
        f.in.clear();
        pos = 0;
    } else if (pos > (1u << 20)) {
        f.in.erase(0, pos);
        pos = 0;
    }
    f.pos = pos;
}

void Bench::onReadable(Follower &f)
{
    char buf[262144];
    for (;;) {
        ssize_t n = ::recv(f.fd, buf, sizeof buf, 0);
        if (n > 0) {
            auto now = Clock::now();
            double nowMs = epochMs();
            f.in.append(buf, static_cast<size_t>(n));
            parse(f, now, nowMs);
            if (static_cast<size_t>(n) < sizeof buf)
                return;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        f.closed = true;  // EOF or error
        return;
    }
}

int Bench::run()
{
    if (!parseUrl(opt_.url, url_))
        usage("only http://HOST:PORT URLs are supported");
    if (opt_.command.empty())
        opt_.command = "seq 1 " + std::to_string(opt_.lines);

    HttpConn c;
    if (!c.open(url_)) {
        std::fprintf(stderr, "logs_bench: cannot connect to %s\n", opt_.url.c_str());
        return 1;
    }
    std::string body = "{\"command\":\"" + opt_.command + "\"}";
    HttpConn::Response r;
    const auto t0 = Clock::now();
    if (!c.roundTrip(buildRequest(url_, "POST", "/v0/jobs", opt_.key, body), r) || r.status != 201) {
        std::fprintf(stderr, "logs_bench: submit answered %d: %s\n", r.status, r.body.c_str());
        return 1;
    }
    const std::string id(jsonStringField(r.body, "id"));
    const std::string path = "/v0/jobs/" + id + "/logs?follow=true";
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + url_.hostHeader
        + "\r\nUser-Agent: tanvrit-bench\r\nAccept: text/event-stream\r\nX-API-Key: " + opt_.key + "\r\n\r\n";

    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    std::vector<std::unique_ptr<Follower>> fs;
    for (int i = 0; i < opt_.followers; ++i) {
        auto f = std::make_unique<Follower>();
        f->index = i;
        f->fd = connectTcp(url_, true);
        if (f->fd < 0 || !writeAll(f->fd, req)) {
            std::fprintf(stderr, "logs_bench: follower %d cannot connect\n", i);
            return 1;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = f.get();
        ::epoll_ctl(ep, EPOLL_CTL_ADD, f->fd, &ev);
        fs.push_back(std::move(f));
    }
    std::fprintf(stderr, "logs_bench: job %s, %d followers connected %.1f ms after the submit\n", id.c_str(),
                 opt_.followers, secondsSince(t0) * 1000);

    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt_.timeout));
    std::vector<epoll_event> evs(static_cast<size_t>(opt_.followers) + 1);
    int open = opt_.followers;
    bool timedOut = false;
    while (open > 0) {
        if (Clock::now() > deadline) {
            timedOut = true;
            break;
        }
        int n = ::epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 200);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; ++i) {
            auto &f = *static_cast<Follower *>(evs[static_cast<size_t>(i)].data.ptr);
            onReadable(f);
            if (f.closed || (f.ended && f.status != 200)) {
                ::epoll_ctl(ep, EPOLL_CTL_DEL, f.fd, nullptr);
                ::close(f.fd);
                f.fd = -1;
                --open;
            }
        }
    }
    for (auto &f : fs)
        if (f->fd >= 0)
            ::close(f->fd);
    ::close(ep);

    // the slowest follower: the longest first line → end (or → last line, when no end came)
    double slowest = 0;
    long long slowestLines = 0, minLines = INT64_MAX, maxLines = 0, gaps = 0, dupes = 0, dropped = 0;
    int ends = 0;
    for (auto &f : fs) {
        auto stop = f->ended ? f->endAt : f->lastAt;
        double s = f->lines ? secondsSince(f->first, stop) : 0;
        if (s >= slowest) {
            slowest = s;
            slowestLines = f->lines;
        }
        minLines = std::min(minLines, f->lines);
        maxLines = std::max(maxLines, f->lines);
        gaps += f->gaps;
        dupes += f->dupes;
        dropped += f->dropped;
        ends += f->ended && f->status == 200 ? 1 : 0;
        if (!f->ended || f->lines != opt_.lines)
            std::fprintf(stderr, "logs_bench: follower %d: %lld lines, last seq %lld, end %s%s\n", f->index, f->lines,
                         f->lastSeq, f->ended ? f->endData.c_str() : "never came", f->closed ? " (closed)" : "");
    }
    if (timedOut)
        std::fprintf(stderr, "logs_bench: %s: stopped after %.0f s (partial figures)\n", opt_.label.c_str(), opt_.timeout);
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    const double clientCpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    double produced = maxTs_ >= minTs_ ? static_cast<double>(maxTs_ - minTs_) / 1000.0 : 0;
    std::printf("%s: %.0f lines/s lag_p50=%.1f ms lag_p99=%.1f ms (followers=%d, lines min=%lld max=%lld of %lld, "
                "ends=%d/%d, gaps=%lld, dropped=%lld, dupes=%lld, slowest %.2f s, lag_max=%.1f ms, "
                "agent ts span %.2f s, total %.2f s, client cpu %.2f s)%s\n",
                opt_.label.c_str(), slowest > 0 ? static_cast<double>(slowestLines) / slowest : 0, lag_.quantile(0.5),
                lag_.quantile(0.99), opt_.followers, minLines == INT64_MAX ? 0 : minLines, maxLines, opt_.lines, ends,
                opt_.followers, gaps, dropped, dupes, slowest, lag_.maxMs, produced, secondsSince(t0),
                clientCpu, timedOut ? " TIMED_OUT" : "");
    std::fflush(stdout);
    bool ok = !timedOut && ends == opt_.followers && minLines == opt_.lines && maxLines == opt_.lines && !gaps;
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv)
{
    ::signal(SIGPIPE, SIG_IGN);
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--url")
            o.url = next();
        else if (a == "--key")
            o.key = next();
        else if (a == "--followers")
            o.followers = std::atoi(next().c_str());
        else if (a == "--lines")
            o.lines = std::atoll(next().c_str());
        else if (a == "--command")
            o.command = next();
        else if (a == "--label")
            o.label = next();
        else if (a == "--timeout")
            o.timeout = std::atof(next().c_str());
        else
            usage(("unknown argument " + a).c_str());
    }
    if (o.url.empty() || o.key.empty())
        usage("--url and --key are required");
    if (o.followers < 1 || o.lines < 1)
        usage("--followers and --lines must be >= 1");
    Bench b(std::move(o));
    return b.run();
}
