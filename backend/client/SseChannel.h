// One Server-Sent Events request of a ComputeClient: opens it (with Last-Event-ID), hands out whole events,
// and says how it ended — the server closed it, the connection broke, or an error status. Reconnecting is the
// owner's choice (JobLogStream, EventStream), since only it knows where to resume.
#pragma once

#include "ClientError.h"
#include "SseParser.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

class ComputeClient;
class QNetworkReply;

class SseChannel : public QObject
{
    Q_OBJECT
public:
    explicit SseChannel(ComputeClient *client, QObject *parent = nullptr);
    ~SseChannel() override;

    void open(const QString &path, const QUrlQuery &query, const QByteArray &lastEventId);
    // The server sends a comment every 15 s; a stream silent for this long is taken as dead (a network
    // that dropped the connection without a reset) and closed as Unreachable, so its owner reconnects.
    void setIdleTimeout(int ms) { m_idleMs = ms; }
    void close();
    bool isOpen() const { return m_reply != nullptr || m_opening; }

signals:
    void opened(); // the server answered 200 and the stream began
    void event(const SseEvent &event);
    // The stream is over. `error` is set for an error status or a broken connection; a clean end
    // (the server closed after its last event) has error.kind Http with status 200.
    void closed(const ClientError &error);

private:
    void readSome();
    void finish();

    ComputeClient *m_client;
    QPointer<QNetworkReply> m_reply;
    SseParser m_parser;
    bool m_opening = false;
    bool m_announced = false;
    quint64 m_generation = 0;
    int m_idleMs = 45000;
    QTimer *m_idle;
};
