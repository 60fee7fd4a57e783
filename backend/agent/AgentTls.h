// How the agent trusts the control plane's certificate: the system CAs plus any private CA given with
// `agent --ca`, or, for the agent inside `serve --with-agent`, exactly the server's own certificate.
// Used for the HTTP calls and the push channel alike; a certificate that does not verify is refused.
#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>

class QNetworkRequest;
class QWebSocket;

class AgentTls
{
public:
    AgentTls() = default;
    AgentTls(const QList<QSslCertificate> &extraCas, const QSslCertificate &pinned);

    void apply(QNetworkRequest &request) const;
    void apply(QWebSocket *socket) const;
    // The errors may be ignored: the server presented the pinned certificate itself.
    bool isPinned(const QSslCertificate &peer) const { return !m_pinned.isNull() && peer == m_pinned; }

    // "the certificate is self-signed; …" for the log, with a hint at --ca.
    static QString describe(const QList<QSslError> &errors);
    // Reads PEM certificates (one or more) from path; false with *error naming the file.
    static bool loadCaFile(const QString &path, QList<QSslCertificate> *out, QString *error);

private:
    bool m_custom = false; // else Qt's default configuration (system CAs) is left alone
    QSslConfiguration m_config;
    QSslCertificate m_pinned;
};
