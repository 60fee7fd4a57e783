// PasswordHasher: Argon2id encodings, verification, salts, malformed encodings, the dummy verification.
#include "PasswordHasher.h"

#include <argon2.h>

#include <QElapsedTimer>
#include <QTest>

class TestPassword : public QObject
{
    Q_OBJECT

private slots:
    void hashAndVerify()
    {
        const QString encoded = PasswordHasher::hash(QStringLiteral("correct horse battery staple"));
        QVERIFY(encoded.startsWith(QStringLiteral("$argon2id$v=19$m=19456,t=2,p=1$")));
        QVERIFY(PasswordHasher::verify(encoded, QStringLiteral("correct horse battery staple")));
        QVERIFY(!PasswordHasher::verify(encoded, QStringLiteral("correct horse battery stapler")));
        QVERIFY(!PasswordHasher::verify(encoded, QStringLiteral("Correct horse battery staple")));
        QVERIFY(!PasswordHasher::needsRehash(encoded));
    }

    void unicodePassword()
    {
        const QString pw = QStringLiteral("pässwörd-密码-🔑");
        const QString encoded = PasswordHasher::hash(pw);
        QVERIFY(PasswordHasher::verify(encoded, pw));
        QVERIFY(!PasswordHasher::verify(encoded, QStringLiteral("passwort-密码-🔑")));
    }

    void saltMakesHashesDiffer()
    {
        const QString a = PasswordHasher::hash(QStringLiteral("same password"));
        const QString b = PasswordHasher::hash(QStringLiteral("same password"));
        QVERIFY(!a.isEmpty());
        QVERIFY(a != b);
        QCOMPARE(a.section(QLatin1Char('$'), 4, 4).size(), 22); // 16 bytes of salt, base64 without padding
        QVERIFY(a.section(QLatin1Char('$'), 4, 4) != b.section(QLatin1Char('$'), 4, 4));
        QVERIFY(PasswordHasher::verify(a, QStringLiteral("same password")));
        QVERIFY(PasswordHasher::verify(b, QStringLiteral("same password")));
    }

    void sizeLimits()
    {
        const QString longest(PasswordHasher::kMaxPasswordBytes, QLatin1Char('a'));
        const QString encoded = PasswordHasher::hash(longest);
        QVERIFY(PasswordHasher::verify(encoded, longest));
        QVERIFY(PasswordHasher::hash(longest + QLatin1Char('a')).isEmpty());
        QVERIFY(!PasswordHasher::verify(encoded, longest + QLatin1Char('a')));
        QVERIFY(PasswordHasher::hash(QString()).isEmpty());
        QVERIFY(!PasswordHasher::verify(encoded, QString()));
    }

    void malformedRefused_data()
    {
        const QString good = PasswordHasher::hash(QStringLiteral("pw"));
        QTest::addColumn<QString>("encoded");
        QTest::newRow("empty") << QString();
        QTest::newRow("garbage") << QStringLiteral("not a hash");
        QTest::newRow("dollars") << QStringLiteral("$$$$$$");
        QTest::newRow("argon2i") << QString(good).replace(QStringLiteral("$argon2id$"), QStringLiteral("$argon2i$"));
        QTest::newRow("argon2d") << QString(good).replace(QStringLiteral("$argon2id$"), QStringLiteral("$argon2d$"));
        QTest::newRow("old version") << QString(good).replace(QStringLiteral("v=19"), QStringLiteral("v=16"));
        QTest::newRow("no hash part") << good.section(QLatin1Char('$'), 0, 4);
        QTest::newRow("empty hash part") << good.section(QLatin1Char('$'), 0, 4) + QLatin1Char('$');
        QTest::newRow("truncated hash") << good.left(good.size() - 5);
        QTest::newRow("bad base64") << good.left(good.size() - 3) + QStringLiteral("!!!");
        QTest::newRow("trailing junk") << good + QStringLiteral("$x");
        QTest::newRow("huge memory") << QString(good).replace(QStringLiteral("m=19456"), QStringLiteral("m=9999999"));
        QTest::newRow("huge iterations") << QString(good).replace(QStringLiteral("t=2"), QStringLiteral("t=999"));
        QTest::newRow("zero iterations") << QString(good).replace(QStringLiteral("t=2"), QStringLiteral("t=0"));
        QTest::newRow("nul inside") << QString(good).insert(20, QChar(0));
        QTest::newRow("bcrypt") << QStringLiteral("$2b$12$C6UzMDM.H6dfI/f/IKcEeO5cDeUSy3fVEvCUNhDGXaM1BUMH4zH6C");
        QTest::newRow("oversized") << good + QString(600, QLatin1Char('A'));
    }

    void malformedRefused()
    {
        QFETCH(QString, encoded);
        QVERIFY(!PasswordHasher::verify(encoded, QStringLiteral("pw")));
    }

    void otherParametersStillVerify()
    {
        // a hash made with other (bounded) parameters still verifies, and asks to be re-hashed
        const QByteArray pw("old password");
        const QByteArray salt("0123456789abcdef");
        char out[256];
        QCOMPARE(argon2id_hash_encoded(
                     1, 64, 1, pw.constData(), size_t(pw.size()), salt.constData(), 16, 32, out, sizeof out),
            int(ARGON2_OK));
        const QString old = QString::fromLatin1(out);
        QVERIFY(old.startsWith(QStringLiteral("$argon2id$v=19$m=64,t=1,p=1$")));
        QVERIFY(PasswordHasher::verify(old, QString::fromLatin1(pw)));
        QVERIFY(!PasswordHasher::verify(old, QStringLiteral("not it")));
        QVERIFY(PasswordHasher::needsRehash(old));
    }

    void timeOneHash()
    {
        QElapsedTimer t;
        t.start();
        const int n = 5;
        for (int i = 0; i < n; ++i)
            QVERIFY(!PasswordHasher::hash(QStringLiteral("measure me")).isEmpty());
        qInfo("one Argon2id hash (m=%u KiB, t=%u, p=%u): %.1f ms", PasswordHasher::kMemoryKiB,
            PasswordHasher::kIterations, PasswordHasher::kParallelism, t.nsecsElapsed() / 1e6 / n);
    }

    void dummyUsesOurParameters()
    {
        const QString dummy = QString::fromLatin1(PasswordHasher::dummyEncoding());
        QVERIFY(!PasswordHasher::needsRehash(dummy));
        QVERIFY(!PasswordHasher::dummyVerify(QStringLiteral("anything")));
        QVERIFY(!PasswordHasher::dummyVerify(QString()));
    }

    void dummyCostsAsMuchAsVerify()
    {
        // Not a benchmark: the two must be of one order (a dummy that returns at once would leak which
        // emails exist). Medians of a few runs keep a busy machine from flaking it.
        const QString encoded = PasswordHasher::hash(QStringLiteral("pw"));
        auto median = [](auto f) {
            QList<qint64> ns;
            for (int i = 0; i < 5; ++i) {
                QElapsedTimer t;
                t.start();
                f();
                ns << t.nsecsElapsed();
            }
            std::sort(ns.begin(), ns.end());
            return ns[2];
        };
        const qint64 real = median([&] { PasswordHasher::verify(encoded, QStringLiteral("wrong")); });
        const qint64 dummy = median([&] { PasswordHasher::dummyVerify(QStringLiteral("wrong")); });
        qInfo("verify %.1f ms, dummyVerify %.1f ms", real / 1e6, dummy / 1e6);
        QVERIFY(dummy > real / 3);
        QVERIFY(dummy < real * 3);
    }
};

QTEST_GUILESS_MAIN(TestPassword)
#include "tst_password.moc"
