// The shared test helper: starts the real `tanvrit-compute serve` (port 0, temporary data dir)
// and talks HTTP to it synchronously, so API, agent and end-to-end suites read like a user's session.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QProcess;

class TestServer
{
public:
    struct Reply
    {
        int status = 0;                              // 0: no HTTP response (refused, closed, timed out)
        QByteArray body;
        QJsonObject json;                            // set when the body is a JSON object
        QJsonArray jsonArray;                        // set when the body is a JSON array
        QMap<QByteArray, QByteArray> headers;        // lower-case names
        QString networkError;                        // transport problem, empty if none
        bool timedOut = false;

        QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
        // "HTTP 422: {…}" — for QVERIFY2 messages.
        QByteArray describe() const;
    };
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit TestServer(QStringList extraArgs = {});
    ~TestServer();
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    // Starts `serve` and waits (event loop, up to 20 s) for its `url=` line; reads admin.key.
    bool start();
    // Starts again on the same data dir (the port may change).
    bool restart();
    // The serve arguments the next start()/restart() passes after the defaults (webhook tests restart with others).
    void setExtraArgs(QStringList args) { m_extraArgs = std::move(args); }
    // SIGKILL and wait for the process to go.
    void kill9();
    // SIGTERM; true when the process exits on its own within ms with exit code 0.
    bool terminate(int ms = 15000);
    bool isRunning() const;

    QUrl url() const { return m_url; }
    QString adminKey() const { return m_adminKey; }
    QString dataDir() const { return m_dataDir.path(); }
    QString binary() const;
    qint64 pid() const;
    int exitCode() const;
    QByteArray output() const { return m_output; }   // everything the server printed, stdout and stderr

    // For a server started with --tls-cert: request() and friends trust these CAs besides the system's
    // (none: the system's only, as a client that was not given the private CA).
    void setTrustedCas(const QList<QSslCertificate> &cas);
    // Synchronous HTTP (15 s timeout). auth adds X-API-Key: <adminKey>; a body adds
    // Content-Type: application/json unless headers name a Content-Type.
    Reply request(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                  Headers headers = {}, bool auth = true);
    Reply get(const QString &pathAndQuery, bool auth = true) { return request("GET", pathAndQuery, {}, {}, auth); }
    Reply post(const QString &pathAndQuery, const QJsonObject &body, Headers headers = {});
    // Sends all bodies to the same endpoint at once (authenticated), waits for every reply; replies in input order.
    QList<Reply> requestParallel(const QByteArray &method, const QString &pathAndQuery, const QList<QByteArray> &bodies,
                                 Headers headers = {});
    // Writes raw bytes over a fresh TCP connection and parses whatever comes back.
    // status 0 with an empty body means the server closed the connection without answering.
    Reply rawRequest(const QByteArray &raw, int timeoutMs = 15000);

    // POST /v0/jobs; the new id, or empty (with a qWarning of the reply) when the answer is not 201.
    QString submitJob(const QJsonObject &body, Headers headers = {});

private:
    bool waitForUrl(int timeoutMs);
    bool readAdminKey(int timeoutMs);

    QStringList m_extraArgs;
    QTemporaryDir m_dataDir;
    std::unique_ptr<QProcess> m_proc;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QUrl m_url;
    QString m_adminKey;
    std::unique_ptr<QSslConfiguration> m_tls; // set by setTrustedCas
    QByteArray m_output;
    QByteArray m_stdoutLine;   // partial stdout line while waiting for url=
};
