// The client's HTTP core: requests with credentials, timeouts, retries with backoff, token refresh, and the
// translation of answers into values or ClientErrors. The typed calls are in ComputeClientApi.cpp.
#include "ComputeClient.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

struct ComputeClient::Pending
{
    ApiRequest request;
    ClientCallback<ApiAnswer> done;
    int tries = 0;
    bool refreshed = false; // a 401 already led to one refresh
};

namespace {
constexpr int kRefreshMarginMs = 60000; // refresh a session this long before its access token expires

bool retryable(const ClientError &e)
{
    switch (e.kind) {
    case ClientError::Kind::Unreachable:
    case ClientError::Kind::Timeout:
        return true;
    case ClientError::Kind::Http:
        return e.status == 502 || e.status == 503 || e.status == 504
            || (e.status == 429 && e.retryAfterSeconds >= 0 && e.retryAfterSeconds <= 5);
    default:
        return false;
    }
}
} // namespace

ComputeClient::ComputeClient(ClientConnection connection, QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setAutoDeleteReplies(false);
    setConnection(connection);
}

ComputeClient::~ComputeClient() = default;

void ComputeClient::setConnection(const ClientConnection &connection)
{
    m_conn = connection;
    while (m_conn.server.endsWith(QLatin1Char('/')))
        m_conn.server.chop(1);
    m_ssl = std::make_unique<QSslConfiguration>(QSslConfiguration::defaultConfiguration());
    m_sslError.clear();
    if (!m_conn.caFile.isEmpty()) {
        QFile f(m_conn.caFile);
        const QList<QSslCertificate> cas = f.open(QIODevice::ReadOnly)
            ? QSslCertificate::fromData(f.readAll(), QSsl::Pem)
            : QList<QSslCertificate>();
        if (cas.isEmpty())
            m_sslError = QStringLiteral("cannot read a PEM certificate from the CA file %1").arg(m_conn.caFile);
        else
            m_ssl->addCaCertificates(cas);
    }
}

QUrl ComputeClient::url(const QString &path, const QUrlQuery &query) const
{
    QUrl u(m_conn.server + path);
    if (!query.isEmpty())
        u.setQuery(query);
    return u;
}

QNetworkRequest ComputeClient::makeRequest(const QString &path, const QUrlQuery &query) const
{
    QNetworkRequest req(url(path, query));
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("User-Agent", "tanvrit-compute-client/" TANVRIT_VERSION);
    if (!m_conn.apiKey.isEmpty())
        req.setRawHeader("X-API-Key", m_conn.apiKey.toUtf8());
    else if (!m_conn.accessToken.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_conn.accessToken.toUtf8());
    if (!m_conn.workspace.isEmpty())
        req.setRawHeader("X-Workspace-Id", m_conn.workspace.toUtf8());
    if (req.url().scheme() == QLatin1String("https"))
        req.setSslConfiguration(*m_ssl);
    return req;
}

ClientError ComputeClient::transportError(QNetworkReply *reply)
{
    using K = ClientError::Kind;
    const QString what = reply->errorString();
    switch (reply->error()) {
    case QNetworkReply::SslHandshakeFailedError:
        return ClientError::transport(K::Tls, what);
    case QNetworkReply::TimeoutError:
        return ClientError::transport(K::Timeout, what);
    case QNetworkReply::OperationCanceledError:
        return ClientError::transport(K::Cancelled, what);
    default:
        return ClientError::transport(K::Unreachable, what);
    }
}

void ComputeClient::withFreshToken(std::function<void(ClientResult<bool>)> then)
{
    const bool session = m_conn.apiKey.isEmpty() && !m_conn.refreshToken.isEmpty();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!session || (m_conn.accessExpiresAtMs > 0 && now < m_conn.accessExpiresAtMs - kRefreshMarginMs)
        || (m_conn.accessExpiresAtMs == 0 && !m_conn.accessToken.isEmpty()))
        return then(true);
    m_afterRefresh.append(std::move(then));
    if (m_refreshing)
        return;
    m_refreshing = true;
    refreshSession([this](ClientResult<Session> r) {
        m_refreshing = false;
        const auto waiting = std::exchange(m_afterRefresh, {});
        for (const auto &w : waiting)
            w(r ? ClientResult<bool>(true) : ClientResult<bool>(r.error()));
    });
}

void ComputeClient::send(ApiRequest request, ClientCallback<ApiAnswer> done)
{
    if (request.method == "GET" || request.method == "DELETE" || request.method == "HEAD")
        request.retrySafe = true;
    auto p = std::make_shared<Pending>();
    p->request = std::move(request);
    p->done = std::move(done);
    if (p->request.anonymous)
        return dispatch(p);
    withFreshToken([this, p](ClientResult<bool> fresh) {
        if (!fresh)
            return p->done(fresh.error());
        dispatch(p);
    });
}

void ComputeClient::dispatch(std::shared_ptr<Pending> p)
{
    if (!m_sslError.isEmpty() && m_conn.server.startsWith(QLatin1String("https:")))
        return p->done(ClientError::transport(ClientError::Kind::Tls, m_sslError));
    QNetworkRequest req = makeRequest(p->request.path, p->request.query);
    if (p->request.anonymous) {
        req.setRawHeader("X-API-Key", QByteArray());
        req.setRawHeader("Authorization", QByteArray());
    }
    if (!p->request.body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &h : p->request.headers)
        req.setRawHeader(h.first, h.second);
    QNetworkReply *reply = p->request.body.isEmpty() && p->request.method != "POST"
        ? m_nam->sendCustomRequest(req, p->request.method)
        : m_nam->sendCustomRequest(req, p->request.method, p->request.body);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply] {
        reply->setProperty("tanvritTimedOut", true);
        reply->abort();
    });
    timer->start(m_conn.requestTimeoutMs);
    connect(reply, &QNetworkReply::finished, this, [this, p, reply] { finished(p, reply); });
}

void ComputeClient::finished(std::shared_ptr<Pending> p, QNetworkReply *reply)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    ApiAnswer answer;
    answer.status = status;
    ClientError error;
    bool failed = false;
    if (status == 0) {
        failed = true;
        error = reply->property("tanvritTimedOut").toBool() ? ClientError::transport(ClientError::Kind::Timeout,
                    QStringLiteral("no answer within %1 s").arg(m_conn.requestTimeoutMs / 1000.0))
                                                            : transportError(reply);
    } else {
        answer.body = reply->readAll();
        for (const auto &h : reply->rawHeaderPairs())
            answer.headers.insert(h.first.toLower(), h.second);
        if (status >= 300) {
            failed = true;
            bool ok = false;
            const int retryAfter = answer.headers.value("retry-after").toInt(&ok);
            error = ClientError::fromAnswer(status, answer.body, ok ? retryAfter : -1);
        } else {
            answer.json = QJsonDocument::fromJson(answer.body).object();
        }
    }
    if (!failed)
        return p->done(std::move(answer));

    const bool session = m_conn.apiKey.isEmpty() && !m_conn.refreshToken.isEmpty();
    if (error.isHttp(401) && session && !p->refreshed && !p->request.anonymous) {
        p->refreshed = true;
        m_conn.accessExpiresAtMs = 1; // forces withFreshToken to refresh
        return withFreshToken([this, p](ClientResult<bool> fresh) {
            if (!fresh)
                return p->done(fresh.error());
            dispatch(p);
        });
    }
    if (p->request.retrySafe && retryable(error) && p->tries < m_conn.maxRetries) {
        const int base = 200 * (1 << (2 * p->tries)); // 200 ms, 800 ms, 3.2 s
        int delay = std::min(5000, base) + int(QRandomGenerator::global()->bounded(100));
        if (error.retryAfterSeconds > 0)
            delay = std::max(delay, error.retryAfterSeconds * 1000);
        ++p->tries;
        QTimer::singleShot(delay, this, [this, p] { dispatch(p); });
        return;
    }
    p->done(std::move(error));
}

void ComputeClient::prepareStream(const QString &path, const QUrlQuery &query,
    std::function<void(ClientResult<QNetworkReply *>)> opened, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    withFreshToken([this, path, query, opened = std::move(opened), headers](ClientResult<bool> fresh) {
        if (!fresh)
            return opened(fresh.error());
        if (!m_sslError.isEmpty() && m_conn.server.startsWith(QLatin1String("https:")))
            return opened(ClientError::transport(ClientError::Kind::Tls, m_sslError));
        QNetworkRequest req = makeRequest(path, query);
        req.setRawHeader("Accept", "text/event-stream");
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        opened(m_nam->get(req));
    });
}

void ComputeClient::call(ApiRequest request, std::function<void(ClientResult<QJsonObject>)> done)
{
    send(std::move(request), [done = std::move(done)](ClientResult<ApiAnswer> r) {
        if (!r)
            return done(r.error());
        if (r.value().json.isEmpty() && !r.value().body.trimmed().startsWith('{'))
            return done(ClientError::protocol(
                QStringLiteral("the server's answer is not JSON (HTTP %1)").arg(r.value().status)));
        done(r.value().json);
    });
}
