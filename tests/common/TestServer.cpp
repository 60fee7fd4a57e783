// The shared test helper: a real `tanvrit-compute serve` child process on port 0 with a temporary
// data dir, plus synchronous HTTP (QNetworkAccessManager) and raw-socket clients for the suites.
#include "TestServer.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace {
constexpr int kStartTimeoutMs = 20000;
constexpr int kRequestTimeoutMs = 15000;

bool hasHeader(const TestServer::Headers &headers, const QByteArray &name)
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Decodes a chunked body; false while it is still incomplete.
bool dechunk(const QByteArray &in, QByteArray &out)
{
    out.clear();
    qsizetype pos = 0;
    for (;;) {
        const qsizetype eol = in.indexOf("\r\n", pos);
        if (eol < 0)
            return false;
        bool ok = false;
        const qsizetype size = in.mid(pos, eol - pos).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok)
            return true;   // garbage: take what we have
        pos = eol + 2;
        if (size == 0)
            return true;
        if (in.size() < pos + size + 2)
            return false;
        out += in.mid(pos, size);
        pos += size + 2;
    }
}
} // namespace

QByteArray TestServer::Reply::describe() const
{
    QByteArray s = "HTTP " + QByteArray::number(status);
    if (timedOut)
        s += " (timed out)";
    if (!networkError.isEmpty())
        s += " [" + networkError.toUtf8() + "]";
    s += ": " + body.left(600);
    return s;
}

TestServer::TestServer(QStringList extraArgs)
    : m_extraArgs(std::move(extraArgs)), m_nam(std::make_unique<QNetworkAccessManager>())
{
}

TestServer::~TestServer()
{
    if (isRunning()) {
        m_proc->kill();
        m_proc->waitForFinished(10000);
    }
}

QString TestServer::binary() const
{
    const QString fromEnv = qEnvironmentVariable("TANVRIT_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../../app/tanvrit-compute"));
}

qint64 TestServer::pid() const
{
    return m_proc ? m_proc->processId() : 0;
}

int TestServer::exitCode() const
{
    return m_proc ? m_proc->exitCode() : -1;
}

bool TestServer::isRunning() const
{
    return m_proc && m_proc->state() != QProcess::NotRunning;
}

bool TestServer::start()
{
    if (!m_dataDir.isValid()) {
        m_output += "TestServer: could not create a temporary data dir\n";
        return false;
    }
    if (isRunning())
        kill9();
    m_url.clear();
    m_adminKey.clear();
    m_stdoutLine.clear();
    m_nam->clearConnectionCache();

    m_proc = std::make_unique<QProcess>();
    QProcess *proc = m_proc.get();
    proc->setProgram(binary());
    proc->setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                   QStringLiteral("--data-dir"), m_dataDir.path(), QStringLiteral("--log-level"),
                                   QStringLiteral("info"),
                                   // suites send thousands of requests a minute as one person; the limits have
                                   // their own tests (tst_quotas, tst_ratelimiter), which set them again after these
                                   QStringLiteral("--rate-limit-per-minute"), QStringLiteral("0"),
                                   QStringLiteral("--rate-limit-per-hour"), QStringLiteral("0")}
                       + m_extraArgs);
    // The url= line is looked for on both channels: a logger may print it to either.
    QObject::connect(proc, &QProcess::readyReadStandardOutput, proc, [this, proc] {
        const QByteArray data = proc->readAllStandardOutput();
        m_output += data;
        m_stdoutLine += data;
    });
    QObject::connect(proc, &QProcess::readyReadStandardError, proc, [this, proc] {
        const QByteArray data = proc->readAllStandardError();
        m_output += data;
        m_stdoutLine += data;
    });
    m_output += "---- TestServer: starting " + binary().toUtf8() + ' ' + proc->arguments().join(' ').toUtf8() + '\n';
    proc->start();
    if (!proc->waitForStarted(kStartTimeoutMs)) {
        m_output += "TestServer: failed to start: " + proc->errorString().toUtf8() + '\n';
        return false;
    }
    if (!waitForUrl(kStartTimeoutMs)) {
        m_output += "TestServer: no url= line within the start timeout\n";
        return false;
    }
    if (!readAdminKey(5000)) {
        m_output += "TestServer: no admin key in " + m_dataDir.filePath(QStringLiteral("admin.key")).toUtf8() + '\n';
        return false;
    }
    return true;
}

bool TestServer::waitForUrl(int timeoutMs)
{
    static const QRegularExpression re(QStringLiteral("url=\"?(https?://[^\\s\"',]+)"));
    auto found = [this] {
        const QRegularExpressionMatch m = re.match(QString::fromUtf8(m_stdoutLine));
        if (!m.hasMatch())
            return false;
        const QUrl u(m.captured(1));
        if (!u.isValid() || u.port() <= 0)
            return false;
        m_url = QUrl(u.scheme() + QStringLiteral("://") + u.host() + QLatin1Char(':') + QString::number(u.port()));
        return true;
    };
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(m_proc.get(), &QProcess::finished, &loop, &QEventLoop::quit);
    QObject::connect(m_proc.get(), &QProcess::readyReadStandardOutput, &loop, [&] { if (found()) loop.quit(); });
    QObject::connect(m_proc.get(), &QProcess::readyReadStandardError, &loop, [&] { if (found()) loop.quit(); });
    if (found())
        return true;
    timer.start(timeoutMs);
    loop.exec();
    return m_url.isValid() && isRunning();
}

bool TestServer::readAdminKey(int timeoutMs)
{
    const QString path = m_dataDir.filePath(QStringLiteral("admin.key"));
    const QDeadlineTimer deadline(timeoutMs);
    do {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            const QString key = QString::fromUtf8(f.readLine()).trimmed();
            if (!key.isEmpty()) {
                m_adminKey = key;
                return true;
            }
        }
        QTest::qWait(20);   // the file may be written just after the listener is up
    } while (!deadline.hasExpired());
    return false;
}

bool TestServer::restart()
{
    return start();
}

void TestServer::kill9()
{
    if (!isRunning())
        return;
    m_proc->kill();
    m_proc->waitForFinished(10000);
    m_output += "---- TestServer: killed with SIGKILL\n";
}

bool TestServer::terminate(int ms)
{
    if (!isRunning())
        return false;
    m_proc->terminate();
    if (!m_proc->waitForFinished(ms)) {
        m_output += "---- TestServer: did not exit after SIGTERM, killing\n";
        kill9();
        return false;
    }
    m_output += "---- TestServer: exited, status " + QByteArray::number(m_proc->exitStatus()) + " code "
                + QByteArray::number(m_proc->exitCode()) + '\n';
    return m_proc->exitStatus() == QProcess::NormalExit && m_proc->exitCode() == 0;
}

namespace {
TestServer::Reply makeReply(int status, QByteArray body, QMap<QByteArray, QByteArray> headers)
{
    TestServer::Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &err);
    if (err.error == QJsonParseError::NoError) {
        if (doc.isObject())
            r.json = doc.object();
        else if (doc.isArray())
            r.jsonArray = doc.array();
    }
    return r;
}

QNetworkReply *sendOne(QNetworkAccessManager &nam, const QUrl &base, const QByteArray &method,
    const QString &pathAndQuery, const QByteArray &body, const TestServer::Headers &headers, const QString &apiKey,
    const QSslConfiguration *tls)
{
    QNetworkRequest req(QUrl(base.toString() + pathAndQuery, QUrl::TolerantMode));
    if (tls)
        req.setSslConfiguration(*tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!body.isEmpty() && !hasHeader(headers, "Content-Type"))
        req.setRawHeader("Content-Type", "application/json");
    if (!apiKey.isEmpty())
        req.setRawHeader("X-API-Key", apiKey.toUtf8());
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    if (method == "GET" && body.isEmpty())
        return nam.get(req);
    if (method == "HEAD")
        return nam.head(req);
    if (method == "POST")
        return nam.post(req, body);
    if (method == "PUT")
        return nam.put(req, body);
    if (method == "DELETE" && body.isEmpty())
        return nam.deleteResource(req);
    return nam.sendCustomRequest(req, method, body);
}

TestServer::Reply collect(QNetworkReply *nr, bool timedOut)
{
    QMap<QByteArray, QByteArray> headers;
    for (const auto &h : nr->rawHeaderPairs())
        headers.insert(h.first.toLower(), h.second);
    const int status = nr->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    TestServer::Reply r = makeReply(status, nr->readAll(), headers);
    r.timedOut = timedOut;
    if (nr->error() != QNetworkReply::NoError && status == 0)
        r.networkError = nr->errorString();
    return r;
}
} // namespace

void TestServer::setTrustedCas(const QList<QSslCertificate> &cas)
{
    m_nam->clearConnectionCache();
    if (cas.isEmpty()) {
        m_tls.reset();
        return;
    }
    m_tls = std::make_unique<QSslConfiguration>(QSslConfiguration::defaultConfiguration());
    m_tls->setCaCertificates(QSslConfiguration::systemCaCertificates() + cas);
}

TestServer::Reply TestServer::request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body,
                                      Headers headers, bool auth)
{
    QNetworkReply *nr
        = sendOne(*m_nam, m_url, method, pathAndQuery, body, headers, auth ? m_adminKey : QString(), m_tls.get());
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(nr, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    timer.start(kRequestTimeoutMs);
    if (!nr->isFinished())
        loop.exec();
    if (timedOut)
        nr->abort();
    Reply r = collect(nr, timedOut);
    nr->deleteLater();
    return r;
}

TestServer::Reply TestServer::post(const QString &pathAndQuery, const QJsonObject &body, Headers headers)
{
    return request("POST", pathAndQuery, QJsonDocument(body).toJson(QJsonDocument::Compact), std::move(headers));
}

QList<TestServer::Reply> TestServer::requestParallel(const QByteArray &method, const QString &pathAndQuery,
                                                     const QList<QByteArray> &bodies, Headers headers)
{
    QList<QNetworkReply *> replies;
    QEventLoop loop;
    int pending = int(bodies.size());
    for (const QByteArray &body : bodies) {
        QNetworkReply *nr = sendOne(*m_nam, m_url, method, pathAndQuery, body, headers, m_adminKey, m_tls.get());
        QObject::connect(nr, &QNetworkReply::finished, &loop, [&] {
            if (--pending == 0)
                loop.quit();
        });
        replies << nr;
    }
    QTimer timer;
    timer.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    timer.start(kRequestTimeoutMs + 200 * int(bodies.size()));
    if (pending > 0)
        loop.exec();
    QList<Reply> out;
    for (QNetworkReply *nr : replies) {
        const bool late = !nr->isFinished();
        if (late)
            nr->abort();
        out << collect(nr, late && timedOut);
        nr->deleteLater();
    }
    return out;
}

TestServer::Reply TestServer::rawRequest(const QByteArray &raw, int timeoutMs)
{
    QTcpSocket sock;
    QByteArray in;
    bool closed = false;
    bool complete = false;
    int status = 0;
    QMap<QByteArray, QByteArray> headers;
    QByteArray body;

    // Parses what has arrived; complete once headers and the whole body are in.
    auto parse = [&] {
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = in.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        status = statusLine.value(1).toInt();
        headers.clear();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const QByteArray rest = in.mid(end + 4);
        if (headers.value("transfer-encoding").toLower().contains("chunked")) {
            complete = dechunk(rest, body);
        } else if (headers.contains("content-length")) {
            const qsizetype len = headers.value("content-length").toLongLong();
            body = rest.left(len);
            complete = rest.size() >= len;
        } else {
            body = rest;
            complete = closed;
        }
    };

    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    bool timedOut = false;
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    QObject::connect(&sock, &QTcpSocket::connected, &loop, [&] { sock.write(raw); });
    QObject::connect(&sock, &QTcpSocket::readyRead, &loop, [&] {
        in += sock.readAll();
        parse();
        if (complete)
            loop.quit();
    });
    QObject::connect(&sock, &QTcpSocket::disconnected, &loop, [&] {
        if (sock.isOpen())
            in += sock.readAll();
        closed = true;
        parse();
        loop.quit();
    });
    QObject::connect(&sock, &QTcpSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError e) {
        if (e == QAbstractSocket::RemoteHostClosedError)
            return;   // disconnected() follows
        closed = true;
        loop.quit();
    });
    timer.start(timeoutMs);
    sock.connectToHost(m_url.host(), quint16(m_url.port()));
    loop.exec();

    Reply r = makeReply(status, body, headers);
    r.timedOut = timedOut;
    if (status == 0 && closed)
        r.networkError = QStringLiteral("connection closed without a response");
    sock.abort();
    return r;
}

QString TestServer::submitJob(const QJsonObject &body, Headers headers)
{
    const Reply r = post(QStringLiteral("/v0/jobs"), body, std::move(headers));
    const QString id = r.json.value(QStringLiteral("id")).toString();
    if (r.status != 201 || id.isEmpty()) {
        qWarning().noquote() << "TestServer::submitJob failed:" << r.describe();
        return {};
    }
    return id;
}
