// Job logs and events: agents' log pushes (/api/compute/nodes/logs), the buffer and live follow
// (/v0/jobs/{id}/logs, /api/compute/jobs/{jobId}/logs: JSON, text, SSE, WebSocket), and /v0/events.
#pragma once

#include "Router.h"
#include "Services.h"

#include <QObject>

class QWebSocket;

class LogsController : public QObject
{
    Q_OBJECT
public:
    LogsController(Services &s, Router &r, QObject *parent = nullptr);
    bool acceptWebSocket(QWebSocket *ws); // /v0/jobs/{id}/logs as a WebSocket; false if not ours

private:
    void logs(const ExchangePtr &ex, const QString &jobId, bool followByDefault);
    void events(const ExchangePtr &ex);
    static ApiError tooManyFollowers();
    static void replyTooManyFollowers(const ExchangePtr &ex);
    Services &m_s;
};
