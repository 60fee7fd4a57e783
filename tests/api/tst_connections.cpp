// Connections are bounded: slow and idle clients are closed after the header and idle timeouts,
// open connections are capped in all and per address, live followers per key, pipelined requests
// get the body limit and answers in order, a stream ignores what its client sends, WebSocket
// messages are size-limited, and a server out of descriptors answers 503 without spinning and recovers.
#include "TestServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

#include <sys/resource.h>
#include <unistd.h>

class TestConnections : public QObject
{
    Q_OBJECT

private slots:
    void slowHeadersAreClosedAfterTheHeaderTimeout();
    void idleConnectionsAreClosedAfterTheIdleTimeout();
    void busyConnectionsAreNotTimedOut();
    void connectionsPerAddressAreCapped();
    void openConnectionsAreCapped();
    void followersPerKeyAreCapped();
    void pipelinedOversizedBodyIsRefusedFromItsHeaders();
    void pipelinedAnswersComeInRequestOrder();
    void aStreamIgnoresWhatItsClientSends();
    void oversizedWebSocketMessageClosesWith1009();
    void outOfDescriptorsAnswers503WithoutSpinning();
};

namespace {
QByteArray healthRequest()
{
    return "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";
}

// Connects and waits until the socket is connected; the server may still answer or close it.
std::unique_ptr<QTcpSocket> connectTo(const QUrl &url)
{
    auto s = std::make_unique<QTcpSocket>();
    s->connectToHost(url.host(), quint16(url.port()));
    s->waitForConnected(5000);
    return s;
}

// Reads until `needle` arrived or the peer closed; what arrived.
QByteArray readUntil(QTcpSocket &s, const QByteArray &needle, int timeoutMs = 5000)
{
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (!in.contains(needle) && t.elapsed() < timeoutMs) {
        if (s.bytesAvailable() == 0 && s.state() != QAbstractSocket::ConnectedState)
            break;
        s.waitForReadyRead(50);
        in += s.readAll();
    }
    return in;
}

bool closedWithin(QTcpSocket &s, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
        s.waitForReadyRead(50);
        s.readAll();
    }
    return s.state() != QAbstractSocket::ConnectedState;
}

qint64 cpuTicks(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return fields.value(11).toLongLong() + fields.value(12).toLongLong(); // utime + stime
}
} // namespace

void TestConnections::slowHeadersAreClosedAfterTheHeaderTimeout()
{
    TestServer server({QStringLiteral("--header-timeout"), QStringLiteral("1")});
    QVERIFY2(server.start(), server.output().right(3000).constData());

    // A client trickling a header byte every 200 ms never completes its head: closed after ~1 s.
    auto s = connectTo(server.url());
    s->write("GET /health HTTP/1.1\r\nHost: t\r\n");
    QElapsedTimer t;
    t.start();
    while (s->state() == QAbstractSocket::ConnectedState && t.elapsed() < 6000) {
        s->write("X");
        s->waitForBytesWritten(100);
        s->waitForReadyRead(200);
        s->readAll();
    }
    QVERIFY2(s->state() != QAbstractSocket::ConnectedState, "a slow head held its connection for 6 s");
    QVERIFY2(t.elapsed() >= 700, qPrintable(QStringLiteral("closed after %1 ms").arg(t.elapsed())));

    // A connection that sends nothing at all is closed after the header timeout too.
    auto silent = connectTo(server.url());
    QVERIFY(closedWithin(*silent, 5000));
    QCOMPARE(server.get(QStringLiteral("/health"), false).status, 200);
}

void TestConnections::idleConnectionsAreClosedAfterTheIdleTimeout()
{
    TestServer server({QStringLiteral("--idle-timeout"), QStringLiteral("1")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    auto s = connectTo(server.url());
    s->write(healthRequest());
    QVERIFY(readUntil(*s, "}").startsWith("HTTP/1.1 200"));
    QElapsedTimer t;
    t.start();
    QVERIFY2(closedWithin(*s, 5000), "an idle keep-alive connection stayed open 5 s");
    QVERIFY(t.elapsed() >= 700);
}

void TestConnections::busyConnectionsAreNotTimedOut()
{
    // Requests in quick succession on one connection, for longer than both timeouts, are all answered.
    TestServer server({QStringLiteral("--idle-timeout"), QStringLiteral("2"), QStringLiteral("--header-timeout"),
        QStringLiteral("2")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    auto s = connectTo(server.url());
    QElapsedTimer t;
    t.start();
    int answered = 0;
    while (t.elapsed() < 4500) {
        s->write(healthRequest());
        const QByteArray in = readUntil(*s, "}");
        QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
        ++answered;
        QTest::qWait(300); // a client pausing between requests, for less than either timeout
    }
    QVERIFY(answered >= 8);
}

void TestConnections::connectionsPerAddressAreCapped()
{
    TestServer server({QStringLiteral("--max-connections-per-ip"), QStringLiteral("4")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(connectTo(server.url()));
        held.back()->write(healthRequest());
        QVERIFY(readUntil(*held.back(), "}").startsWith("HTTP/1.1 200"));
    }
    auto fifth = connectTo(server.url());
    const QByteArray refused = readUntil(*fifth, "}");
    QVERIFY2(refused.startsWith("HTTP/1.1 429"), refused.constData());
    QVERIFY2(refused.contains("\"code\":\"rate_limited\""), refused.constData());
    QVERIFY(refused.contains("Retry-After: "));

    // Once one closes, the address may connect again.
    held.front()->disconnectFromHost();
    held.erase(held.begin());
    QTRY_VERIFY_WITH_TIMEOUT(server.get(QStringLiteral("/health"), false).status == 200, 5000);
}

void TestConnections::openConnectionsAreCapped()
{
    TestServer server({QStringLiteral("--max-connections"), QStringLiteral("3")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(connectTo(server.url()));
        held.back()->write(healthRequest());
        QVERIFY(readUntil(*held.back(), "}").startsWith("HTTP/1.1 200"));
    }
    auto fourth = connectTo(server.url());
    const QByteArray refused = readUntil(*fourth, "}");
    QVERIFY2(refused.startsWith("HTTP/1.1 503"), refused.constData());
    QVERIFY2(refused.contains("\"error\":\"unavailable\",\"code\":\"unavailable\""), refused.constData());
    QVERIFY(refused.contains("Retry-After: "));
    held.clear();
    QTRY_VERIFY_WITH_TIMEOUT(server.get(QStringLiteral("/health"), false).status == 200, 5000);
}

void TestConnections::followersPerKeyAreCapped()
{
    TestServer server({QStringLiteral("--max-followers-per-key"), QStringLiteral("2")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    const QString job = server.submitJob({{"command", "true"}}); // stays QUEUED: no agent
    QVERIFY(!job.isEmpty());
    const QByteArray key = server.adminKey().toLatin1();
    auto follow = [&](const QByteArray &path) {
        auto s = connectTo(server.url());
        s->write("GET " + path + " HTTP/1.1\r\nHost: t\r\nX-API-Key: " + key + "\r\n\r\n");
        return s;
    };
    std::vector<std::unique_ptr<QTcpSocket>> streams;
    streams.push_back(follow("/v0/events"));
    streams.push_back(follow("/v0/jobs/" + job.toLatin1() + "/logs?follow=true"));
    for (auto &s : streams)
        QVERIFY(readUntil(*s, "\r\n\r\n").startsWith("HTTP/1.1 200"));
    auto third = follow("/v0/events");
    const QByteArray refused = readUntil(*third, "}");
    QVERIFY2(refused.startsWith("HTTP/1.1 429"), refused.constData());
    QVERIFY2(refused.contains("\"code\":\"rate_limited\""), refused.constData());
    QVERIFY(refused.contains("Retry-After: "));
    auto fourth = follow("/v0/jobs/" + job.toLatin1() + "/logs?follow=true");
    QVERIFY(readUntil(*fourth, "}").startsWith("HTTP/1.1 429"));

    // Closing a stream frees its place.
    streams.front()->abort();
    streams.erase(streams.begin());
    QTRY_VERIFY_WITH_TIMEOUT(readUntil(*follow("/v0/events"), "\r\n\r\n", 1000).startsWith("HTTP/1.1 200"), 5000);
}

void TestConnections::pipelinedOversizedBodyIsRefusedFromItsHeaders()
{
    TestServer server({QStringLiteral("--max-body-bytes"), QStringLiteral("4096")});
    QVERIFY2(server.start(), server.output().right(3000).constData());
    const QByteArray key = server.adminKey().toLatin1();
    const QByteArray body = R"({"command":"true"})";
    // A good submit (answered after its commit) and, in the same packet, a request declaring 10 MB.
    auto s = connectTo(server.url());
    s->write("POST /v0/jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nX-API-Key: " + key
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body
        + "POST /v0/jobs HTTP/1.1\r\nHost: t\r\nX-API-Key: " + key + "\r\nContent-Length: 10000000\r\n\r\n");
    s->write(QByteArray(1 << 20, 'x')); // a tenth of it, then nothing: the 413 must not wait for the rest
    const QByteArray in = readUntil(*s, "payload_too_large", 8000);
    QVERIFY2(in.startsWith("HTTP/1.1 201"), in.left(400).constData());
    const qsizetype second = in.indexOf("HTTP/1.1 ", 10);
    QVERIFY2(second > 0 && in.mid(second).startsWith("HTTP/1.1 413"), in.constData());
    QCOMPARE(server.get(QStringLiteral("/health"), false).status, 200);
}

void TestConnections::pipelinedAnswersComeInRequestOrder()
{
    TestServer server;
    QVERIFY2(server.start(), server.output().right(3000).constData());
    const QByteArray key = server.adminKey().toLatin1();
    const QByteArray body = R"({"command":"true"})";
    QByteArray burst;
    for (int i = 0; i < 3; ++i) {
        burst += "POST /v0/jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nX-API-Key: " + key
            + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        burst += healthRequest();
    }
    auto s = connectTo(server.url());
    s->write(burst);
    QByteArray in;
    QTRY_VERIFY_WITH_TIMEOUT((in += s->readAll()).count("HTTP/1.1 ") == 6, 10000);
    static const QRegularExpression statusRe(QStringLiteral("HTTP/1\\.1 (\\d+)"));
    QStringList statuses;
    for (auto it = statusRe.globalMatch(QString::fromLatin1(in)); it.hasNext();)
        statuses << it.next().captured(1);
    QCOMPARE(statuses.join(QLatin1Char(',')), QStringLiteral("201,200,201,200,201,200"));
}

void TestConnections::aStreamIgnoresWhatItsClientSends()
{
    TestServer server;
    QVERIFY2(server.start(), server.output().right(3000).constData());
    auto s = connectTo(server.url());
    s->write("GET /v0/events HTTP/1.1\r\nHost: t\r\nX-API-Key: " + server.adminKey().toLatin1() + "\r\n\r\n");
    QByteArray in = readUntil(*s, ": connected");
    QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
    // A request sent on the stream is not answered into it; the next event still arrives.
    s->write(healthRequest());
    const QString id = server.submitJob({{"command", "true"}});
    QVERIFY(!id.isEmpty());
    in += readUntil(*s, id.toLatin1());
    QVERIFY2(in.contains(id.toLatin1()), in.constData());
    QCOMPARE(in.count("HTTP/1.1"), 1);
}

void TestConnections::oversizedWebSocketMessageClosesWith1009()
{
    TestServer server;
    QVERIFY2(server.start(), server.output().right(3000).constData());
    const QString job = server.submitJob({{"command", "true"}}); // stays QUEUED: the follower waits
    QVERIFY(!job.isEmpty());
    QUrl url = server.url();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v0/jobs/%1/logs").arg(job));
    QNetworkRequest req(url);
    req.setRawHeader("X-API-Key", server.adminKey().toLatin1());
    QWebSocket ws;
    QSignalSpy connected(&ws, &QWebSocket::connected);
    QSignalSpy closed(&ws, &QWebSocket::disconnected);
    ws.open(req);
    QVERIFY(connected.wait(5000));
    ws.sendTextMessage(QString(2 << 20, QLatin1Char('x')));
    QVERIFY(closed.wait(10000));
    QCOMPARE(int(ws.closeCode()), int(QWebSocketProtocol::CloseCodeTooMuchData));
    QCOMPARE(server.get(QStringLiteral("/health"), false).status, 200);
}

void TestConnections::outOfDescriptorsAnswers503WithoutSpinning()
{
    // A server whose descriptor limit (soft and hard) is 64, and no connection cap below it.
    QTemporaryDir dir;
    QProcess proc;
    proc.setProcessChannelMode(QProcess::MergedChannels);
    proc.setChildProcessModifier([] {
        const rlimit rl {64, 64};
        setrlimit(RLIMIT_NOFILE, &rl);
    });
    proc.start(QString::fromLocal8Bit(qgetenv("TANVRIT_BIN")),
        {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--max-connections"), QStringLiteral("100000"),
            QStringLiteral("--max-connections-per-ip"), QStringLiteral("100000")});
    QByteArray out;
    static const QRegularExpression urlRe(QStringLiteral("url=(\\S+)"));
    QTRY_VERIFY_WITH_TIMEOUT(urlRe.match(QString::fromUtf8(out += proc.readAll())).hasMatch(), 20000);
    const QUrl url(urlRe.match(QString::fromUtf8(out)).captured(1));
    QVERIFY2(out.contains("descriptor limit 64"), out.constData());

    // Open connections until the server runs out: later clients get 503 or a clean close.
    std::vector<std::unique_ptr<QTcpSocket>> held;
    int refused = 0;
    int with503 = 0;
    for (int i = 0; i < 100 && refused < 5; ++i) {
        auto s = connectTo(url);
        s->write(healthRequest());
        const QByteArray in = readUntil(*s, "}", 3000);
        if (in.startsWith("HTTP/1.1 200")) {
            held.push_back(std::move(s));
            continue;
        }
        ++refused;
        with503 += in.startsWith("HTTP/1.1 503") && in.contains("\"code\":\"unavailable\"");
        QVERIFY2(in.isEmpty() || in.startsWith("HTTP/1.1 503"), in.constData());
    }
    QVERIFY2(refused >= 5, "the server never ran out of descriptors");
    QVERIFY2(with503 > 0, "no refused client was told 503");

    // Starved, it does not spin: under 0.3 s of CPU over a second, with a client waiting.
    auto waiting = connectTo(url);
    waiting->write(healthRequest());
    const long hz = sysconf(_SC_CLK_TCK);
    const qint64 before = cpuTicks(proc.processId());
    QTest::qWait(1000); // the measurement window itself
    const qint64 used = cpuTicks(proc.processId()) - before;
    QVERIFY2(used * 10 < 3 * hz, qPrintable(QStringLiteral("%1 ticks of CPU in 1 s").arg(used)));

    // And it recovers once connections close.
    held.clear();
    waiting.reset();
    auto healthy = [&] {
        auto s = connectTo(url);
        s->write(healthRequest());
        return readUntil(*s, "}", 2000).startsWith("HTTP/1.1 200");
    };
    QTRY_VERIFY_WITH_TIMEOUT(healthy(), 10000);
    out += proc.readAll();
    QVERIFY2(out.count("refusing new connections with 503") >= 1, out.right(3000).constData());
    proc.terminate();
    proc.waitForFinished(10000);
}

QTEST_GUILESS_MAIN(TestConnections)
#include "tst_connections.moc"
