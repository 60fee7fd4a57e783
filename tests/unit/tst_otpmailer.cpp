// OtpMailer and SmtpSession against a small real SMTP server in the test (QTcpServer): the envelope, the code
// in the body, dot-stuffing, AUTH PLAIN, refusals, a silent server (timeout) and a refused connection; codes.
#include "OtpMailer.h"
#include "SmtpSession.h"

#include <QNetworkInterface>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

// Speaks enough server-side SMTP for one message per connection and records what it was told.
class TestSmtpServer : public QObject
{
    Q_OBJECT
public:
    bool offerAuth = false;
    bool offerStartTls = false;
    bool silent = false; // accept the connection, never answer
    QByteArray authReply = "235 2.7.0 ok";
    QByteArray rcptReply = "250 2.1.5 ok";

    QStringList commands; // every command line received, in order (DATA content excluded)
    QByteArray authPlain; // decoded AUTH PLAIN credentials
    QString mailFrom;
    QString rcptTo;
    QList<QByteArray> dataLines; // the DATA lines exactly as received (still dot-stuffed)
    int messages = 0;

    explicit TestSmtpServer(const QHostAddress &address = QHostAddress::LocalHost)
    {
        QVERIFY(m_server.listen(address));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                if (silent)
                    continue;
                s->write("220 test.local ESMTP ready\r\n");
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    void onData(QTcpSocket *s)
    {
        while (s->canReadLine()) {
            QByteArray line = s->readLine();
            line.chop(line.endsWith("\r\n") ? 2 : 1);
            if (m_inData) {
                if (line == ".") {
                    m_inData = false;
                    ++messages;
                    s->write("250 2.0.0 queued\r\n");
                } else {
                    dataLines << line;
                }
                continue;
            }
            commands << QString::fromUtf8(line);
            const QByteArray verb = line.split(' ').first().toUpper();
            if (verb == "EHLO") {
                QByteArray reply = "250-test.local\r\n";
                if (offerStartTls)
                    reply += "250-STARTTLS\r\n";
                if (offerAuth)
                    reply += "250-AUTH LOGIN PLAIN\r\n";
                s->write(reply + "250 8BITMIME\r\n");
            } else if (verb == "STARTTLS") {
                s->write("220 2.0.0 go ahead\r\n"); // then answers the handshake with SMTP text: it fails
            } else if (verb == "AUTH") {
                authPlain = QByteArray::fromBase64(line.mid(11));
                s->write(authReply + "\r\n");
            } else if (verb == "MAIL") {
                mailFrom = QString::fromUtf8(line.mid(10));
                s->write("250 2.1.0 ok\r\n");
            } else if (verb == "RCPT") {
                rcptTo = QString::fromUtf8(line.mid(8));
                s->write(rcptReply + "\r\n");
            } else if (verb == "DATA") {
                m_inData = true;
                s->write("354 end with .\r\n");
            } else if (verb == "QUIT") {
                s->write("221 2.0.0 bye\r\n");
                s->disconnectFromHost();
            } else {
                s->write("500 5.5.2 what\r\n");
            }
        }
    }

    QTcpServer m_server;
    bool m_inData = false;
};

namespace {

struct Outcome
{
    bool ok = false;
    QString error;
};

Outcome sendAndWait(OtpMailer &mailer, const QString &email, const QString &code, int waitMs = 10000)
{
    QSignalSpy spy(&mailer, &OtpMailer::finished);
    int callbacks = 0;
    mailer.send(email, code, [&](bool, const QString &) { ++callbacks; });
    if (spy.isEmpty() && !spy.wait(waitMs))
        return {false, QStringLiteral("test: no finished() signal")};
    if (callbacks != 1 || spy.size() != 1)
        return {false, QStringLiteral("test: finished %1 times, callback %2 times").arg(spy.size()).arg(callbacks)};
    return {spy.at(0).at(0).toBool(), spy.at(0).at(1).toString()};
}

// An address of this machine that is not loopback, to play a remote relay; null if there is none.
QHostAddress externalAddress()
{
    const auto addresses = QNetworkInterface::allAddresses();
    for (const QHostAddress &a : addresses) {
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback())
            return a;
    }
    return {};
}

QString smtpUrl(quint16 port, const QString &userInfo = {})
{
    const QString auth = userInfo.isEmpty() ? QString() : userInfo + QLatin1Char('@');
    return QStringLiteral("smtp://") + auth + QStringLiteral("127.0.0.1:") + QString::number(port);
}

} // namespace

class TestOtpMailer : public QObject
{
    Q_OBJECT

private slots:
    void deliversTheCode()
    {
        TestSmtpServer server;
        OtpMailer mailer;
        QString error;
        QVERIFY2(mailer.configure(smtpUrl(server.port()), QStringLiteral("noreply@tanvrit.test"), &error),
            qPrintable(error));
        QVERIFY(mailer.usesSmtp());
        const Outcome r = sendAndWait(mailer, QStringLiteral("alice@example.com"), QStringLiteral("042917"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.messages, 1);
        QCOMPARE(server.mailFrom, QStringLiteral("<noreply@tanvrit.test>"));
        QCOMPARE(server.rcptTo, QStringLiteral("<alice@example.com>"));
        QVERIFY(server.commands.first().startsWith(QLatin1String("EHLO [127.0.0.1]")));
        QVERIFY(!server.commands.contains(QStringLiteral("STARTTLS")));
        QVERIFY(!server.commands.join(QLatin1Char('\n')).contains(QLatin1String("AUTH")));
        QCOMPARE(server.commands.last(), QStringLiteral("QUIT"));
        const QByteArray body = server.dataLines.join('\n');
        QVERIFY(body.contains("Your sign-in code is 042917"));
        QVERIFY(body.contains("To: <alice@example.com>"));
        QVERIFY(body.contains("From: Tanvrit Compute <noreply@tanvrit.test>"));
        QVERIFY(server.dataLines.contains(QByteArray())); // the blank line between headers and text
    }

    void authPlain()
    {
        TestSmtpServer server;
        server.offerAuth = true;
        OtpMailer mailer;
        QString error;
        // percent-encoded: the user holds '@', the password ':' and '%'
        QVERIFY2(mailer.configure(smtpUrl(server.port(), QStringLiteral("mailer%40tanvrit.test:p%3As%25s")),
                     QStringLiteral("noreply@tanvrit.test"), &error),
            qPrintable(error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.authPlain, QByteArray("\0mailer@tanvrit.test\0p:s%s", 26));
        QCOMPARE(server.messages, 1);
    }

    void authRefused()
    {
        TestSmtpServer server;
        server.offerAuth = true;
        server.authReply = "535 5.7.8 bad credentials";
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(smtpUrl(server.port(), QStringLiteral("user:hunter2secret")),
            QStringLiteral("noreply@tanvrit.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("authentication failed: 535")), qPrintable(r.error));
        QVERIFY(!r.error.contains(QLatin1String("hunter2secret")));
        QVERIFY(!r.error.contains(QLatin1String("123456")));
        QCOMPARE(server.messages, 0);
        QVERIFY(server.mailFrom.isEmpty());
    }

    void authNotOffered()
    {
        TestSmtpServer server; // no AUTH in EHLO: the credentials are not sent anyway
        OtpMailer mailer;
        QString error;
        QVERIFY(
            mailer.configure(smtpUrl(server.port(), QStringLiteral("user:pw")), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("AUTH PLAIN")), qPrintable(r.error));
        QVERIFY(server.authPlain.isEmpty());
    }

    void recipientRefused()
    {
        TestSmtpServer server;
        server.rcptReply = "550 5.1.1 no such user";
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(smtpUrl(server.port()), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("ghost@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("550")), qPrintable(r.error));
        QCOMPARE(server.messages, 0);
    }

    void dotStuffing()
    {
        TestSmtpServer server;
        SmtpConfig config;
        QString error;
        QVERIFY(SmtpConfig::parse(smtpUrl(server.port()), &config, &error));
        SmtpSession session(config);
        QSignalSpy spy(&session, &SmtpSession::finished);
        const QByteArray message = "Subject: dots\r\n\r\nline one\n.hidden\r\n..two\n.\nend";
        session.start(QStringLiteral("a@t.test"), QStringLiteral("b@t.test"), message, 10000);
        QVERIFY(spy.wait(10000));
        QVERIFY2(spy.at(0).at(0).toBool(), qPrintable(spy.at(0).at(1).toString()));
        const QList<QByteArray> expected {"Subject: dots", "", "line one", "..hidden", "...two", "..", "end"};
        QCOMPARE(server.dataLines, expected);
        QCOMPARE(SmtpSession::dotStuff(".\n"), QByteArray("..\r\n.\r\n"));
    }

    void silentServerTimesOut()
    {
        TestSmtpServer server;
        server.silent = true;
        OtpMailer mailer;
        mailer.setTimeoutMs(300);
        QString error;
        QVERIFY(mailer.configure(smtpUrl(server.port()), QStringLiteral("n@t.test"), &error));
        QElapsedTimer t;
        t.start();
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("timed out")), qPrintable(r.error));
        QVERIFY(t.elapsed() < 5000);
    }

    void connectionRefused()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        } // closed: nothing listens on the port now
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(smtpUrl(port), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("failed")), qPrintable(r.error));
    }

    void failedTlsHandshakeIsAnError()
    {
        const QHostAddress external = externalAddress();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine");
        TestSmtpServer server(external);
        server.offerStartTls = true; // says 220 to STARTTLS, then speaks SMTP text to the TLS handshake
        server.offerAuth = true;
        OtpMailer mailer;
        mailer.setTimeoutMs(3000);
        QString error;
        QVERIFY(mailer.configure(
            QStringLiteral("smtp://user:pw@") + external.toString() + QLatin1Char(':') + QString::number(server.port()),
            QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY(server.commands.contains(QStringLiteral("STARTTLS")));
        QVERIFY(server.authPlain.isEmpty()); // no fallback to the clear
        QCOMPARE(server.messages, 0);
    }

    void loopbackRelaySkipsStartTls()
    {
        TestSmtpServer server; // offers STARTTLS on loopback: not used, the message goes through
        server.offerStartTls = true;
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(smtpUrl(server.port()), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(!server.commands.contains(QStringLiteral("STARTTLS")));
        QCOMPARE(server.messages, 1);
    }

    void implicitTlsToPlainServerFails()
    {
        TestSmtpServer server; // smtps:// to a server that speaks plain SMTP: the handshake fails, no hang
        OtpMailer mailer;
        mailer.setTimeoutMs(3000);
        QString error;
        QVERIFY(mailer.configure(
            QStringLiteral("smtps://127.0.0.1:") + QString::number(server.port()), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY(server.mailFrom.isEmpty()); // the server saw only a TLS ClientHello, never EHLO
        QVERIFY(!server.commands.join(QLatin1Char(' ')).contains(QLatin1String("EHLO")));
        QCOMPARE(server.messages, 0);
    }

    void noCredentialsInTheClear()
    {
        // A relay that is not on loopback and offers no STARTTLS never sees the password.
        const QHostAddress external = externalAddress();
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine");
        TestSmtpServer server(external);
        server.offerAuth = true;
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(QStringLiteral("smtp://user:hunter2secret@") + external.toString() + QLatin1Char(':')
                + QString::number(server.port()),
            QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, QStringLiteral("bob@example.com"), QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("in the clear")), qPrintable(r.error));
        QVERIFY(server.authPlain.isEmpty());
        QVERIFY(!server.commands.join(QLatin1Char(' ')).contains(QLatin1String("AUTH")));
    }

    void headerInjectionRefused_data()
    {
        QTest::addColumn<QString>("email");
        QTest::newRow("crlf bcc") << QStringLiteral("a@b.test\r\nBcc: x@evil.test");
        QTest::newRow("lf") << QStringLiteral("a@b.test\nRCPT TO:<x@evil.test>");
        QTest::newRow("angle") << QStringLiteral("a@b.test>,<x@evil.test");
        QTest::newRow("space") << QStringLiteral("a b@c.test");
        QTest::newRow("no at") << QStringLiteral("alice");
        QTest::newRow("empty") << QString();
        QTest::newRow("too long") << QString(250, QLatin1Char('a')) + QStringLiteral("@b.test");
    }

    void headerInjectionRefused()
    {
        QFETCH(QString, email);
        TestSmtpServer server;
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(smtpUrl(server.port()), QStringLiteral("n@t.test"), &error));
        const Outcome r = sendAndWait(mailer, email, QStringLiteral("123456"));
        QVERIFY(!r.ok);
        QCOMPARE(r.error, QStringLiteral("invalid email address"));
        QVERIFY(server.commands.isEmpty());
    }

    void logModeWithoutSmtp()
    {
        OtpMailer mailer;
        QString error;
        QVERIFY(mailer.configure(QString(), QString(), &error));
        QVERIFY(!mailer.usesSmtp());
        QTest::ignoreMessage(QtInfoMsg, "OTP for carol@example.com: 314159 (no --smtp-url configured)");
        bool sync = true;
        QSignalSpy spy(&mailer, &OtpMailer::finished);
        mailer.send(QStringLiteral("carol@example.com"), QStringLiteral("314159"), [&](bool, const QString &) {
            QVERIFY(!sync); // never from inside send()
        });
        sync = false;
        QVERIFY(spy.wait(1000));
        QCOMPARE(spy.at(0).at(0).toBool(), true);
    }

    void configRefused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("from");
        QTest::newRow("http scheme") << QStringLiteral("http://mail.test") << QStringLiteral("n@t.test");
        QTest::newRow("no host") << QStringLiteral("smtp://") << QStringLiteral("n@t.test");
        QTest::newRow("bad port") << QStringLiteral("smtp://mail.test:99999") << QStringLiteral("n@t.test");
        QTest::newRow("path") << QStringLiteral("smtp://mail.test/x") << QStringLiteral("n@t.test");
        QTest::newRow("not a url") << QStringLiteral("mail.test") << QStringLiteral("n@t.test");
        QTest::newRow("password only") << QStringLiteral("smtp://:secretpw@mail.test") << QStringLiteral("n@t.test");
        QTest::newRow("from with crlf") << QStringLiteral("smtp://mail.test") << QStringLiteral("n@t.test\r\nBcc: x");
        QTest::newRow("from empty") << QStringLiteral("smtp://mail.test") << QString();
    }

    void configRefused()
    {
        QFETCH(QString, url);
        QFETCH(QString, from);
        OtpMailer mailer;
        QString error;
        QVERIFY(!mailer.configure(url, from, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!error.contains(QLatin1String("secretpw")));
        QVERIFY(!mailer.usesSmtp());
    }

    void configAccepted()
    {
        SmtpConfig c;
        QString error;
        QVERIFY(SmtpConfig::parse(QStringLiteral("smtps://u:p@mail.test"), &c, &error));
        QVERIFY(c.implicitTls);
        QCOMPARE(c.port, quint16(465));
        QCOMPARE(c.user, QStringLiteral("u"));
        QVERIFY(SmtpConfig::parse(QStringLiteral("smtp://mail.test:587"), &c, &error));
        QVERIFY(!c.implicitTls);
        QCOMPARE(c.port, quint16(587));
        QVERIFY(c.user.isEmpty());
        QVERIFY(SmtpConfig::parse(QStringLiteral("smtp://mail.test"), &c, &error));
        QCOMPARE(c.port, quint16(25));
    }

    void newCode()
    {
        static const QRegularExpression sixDigits(QStringLiteral("^[0-9]{6}$"));
        QSet<QString> seen;
        int digitCounts[10] = {};
        for (int i = 0; i < 2000; ++i) {
            const QString code = OtpMailer::newCode();
            QVERIFY2(sixDigits.match(code).hasMatch(), qPrintable(code));
            seen.insert(code);
            for (const QChar c : code)
                ++digitCounts[c.digitValue()];
        }
        QVERIFY(seen.size() > 1950); // 2000 draws from 10^6: a handful of repeats at most
        for (int d = 0; d < 10; ++d) // 1200 expected per digit; leading zeros are kept
            QVERIFY2(digitCounts[d] > 1000 && digitCounts[d] < 1400, qPrintable(QString::number(digitCounts[d])));
    }
};

QTEST_GUILESS_MAIN(TestOtpMailer)
#include "tst_otpmailer.moc"
