// Runs Prism's validating proxy (`prism proxy docs/openapi.yaml <upstream> --errors`) in front of a test server,
// so every request and answer of a suite is checked against the API document.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

class QProcess;

class PrismProxy
{
public:
    PrismProxy();
    ~PrismProxy(); // stops it
    PrismProxy(const PrismProxy &) = delete;
    PrismProxy &operator=(const PrismProxy &) = delete;

    // env TANVRIT_PRISM, else <build>/npm-tools/node_modules/.bin/prism (scripts/npm-tools.sh); empty if missing
    static QString executable();
    // Starts `prism proxy docs/openapi.yaml <upstream> --errors --port <free port> --host 127.0.0.1` and waits
    // until it answers; false with a reason if prism is missing or does not come up in 60 s.
    bool start(const QUrl &upstream, QString *error);
    QUrl url() const; // http://127.0.0.1:<port>
    QByteArray output() const; // what prism printed (its violation reports)
    QStringList violations() const; // the lines of output() that report a request/response violation
    void stop();

private:
    std::unique_ptr<QProcess> m_proc;
    mutable QByteArray m_output;
    quint16 m_port = 0;
};
