// Part 2 (secret vaults): what the client reads back about vaults and secrets (never a value).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

struct SecretVaultView
{
    QString id;
    QString name;
    QString description;
    qint64 version = 0;
    int secretCount = 0;
    QString updatedAt;
    QJsonObject json;
    static SecretVaultView fromJson(const QJsonObject &o);
};

struct SecretVaultList
{
    QList<SecretVaultView> vaults;
    QJsonObject json;
};

struct SecretView
{
    QString name;
    qint64 version = 0;
    QString createdAt;
    QString updatedAt;
    QJsonObject json;
    static SecretView fromJson(const QJsonObject &o);
};

struct SecretList
{
    QString vaultId;
    QList<SecretView> secrets;
    QJsonObject json;
};
