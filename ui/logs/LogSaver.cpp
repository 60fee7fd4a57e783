#include "LogSaver.h"

#include "ClientTypes.h"
#include "ComputeClient.h"

LogSaver::LogSaver(ComputeClient *client, const QString &jobId, int attempt, const QString &path, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_jobId(jobId)
    , m_attempt(attempt)
    , m_path(path)
{
}

LogSaver::~LogSaver()
{
    if (m_file)
        m_file->cancelWriting();
}

void LogSaver::start()
{
    m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        const QString why = m_file->errorString();
        m_file.reset();
        emit finished(false, tr("Cannot write %1: %2").arg(m_path, why));
        return;
    }
    m_running = true;
    // the log's end as it is now: a running job's later lines are not waited for
    LogRequest r;
    r.attempt = m_attempt;
    r.tail = 0;
    r.limit = 1;
    QPointer<LogSaver> self(this);
    m_client->logs(m_jobId, r, [self](ClientResult<LogPage> res) {
        if (!self || !self->m_running)
            return;
        if (!res)
            return self->fail(res.error().describe());
        self->m_attempt = res.value().attempt;
        self->m_lastSeq = res.value().nextSeq - 1;
        self->next();
    });
}

void LogSaver::cancel()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_file)
        m_file->cancelWriting();
    m_file.reset();
    emit finished(false, tr("Cancelled"));
}

void LogSaver::fail(const QString &error)
{
    m_running = false;
    if (m_file)
        m_file->cancelWriting();
    m_file.reset();
    emit finished(false, error);
}

void LogSaver::next()
{
    if (m_since >= m_lastSeq) {
        m_running = false;
        if (!m_file->commit())
            return fail(tr("Cannot write %1: %2").arg(m_path, m_file->errorString()));
        m_file.reset();
        emit progress(m_written, m_written);
        emit finished(true, QString());
        return;
    }
    LogRequest r;
    r.attempt = m_attempt;
    r.since = m_since;
    r.limit = int(std::min<qint64>(PageLines, m_lastSeq - m_since));
    QPointer<LogSaver> self(this);
    m_client->logs(m_jobId, r, [self](ClientResult<LogPage> res) {
        if (!self || !self->m_running)
            return;
        if (!res)
            return self->fail(res.error().describe());
        const LogPage &page = res.value();
        QByteArray out;
        if (self->m_first && page.dropped > 0)
            out += "[" + QByteArray::number(page.dropped) + " older lines dropped: log size cap]\n";
        self->m_first = false;
        for (const LogLine &l : page.lines) {
            out += l.text.toUtf8();
            out += '\n';
        }
        if (self->m_file->write(out) != out.size())
            return self->fail(tr("Cannot write %1: %2").arg(self->m_path, self->m_file->errorString()));
        self->m_written += page.lines.size();
        const qint64 previous = self->m_since;
        self->m_since = page.lines.isEmpty() ? self->m_lastSeq : page.lines.last().seq;
        if (self->m_since <= previous)
            self->m_since = self->m_lastSeq;
        emit self->progress(self->m_since, self->m_lastSeq);
        self->next();
    });
}
