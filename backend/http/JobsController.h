// Jobs on both surfaces: /v0/jobs… (resource style) and /api/compute/jobs/… (seed 000's RPC style).
// Thin: parse into typed requests, call JobService, render.
#pragma once

#include "JobQuery.h"
#include "Router.h"
#include "Services.h"

#include <QObject>

class JobsController : public QObject
{
    Q_OBJECT
public:
    JobsController(Services &s, Router &r, QObject *parent = nullptr);

    // Shared by both surfaces; on failure returns the error to render.
    static Result<JobQuery> parseQuery(const QHash<QString, QStringList> &params);

private:
    void submit(const ExchangePtr &ex, const QJsonObject &body);
    void get(const ExchangePtr &ex, const QString &id);
    void list(const ExchangePtr &ex, const QHash<QString, QStringList> &params);
    void cancel(const ExchangePtr &ex, const QString &id, const QString &reason);
    void retry(const ExchangePtr &ex, const QString &id);
    void replyJob(const ExchangePtr &ex, int status, const QString &id);
    Services &m_s;
};
