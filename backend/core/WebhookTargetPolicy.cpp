// The refused ranges: IPv4 and IPv6 link-local (which hold 169.254.169.254, the metadata address of most
// clouds), AWS's IPv6 metadata address, and the metadata host names. IPv4-mapped IPv6 counts as IPv4.
#include "WebhookTargetPolicy.h"

namespace {
const QStringList kMetadataHosts {QStringLiteral("metadata.google.internal"), QStringLiteral("metadata"),
    QStringLiteral("instance-data"), QStringLiteral("instance-data.ec2.internal")};

QHostAddress normalized(const QHostAddress &a)
{
    bool ok = false;
    const quint32 v4 = a.toIPv4Address(&ok); // ::ffff:a.b.c.d -> a.b.c.d
    return ok ? QHostAddress(v4) : a;
}

QString refusedRange(const QHostAddress &raw)
{
    const QHostAddress a = normalized(raw);
    if (a.isInSubnet(QHostAddress(QStringLiteral("169.254.0.0")), 16))
        return a == QHostAddress(QStringLiteral("169.254.169.254")) ? QStringLiteral("a cloud metadata address")
                                                                    : QStringLiteral("a link-local address");
    if (a.isInSubnet(QHostAddress(QStringLiteral("fe80::")), 10))
        return QStringLiteral("a link-local address");
    if (a == QHostAddress(QStringLiteral("fd00:ec2::254")))
        return QStringLiteral("a cloud metadata address");
    return {};
}
}

bool WebhookTargetPolicy::setAllowList(const QStringList &entries, QString *error)
{
    m_allowedNets.clear();
    m_allowedHosts.clear();
    for (const QString &raw : entries) {
        const QString e = raw.trimmed();
        if (e.isEmpty() || e.size() > 253) {
            *error = QStringLiteral("--webhook-allow needs a CIDR, an address or a host name");
            return false;
        }
        if (e.contains(QLatin1Char('/'))) {
            const auto net = QHostAddress::parseSubnet(e);
            if (net.first.isNull()) {
                *error = QStringLiteral("--webhook-allow: '%1' is not a CIDR").arg(e);
                return false;
            }
            m_allowedNets << net;
            continue;
        }
        const QHostAddress a(e);
        if (!a.isNull()) {
            m_allowedNets << qMakePair(a, a.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
            continue;
        }
        for (const QChar c : e) {
            if (!(c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('-'))) {
                *error = QStringLiteral("--webhook-allow: '%1' is not a host name").arg(e);
                return false;
            }
        }
        m_allowedHosts << e.toLower();
    }
    return true;
}

bool WebhookTargetPolicy::hostAllowed(const QString &host) const
{
    return m_allowedHosts.contains(host.toLower());
}

bool WebhookTargetPolicy::addressAllowed(const QHostAddress &raw) const
{
    const QHostAddress a = normalized(raw);
    for (const auto &net : m_allowedNets)
        if (a.isInSubnet(net.first, net.second) || raw.isInSubnet(net.first, net.second))
            return true;
    return false;
}

Status WebhookTargetPolicy::checkUrl(const QString &text) const
{
    auto bad = [](const QString &why) { return ApiError::validation({{QStringLiteral("url"), why}}); };
    if (text.isEmpty())
        return bad(QStringLiteral("required"));
    if (text.size() > kMaxUrlLength)
        return bad(QStringLiteral("at most %1 characters").arg(kMaxUrlLength));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return bad(QStringLiteral("not an absolute URL"));
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return bad(QStringLiteral("only http and https URLs"));
    if (!url.userInfo().isEmpty())
        return bad(QStringLiteral("credentials in the URL are not allowed"));
    if (url.hasFragment())
        return bad(QStringLiteral("a URL fragment is not allowed"));
    const QString host = url.host();
    const QHostAddress literal(host);
    const QString why = literal.isNull() ? refusal(host, QList<QHostAddress>()) : refusal(host, literal);
    if (!why.isEmpty())
        return bad(why);
    return Ok {};
}

QString WebhookTargetPolicy::refusal(const QString &host, const QHostAddress &address) const
{
    return refusal(host, QList<QHostAddress> {address});
}

QString WebhookTargetPolicy::refusal(const QString &host, const QList<QHostAddress> &addresses) const
{
    if (hostAllowed(host))
        return {};
    QString h = host.toLower();
    if (h.endsWith(QLatin1Char('.')))
        h.chop(1);
    if (kMetadataHosts.contains(h))
        return QStringLiteral("%1 is a cloud metadata host (serve --webhook-allow permits it)").arg(host);
    for (const QHostAddress &a : addresses) {
        const QString range = refusedRange(a);
        if (!range.isEmpty() && !addressAllowed(a))
            return QStringLiteral("%1 is %2 (serve --webhook-allow permits it)").arg(a.toString(), range);
    }
    return {};
}
