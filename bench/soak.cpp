// soak: a steady load against a running control plane with an agent (started by bench/soak.sh), for
// as long as asked, printing the server's descriptors, RSS and submit latency every REPORT seconds so a
// leak shows as a line that climbs. Plain sockets, no Qt.
//
//   soak --url URL --key KEY --pid SERVER_PID [--rate 100] [--duration 600] [--report 30]
//        [--followers 8] [--command "echo soak"]
//
// Submits --rate jobs per second (paced, over 4 keep-alive connections), holds --followers live log
// followers on recent jobs (each leaves after its job ends or 0.5–3 s, and a new one takes its place),
// and counts terminal states from one GET /v0/events?type=job.terminal stream. Every --report seconds:
//   soak t=30s submitted=… succeeded=… other=… fds=… rss_mib=… submit_p50=…ms p99=…ms max=…ms followers=…
// At the end: soak_summary: fds START->END rss_mib START->END … Exit status 0 when every submit was
// accepted and every job that ended SUCCEEDED, 1 otherwise, 2 on bad usage.

#include "bench_http.h"

#include <signal.h>

#include <algorithm>
#include <deque>
#include <dirent.h>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace bench;

namespace {

struct Options
{
    std::string url;
    std::string key;
    int pid = 0;
    double rate = 100;
    double duration = 600;
    double report = 30;
    int followers = 8;
    std::string command = "echo soak";
};

[[noreturn]] void usage(const char *why)
{
    std::fprintf(stderr,
        "soak: %s\nusage: soak --url URL --key KEY --pid PID [--rate R] [--duration S] "
        "[--report S] [--followers N] [--command CMD]\n",
        why);
    std::exit(2);
}

Options parseArgs(int argc, char **argv)
{
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
        else if (a == "--pid")
            o.pid = std::atoi(next().c_str());
        else if (a == "--rate")
            o.rate = std::atof(next().c_str());
        else if (a == "--duration")
            o.duration = std::atof(next().c_str());
        else if (a == "--report")
            o.report = std::atof(next().c_str());
        else if (a == "--followers")
            o.followers = std::atoi(next().c_str());
        else if (a == "--command")
            o.command = next();
        else
            usage(("unknown argument " + a).c_str());
    }
    if (o.url.empty() || o.key.empty() || o.pid <= 0 || o.rate <= 0 || o.duration <= 0 || o.report <= 0)
        usage("--url, --key and --pid are required; rate, duration and report must be positive");
    return o;
}

int countFds(int pid)
{
    DIR *d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!d)
        return -1;
    int n = 0;
    while (dirent *e = ::readdir(d))
        if (e->d_name[0] != '.')
            ++n;
    ::closedir(d);
    return n;
}

double rssMib(int pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atof(line.c_str() + 6) / 1024.0;
    return -1;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string jsonEscape(const std::string &s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

struct Follower
{
    std::unique_ptr<SseReader> sse;
    Clock::time_point leaveAt;
};

} // namespace

int main(int argc, char **argv)
{
    ::signal(SIGPIPE, SIG_IGN);
    const Options o = parseArgs(argc, argv);
    Url u;
    if (!parseUrl(o.url, u))
        usage("--url must be http://HOST:PORT");

    const std::string body
        = "{\"type\":\"COMMAND\",\"command\":\"" + jsonEscape(o.command) + "\",\"timeoutSeconds\":60}";
    const std::string submitReq = buildRequest(u, "POST", "/v0/jobs", o.key, body);

    struct Conn
    {
        HttpConn http;
        bool busy = false;
        Clock::time_point sentAt;
    };
    std::vector<Conn> conns(4);
    for (auto &c : conns)
        if (!c.http.open(u))
            usage("cannot connect to the server");

    SseReader events;
    if (!events.open(u, "/v0/events?type=job.terminal", o.key))
        usage("cannot open the events stream");

    std::mt19937 rng(42);
    std::uniform_int_distribution<int> stayMs(500, 3000);
    std::vector<Follower> followers;
    std::deque<std::string> recent; // ids of recent jobs, for followers
    auto nextFollowerAt = Clock::now(); // at most 20 new followers a second

    long long submitted = 0, submitErrors = 0, succeeded = 0, other = 0, followersStarted = 0;
    std::vector<double> window; // submit latencies (ms) of this report period
    const auto t0 = Clock::now();
    auto nextReport = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.report));
    const int fdsStart = countFds(o.pid);
    const double rssStart = rssMib(o.pid);
    int fdsEnd = fdsStart;
    double rssEnd = rssStart;
    std::printf("soak t=0s fds=%d rss_mib=%.1f rate=%.0f/s duration=%.0fs followers=%d\n", fdsStart, rssStart, o.rate,
        o.duration, o.followers);
    std::fflush(stdout);

    auto onEvent = [&](std::string_view event, std::string_view data) {
        if (event != "job.terminal")
            return;
        if (jsonStringField(data, "state") == "SUCCEEDED")
            ++succeeded;
        else
            ++other;
    };

    bool submitting = true;
    const auto drainUntil
        = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration + 30));
    while (true) {
        const auto now = Clock::now();
        const double elapsed = secondsSince(t0, now);
        if (submitting && elapsed >= o.duration)
            submitting = false;
        if (!submitting && (succeeded + other >= submitted - submitErrors || now >= drainUntil))
            break;

        // submits due by now, paced
        const long long due = submitting ? static_cast<long long>(elapsed * o.rate) + 1 : 0;
        for (auto &c : conns) {
            if (submitted >= due)
                break;
            if (c.busy)
                continue;
            if (!c.http.send(submitReq)) {
                ++submitErrors;
                c.http.open(u);
                continue;
            }
            c.busy = true;
            c.sentAt = Clock::now();
            ++submitted;
        }

        // followers come and go
        for (auto it = followers.begin(); it != followers.end();) {
            if (it->sse->eof() || now >= it->leaveAt)
                it = followers.erase(it);
            else
                ++it;
        }
        if (static_cast<int>(followers.size()) < o.followers && !recent.empty() && now >= nextFollowerAt) {
            nextFollowerAt = now + std::chrono::milliseconds(50);
            Follower f;
            f.sse = std::make_unique<SseReader>();
            const std::string id = recent[std::uniform_int_distribution<size_t>(0, recent.size() - 1)(rng)];
            if (f.sse->open(u, "/v0/jobs/" + id + "/logs?follow=true", o.key)) {
                f.leaveAt = now + std::chrono::milliseconds(stayMs(rng));
                followers.push_back(std::move(f));
                ++followersStarted;
            }
        }

        std::vector<pollfd> pfds;
        for (auto &c : conns)
            pfds.push_back({c.http.fd(), POLLIN, 0});
        pfds.push_back({events.fd(), POLLIN, 0});
        for (auto &f : followers)
            pfds.push_back({f.sse->fd(), POLLIN, 0});
        ::poll(pfds.data(), pfds.size(), 2);

        for (size_t i = 0; i < conns.size(); ++i) {
            Conn &c = conns[i];
            if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const bool alive = c.http.readSome();
            HttpConn::Response r;
            while (c.http.take(r)) {
                c.busy = false;
                window.push_back(secondsSince(c.sentAt) * 1000.0);
                if (r.status != 201) {
                    ++submitErrors;
                    std::fprintf(stderr, "soak: submit answered %d: %s\n", r.status, r.body.c_str());
                } else {
                    recent.emplace_back(jsonStringField(r.body, "id"));
                    if (recent.size() > 64)
                        recent.pop_front();
                }
            }
            if (!alive) {
                if (c.busy)
                    ++submitErrors;
                c.busy = false;
                c.http.open(u);
            }
        }
        if (pfds[conns.size()].revents && !events.pump(onEvent)) {
            std::fprintf(stderr, "soak: the events stream closed\n");
            break;
        }
        for (size_t i = 0; i < followers.size(); ++i)
            if (pfds[conns.size() + 1 + i].revents)
                followers[i].sse->pump([](std::string_view, std::string_view) {});

        if (Clock::now() >= nextReport) {
            fdsEnd = countFds(o.pid);
            rssEnd = rssMib(o.pid);
            std::printf("soak t=%.0fs submitted=%lld succeeded=%lld other=%lld errors=%lld fds=%d rss_mib=%.1f "
                        "submit_p50=%.2fms p99=%.2fms max=%.2fms followers=%lld\n",
                secondsSince(t0), submitted, succeeded, other, submitErrors, fdsEnd, rssEnd, percentile(window, 0.5),
                percentile(window, 0.99), percentile(window, 1.0), followersStarted);
            std::fflush(stdout);
            window.clear();
            nextReport += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.report));
            if (fdsEnd < 0) {
                std::fprintf(stderr, "soak: the server (pid %d) is gone\n", o.pid);
                break;
            }
        }
    }
    followers.clear();
    fdsEnd = countFds(o.pid);
    rssEnd = rssMib(o.pid);
    const bool ok = submitErrors == 0 && other == 0 && succeeded == submitted;
    std::printf("soak_summary: fds %d->%d rss_mib %.1f->%.1f submitted=%lld succeeded=%lld other=%lld errors=%lld "
                "followers=%lld %.0fs%s\n",
        fdsStart, fdsEnd, rssStart, rssEnd, submitted, succeeded, other, submitErrors, followersStarted,
        secondsSince(t0), ok ? "" : " FAILED");
    return ok ? 0 : 1;
}
