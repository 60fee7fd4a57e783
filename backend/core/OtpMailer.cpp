// OtpMailer: composes the sign-in mail and runs one SmtpSession per message; log mode for local installs.
#include "OtpMailer.h"

#include <QDateTime>
#include <QRandomGenerator>

OtpMailer::OtpMailer(QObject *parent)
    : QObject(parent)
{
}

bool OtpMailer::configure(const QString &smtpUrl, const QString &fromAddress, QString *error)
{
    if (smtpUrl.isEmpty()) {
        m_useSmtp = false;
        return true;
    }
    SmtpConfig config;
    if (!SmtpConfig::parse(smtpUrl, &config, error))
        return false;
    if (!SmtpSession::isPlainAddress(fromAddress)) {
        if (error)
            *error = QStringLiteral("the OTP sender address '%1' is not a plain email address").arg(fromAddress);
        return false;
    }
    m_smtp = config;
    m_from = fromAddress;
    m_useSmtp = true;
    return true;
}

QString OtpMailer::newCode()
{
    // 2^32 - (2^32 mod 10^6): values at or above it would make low codes likelier; draw again (p < 0.0003).
    constexpr quint32 kRange = 1000000;
    constexpr quint32 kLimit = quint32((quint64(1) << 32) - ((quint64(1) << 32) % kRange));
    quint32 v;
    do {
        v = QRandomGenerator::system()->generate();
    } while (v >= kLimit);
    return QStringLiteral("%1").arg(v % kRange, kCodeDigits, 10, QLatin1Char('0'));
}

QByteArray OtpMailer::composeMessage(const QString &email, const QString &code) const
{
    const QByteArray messageId = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    const QByteArray domain = m_from.mid(m_from.lastIndexOf(QLatin1Char('@')) + 1).toUtf8();
    QByteArray m;
    m += "From: Tanvrit Compute <" + m_from.toUtf8() + ">\r\n";
    m += "To: <" + email.toUtf8() + ">\r\n";
    m += "Subject: Your Tanvrit Compute sign-in code\r\n";
    m += "Date: " + QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date).toLatin1() + "\r\n";
    m += "Message-ID: <" + messageId + "@" + domain + ">\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n";
    m += "Auto-Submitted: auto-generated\r\n";
    m += "\r\n";
    m += "Your sign-in code is " + code.toLatin1() + "\r\n";
    m += "\r\n";
    m += "It expires in 10 minutes. If you did not ask to sign in, ignore this mail.\r\n";
    return m;
}

void OtpMailer::send(const QString &email, const QString &code, std::function<void(bool, const QString &)> done)
{
    auto report = [this, done = std::move(done)](bool ok, const QString &error) {
        if (done)
            done(ok, error);
        emit finished(ok, error);
    };
    if (!SmtpSession::isPlainAddress(email)) {
        QMetaObject::invokeMethod(
            this, [report] { report(false, QStringLiteral("invalid email address")); }, Qt::QueuedConnection);
        return;
    }
    if (!m_useSmtp) {
        // The documented local-install behaviour: the operator reads the code from the server log.
        qInfo().noquote() << QStringLiteral("OTP for %1: %2 (no --smtp-url configured)").arg(email, code);
        QMetaObject::invokeMethod(
            this, [report] { report(true, {}); }, Qt::QueuedConnection);
        return;
    }
    auto *session = new SmtpSession(m_smtp, this);
    connect(session, &SmtpSession::finished, this, [session, report, email](bool ok, const QString &error) {
        session->deleteLater();
        if (!ok)
            qWarning().noquote() << QStringLiteral("otp: mail to %1 not sent: %2").arg(email, error);
        report(ok, error);
    });
    session->start(m_from, email, composeMessage(email, code), m_timeoutMs);
}
