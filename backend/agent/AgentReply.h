// One answer of the agent plane sorted into what the caller does about it, and the backoff the agent
// uses between retries.
#pragma once

#include <QJsonValue>
#include <QString>

class QNetworkReply;

// One answer of the agent plane, already sorted into what the caller has to do about it.
struct AgentReply
{
    enum class Kind {
        Transport, // no definite answer (network error, timeout, 5xx, 429, unreadable body): retry later
        Success,
        NoData,
        Unauthorized, // the key was refused
        Rejected, // a definite refusal (ERROR / FORBIDDEN with a 4xx): do not send it again as is
    };
    Kind kind = Kind::Transport;
    int httpStatus = 0; // 0 when no HTTP answer arrived
    QString code; // the envelope's code ("conflict", "payload_too_large", …)
    QString message;
    QJsonValue payload;
    int retryAfterMs = 0; // from Retry-After on 429

    bool ok() const { return kind == Kind::Success; }
    QString describe() const; // for log lines
    // Sorts a finished reply: no HTTP answer, 5xx, 429 and unreadable 2xx bodies are Transport.
    static AgentReply fromNetworkReply(QNetworkReply *reply);
};

// Exponential backoff with jitter: 250 ms doubling to 10 s; each delay is drawn from [d/2, d].
class Backoff
{
public:
    int next(); // the delay to wait now, in ms; grows the next one
    void reset() { m_attempt = 0; }
    int attempts() const { return m_attempt; }

private:
    int m_attempt = 0;
};
