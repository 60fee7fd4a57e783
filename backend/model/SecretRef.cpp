// Names are checked by regular expressions compiled once.
#include "SecretRef.h"

#include <QRegularExpression>

bool SecretRefs::isVaultName(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    return re.match(s).hasMatch();
}

bool SecretRefs::isSecretName(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,127}$"));
    return re.match(s).hasMatch();
}

bool SecretRefs::isVaultRef(const QString &entry)
{
    return entry.contains(QLatin1Char('/'));
}

std::optional<SecretRef> SecretRefs::parse(const QString &entry)
{
    const qsizetype slash = entry.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return std::nullopt;
    SecretRef r;
    r.vault = entry.left(slash);
    QString rest = entry.mid(slash + 1);
    const qsizetype eq = rest.indexOf(QLatin1Char('='));
    r.name = eq < 0 ? rest : rest.left(eq);
    r.envName = eq < 0 ? r.name : rest.mid(eq + 1);
    if (!isVaultName(r.vault) || !isSecretName(r.name) || !isSecretName(r.envName))
        return std::nullopt;
    return r;
}

QList<SecretRef> SecretRefs::vaultRefs(const QStringList &secrets)
{
    QList<SecretRef> out;
    for (const QString &s : secrets)
        if (const auto r = parse(s))
            out.append(*r);
    return out;
}
