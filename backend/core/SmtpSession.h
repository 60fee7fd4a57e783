// One SMTP delivery on the event loop: greeting, EHLO, STARTTLS when offered, AUTH PLAIN, MAIL/RCPT/DATA
// with dot-stuffing, QUIT; a deadline for the whole exchange. OtpMailer builds the message and owns these.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

class QSslSocket;

// smtp://[user:pass@]host[:port] (plain, STARTTLS when offered; port 25) or smtps://… (implicit TLS; 465).
struct SmtpConfig
{
    bool implicitTls = false;
    QString host;
    quint16 port = 25;
    QString user; // empty: no AUTH
    QString password; // never logged, never in an error

    // Empty string: not configured. Otherwise a valid config or *error set (the message omits the password).
    static bool parse(const QString &url, SmtpConfig *out, QString *error);
};

class SmtpSession : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxReplyBytes = 64 * 1024;

    explicit SmtpSession(const SmtpConfig &config, QObject *parent = nullptr);
    ~SmtpSession() override;

    // Sends `message` (headers, blank line, body; LF or CRLF line ends) from `from` to `to`.
    // finished() fires exactly once, never from inside start().
    void start(const QString &from, const QString &to, const QByteArray &message, int timeoutMs);

    // A bare address usable in MAIL FROM/RCPT TO and a header: local@domain, no spaces, controls, <>,
    // quotes or commas, at most 254 characters.
    static bool isPlainAddress(const QString &address);
    // CRLF line ends, a '.' doubled at the start of each line, ended by CRLF.CRLF (RFC 5321 §4.5.2).
    static QByteArray dotStuff(const QByteArray &message);

signals:
    void finished(bool ok, const QString &error);

private:
    enum class Stage {
        Connecting,
        Greeting,
        Ehlo,
        StartTls,
        Handshake,
        EhloAfterTls,
        Auth,
        MailFrom,
        RcptTo,
        Data,
        Body,
        Quit,
        Done
    };

    void onReadyRead();
    void onReply(int code, const QStringList &lines);
    void afterEhlo();
    void sendEhlo();
    void sendLine(const QByteArray &line);
    void fail(const QString &error);
    void finish(bool ok, const QString &error);
    QString describe(int code, const QStringList &lines) const;

    SmtpConfig m_config;
    QSslSocket *m_socket = nullptr;
    QTimer m_deadline;
    Stage m_stage = Stage::Connecting;
    QByteArray m_buffer;
    QStringList m_replyLines;
    QStringList m_capabilities;
    QString m_from;
    QString m_to;
    QByteArray m_message;
};
