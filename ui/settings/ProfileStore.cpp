#include "ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>
#include <qt6keychain/keychain.h>

namespace {
const QString kService = QStringLiteral("tanvrit-compute-console");

QString secretKey(const QString &profile)
{
    return QStringLiteral("profile/") + profile;
}


void writeAll(const QList<Profile> &all)
{
    QSettings s;
    s.remove(QStringLiteral("profiles"));
    s.beginWriteArray(QStringLiteral("profiles"), int(all.size()));
    for (int i = 0; i < all.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("name"), all[i].name);
        s.setValue(QStringLiteral("url"), all[i].url);
        s.setValue(QStringLiteral("auth"),
            all[i].auth == Profile::Auth::Password ? QStringLiteral("password") : QStringLiteral("apiKey"));
        s.setValue(QStringLiteral("email"), all[i].email);
        s.setValue(QStringLiteral("caFile"), all[i].caFile);
        s.setValue(QStringLiteral("workspace"), all[i].workspace);
    }
    s.endArray();
}
}

ProfileStore::ProfileStore(QObject *parent)
    : QObject(parent)
{
}

QList<Profile> ProfileStore::profiles() const
{
    Profile embedded;
    embedded.name = QString::fromLatin1(kEmbeddedName);
    embedded.kind = Profile::Kind::Embedded;
    QList<Profile> out {embedded};
    QSettings s;
    const int n = s.beginReadArray(QStringLiteral("profiles"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        Profile p;
        p.name = s.value(QStringLiteral("name")).toString();
        p.url = s.value(QStringLiteral("url")).toString();
        p.auth = s.value(QStringLiteral("auth")).toString() == QLatin1String("password") ? Profile::Auth::Password
                                                                                          : Profile::Auth::ApiKey;
        p.email = s.value(QStringLiteral("email")).toString();
        p.caFile = s.value(QStringLiteral("caFile")).toString();
        p.workspace = s.value(QStringLiteral("workspace")).toString();
        if (!p.name.isEmpty() && p.name != embedded.name)
            out << p;
    }
    s.endArray();
    return out;
}

Profile ProfileStore::profile(const QString &name) const
{
    for (const Profile &p : profiles())
        if (p.name == name)
            return p;
    return {};
}

bool ProfileStore::contains(const QString &name) const
{
    return !profile(name).name.isEmpty();
}

bool ProfileStore::save(const Profile &profile, QString *why)
{
    if (profile.isEmbedded())
        return true;
    const QString name = profile.name.trimmed();
    if (name.isEmpty() || name.size() > 64 || name == QLatin1String(kEmbeddedName)) {
        *why = tr("A profile needs a name of 1 to 64 characters other than \"%1\".").arg(QLatin1String(kEmbeddedName));
        return false;
    }
    const QUrl url(profile.url.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty()) {
        *why = tr("The server URL must look like https://compute.example.com or http://127.0.0.1:8080.");
        return false;
    }
    if (profile.auth == Profile::Auth::Password && !profile.email.contains(QLatin1Char('@'))) {
        *why = tr("A sign-in profile needs the email address to sign in with.");
        return false;
    }
    if (!profile.caFile.isEmpty() && !QFile::exists(profile.caFile)) {
        *why = tr("The CA file %1 does not exist.").arg(profile.caFile);
        return false;
    }
    QList<Profile> all = profiles();
    all.removeFirst();
    Profile clean = profile;
    clean.name = name;
    clean.url = url.toString(QUrl::StripTrailingSlash);
    bool replaced = false;
    for (Profile &p : all)
        if (p.name == name) {
            p = clean;
            replaced = true;
        }
    if (!replaced)
        all << clean;
    writeAll(all);
    emit changed();
    return true;
}

void ProfileStore::remove(const QString &name)
{
    if (name == QLatin1String(kEmbeddedName))
        return;
    QList<Profile> all = profiles();
    all.removeFirst();
    all.removeIf([&](const Profile &p) { return p.name == name; });
    writeAll(all);
    deleteSecret(name);
    if (activeName() == name)
        setActiveName(QString::fromLatin1(kEmbeddedName));
    emit changed();
}

QString ProfileStore::activeName() const
{
    const QString name = QSettings().value(QStringLiteral("activeProfile")).toString();
    return contains(name) ? name : QString::fromLatin1(kEmbeddedName);
}

void ProfileStore::setActiveName(const QString &name)
{
    QSettings().setValue(QStringLiteral("activeProfile"), name);
}

bool ProfileStore::keychainDisabled() const
{
    return qEnvironmentVariableIntValue("TANVRIT_CONSOLE_NO_KEYCHAIN") == 1;
}

QString ProfileStore::fallbackFile() const
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/secrets.json");
}

QString ProfileStore::fallbackWarning() const
{
    return tr("No OS keychain is available: secrets are kept in %1, readable by your user only.")
        .arg(QDir::toNativeSeparators(fallbackFile()));
}

QString ProfileStore::readFallback(const QString &profile) const
{
    QFile f(fallbackFile());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.read(1 << 20)).object().value(profile).toString();
}

bool ProfileStore::writeFallback(const QString &profile, const QString *secret)
{
    QJsonObject all;
    {
        QFile f(fallbackFile());
        if (f.open(QIODevice::ReadOnly))
            all = QJsonDocument::fromJson(f.read(1 << 20)).object();
    }
    if (secret)
        all.insert(profile, *secret);
    else if (!all.contains(profile))
        return true;
    else
        all.remove(profile);
    QDir().mkpath(QFileInfo(fallbackFile()).absolutePath());
    QSaveFile out(fallbackFile());
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    out.write(QJsonDocument(all).toJson(QJsonDocument::Compact));
    return out.commit();
}

void ProfileStore::readSecret(const QString &profile, std::function<void(QString, QString)> done)
{
    auto fallback = [this, profile, done] {
        m_warning = fallbackWarning();
        emit warning(m_warning);
        done(readFallback(profile), m_warning);
    };
    if (keychainDisabled())
        return fallback();
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setKey(secretKey(profile));
    connect(job, &QKeychain::Job::finished, this, [job, done, fallback](QKeychain::Job *) {
        if (job->error() == QKeychain::NoError)
            return done(job->textData(), QString());
        if (job->error() == QKeychain::EntryNotFound)
            return done(QString(), QString());
        fallback();
    });
    job->start();
}

void ProfileStore::writeSecret(const QString &profile, const QString &secret, std::function<void(QString)> done)
{
    auto fallback = [this, profile, secret, done] {
        m_warning = fallbackWarning();
        if (!writeFallback(profile, &secret))
            m_warning = tr("The secret could not be saved in %1.").arg(fallbackFile());
        emit warning(m_warning);
        if (done)
            done(m_warning);
    };
    if (keychainDisabled())
        return fallback();
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setKey(secretKey(profile));
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this, [this, job, done, fallback, profile](QKeychain::Job *) {
        if (job->error() != QKeychain::NoError)
            return fallback();
        writeFallback(profile, nullptr); // now in the keychain: none left in the file
        if (done)
            done(QString());
    });
    job->start();
}

void ProfileStore::deleteSecret(const QString &profile)
{
    writeFallback(profile, nullptr);
    if (keychainDisabled())
        return;
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setKey(secretKey(profile));
    job->start();
}
