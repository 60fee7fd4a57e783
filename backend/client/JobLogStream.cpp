#include "JobLogStream.h"

#include "ComputeClient.h"
#include "JobState.h"
#include "SseChannel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

JobLogStream::JobLogStream(ComputeClient *client, QString jobId, FollowOptions options, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_jobId(std::move(jobId))
    , m_opts(std::move(options))
    , m_channel(new SseChannel(client, this))
{
    connect(m_channel, &SseChannel::event, this, &JobLogStream::onEvent);
    connect(m_channel, &SseChannel::closed, this, &JobLogStream::onClosed);
    connect(m_channel, &SseChannel::opened, this, [this] {
        m_backoffMs = 0;
        m_everConnected = true;
        m_failingSince.invalidate();
        emit connected();
    });
}

JobLogStream::~JobLogStream() = default;

void JobLogStream::start()
{
    m_done = false;
    m_lastSeq = std::max<qint64>(0, m_opts.since);
    if (m_opts.attempt > 0) {
        m_attempt = m_opts.attempt;
        return connectNow();
    }
    // The attempt is pinned before the stream opens, so a resume after a reconnect reads the same attempt's
    // log even when the job has moved on meanwhile (that move is then seen through the stream's end event).
    m_client->job(m_jobId, [this](ClientResult<JobView> r) {
        if (m_done)
            return;
        if (!r) {
            // before the first connection a server that cannot be reached is an answer (a wrong URL should
            // not hang); once following, it is a restart to wait out
            const bool transient
                = r.error().kind != ClientError::Kind::Http || r.error().status >= 500 || r.error().status == 429;
            if (transient && m_everConnected)
                return retryLater(r.error());
            m_done = true;
            return emit failed(r.error());
        }
        m_attempt = r.value().job.attempt;
        connectNow();
    });
}

void JobLogStream::stop()
{
    m_done = true;
    m_channel->close();
}

void JobLogStream::connectNow()
{
    if (m_done)
        return;
    if (m_attempt == 0)
        return start();
    m_sawEnd = false;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("follow"), QStringLiteral("true"));
    q.addQueryItem(QStringLiteral("attempt"), QString::number(m_attempt));
    if (!m_opts.stream.isEmpty())
        q.addQueryItem(QStringLiteral("stream"), m_opts.stream);
    if (m_firstOpen && m_opts.tail >= 0 && m_lastSeq == 0)
        q.addQueryItem(QStringLiteral("tail"), QString::number(m_opts.tail));
    m_channel->open(
        QStringLiteral("/v0/jobs/") + QString::fromLatin1(QUrl::toPercentEncoding(m_jobId)) + QStringLiteral("/logs"),
        q, m_lastSeq > 0 ? QByteArray::number(m_lastSeq) : QByteArray());
}

void JobLogStream::onEvent(const SseEvent &e)
{
    if (m_done)
        return;
    m_firstOpen = false;
    if (e.event == "line") {
        const QJsonObject o = QJsonDocument::fromJson(e.data).object();
        LogLine l;
        l.seq = qint64(o.value(QStringLiteral("seq")).toDouble());
        if (l.seq <= m_lastSeq)
            return; // already delivered before a reconnect
        l.tsMs = qint64(o.value(QStringLiteral("ts")).toDouble());
        l.stderrStream = o.value(QStringLiteral("stream")).toString() == QLatin1String("stderr");
        l.text = o.value(QStringLiteral("text")).toString();
        m_lastSeq = l.seq;
        emit line(l, m_attempt);
    } else if (e.event == "dropped") {
        const qint64 n = qint64(QJsonDocument::fromJson(e.data).object().value(QStringLiteral("dropped")).toDouble());
        if (n > 0)
            emit dropped(n, m_attempt);
    } else if (e.event == "end") {
        m_sawEnd = true;
        const QJsonObject o = QJsonDocument::fromJson(e.data).object();
        const QString state = o.value(QStringLiteral("state")).toString();
        const int latest = o.value(QStringLiteral("latestAttempt")).toInt(m_attempt);
        const auto parsed = JobStates::parse(state);
        m_channel->close();
        if (latest > m_attempt && m_opts.acrossAttempts) {
            const int previous = m_attempt;
            m_attempt = latest;
            m_lastSeq = 0;
            emit attemptChanged(m_attempt, previous);
            return connectNow();
        }
        if ((parsed && JobStates::isTerminal(*parsed)) || !m_opts.acrossAttempts) {
            m_done = true;
            return emit ended(state, m_attempt);
        }
        // the attempt is over but its successor has no number yet (the job is being requeued): look again soon
        QTimer::singleShot(300, this, [this] { connectNow(); });
    }
}

void JobLogStream::onClosed(const ClientError &error)
{
    if (m_done || m_sawEnd)
        return;
    const bool fatal = error.kind == ClientError::Kind::Http && error.status >= 400 && error.status < 500
        && error.status != 429 && error.status != 408;
    if (fatal || error.kind == ClientError::Kind::Tls || error.kind == ClientError::Kind::Protocol) {
        m_done = true;
        return emit failed(error);
    }
    // a clean close without an end event, a broken connection, 429 or 5xx: resume where we are
    ClientError why = error;
    if (why.kind == ClientError::Kind::Http && why.status == 200)
        why = ClientError::transport(
            ClientError::Kind::Unreachable, QStringLiteral("the stream closed before the job ended"));
    retryLater(why);
}

void JobLogStream::retryLater(const ClientError &why)
{
    if (!m_everConnected && ++m_triesBeforeConnect > 3) {
        m_done = true; // never reached: a wrong address or a server that is down, not a restart to wait out
        return emit failed(why);
    }
    if (!m_failingSince.isValid())
        m_failingSince.start();
    if (m_failingSince.elapsed() > m_opts.reconnectForMs) {
        m_done = true;
        return emit failed(why);
    }
    m_backoffMs = m_backoffMs == 0 ? 200 : std::min(3000, m_backoffMs * 2);
    const int delay = std::max(m_backoffMs, why.retryAfterSeconds > 0 ? why.retryAfterSeconds * 1000 : 0);
    emit reconnecting(why, delay);
    QTimer::singleShot(delay, this, [this] { connectNow(); });
}
