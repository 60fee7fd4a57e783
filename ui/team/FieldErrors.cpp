// The message is kept in the "fieldError" property too, so tests (and accessibility tools) can read it.
#include "FieldErrors.h"
#include "ClientError.h"

#include <QWidget>

bool FieldErrors::show(const ClientError &error, const QHash<QString, QWidget *> &widgets)
{
    const QJsonObject fields = error.detail.value(QStringLiteral("fields")).toObject();
    bool any = false;
    for (auto it = widgets.begin(); it != widgets.end(); ++it) {
        const QString message = fields.value(it.key()).toString();
        it.value()->setProperty("fieldError", message);
        it.value()->setToolTip(message);
        it.value()->setStyleSheet(message.isEmpty() ? QString() : QStringLiteral("border: 1px solid #c0392b;"));
        any = any || !message.isEmpty();
    }
    return any;
}

void FieldErrors::clear(const QHash<QString, QWidget *> &widgets)
{
    show(ClientError {}, widgets);
}
