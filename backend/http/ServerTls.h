// Reads `serve --tls-cert/--tls-key` into the TLS configuration the listening socket serves with;
// every way the files can be wrong is an error naming the file, found before the server starts.
#pragma once

#include <QSslConfiguration>
#include <QString>

namespace ServerTls {
// certFile: PEM, the server's certificate first, then any intermediates; keyFile: its PEM private key
// (RSA or EC, not encrypted). False with *error set when either cannot be used.
bool load(const QString &certFile, const QString &keyFile, QSslConfiguration *out, QString *error);
} // namespace ServerTls
