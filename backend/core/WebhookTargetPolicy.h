// Where webhooks may deliver (part 3): http/https only, and never to link-local or cloud metadata
// addresses unless `serve --webhook-allow` names the host or a network containing the address.
#pragma once

#include "ApiError.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>
#include <QUrl>

class WebhookTargetPolicy
{
public:
    // Entries are CIDRs ("169.254.0.0/16", "fd00::/8"), addresses, or host names. False with a reason
    // for an entry that is none of these.
    bool setAllowList(const QStringList &entries, QString *error);

    // At create/update: scheme, shape, and the host when it is a literal address or a known metadata name.
    Status checkUrl(const QString &url) const;
    // At delivery, after DNS: every address the host resolved to. Empty when allowed, else why not.
    QString refusal(const QString &host, const QList<QHostAddress> &addresses) const;
    QString refusal(const QString &host, const QHostAddress &address) const;

    static constexpr qsizetype kMaxUrlLength = 2048;

private:
    bool hostAllowed(const QString &host) const;
    bool addressAllowed(const QHostAddress &a) const;

    QList<QPair<QHostAddress, int>> m_allowedNets;
    QStringList m_allowedHosts;
};
