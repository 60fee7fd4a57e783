// One-time sign-in codes: 6 CSPRNG digits, delivered by SMTP (--smtp-url) or, on a local install without
// one, written to the server log. Asynchronous; never logs the SMTP password, logs the code only in log mode.
#pragma once

#include "SmtpSession.h"

#include <QObject>
#include <QString>
#include <functional>

class OtpMailer : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 15000;
    static constexpr int kCodeDigits = 6;

    explicit OtpMailer(QObject *parent = nullptr);

    // smtpUrl empty: log mode (always succeeds; fromAddress ignored). Otherwise the URL must parse
    // (smtp://[user:pass@]host[:port] or smtps://…) and fromAddress be a plain address (a@b), else
    // false with *error (the password never in it). Call once at start-up, before send().
    bool configure(const QString &smtpUrl, const QString &fromAddress, QString *error);
    bool usesSmtp() const { return m_useSmtp; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; } // the whole SMTP exchange; default 15 s

    // Sends `code` to `email`. Returns at once; later, on the event loop (never inside send()), calls
    // done(ok, error) if given and emits finished(ok, error), exactly once each. Log mode: logs
    // "OTP for <email>: <code> (no --smtp-url configured)" with qInfo and reports ok. SMTP mode: ok when the
    // relay accepted the message; error is a short sentence (no code, no password). An email that is not a
    // plain address (CR/LF, <>, spaces, >254 chars) fails without any network traffic. Sends may overlap.
    void send(const QString &email, const QString &code, std::function<void(bool ok, const QString &error)> done = {});

    // kCodeDigits decimal digits, uniformly distributed, from the OS CSPRNG (rejection sampling, no
    // modulo bias); leading zeros kept ("004211").
    static QString newCode();

    // The message send() hands to the relay (headers, blank line, text); exposed for tests.
    QByteArray composeMessage(const QString &email, const QString &code) const;

signals:
    void finished(bool ok, const QString &error);

private:
    bool m_useSmtp = false;
    SmtpConfig m_smtp;
    QString m_from;
    int m_timeoutMs = kDefaultTimeoutMs;
};
