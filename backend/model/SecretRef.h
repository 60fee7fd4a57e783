// Part 2 (secret vaults): the names of vaults and secrets, and a job's reference to one,
// "vault/NAME" or "vault/NAME=ENVVAR" (the variable is NAME unless given).
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

struct SecretRef
{
    QString vault;
    QString name;
    QString envName;
};

namespace SecretRefs {
constexpr int kMaxPerJob = 32;
bool isVaultName(const QString &s); // 1-64 of [A-Za-z0-9_.-], starting with a letter or digit
bool isSecretName(const QString &s); // an environment variable name: [A-Za-z_][A-Za-z0-9_]{0,127}
bool isVaultRef(const QString &entry); // has a '/': the entry names a vault's secret
std::optional<SecretRef> parse(const QString &entry);
QList<SecretRef> vaultRefs(const QStringList &secrets); // the well-formed vault references among a job's secrets
}
