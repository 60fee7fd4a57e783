// libFuzzer harness: the raw bytes of one connection, cut into pieces as the network might deliver
// them, through RequestScanner (what stands before Qt's parser). Checks the scanner's own promises:
// every byte is scanned once, counts only grow, a refusal stops it, and the cut never changes the verdict.
#include "RequestScanner.h"

#include <cstdint>
#include <cstdlib>

namespace {
struct Outcome
{
    RequestScanner::Phase phase;
    qint64 scanned;
    qint64 completed;
    qint64 requestStart;
    int status;
};

Outcome scan(const uint8_t *data, size_t size, size_t step, qint64 maxBody)
{
    RequestScanner s(maxBody, 1024);
    qint64 lastCompleted = 0;
    for (size_t at = 0; at < size; at += step) {
        const size_t n = std::min(step, size - at);
        const qint64 before = s.scanned();
        s.feed(reinterpret_cast<const char *>(data + at), qsizetype(n));
        const bool stopped
            = s.phase() == RequestScanner::Phase::Refused || s.phase() == RequestScanner::Phase::Upgraded;
        if (!stopped && s.scanned() != before + qint64(n))
            abort(); // a byte was skipped or counted twice
        if (s.completed() < lastCompleted || s.requestStart() > s.scanned())
            abort();
        lastCompleted = s.completed();
        if (stopped)
            break;
    }
    return {s.phase(), s.scanned(), s.completed(), s.requestStart(), s.refusal().status};
}
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // first byte: the body limit (0..255 bytes keeps 413 reachable); second: how to cut the rest
    const qint64 maxBody = data[0];
    const size_t step = 1 + data[1] % 64;
    data += 2;
    size -= 2;
    const Outcome whole = scan(data, size, size ? size : 1, maxBody);
    const Outcome cut = scan(data, size, step, maxBody);
    if (whole.phase != cut.phase || whole.completed != cut.completed || whole.requestStart != cut.requestStart
        || whole.status != cut.status)
        abort(); // the verdict must not depend on how the bytes arrived
    if (whole.phase == RequestScanner::Phase::Refused
        && !(whole.status == 400 || whole.status == 413 || whole.status == 431))
        abort();
    return 0;
}
