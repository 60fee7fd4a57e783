// See AgentTls.h. Adding CAs to a configuration turns off Qt's loading of the system store on demand,
// so a private CA is added to the system CAs rather than replacing them.
#include "AgentTls.h"

#include <QFile>
#include <QNetworkRequest>
#include <QWebSocket>

AgentTls::AgentTls(const QList<QSslCertificate> &extraCas, const QSslCertificate &pinned)
    : m_pinned(pinned)
{
    if (extraCas.isEmpty())
        return;
    m_custom = true;
    m_config = QSslConfiguration::defaultConfiguration();
    m_config.setCaCertificates(QSslConfiguration::systemCaCertificates() + extraCas);
}

void AgentTls::apply(QNetworkRequest &request) const
{
    if (m_custom)
        request.setSslConfiguration(m_config);
}

void AgentTls::apply(QWebSocket *socket) const
{
    if (m_custom)
        socket->setSslConfiguration(m_config);
}

QString AgentTls::describe(const QList<QSslError> &errors)
{
    QStringList parts;
    for (const QSslError &e : errors)
        parts << e.errorString();
    parts.removeDuplicates();
    return QStringLiteral("the control plane's TLS certificate does not verify (%1); if it is signed by a private "
                          "CA, give that CA with --ca FILE")
        .arg(parts.join(QStringLiteral("; ")));
}

bool AgentTls::loadCaFile(const QString &path, QList<QSslCertificate> *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the CA file %1: %2").arg(path, f.errorString());
        return false;
    }
    const QList<QSslCertificate> certs = QSslCertificate::fromData(f.read(4 << 20), QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull()) {
        *error = QStringLiteral("the CA file %1 holds no PEM certificate").arg(path);
        return false;
    }
    *out += certs;
    return true;
}
