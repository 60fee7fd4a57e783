// JwtCodec: HS256 round trip, every refusal of issue 12 item 1 (alg none/HS512/RS256, flipped signature,
// edited payload, expiry, another secret, bad shapes, sizes), and the signing secret's file.
#include "JwtCodec.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sys/stat.h>

namespace {

const QByteArray kSecret = QByteArray("0123456789abcdef0123456789abcdef");
const QByteArray kOtherSecret = QByteArray("fedcba9876543210fedcba9876543210");
constexpr qint64 kNow = 1'800'000'000;

QByteArray b64(const QByteArray &b)
{
    return JwtCodec::base64UrlEncode(b);
}

QByteArray hmac(const EVP_MD *md, const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.constData(), key.size(), reinterpret_cast<const unsigned char *>(data.constData()),
        size_t(data.size()), out, &len);
    return QByteArray(reinterpret_cast<const char *>(out), int(len));
}

// A token built by hand: any header bytes, any payload bytes, signed with any digest and key.
QString forge(const QByteArray &header, const QByteArray &payload, const EVP_MD *md = EVP_sha256(),
    const QByteArray &key = kSecret)
{
    const QByteArray input = b64(header) + '.' + b64(payload);
    return QString::fromLatin1(input + '.' + b64(hmac(md, key, input)));
}

QJsonObject claims(qint64 exp = kNow + 900)
{
    return {{"sub", "usr_01"}, {"iat", kNow - 10}, {"exp", exp}, {"ws", "ws_01"}};
}

QByteArray claimsJson(qint64 exp = kNow + 900)
{
    return QJsonDocument(claims(exp)).toJson(QJsonDocument::Compact);
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        JwtCodec codec(kSecret);
        QVERIFY(codec.isValid());
        const QString token = codec.sign(claims());
        QCOMPARE(token.count(QLatin1Char('.')), 2);
        QVERIFY(!token.contains(QLatin1Char('=')));
        QCOMPARE(
            QByteArray::fromBase64(token.section(QLatin1Char('.'), 0, 0).toLatin1(), QByteArray::Base64UrlEncoding),
            QByteArray(R"({"alg":"HS256","typ":"JWT"})"));
        const auto r = codec.verify(token, kNow);
        QVERIFY(r.ok());
        QCOMPARE(r.value(), claims());
        // a token forged by hand with the right secret and header is the same thing
        QVERIFY(codec.verify(forge(R"({"alg":"HS256","typ":"JWT"})", claimsJson()), kNow).ok());
        QVERIFY(codec.verify(forge(R"({"alg":"HS256"})", claimsJson()), kNow).ok());
    }

    void expiryIsExact()
    {
        JwtCodec codec(kSecret);
        const QString token = codec.sign(claims(kNow + 60));
        QVERIFY(codec.verify(token, kNow + 59).ok());
        QVERIFY(!codec.verify(token, kNow + 60).ok()); // no leeway: exp is the first second it is dead
    }

    void refused_data()
    {
        JwtCodec codec(kSecret);
        const QString good = codec.sign(claims());
        const QStringList parts = good.split(QLatin1Char('.'));
        const QByteArray payload = claimsJson();

        QTest::addColumn<QString>("token");
        QTest::newRow("alg none, empty signature")
            << QString::fromLatin1(b64(R"({"alg":"none","typ":"JWT"})") + '.' + b64(payload) + '.');
        QTest::newRow("alg none, valid-looking signature")
            << QString::fromLatin1(b64(R"({"alg":"none","typ":"JWT"})") + '.' + b64(payload) + '.') + parts[2];
        QTest::newRow("alg none, signed with the secret") << forge(R"({"alg":"none","typ":"JWT"})", payload);
        QTest::newRow("alg None") << forge(R"({"alg":"None","typ":"JWT"})", payload);
        QTest::newRow("alg HS512 re-signed") << forge(R"({"alg":"HS512","typ":"JWT"})", payload, EVP_sha512());
        QTest::newRow("alg HS512 with an HS256 mac") << forge(R"({"alg":"HS512","typ":"JWT"})", payload);
        QTest::newRow("alg RS256 re-signed") << forge(R"({"alg":"RS256","typ":"JWT"})", payload);
        QTest::newRow("alg hs256 lower case") << forge(R"({"alg":"hs256","typ":"JWT"})", payload);
        QTest::newRow("alg missing") << forge(R"({"typ":"JWT"})", payload);
        QTest::newRow("alg not a string") << forge(R"({"alg":256,"typ":"JWT"})", payload);
        QTest::newRow("typ not JWT") << forge(R"({"alg":"HS256","typ":"JWE"})", payload);
        QTest::newRow("crit header") << forge(R"({"alg":"HS256","crit":["exp"]})", payload);
        QTest::newRow("header not an object") << forge(R"(["HS256"])", payload);
        QTest::newRow("header not json") << forge("HS256", payload);
        {
            QByteArray sig = QByteArray::fromBase64(parts[2].toLatin1(), QByteArray::Base64UrlEncoding);
            sig[5] = char(sig[5] ^ 0x01);
            QTest::newRow("flipped signature byte")
                << parts[0] + QLatin1Char('.') + parts[1] + QLatin1Char('.') + QString::fromLatin1(b64(sig));
        }
        {
            // the last base64 character carries 2 unused bits: a different spelling of the same bytes
            QString other = good;
            const QChar last = other.back();
            other.back() = last == QLatin1Char('A') ? QLatin1Char('B') : QChar(last.unicode() ^ 0x01);
            QTest::newRow("signature spelled differently") << other;
        }
        {
            QJsonObject edited = claims();
            edited.insert("sub", "usr_02");
            QTest::newRow("edited payload, old signature") << parts[0] + QLatin1Char('.')
                    + QString::fromLatin1(b64(QJsonDocument(edited).toJson(QJsonDocument::Compact))) + QLatin1Char('.')
                    + parts[2];
        }
        QTest::newRow("expired") << codec.sign(claims(kNow - 1));
        QTest::newRow("expires now") << codec.sign(claims(kNow));
        QTest::newRow("another secret") << JwtCodec(kOtherSecret).sign(claims());
        QTest::newRow("two segments") << parts[0] + QLatin1Char('.') + parts[1];
        QTest::newRow("four segments") << good + QStringLiteral(".") + parts[2];
        QTest::newRow("trailing dot") << good + QStringLiteral(".");
        QTest::newRow("empty") << QString();
        QTest::newRow("dots only") << QStringLiteral("..");
        QTest::newRow("bad base64 header") << QStringLiteral("e*J.") + parts[1] + QLatin1Char('.') + parts[2];
        QTest::newRow("padded header") << parts[0] + QStringLiteral("=.") + parts[1] + QLatin1Char('.') + parts[2];
        {
            // signed over exactly what is sent, but the header is standard base64 ('/' and '+'), not base64url
            const QByteArray header = QByteArray(R"({"alg":"HS256","x":"???>>>"})").toBase64();
            QVERIFY(header.contains('/') && header.contains('+'));
            const QByteArray input = header + '.' + b64(payload);
            QTest::newRow("standard base64 alphabet in header")
                << QString::fromLatin1(input + '.' + b64(hmac(EVP_sha256(), kSecret, input)));
        }
        QTest::newRow("bad base64 payload") << forge(R"({"alg":"HS256"})", payload).replace(40, 1, QLatin1Char('!'));
        QTest::newRow("whitespace") << QStringLiteral(" ") + good;
        QTest::newRow("non-latin1") << good + QStringLiteral("é");
        QTest::newRow("oversized") << forge(R"({"alg":"HS256","typ":"JWT"})",
            QJsonDocument(QJsonObject {{"sub", QString(7000, QLatin1Char('x'))}, {"iat", kNow}, {"exp", kNow + 900}})
                .toJson(QJsonDocument::Compact));
        QTest::newRow("huge") << QString(1 << 20, QLatin1Char('a'));
        QTest::newRow("payload an array") << forge(R"({"alg":"HS256"})", R"([1,2,3])");
        QTest::newRow("payload a string") << forge(R"({"alg":"HS256"})", R"("usr_01")");
        QTest::newRow("payload not json") << forge(R"({"alg":"HS256"})", "sub=usr_01");
        QTest::newRow("exp a string") << forge(
            R"({"alg":"HS256"})", QByteArray(R"({"sub":"u","iat":1,"exp":")") + QByteArray::number(kNow + 900) + "\"}");
        QTest::newRow("exp fractional") << forge(
            R"({"alg":"HS256"})", QByteArray(R"({"sub":"u","iat":1,"exp":)") + QByteArray::number(kNow + 900) + ".5}");
        QTest::newRow("exp huge") << forge(R"({"alg":"HS256"})", R"({"sub":"u","iat":1,"exp":1e300})");
        QTest::newRow("exp missing") << forge(R"({"alg":"HS256"})", R"({"sub":"u","iat":1})");
        QTest::newRow("iat missing") << forge(
            R"({"alg":"HS256"})", QByteArray(R"({"sub":"u","exp":)") + QByteArray::number(kNow + 900) + "}");
        QTest::newRow("iat after exp") << forge(R"({"alg":"HS256"})",
            QByteArray(R"({"sub":"u","iat":)") + QByteArray::number(kNow + 901)
                + ",\"exp\":" + QByteArray::number(kNow + 900) + "}");
        QTest::newRow("nbf in the future") << forge(R"({"alg":"HS256"})",
            QByteArray(R"({"sub":"u","iat":1,"nbf":)") + QByteArray::number(kNow + 5)
                + ",\"exp\":" + QByteArray::number(kNow + 900) + "}");
    }

    void refused()
    {
        QFETCH(QString, token);
        JwtCodec codec(kSecret);
        const auto r = codec.verify(token, kNow);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Unauthorized);
        QCOMPARE(r.error().httpStatus(), 401);
        QVERIFY(!r.error().message.isEmpty());
        QVERIFY(r.error().message.size() < 100);
        if (token.size() > 8)
            QVERIFY(!r.error().message.contains(token.mid(token.size() / 2, 8))); // never echoes the token
        QVERIFY(r.error().detail.isEmpty());
    }

    void shortSecretIsInvalid()
    {
        JwtCodec codec(QByteArray(31, 'k'));
        QVERIFY(!codec.isValid());
        QVERIFY(codec.sign(claims()).isEmpty());
        QVERIFY(!codec.verify(forge(R"({"alg":"HS256"})", claimsJson(), EVP_sha256(), QByteArray(31, 'k')), kNow).ok());
    }

    void secretFileCreatedPrivateAndReused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("jwt.key"));
        QString error;
        const QByteArray first = JwtCodec::loadOrCreateSecret(path, &error);
        QVERIFY2(!first.isEmpty(), qPrintable(error));
        QCOMPARE(first.size(), JwtCodec::kSecretBytes);
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temporary left behind
        const QByteArray second = JwtCodec::loadOrCreateSecret(path, &error);
        QCOMPARE(second, first);
        // another directory gets another secret
        const QByteArray other = JwtCodec::loadOrCreateSecret(dir.filePath(QStringLiteral("other.key")), &error);
        QCOMPARE(other.size(), JwtCodec::kSecretBytes);
        QVERIFY(other != first);
        // tokens survive a restart: signed with the first load, verified with the second
        QVERIFY(JwtCodec(second).verify(JwtCodec(first).sign(claims()), kNow).ok());
    }

    void secretFileCreatedPrivateUnderLooseUmask()
    {
        QTemporaryDir dir;
        const mode_t old = ::umask(0);
        QString error;
        const QByteArray secret = JwtCodec::loadOrCreateSecret(dir.filePath(QStringLiteral("jwt.key")), &error);
        ::umask(old);
        QVERIFY2(!secret.isEmpty(), qPrintable(error));
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("jwt.key"))).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
    }

    void secretFileRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("mode");
        QTest::newRow("empty") << QByteArray() << 0600;
        QTest::newRow("short") << QByteArray(31, 'k') << 0600;
        QTest::newRow("long") << QByteArray(33, 'k') << 0600;
        QTest::newRow("hex text") << QByteArray(64, 'a') << 0600;
        QTest::newRow("world readable") << QByteArray(32, 'k') << 0644;
        QTest::newRow("group readable") << QByteArray(32, 'k') << 0640;
    }

    void secretFileRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, mode);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("jwt.key"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), mode_t(mode)), 0);
        QString error;
        QVERIFY(JwtCodec::loadOrCreateSecret(path, &error).isEmpty());
        QVERIFY(error.contains(path));
        QCOMPARE(QFile(path).size(), qint64(content.size())); // left as it was, not replaced
    }

    void secretFileInMissingDirectory()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(JwtCodec::loadOrCreateSecret(dir.filePath(QStringLiteral("no/such/jwt.key")), &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
