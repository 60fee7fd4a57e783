// SmtpSession: the client side of RFC 5321 needed to hand one message to a relay, as a socket state machine.
#include "SmtpSession.h"

#include <QHostAddress>
#include <QSslSocket>
#include <QUrl>

namespace {

constexpr int kMaxErrorText = 200;

} // namespace

bool SmtpConfig::parse(const QString &url, SmtpConfig *out, QString *error)
{
    const QUrl u(url, QUrl::StrictMode);
    auto bad = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("--smtp-url: %1 (expected smtp://[user:pass@]host[:port] or smtps://…)").arg(why);
        return false;
    };
    if (!u.isValid())
        return bad(QStringLiteral("not a URL"));
    SmtpConfig c;
    if (u.scheme() == QLatin1String("smtp"))
        c.implicitTls = false;
    else if (u.scheme() == QLatin1String("smtps"))
        c.implicitTls = true;
    else
        return bad(QStringLiteral("unknown scheme"));
    c.host = u.host();
    if (c.host.isEmpty())
        return bad(QStringLiteral("no host"));
    if (!u.path().isEmpty() && u.path() != QLatin1String("/"))
        return bad(QStringLiteral("unexpected path"));
    if (u.hasQuery() || u.hasFragment())
        return bad(QStringLiteral("unexpected query"));
    const int port = u.port(c.implicitTls ? 465 : 25);
    if (port <= 0 || port > 65535)
        return bad(QStringLiteral("bad port"));
    c.port = quint16(port);
    c.user = u.userName(QUrl::FullyDecoded);
    c.password = u.password(QUrl::FullyDecoded);
    if (c.user.isEmpty() && !c.password.isEmpty())
        return bad(QStringLiteral("password without user"));
    if (c.implicitTls && !QSslSocket::supportsSsl())
        return bad(QStringLiteral("TLS is not available in this build"));
    *out = c;
    return true;
}

SmtpSession::SmtpSession(const SmtpConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        // The message was accepted once QUIT is sent; a relay slow to say goodbye is no failure.
        if (m_stage == Stage::Quit)
            finish(true, {});
        else
            fail(QStringLiteral("SMTP server %1:%2 timed out").arg(m_config.host).arg(m_config.port));
    });
}

SmtpSession::~SmtpSession() = default;

bool SmtpSession::isPlainAddress(const QString &address)
{
    if (address.isEmpty() || address.size() > 254)
        return false;
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    if (at <= 0 || at == address.size() - 1)
        return false;
    for (const QChar c : address) {
        if (c.unicode() <= 0x20 || c.unicode() == 0x7f || c == QLatin1Char('<') || c == QLatin1Char('>')
            || c == QLatin1Char('"') || c == QLatin1Char(',') || c == QLatin1Char('\\') || c == QLatin1Char('(')
            || c == QLatin1Char(')') || c == QLatin1Char(';') || c == QLatin1Char(':') || c == QLatin1Char('[')
            || c == QLatin1Char(']') || c.category() == QChar::Other_Control || c.category() == QChar::Separator_Line
            || c.category() == QChar::Separator_Paragraph)
            return false;
    }
    return true;
}

QByteArray SmtpSession::dotStuff(const QByteArray &message)
{
    QByteArray out;
    out.reserve(message.size() + message.size() / 16 + 8);
    const QList<QByteArray> lines = message.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        if (i == lines.size() - 1 && line.isEmpty())
            break; // the message's own final line end
        if (line.startsWith('.'))
            out += '.';
        out += line;
        out += "\r\n";
    }
    out += ".\r\n";
    return out;
}

void SmtpSession::start(const QString &from, const QString &to, const QByteArray &message, int timeoutMs)
{
    m_from = from;
    m_to = to;
    m_message = message;
    m_deadline.start(timeoutMs);
    if (!isPlainAddress(from) || !isPlainAddress(to)) {
        QMetaObject::invokeMethod(
            this, [this] { fail(QStringLiteral("invalid email address")); }, Qt::QueuedConnection);
        return;
    }
    m_socket = new QSslSocket(this);
    connect(m_socket, &QSslSocket::readyRead, this, &SmtpSession::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_stage == Stage::Quit || m_stage == Stage::Done) {
            finish(true, {});
            return;
        }
        fail(QStringLiteral("SMTP connection to %1:%2 failed: %3")
                 .arg(m_config.host)
                 .arg(m_config.port)
                 .arg(m_socket->errorString()));
    });
    connect(m_socket, &QSslSocket::disconnected, this, [this] {
        if (m_stage == Stage::Quit)
            finish(true, {});
        else
            fail(QStringLiteral("SMTP server %1:%2 closed the connection").arg(m_config.host).arg(m_config.port));
    });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        if (m_stage == Stage::Handshake)
            sendEhlo();
    });
    m_stage = Stage::Greeting;
    if (m_config.implicitTls)
        m_socket->connectToHostEncrypted(m_config.host, m_config.port);
    else
        m_socket->connectToHost(m_config.host, m_config.port);
}

void SmtpSession::onReadyRead()
{
    m_buffer += m_socket->readAll();
    if (m_buffer.size() > kMaxReplyBytes) {
        fail(QStringLiteral("SMTP server sent an oversized reply"));
        return;
    }
    qsizetype nl;
    while (m_stage != Stage::Done && (nl = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        bool isNumber = false;
        const int code = line.left(3).toInt(&isNumber);
        if (line.size() < 3 || !isNumber || code < 200 || code > 599
            || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
            fail(QStringLiteral("SMTP server sent a malformed reply"));
            return;
        }
        m_replyLines << QString::fromUtf8(line.mid(4));
        if (line.size() > 3 && line[3] == '-') {
            if (m_replyLines.size() > 256) {
                fail(QStringLiteral("SMTP server sent an oversized reply"));
                return;
            }
            continue;
        }
        const QStringList lines = std::exchange(m_replyLines, {});
        onReply(code, lines);
    }
}

void SmtpSession::sendLine(const QByteArray &line)
{
    m_socket->write(line + "\r\n");
}

void SmtpSession::sendEhlo()
{
    const QHostAddress local = m_socket->localAddress();
    const QString literal = local.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[IPv6:%1]").arg(local.toString())
        : QStringLiteral("[%1]").arg(local.toString());
    m_stage = m_stage == Stage::Handshake ? Stage::EhloAfterTls : Stage::Ehlo;
    sendLine("EHLO " + literal.toLatin1());
}

QString SmtpSession::describe(int code, const QStringList &lines) const
{
    return QStringLiteral("%1 %2").arg(code).arg(lines.join(QLatin1Char(' ')).left(kMaxErrorText));
}

void SmtpSession::onReply(int code, const QStringList &lines)
{
    switch (m_stage) {
    case Stage::Greeting:
        if (code != 220)
            return fail(QStringLiteral("SMTP server refused the connection: %1").arg(describe(code, lines)));
        return sendEhlo();
    case Stage::Ehlo:
    case Stage::EhloAfterTls:
        if (code != 250)
            return fail(QStringLiteral("SMTP server refused EHLO: %1").arg(describe(code, lines)));
        m_capabilities.clear();
        for (qsizetype i = 1; i < lines.size(); ++i)
            m_capabilities << lines[i].trimmed().toUpper();
        // STARTTLS whenever offered, except to a relay on this machine: that traffic never leaves it, and
        // local relays often offer TLS with a self-signed certificate (Debian's postfix snakeoil).
        if (m_stage == Stage::Ehlo && !m_socket->isEncrypted() && QSslSocket::supportsSsl()
            && !m_socket->peerAddress().isLoopback() && m_capabilities.contains(QLatin1String("STARTTLS"))) {
            m_stage = Stage::StartTls;
            return sendLine("STARTTLS");
        }
        return afterEhlo();
    case Stage::StartTls:
        if (code != 220)
            return fail(QStringLiteral("SMTP server refused STARTTLS: %1").arg(describe(code, lines)));
        if (!m_buffer.isEmpty()) // bytes sent before the handshake could be injected by a man in the middle
            return fail(QStringLiteral("SMTP server sent data before the TLS handshake"));
        m_stage = Stage::Handshake;
        m_socket->startClientEncryption();
        return;
    case Stage::Auth:
        if (code != 235)
            return fail(QStringLiteral("SMTP authentication failed: %1").arg(code));
        m_stage = Stage::MailFrom;
        return sendLine("MAIL FROM:<" + m_from.toUtf8() + ">");
    case Stage::MailFrom:
        if (code != 250)
            return fail(QStringLiteral("SMTP server refused the sender: %1").arg(describe(code, lines)));
        m_stage = Stage::RcptTo;
        return sendLine("RCPT TO:<" + m_to.toUtf8() + ">");
    case Stage::RcptTo:
        if (code != 250 && code != 251)
            return fail(QStringLiteral("SMTP server refused the recipient: %1").arg(describe(code, lines)));
        m_stage = Stage::Data;
        return sendLine("DATA");
    case Stage::Data:
        if (code != 354)
            return fail(QStringLiteral("SMTP server refused DATA: %1").arg(describe(code, lines)));
        m_stage = Stage::Body;
        m_socket->write(dotStuff(m_message));
        return;
    case Stage::Body:
        if (code != 250)
            return fail(QStringLiteral("SMTP server refused the message: %1").arg(describe(code, lines)));
        m_stage = Stage::Quit;
        sendLine("QUIT");
        return;
    case Stage::Quit:
        return finish(true, {});
    case Stage::Connecting:
    case Stage::Handshake:
    case Stage::Done:
        return fail(QStringLiteral("SMTP server sent an unexpected reply"));
    }
}

void SmtpSession::afterEhlo()
{
    if (m_config.user.isEmpty()) {
        m_stage = Stage::MailFrom;
        return sendLine("MAIL FROM:<" + m_from.toUtf8() + ">");
    }
    // Credentials cross the network only encrypted; a relay on this machine (loopback) is the exception.
    if (!m_socket->isEncrypted() && !m_socket->peerAddress().isLoopback())
        return fail(QStringLiteral("SMTP server %1 offers no TLS; refusing to send credentials in the clear")
                        .arg(m_config.host));
    bool plain = false;
    for (const QString &cap : std::as_const(m_capabilities)) {
        if ((cap.startsWith(QLatin1String("AUTH ")) || cap.startsWith(QLatin1String("AUTH=")))
            && cap.mid(5).split(QLatin1Char(' ')).contains(QLatin1String("PLAIN")))
            plain = true;
    }
    if (!plain)
        return fail(QStringLiteral("SMTP server %1 does not offer AUTH PLAIN").arg(m_config.host));
    m_stage = Stage::Auth;
    QByteArray credentials = '\0' + m_config.user.toUtf8() + '\0' + m_config.password.toUtf8();
    sendLine("AUTH PLAIN " + credentials.toBase64());
    credentials.fill('\0');
}

void SmtpSession::fail(const QString &error)
{
    finish(false, error);
}

void SmtpSession::finish(bool ok, const QString &error)
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    m_deadline.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        if (ok)
            m_socket->disconnectFromHost();
        else
            m_socket->abort();
    }
    emit finished(ok, error);
}
