// Artifacts (Part 1): writes a byte range of a file to a socket a piece at a time, topping up only as the
// socket drains, so a download of any size holds about a megabyte in memory. Closes the connection at the end.
#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>

class QTcpSocket;

class ArtifactDownload : public QObject
{
    Q_OBJECT
public:
    // Takes over `socket` (whose headers are written); becomes its child.
    static void start(QTcpSocket *socket, const QString &path, qint64 offset, qint64 length);

private:
    ArtifactDownload(QTcpSocket *socket, qint64 length);
    void pump();

    QPointer<QTcpSocket> m_socket;
    QFile m_file;
    qint64 m_left = 0;
};
