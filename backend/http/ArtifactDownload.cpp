// The socket's write buffer is kept under kHighWater; bytesWritten brings the next piece.
#include "ArtifactDownload.h"

#include <QTcpSocket>

namespace {
constexpr qint64 kPiece = 256 * 1024;
constexpr qint64 kHighWater = 1024 * 1024;
}

ArtifactDownload::ArtifactDownload(QTcpSocket *socket, qint64 length)
    : QObject(socket)
    , m_socket(socket)
    , m_left(length)
{
}

void ArtifactDownload::start(QTcpSocket *socket, const QString &path, qint64 offset, qint64 length)
{
    auto *d = new ArtifactDownload(socket, length);
    d->m_file.setFileName(path);
    if (!d->m_file.open(QIODevice::ReadOnly) || !d->m_file.seek(offset)) {
        socket->abort(); // the headers promised bytes that cannot come: the client sees a short body
        return;
    }
    connect(socket, &QTcpSocket::bytesWritten, d, &ArtifactDownload::pump);
    d->pump();
}

void ArtifactDownload::pump()
{
    if (!m_socket)
        return;
    while (m_left > 0 && m_socket->bytesToWrite() < kHighWater) {
        const QByteArray piece = m_file.read(std::min(kPiece, m_left));
        if (piece.isEmpty()) {
            m_socket->abort(); // the file shrank under us
            return;
        }
        m_left -= piece.size();
        m_socket->write(piece);
    }
    if (m_left == 0) {
        disconnect(m_socket, &QTcpSocket::bytesWritten, this, &ArtifactDownload::pump);
        m_file.close();
        m_socket->disconnectFromHost(); // after what is buffered has gone
    }
}
