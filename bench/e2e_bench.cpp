// e2e_bench: end-to-end job latency and throughput against a running control plane with agents
// (started by bench/e2e_bench.sh). Plain sockets, no Qt. The client learns that a job finished from
// one GET /v0/events?type=job.terminal stream held open for the whole run.
//
//   e2e_bench wait-agents --url URL --key KEY --count N [--push] [--timeout S]
//       waits until N agents are ONLINE (and, with --push, hold their push socket); exit 0 when so
//   e2e_bench latency --url URL --key KEY [--n 300] [--warmup 20] [--label NAME] [--timeout 120]
//       submits {"argv":["/bin/true"]} one at a time; prints
//       NAME: p50=X ms p99=Y ms (n=N) mean=… min=… max=… fallbacks=F
//   e2e_bench throughput --url URL --key KEY [--jobs 3000] [--connections 8] [--label NAME] [--timeout 120]
//       submits JOBS jobs as fast as CONNECTIONS keep-alive connections allow; prints
//       NAME: X jobs/s (S succeeded, F other terminal, N submitted, T s; submits done after U s)
//
// Latency is submit (just before the POST is written) → the job.terminal SUCCEEDED event read from
// the events stream. When no event comes within --fallback-ms (default 3000), the job is polled with
// GET /v0/jobs/{id} instead (counted as a fallback). Exit status: 0 when every job succeeded within
// the time limit, 1 otherwise, 2 on bad usage.

#include "bench_http.h"

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

using namespace bench;

namespace {

struct Options {
    std::string mode;
    std::string url;
    std::string key;
    std::string label;
    int n = 300;
    int warmup = 20;
    int jobs = 3000;
    int connections = 8;
    int count = 1;
    bool push = false;
    double timeout = 120;
    int fallbackMs = 3000;
    std::string body = R"({"argv":["/bin/true"]})";
};

[[noreturn]] void usage(const char *msg = nullptr)
{
    if (msg)
        std::fprintf(stderr, "e2e_bench: %s\n", msg);
    std::fprintf(stderr,
                 "usage: e2e_bench wait-agents --url URL --key KEY --count N [--push] [--timeout S]\n"
                 "       e2e_bench latency --url URL --key KEY [--n 300] [--warmup 20] [--label NAME]\n"
                 "                         [--timeout 120] [--fallback-ms 3000] [--body JSON]\n"
                 "       e2e_bench throughput --url URL --key KEY [--jobs 3000] [--connections 8]\n"
                 "                         [--label NAME] [--timeout 120] [--body JSON]\n");
    std::exit(2);
}

Options parseArgs(int argc, char **argv)
{
    if (argc < 2)
        usage();
    Options o;
    o.mode = argv[1];
    for (int i = 2; i < argc; ++i) {
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
        else if (a == "--label")
            o.label = next();
        else if (a == "--n")
            o.n = std::atoi(next().c_str());
        else if (a == "--warmup")
            o.warmup = std::atoi(next().c_str());
        else if (a == "--jobs")
            o.jobs = std::atoi(next().c_str());
        else if (a == "--connections")
            o.connections = std::atoi(next().c_str());
        else if (a == "--count")
            o.count = std::atoi(next().c_str());
        else if (a == "--push")
            o.push = true;
        else if (a == "--timeout")
            o.timeout = std::atof(next().c_str());
        else if (a == "--fallback-ms")
            o.fallbackMs = std::atoi(next().c_str());
        else if (a == "--body")
            o.body = next();
        else
            usage(("unknown argument " + a).c_str());
    }
    if (o.url.empty() || o.key.empty())
        usage("--url and --key are required");
    if (o.n < 1 || o.jobs < 1 || o.connections < 1 || o.warmup < 0)
        usage("counts must be positive");
    if (o.label.empty())
        o.label = "e2e_" + o.mode;
    return o;
}

size_t countOf(std::string_view hay, std::string_view needle)
{
    size_t n = 0;
    for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size()))
        ++n;
    return n;
}

int waitAgents(const Options &o, const Url &u)
{
    auto t0 = Clock::now();
    HttpConn c;
    std::string req = buildRequest(u, "GET", "/v0/agents", o.key, {});
    size_t online = 0, pushed = 0;
    while (secondsSince(t0) < o.timeout) {
        HttpConn::Response r;
        if (c.fd() < 0 && !c.open(u)) {
            ::usleep(100000);
            continue;
        }
        if (!c.roundTrip(req, r) || r.status != 200) {
            c.close();
            ::usleep(100000);
            continue;
        }
        online = countOf(r.body, "\"state\":\"ONLINE\"");
        pushed = countOf(r.body, "\"pushConnected\":true");
        if (online >= static_cast<size_t>(o.count) && (!o.push || pushed >= static_cast<size_t>(o.count)))
            return 0;
        if (r.closes)
            c.close();
        ::usleep(50000);
    }
    std::fprintf(stderr, "e2e_bench: only %zu agents ONLINE (%zu with push) after %.0f s, wanted %d\n", online,
                 pushed, o.timeout, o.count);
    return 1;
}

// The events stream, filtered to job.terminal; remembers when each job's terminal event arrived.
struct Terminals {
    SseReader sse;
    struct Seen {
        Clock::time_point at;
        bool succeeded;
    };
    std::unordered_map<std::string, Seen> seen;
    long long succeeded = 0, other = 0;
    Clock::time_point last{};
    bool keepIds = true;

    bool open(const Url &u, const std::string &key)
    {
        if (!sse.open(u, "/v0/events?type=job.terminal", key))
            return false;
        // wait for the response headers and the ": connected" comment, so no event is missed
        auto t0 = Clock::now();
        while (!sse.sawComment() && secondsSince(t0) < 10) {
            pollfd p{sse.fd(), POLLIN, 0};
            ::poll(&p, 1, 100);
            if (!pump())
                return false;
        }
        if (sse.status() != 200) {
            std::fprintf(stderr, "e2e_bench: GET /v0/events answered %d\n", sse.status());
            return false;
        }
        return sse.sawComment();
    }

    bool pump()
    {
        auto now = Clock::now();
        return sse.pump([&](std::string_view event, std::string_view data) {
            if (event != "job.terminal")
                return;
            std::string_view state = jsonStringField(data, "state");
            bool ok = state == "SUCCEEDED";
            ok ? ++succeeded : ++other;
            last = now;
            if (keepIds) {
                std::string_view id = jsonStringField(data, "jobId");
                seen.emplace(std::string(id), Seen{now, ok});
            }
        });
    }
};

double cpuSeconds()
{
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string idOf(const std::string &body)
{
    return std::string(jsonStringField(body, "id"));
}

double pct(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[k];
}

int latency(const Options &o, const Url &u)
{
    Terminals t;
    if (!t.open(u, o.key)) {
        std::fprintf(stderr, "e2e_bench: cannot open the events stream\n");
        return 1;
    }
    HttpConn c;
    if (!c.open(u)) {
        std::fprintf(stderr, "e2e_bench: cannot connect to %s\n", o.url.c_str());
        return 1;
    }
    const std::string submit = buildRequest(u, "POST", "/v0/jobs", o.key, o.body);
    std::vector<double> ms;
    ms.reserve(static_cast<size_t>(o.n));
    int fallbacks = 0, failed = 0, errors = 0;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.timeout));
    bool timedOut = false;

    for (int i = 0; i < o.warmup + o.n && !timedOut; ++i) {
        const auto t0 = Clock::now();
        HttpConn::Response r;
        if (!c.send(submit)) {
            ++errors;
            c.open(u);
            continue;
        }
        // wait for the 201 while draining the events stream
        bool got = false;
        while (!got) {
            if (c.take(r)) {
                got = true;
                break;
            }
            pollfd p[2] = {{c.fd(), POLLIN, 0}, {t.sse.fd(), POLLIN, 0}};
            ::poll(p, 2, 100);
            if (p[1].revents)
                t.pump();
            if (p[0].revents && !c.readSome() && !c.take(r))
                break;
            if (Clock::now() > deadline) {
                timedOut = true;
                break;
            }
        }
        if (!got || r.status != 201) {
            ++errors;
            if (errors <= 3)
                std::fprintf(stderr, "e2e_bench: submit answered %d: %s\n", r.status, r.body.c_str());
            c.open(u);
            continue;
        }
        if (r.closes)
            c.open(u);
        const std::string id = idOf(r.body);
        // wait for its terminal event
        Clock::time_point done{};
        bool ok = false, viaPoll = false;
        auto fallbackAt = t0 + std::chrono::milliseconds(o.fallbackMs);
        for (;;) {
            auto it = t.seen.find(id);
            if (it != t.seen.end()) {
                done = it->second.at;
                ok = it->second.succeeded;
                t.seen.erase(it);
                break;
            }
            auto now = Clock::now();
            if (now > deadline) {
                timedOut = true;
                break;
            }
            if (now > fallbackAt) {
                // no event yet: ask for the job itself
                HttpConn::Response jr;
                std::string get = buildRequest(u, "GET", "/v0/jobs/" + id, o.key, {});
                if (c.roundTrip(get, jr) && jr.status == 200) {
                    std::string_view state = jsonStringField(jr.body, "state");
                    if (state == "SUCCEEDED" || state == "FAILED" || state == "TIMED_OUT" || state == "CANCELLED") {
                        done = Clock::now();
                        ok = state == "SUCCEEDED";
                        viaPoll = true;
                        break;
                    }
                } else {
                    c.open(u);
                }
                fallbackAt = Clock::now() + std::chrono::milliseconds(20);
            }
            pollfd p{t.sse.fd(), POLLIN, 0};
            ::poll(&p, 1, 20);
            if (p.revents && !t.pump() && t.sse.eof()) {
                std::fprintf(stderr, "e2e_bench: the events stream closed; polling from now on\n");
                fallbackAt = Clock::now();
            }
        }
        if (timedOut)
            break;
        if (viaPoll)
            ++fallbacks;
        if (!ok)
            ++failed;
        if (i >= o.warmup)
            ms.push_back(std::chrono::duration<double, std::milli>(done - t0).count());
    }
    if (timedOut)
        std::fprintf(stderr, "e2e_bench: %s: stopped after %.0f s with %zu of %d jobs measured\n", o.label.c_str(),
                     o.timeout, ms.size(), o.n);
    double sum = 0;
    for (double v : ms)
        sum += v;
    std::printf("%s: p50=%.2f ms p99=%.2f ms (n=%zu) mean=%.2f min=%.2f max=%.2f fallbacks=%d failed=%d errors=%d%s\n",
                o.label.c_str(), pct(ms, 0.5), pct(ms, 0.99), ms.size(), ms.empty() ? 0 : sum / ms.size(),
                pct(ms, 0), pct(ms, 1), fallbacks, failed, errors, timedOut ? " TIMED_OUT" : "");
    std::fflush(stdout);
    return (ms.size() == static_cast<size_t>(o.n) && !failed && !errors) ? 0 : 1;
}

int throughput(const Options &o, const Url &u)
{
    Terminals t;
    t.keepIds = false;
    if (!t.open(u, o.key)) {
        std::fprintf(stderr, "e2e_bench: cannot open the events stream\n");
        return 1;
    }
    const std::string submit = buildRequest(u, "POST", "/v0/jobs", o.key, o.body);
    std::vector<HttpConn> conns(static_cast<size_t>(o.connections));
    std::vector<bool> busy(conns.size(), false);
    for (auto &c : conns)
        if (!c.open(u)) {
            std::fprintf(stderr, "e2e_bench: cannot connect to %s\n", o.url.c_str());
            return 1;
        }
    long long issued = 0, created = 0, errors = 0;
    const auto t0 = Clock::now();
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.timeout));
    Clock::time_point submitsDone{};
    auto issue = [&](size_t i) {
        if (issued >= o.jobs)
            return;
        if (!conns[i].send(submit)) {
            ++errors;
            conns[i].open(u);
            return;
        }
        busy[i] = true;
        ++issued;
    };
    for (size_t i = 0; i < conns.size(); ++i)
        issue(i);
    std::vector<pollfd> fds(conns.size() + 1);
    bool timedOut = false;
    while (t.succeeded + t.other < o.jobs) {
        if (Clock::now() > deadline) {
            timedOut = true;
            break;
        }
        for (size_t i = 0; i < conns.size(); ++i)
            fds[i] = {conns[i].fd(), static_cast<short>(busy[i] ? POLLIN : 0), 0};
        fds.back() = {t.sse.fd(), POLLIN, 0};
        if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR)
            break;
        if (fds.back().revents && !t.pump() && t.sse.eof()) {
            std::fprintf(stderr, "e2e_bench: the events stream closed after %lld terminal events\n",
                         t.succeeded + t.other);
            break;
        }
        for (size_t i = 0; i < conns.size(); ++i) {
            if (!fds[i].revents)
                continue;
            bool alive = conns[i].readSome();
            HttpConn::Response r;
            while (conns[i].take(r)) {
                busy[i] = false;
                if (r.status == 201) {
                    ++created;
                } else {
                    ++errors;
                    if (errors <= 3)
                        std::fprintf(stderr, "e2e_bench: submit answered %d: %s\n", r.status, r.body.c_str());
                }
                if (created + errors == o.jobs && submitsDone == Clock::time_point{})
                    submitsDone = Clock::now();
                if (r.closes)
                    alive = false;
            }
            if (!alive) {
                if (busy[i]) {
                    ++errors;
                    busy[i] = false;
                }
                conns[i].open(u);
            }
            if (!busy[i])
                issue(i);
        }
    }
    const auto end = t.last == Clock::time_point{} ? Clock::now() : t.last;
    double secs = secondsSince(t0, end);
    double submitSecs = submitsDone == Clock::time_point{} ? -1 : secondsSince(t0, submitsDone);
    if (timedOut)
        std::fprintf(stderr, "e2e_bench: %s: stopped after %.0f s: %lld of %d jobs terminal\n", o.label.c_str(),
                     o.timeout, t.succeeded + t.other, o.jobs);
    std::printf("%s: %.1f jobs/s (%lld succeeded, %lld other terminal, %lld submitted, %.2f s; submits done after %.2f s; client cpu %.2f s)%s\n",
                o.label.c_str(), secs > 0 ? static_cast<double>(t.succeeded) / secs : 0, t.succeeded, t.other, created,
                secs, submitSecs, cpuSeconds(), timedOut ? " TIMED_OUT" : "");
    std::fflush(stdout);
    return (t.succeeded == o.jobs && !errors) ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv)
{
    ::signal(SIGPIPE, SIG_IGN);
    Options o = parseArgs(argc, argv);
    Url u;
    if (!parseUrl(o.url, u))
        usage("only http://HOST:PORT URLs are supported");
    if (o.mode == "wait-agents")
        return waitAgents(o, u);
    if (o.mode == "latency")
        return latency(o, u);
    if (o.mode == "throughput")
        return throughput(o, u);
    usage(("unknown mode " + o.mode).c_str());
}
