// Connection profiles: the embedded control plane, or a remote URL with an API key or an email/password
// sign-in and a CA file. Profiles live in QSettings; their secrets (API key, refresh token) in the OS
// keychain through qtkeychain, or, where no keychain answers, in a 0600 file with a warning.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

struct Profile
{
    enum class Kind { Embedded, Remote };
    enum class Auth { ApiKey, Password };
    QString name;
    Kind kind = Kind::Remote;
    QString url;
    Auth auth = Auth::ApiKey;
    QString email;
    QString caFile;
    QString workspace;
    bool isEmbedded() const { return kind == Kind::Embedded; }
};

class ProfileStore : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kEmbeddedName = "Embedded";

    explicit ProfileStore(QObject *parent = nullptr);

    QList<Profile> profiles() const; // the embedded one first
    Profile profile(const QString &name) const;
    bool contains(const QString &name) const;
    // Adds or replaces by name; false (with *why) for a bad name or URL.
    bool save(const Profile &profile, QString *why);
    void remove(const QString &name);
    QString activeName() const;
    void setActiveName(const QString &name);

    // Secrets are read and written asynchronously (a keychain may ask the user). `warning` is non-empty
    // when the fallback file was used.
    void readSecret(const QString &profile, std::function<void(QString secret, QString warning)> done);
    void writeSecret(const QString &profile, const QString &secret, std::function<void(QString warning)> done = {});
    void deleteSecret(const QString &profile);
    QString fallbackFile() const;
    QString lastWarning() const { return m_warning; }

signals:
    void changed();
    void warning(const QString &text);

private:
    bool keychainDisabled() const;
    QString readFallback(const QString &profile) const;
    bool writeFallback(const QString &profile, const QString *secret); // null: delete
    QString fallbackWarning() const;

    QString m_warning;
};
